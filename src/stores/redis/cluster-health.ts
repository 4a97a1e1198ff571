// Readiness of a Redis Cluster: every master answers and reports cluster_state:ok with all 16384 slots covered.
import type { Cluster, Redis } from 'ioredis';

export const CLUSTER_SLOTS = 16384;

/** A cluster that cannot serve every key; the message is safe to show on /readyz (no hosts, no internal error text). */
export class ClusterNotReadyError extends Error {
  readonly code = 'CLUSTER_NOT_READY';
  /** /readyz shows this instead of the code (see shortReason in src/routes/health.ts). */
  readonly publicReason: string;
  constructor(message: string) {
    super(message);
    this.name = 'ClusterNotReadyError';
    this.publicReason = message;
  }
}

/** `CLUSTER INFO` text as key/value pairs. */
export function parseClusterInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

async function infoOf(node: Redis, timeoutMs: number): Promise<Record<string, string> | null> {
  if (node.status === 'end' || node.status === 'close' || node.status === 'reconnecting') return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
    timer.unref();
  });
  try {
    const answer = node.cluster('INFO') as Promise<string>;
    return await Promise.race([answer.then(parseClusterInfo, () => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks every master the client knows for `CLUSTER INFO` (in parallel, each for at most `timeoutMs`).
 * Ready means: every master answers, none reports cluster_state other than ok or a slot in (P)FAIL,
 * and this client reaches as many masters as the cluster says serve slots (cluster_size).
 * @returns a short description of the healthy state, e.g. "all 16384 slots covered, 3 masters"
 * @throws ClusterNotReadyError when the client is not connected, a master does not answer, or a master
 *   reports cluster_state other than ok or fewer than 16384 slots covered
 */
export async function checkClusterHealth(cluster: Cluster, timeoutMs = 800): Promise<string> {
  if (cluster.status !== 'ready') throw new ClusterNotReadyError('Redis Cluster not connected');
  const masters = cluster.nodes('master');
  if (masters.length === 0) throw new ClusterNotReadyError('no Redis Cluster master known');
  const infos = await Promise.all(masters.map((node) => infoOf(node, timeoutMs)));
  const answered = infos.filter((info): info is Record<string, string> => info !== null);
  if (answered.length === 0) throw new ClusterNotReadyError('no Redis Cluster master reachable');
  const worst = answered.reduce((a, b) => (Number(b.cluster_slots_ok ?? 0) < Number(a.cluster_slots_ok ?? 0) || b.cluster_state !== 'ok' ? b : a));
  const covered = Number(worst.cluster_slots_ok ?? 0);
  if (worst.cluster_state !== 'ok' || covered < CLUSTER_SLOTS) {
    // cluster_slots_ok leaves out slots whose master is suspected (PFAIL) or failed (FAIL).
    throw new ClusterNotReadyError(`${covered} of ${CLUSTER_SLOTS} slots covered (cluster_state ${worst.cluster_state ?? 'unknown'})`);
  }
  // The cluster's own count of masters serving slots: a master that stopped a moment ago is still counted
  // (and its slots still look covered) until the others have failed it, but this client no longer reaches it.
  const size = Math.max(infos.length, ...answered.map((info) => Number(info.cluster_size ?? 0)));
  if (answered.length < size) {
    cluster.refreshSlotsCache(); // a promoted replica is then found without waiting for the periodic refresh
    throw new ClusterNotReadyError(`${size - answered.length} of ${size} masters unreachable`);
  }
  return `all ${CLUSTER_SLOTS} slots covered, ${size} masters`;
}
