// Helpers for tests that send many requests at once: the store variants, and waiting for requests to reach the server.
import type { Server } from 'node:http';

/** Every concurrency test runs on the real Redis, on the real Redis Cluster (three masters) and on the memory store. */
export const STORES = [
  { name: 'redis', redis: true },
  { name: 'redis cluster', redis: 'cluster' },
  { name: 'memory', redis: false },
] as const;

/** Resolves once `n` more requests have reached `server` (their handlers have started). */
export function requestsArrived(server: Server, n: number, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => {
      server.off('request', onRequest);
      reject(new Error(`only ${seen} of ${n} requests arrived`));
    }, timeoutMs);
    const onRequest = () => {
      if (++seen < n) return;
      clearTimeout(timer);
      server.off('request', onRequest);
      resolve();
    };
    server.on('request', onRequest);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts the values: { a: 3, b: 1 }. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
