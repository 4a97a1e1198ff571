// The metrics scrape shows at 0 only series something counts: a series that can never move would read as "none happened".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../../src/shared/metrics.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
/** The literal outcomes the source passes to `metrics.<method>(…)`. */
function countedInSource(method: string): string[] {
  const found = new Set<string>();
  for (const name of readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(SRC, name), 'utf8').matchAll(new RegExp(`\\.${method}\\('([a-z_]+)'\\)`, 'g'))) found.add(m[1]!);
  }
  return [...found].sort();
}

const series = async (name: string) => {
  const text = await createMetrics({ defaultMetrics: false }).registry.metrics();
  return [...text.matchAll(new RegExp(`^${name}\\{outcome="([a-z_]+)"\\} 0$`, 'gm'))].map((m) => m[1]).sort();
};

describe('outcome series shown from the start', () => {
  it('approvals_total: the answers and refusals the approval service counts, not "expired" (running out is no event)', async () => {
    expect(await series('approvals_total')).toEqual(['approved', 'cancelled', 'created', 'denied', 'not_me', 'refused']);
  });

  it('logins_total: exactly the outcomes the login routes count', async () => {
    expect(countedInSource('loginOutcome')).toContain('success');
    expect(await series('logins_total')).toEqual(countedInSource('loginOutcome'));
  });

  it('counts an approval outcome once per call', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.approvalOutcome('cancelled');
    expect(await metrics.registry.metrics()).toContain('approvals_total{outcome="cancelled"} 1');
  });
});
