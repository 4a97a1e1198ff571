// Graceful shutdown of an HTTP server: stop accepting, answer every request already accepted, close idle
// keep-alive connections, and give up (destroying what is left) only after a bounded drain timeout.
import { Server as NetServer, type Socket } from 'node:net';
import type { Server } from 'node:http';

interface Tracked {
  connectedAt: number;
  /** Requests on this connection whose response has not closed yet. */
  active: number;
  /** Responses completed on this connection (0 = the client has not sent a request yet). */
  served: number;
}

export interface DrainResult {
  /** Connections destroyed because the drain timeout ran out (their requests got no answer). */
  forced: number;
  durationMs: number;
}

export interface ConnectionDrain {
  /** Open connections now (for logs and tests). */
  readonly open: number;
  /**
   * Stops accepting connections and waits until every accepted request is answered (responses then carry
   * `Connection: close`). Connections the kernel has already accepted (the listen backlog) are taken in first: the
   * listener closes once no request is in progress and no new connection arrived for `acceptQuietMs` (at most
   * `maxAcceptMs`). Idle keep-alive
   * connections are closed at once; a connection that has not sent its first request within `freshGraceMs` is closed
   * too. After `timeoutMs` whatever is left is destroyed.
   */
  drain(opts: { timeoutMs: number; freshGraceMs?: number; acceptQuietMs?: number; maxAcceptMs?: number }): Promise<DrainResult>;
}

const POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const afterPoll = () => new Promise((resolve) => setImmediate(resolve));

/** Tracks `server`'s connections from now on; call before it accepts any. */
export function trackConnections(server: Server, now: () => number = Date.now): ConnectionDrain {
  const sockets = new Map<Socket, Tracked>();
  let draining = false;
  let lastConnectionAt = 0;

  server.on('connection', (socket: Socket) => {
    lastConnectionAt = now();
    sockets.set(socket, { connectedAt: now(), active: 0, served: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const tracked = sockets.get(req.socket);
    if (!tracked) return;
    tracked.active += 1;
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => {
      tracked.active -= 1;
      tracked.served += 1;
    });
  });

  /** Ends (FIN after whatever is still buffered, never a reset) connections without a request in progress. */
  function closeIdle(freshGraceMs: number): void {
    for (const [socket, t] of sockets) {
      if (t.active > 0 || socket.writableEnded) continue;
      if (t.served > 0 || now() - t.connectedAt >= freshGraceMs) socket.end();
    }
  }

  return {
    get open() {
      return sockets.size;
    },
    async drain({ timeoutMs, freshGraceMs = 1000, acceptQuietMs = 100, maxAcceptMs = 5000 }) {
      const started = now();
      draining = true;
      closeIdle(freshGraceMs);
      // Closing the listener resets whatever still waits in its backlog, although the kernel completed those
      // handshakes and the clients sent their requests. On a busy machine the backlog empties slowly, so the
      // listener stays open while requests are still in progress and until no connection arrived for
      // acceptQuietMs, at most maxAcceptMs (the load balancer has stopped sending by then: /readyz says draining).
      // Each check waits for the check phase (setImmediate): a timer can fire before its loop turn's I/O poll.
      const acceptUntil = started + Math.min(maxAcceptMs, timeoutMs);
      const busy = () => [...sockets.values()].some((t) => t.active > 0);
      await sleep(acceptQuietMs);
      await afterPoll();
      while ((busy() || now() - lastConnectionAt < acceptQuietMs) && now() < acceptUntil) {
        closeIdle(freshGraceMs);
        await sleep(POLL_MS);
        await afterPoll();
      }
      // net.Server#close stops listening; http.Server#close would also destroy connections whose first request is
      // still on its way (Node ≥ 19 closes "idle" connections at once), i.e. requests the kernel already accepted.
      NetServer.prototype.close.call(server);
      while (sockets.size > 0 && now() - started < timeoutMs) {
        closeIdle(freshGraceMs);
        if (sockets.size === 0) break;
        await sleep(POLL_MS);
      }
      const forced = sockets.size;
      for (const socket of sockets.keys()) socket.destroy();
      return { forced, durationMs: now() - started };
    },
  };
}
