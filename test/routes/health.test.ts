// Liveness, readiness (failing, hanging and draining dependencies) and the metrics scrape, through a tiny Koa app.
import { describe, expect, it } from '@jest/globals';
import Router from '@koa/router';
import Koa from 'koa';
import request from 'supertest';
import { httpMetrics, normaliseRoute } from '../../src/middleware/koa-metrics.js';
import { requestLog } from '../../src/middleware/koa-request-log.js';
import { healthRoutes, Readiness, type HealthCheck } from '../../src/routes/health.js';
import { createLogger } from '../../src/shared/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';

function buildApp(opts: { checks?: Record<string, HealthCheck>; timeoutMs?: number } = {}) {
  const metrics = createMetrics();
  const readiness = new Readiness();
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const app = new Koa();
  app.use(requestLog(logger));
  app.use(httpMetrics(metrics));
  const health = healthRoutes({ checks: opts.checks ?? { redis: async () => {} }, metrics, readiness, timeoutMs: opts.timeoutMs ?? 1000 });
  app.use(health.routes());
  const demo = new Router();
  demo.get('/interaction/:uid/login', (ctx) => {
    ctx.body = { uid: ctx.params.uid };
  });
  app.use(demo.routes());
  const server = app.callback();
  const logLines = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { server, metrics, readiness, logLines };
}

describe('health routes', () => {
  it('GET /healthz answers 200 ok', async () => {
    const { server } = buildApp({ checks: { redis: () => Promise.reject(new Error('down')) } });
    const res = await request(server).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when every check passes', async () => {
    const { server } = buildApp({ checks: { redis: async () => {}, mongo: async () => {} } });
    const res = await request(server).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { redis: 'ok', mongo: 'ok' } });
  });

  it('GET /readyz answers 503 naming the failing check', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6379'), { code: 'ECONNREFUSED' });
    const { server } = buildApp({ checks: { redis: () => Promise.reject(refused), mongo: async () => {} } });
    const res = await request(server).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', failing: ['redis'], checks: { redis: 'failed', mongo: 'ok' } });
    // No internal error text (host names, addresses) in the answer.
    expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.7|ECONNREFUSED|connect/);
  });

  it('GET /readyz shows a check\'s public detail, and a public failure reason instead of its code', async () => {
    const ok = buildApp({ checks: { redis: async () => 'all 16384 slots covered, 3 masters' } });
    expect((await request(ok.server).get('/readyz')).body).toEqual({ status: 'ready', checks: { redis: 'ok: all 16384 slots covered, 3 masters' } });
    const uncovered = Object.assign(new Error('internal detail 10.0.0.7:6379'), { code: 'CLUSTER_NOT_READY', publicReason: '10923 of 16384 slots covered (cluster_state fail)' });
    const failing = buildApp({ checks: { redis: () => Promise.reject(uncovered) } });
    const res = await request(failing.server).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', failing: ['redis'], checks: { redis: 'failed: 10923 of 16384 slots covered (cluster_state fail)' } });
    expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.7|internal detail|CLUSTER_NOT_READY/);
  });

  it('GET /readyz answers 503 when a check hangs past the timeout', async () => {
    const { server } = buildApp({ checks: { redis: async () => {}, mongo: () => new Promise<void>(() => {}) }, timeoutMs: 100 });
    const started = Date.now();
    const res = await request(server).get('/readyz');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
    expect(res.body.checks).toEqual({ redis: 'ok', mongo: 'timeout' });
    expect(res.body.failing).toEqual(['mongo']);
  });

  it('GET /readyz answers 503 draining once shutdown started, while /healthz stays 200', async () => {
    const { server, readiness } = buildApp();
    expect((await request(server).get('/readyz')).status).toBe(200);
    readiness.startDraining();
    const res = await request(server).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'draining' });
    expect((await request(server).get('/healthz')).status).toBe(200);
  });

  it('GET /metrics exposes request durations with route patterns and login outcomes', async () => {
    const { server, metrics } = buildApp();
    await request(server).get('/interaction/Xk2pQ9aZ7bC4dE6fG8hJ1/login?code=secret').expect(200);
    await request(server).get('/wp-login.php').expect(404);
    metrics.loginOutcome('success');
    const res = await request(server).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('http_request_duration_seconds');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/interaction\/:uid\/login",status="200"\} 1/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
    expect(res.text).not.toContain('Xk2pQ9aZ7bC4dE6fG8hJ1');
    expect(res.text).not.toContain('wp-login');
    expect(res.text).toContain('logins_total{outcome="success"} 1');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('keeps each app’s metrics in its own registry', async () => {
    const a = buildApp();
    const b = buildApp();
    a.metrics.loginOutcome('locked');
    expect(await a.metrics.registry.metrics()).toContain('logins_total{outcome="locked"} 1');
    expect(await b.metrics.registry.metrics()).toContain('logins_total{outcome="locked"} 0');
  });
});

describe('request log', () => {
  it('echoes a safe X-Request-Id, replaces an unsafe one, and logs the path without its query', async () => {
    const { server, logLines } = buildApp();
    const kept = await request(server).get('/interaction/abc123def456/login?code=s3cr3t&token=t').set('X-Request-Id', 'lb-4711.a');
    expect(kept.headers['x-request-id']).toBe('lb-4711.a');
    const replaced = await request(server).get('/healthz').set('X-Request-Id', 'evil\tid"{}'.padEnd(70, 'x'));
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logLines();
    expect(lines).toHaveLength(1); // /healthz is logged at debug only
    expect(lines[0]).toMatchObject({ msg: 'request', requestId: 'lb-4711.a', method: 'GET', path: '/interaction/abc123def456/login', status: 200 });
    expect(typeof lines[0]?.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });
});

describe('normaliseRoute', () => {
  it.each([
    ['/interaction/Xk2pQ9aZ7bC4dE6fG8hJ1/login', '/interaction/:id/login'],
    ['/auth/abcdefghijklmnopqrstu', '/auth/:id'],
    ['/.well-known/openid-configuration', '/.well-known/openid-configuration'],
    ['/ident/api/approvals/550e8400-e29b-41d4-a716-446655440000', '/ident/api/approvals/:id'],
    ['/account/42', '/account/:id'],
    ['/a/b/c/d/e/f/g', '/a/b/c/d/e/*'],
    ['/', '/'],
  ])('%s → %s', (path, label) => {
    expect(normaliseRoute(path)).toBe(label);
  });
});
