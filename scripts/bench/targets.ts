// The issue-15 targets as ratios measured in one run, and the rows of the result table that compare against them.
import type { Bound } from './baselines.js';
import type { LoadResult } from './load.js';
import { round } from './load.js';
import type { Row } from './report.js';
import type { LoginLoads, RedisPerLogin } from './scenario-logins.js';
import type { TokenLoads } from './scenario-tokens.js';

/** Targets of issue 15 (docs/benchmarks.md explains each). */
export const TARGETS = {
  /** Scenario 1 logins per CPU second ÷ the bound. */
  rememberedVsBound: 0.9,
  /** Scenario 2 ÷ scenario 1 (per CPU second). */
  approvalVsRemembered: 0.85,
  /** Refresh grant and introspection ÷ the bare provider's (per CPU second). */
  refreshVsBare: 0.95,
  introspectionVsBare: 0.95,
  /** Sequential Redis round trips of a remembered-browser login − the bare provider's. */
  extraTrips: 3,
} as const;

export interface Ratios {
  rememberedVsBound: number;
  approvalVsBound: number;
  approvalVsRemembered: number;
  refreshVsBare: number;
  introspectionVsBare: number;
  extraTrips: number;
}

export function ratios(bound: Bound, logins: LoginLoads, tokens: TokenLoads, trips: { remembered: RedisPerLogin; bare: RedisPerLogin }): Ratios {
  const r = (a: number, b: number) => round(a / b, 3);
  return {
    rememberedVsBound: r(logins.remembered.perCore, bound.perCore),
    approvalVsBound: r(logins.approval.perCore, bound.perCore),
    approvalVsRemembered: r(logins.approval.perCore, logins.remembered.perCore),
    refreshVsBare: r(tokens['refresh.idp'].perCore, tokens['refresh.bare'].perCore),
    introspectionVsBare: r(tokens['introspection.idp'].perCore, tokens['introspection.bare'].perCore),
    extraTrips: round(trips.remembered.trips - trips.bare.trips, 1),
  };
}

const cpuMs = (r: LoadResult) => round(1000 / r.perCore, 2);
const fixed = (n: number) => round(n, 2);

/** Rows for the bound, scenarios 1–3 and the round trips (the rest of the table is added by run.ts). */
export function loginRows(bound: Bound, logins: LoginLoads, tokens: TokenLoads, trips: Record<'remembered' | 'approval' | 'bare', RedisPerLogin>, q: Ratios): Row[] {
  const { remembered: s1, approval: s2, bare } = logins;
  return [
    {
      scenario: 'bound: 1 / (argon2id verify + bare login)',
      figure: `${bound.perCore} logins/s/core (${fixed(bound.argon2CpuMs + bound.bareCpuMs)} ms CPU)`,
      baseline: `argon2id verify ${bound.argon2CpuMs} ms + bare provider login ${bound.bareCpuMs} ms`,
      ratio: null,
      target: '—',
      pass: null,
    },
    {
      scenario: '1 login, remembered browser',
      figure: `${s1.perCore} logins/s/core (${cpuMs(s1)} ms CPU; ${s1.perSecond}/s on ${s1.serverCores} cores; p50 ${s1.p50Ms}, p99 ${s1.p99Ms} ms)`,
      baseline: `bound ${bound.perCore}/core`,
      ratio: fixed(q.rememberedVsBound),
      target: `≥ ${TARGETS.rememberedVsBound} × bound`,
      pass: q.rememberedVsBound >= TARGETS.rememberedVsBound,
    },
    {
      scenario: '2 login, push approval',
      figure: `${s2.perCore} logins/s/core (${cpuMs(s2)} ms CPU; ${s2.perSecond}/s; p50 ${s2.p50Ms}, p99 ${s2.p99Ms} ms)`,
      baseline: `1: ${s1.perCore}/core (bound: ${fixed(q.approvalVsBound)})`,
      ratio: fixed(q.approvalVsRemembered),
      target: `≥ ${TARGETS.approvalVsRemembered} × 1`,
      pass: q.approvalVsRemembered >= TARGETS.approvalVsRemembered,
    },
    {
      scenario: 'B bare provider login',
      figure: `${bare.perCore} logins/s/core (${cpuMs(bare)} ms CPU; p50 ${bare.p50Ms}, p99 ${bare.p99Ms} ms)`,
      baseline: '—',
      ratio: null,
      target: '— (context)',
      pass: null,
    },
    {
      scenario: 'Redis round trips per login (1)',
      figure: `${trips.remembered.trips} sequential trips, ${trips.remembered.commands} commands (2: ${trips.approval.trips} trips, ${trips.approval.commands} commands)`,
      baseline: `bare ${trips.bare.trips} trips, ${trips.bare.commands} commands`,
      ratio: null,
      target: `≤ bare + ${TARGETS.extraTrips}`,
      pass: q.extraTrips <= TARGETS.extraTrips,
    },
    {
      scenario: '3 refresh grant (financeapp)',
      figure: `${tokens['refresh.idp'].perCore} req/s/core (${tokens['refresh.idp'].perSecond}/s)`,
      baseline: `bare ${tokens['refresh.bare'].perCore}/core`,
      ratio: fixed(q.refreshVsBare),
      target: `≥ ${TARGETS.refreshVsBare} × bare`,
      pass: q.refreshVsBare >= TARGETS.refreshVsBare,
    },
    {
      scenario: '3 introspection (financecloud)',
      figure: `${tokens['introspection.idp'].perCore} req/s/core (${tokens['introspection.idp'].perSecond}/s)`,
      baseline: `bare ${tokens['introspection.bare'].perCore}/core`,
      ratio: fixed(q.introspectionVsBare),
      target: `≥ ${TARGETS.introspectionVsBare} × bare`,
      pass: q.introspectionVsBare >= TARGETS.introspectionVsBare,
    },
  ];
}
