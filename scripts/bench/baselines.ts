// Baseline A (one argon2id verification per CPU second at the IdP's parameters), the machine description, device
// enrolment for the bench accounts, and the bound on a login: 1 / (argon2id verify + bare provider login).
import os from 'node:os';
import { execSync } from 'node:child_process';
import { hash, verify } from '@node-rs/argon2';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { BENCH_PASSWORD, type BenchAccount } from './accounts.js';
import { perCoreOf, round } from './load.js';
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

export interface Argon2Ceiling {
  verifications: number;
  seconds: number;
  wallPerSecond: number;
  cores: number;
  /** Verifications per CPU second of this process. */
  perSecond: number;
  /** CPU milliseconds per verification (1000 / perSecond). */
  cpuMsPerVerify: number;
}

/** Baseline A: argon2id verifications of the bench password, one at a time (one thread), for `seconds`. */
export async function argon2Ceiling(params: { memoryCost: number; timeCost: number }, seconds: number): Promise<Argon2Ceiling> {
  const stored = await hash(BENCH_PASSWORD, { ...params, parallelism: 1 });
  await verify(stored, BENCH_PASSWORD);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (n < 20 || performance.now() - t0 < seconds * 1000) {
    if (!(await verify(stored, BENCH_PASSWORD))) throw new Error('argon2 verify failed');
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecondsUsed = (cpu.user + cpu.system) / 1e6;
  // Per core = per CPU second of this process, as for the servers, so waiting for a core does not count against it.
  const perSecond = perCoreOf(n / wall, cpuSecondsUsed / wall, 1);
  return {
    verifications: n,
    seconds: round(wall, 2),
    wallPerSecond: round(n / wall),
    cores: round(cpuSecondsUsed / wall, 2),
    perSecond: round(perSecond),
    cpuMsPerVerify: round(1000 / perSecond, 2),
  };
}

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
