// Baseline A (one argon2id verification per CPU second at the IdP's parameters), the machine description, device
// enrolment for the bench accounts, and the bound on a login: 1 / (argon2id verify + bare provider login).
import os from 'node:os';
import { execSync } from 'node:child_process';
import { hash, verify } from '@node-rs/argon2';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { BENCH_PASSWORD, type BenchAccount } from './accounts.js';
import { perCoreOf, round, type LoadResult } from './load.js';
import type { ServerProcess } from './servers.js';

export function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /Model name:\s*(.+)/.exec(execSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim() ?? model;
  } catch {
    // lscpu missing: keep os.cpus()
  }
  return { nproc: os.cpus().length, model, node: process.version, redis: execSync('redis-server --version', { encoding: 'utf8' }).trim() };
}

/**
 * One load window of baseline A for `alternate` (scripts/bench/load.ts): verifications of `stored` one at a time;
 * `perCore` = verifications per CPU second of this process, `serverCores` = its CPU ÷ wall seconds.
 */
export async function argon2Window(stored: string, seconds: number): Promise<LoadResult> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (n < 5 || performance.now() - t0 < seconds * 1000) {
    if (!(await verify(stored, BENCH_PASSWORD))) throw new Error('argon2 verify failed');
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cores = (cpu.user + cpu.system) / 1e6 / wall;
  return { count: n, errors: 0, wallSeconds: round(wall, 2), perSecond: round(n / wall), serverCores: round(cores, 3), perCore: round(perCoreOf(n / wall, cores, 1)), driverCores: 0, p50Ms: NaN, p99Ms: NaN };
}

/**
 * CPU milliseconds per argon2id verification of `stored` with `atOnce` verifications running at a time, over a window
 * of `ms` (this process; `BENCH_ONLY=argon2`). On a 2-core machine four at once cost each about a quarter more than one
 * at a time (they evict each other from the cache): why the IdP runs at most one per core (ARGON2_CONCURRENCY).
 */
export async function argon2CpuMsAtOnce(stored: string, atOnce: number, ms: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: atOnce }, async () => {
      while (performance.now() - t0 < ms) {
        if (!(await verify(stored, BENCH_PASSWORD))) throw new Error('argon2 verify failed');
        n++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / n;
}

/** The argon2id hash of the bench password that `argon2Window` verifies. */
export const benchHash = (params: { memoryCost: number; timeCost: number }) => hash(BENCH_PASSWORD, { ...params, parallelism: 1 });

export interface Bound {
  argon2CpuMs: number;
  bareCpuMs: number;
  /** Logins per CPU second: 1000 / (argon2CpuMs + bareCpuMs). */
  perCore: number;
}

/** The physical bound of a login: one argon2id verification plus the bare provider's own login, per CPU second. */
export function loginBound(argon2PerCore: number, barePerCore: number): Bound {
  const argon2CpuMs = 1000 / argon2PerCore;
  const bareCpuMs = 1000 / barePerCore;
  return { argon2CpuMs: round(argon2CpuMs, 2), bareCpuMs: round(bareCpuMs, 2), perCore: round(1000 / (argon2CpuMs + bareCpuMs)) };
}

/** Enrols a device for `account` through the device API (activation code read from the dev SMS outbox). */
export async function enrol(idp: ServerProcess, account: BenchAccount): Promise<DeviceKeyState> {
  const device = new DeviceClient(idp.url);
  const started = await device.startEnrolment(account.accessNumber, BENCH_PASSWORD);
  const response = await fetch(`${idp.url}/dev/sms?to=${encodeURIComponent(account.mobile)}`);
  const messages = (await response.json()) as { text: string }[];
  const code = /(\d{6,8})/.exec(messages.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error(`no activation code for ${account.mobile}`);
  return device.completeEnrolment(started.enrolmentId, code, { name: 'Benchphone', platform: 'ios', osVersion: '17.2' });
}
