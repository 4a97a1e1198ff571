// The development SMS inbox: JSON newest first with ISO times, the ?to= filter, and no caching.
import { describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import request from 'supertest';
import { MemorySmsSink } from '../../src/channels/memory-sms-sink.js';
import { devSmsRoutes } from '../../src/routes/dev-sms.js';
import { ManualClock, SECOND } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';

async function buildApp() {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0));
  const sink = new MemorySmsSink(clock, cryptoRandom);
  await sink.send({ to: '+4915111111111', text: 'Code 111111', purpose: 'login', idempotencyKey: 'a' });
  clock.advance(SECOND);
  await sink.send({ to: '+4915222222222', text: 'Code 222222', purpose: 'activation', idempotencyKey: 'b' });
  clock.advance(SECOND);
  await sink.send({ to: '+4915111111111', text: 'Code 333333', purpose: 'password', idempotencyKey: 'c' });
  const app = new Koa();
  app.use(devSmsRoutes(sink).routes());
  return { server: app.callback(), sink };
}

describe('GET /dev/sms', () => {
  it('lists every message newest first as JSON, not cacheable', async () => {
    const { server, sink } = await buildApp();
    const res = await request(server).get('/dev/sms');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual([
      { id: sink.list()[0]?.id, to: '+4915111111111', text: 'Code 333333', purpose: 'password', at: '2026-11-22T09:00:02.000Z' },
      { id: sink.list()[1]?.id, to: '+4915222222222', text: 'Code 222222', purpose: 'activation', at: '2026-11-22T09:00:01.000Z' },
      { id: sink.list()[2]?.id, to: '+4915111111111', text: 'Code 111111', purpose: 'login', at: '2026-11-22T09:00:00.000Z' },
    ]);
    expect(res.body[0]).not.toHaveProperty('idempotencyKey');
  });

  it('filters by recipient, with the + encoded or not', async () => {
    const { server } = await buildApp();
    const encoded = await request(server).get('/dev/sms?to=%2B4915111111111');
    expect(encoded.body.map((m: { text: string }) => m.text)).toEqual(['Code 333333', 'Code 111111']);
    const raw = await request(server).get('/dev/sms?to=+4915222222222');
    expect(raw.body.map((m: { text: string }) => m.text)).toEqual(['Code 222222']);
    const none = await request(server).get('/dev/sms?to=%2B4900000');
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
  });
});
