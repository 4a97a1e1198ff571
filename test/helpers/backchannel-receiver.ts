// A relying party's back-channel logout endpoint for tests: validates each logout token against the IdP's JWKS as BCL 1.0 §2.6 asks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface ReceivedLogout {
  clientId: string;
  /** The validated claims; undefined when validation failed (then `error` says why and the answer was 400). */
  claims?: JWTPayload;
  error?: string;
  /** Header of the JWS (alg, kid, typ). */
  typ?: string;
}

export interface BackchannelReceiver {
  url: string;
  /** Endpoint for one client: POST <url>/<clientId>. */
  endpoint(clientId: string): string;
  received: ReceivedLogout[];
  /** Answer the next `count` deliveries for `clientId` with `status` (e.g. 503) before accepting. */
  failNext(clientId: string, count: number, status?: number): void;
  /** Never answer deliveries for `clientId` (the IdP's timeout must end them). */
  hang(clientId: string): void;
  /** Requests seen per client, including refused and hung ones. */
  attempts(clientId: string): number;
  /** Resolves once `count` tokens for `clientId` were validated (or rejects after `timeoutMs`). */
  waitFor(clientId: string, count: number, timeoutMs?: number): Promise<ReceivedLogout[]>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** `issuer` and `jwksUri` come from the IdP's discovery; `audience` of a token must be the client id in the path. */
export async function startBackchannelReceiver(opts: { issuer: () => string; jwksUri: () => string }): Promise<BackchannelReceiver> {
  const received: ReceivedLogout[] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const hanging = new Set<string>();
  const seen = new Map<string, number>();
  const held: ServerResponse[] = [];
  const seenJtis = new Set<string>();

  async function validate(clientId: string, token: string): Promise<ReceivedLogout> {
    try {
      const jwks = createRemoteJWKSet(new URL(opts.jwksUri()));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: opts.issuer(),
        audience: clientId,
        typ: 'logout+jwt',
        requiredClaims: ['iat', 'jti', 'events'],
        maxTokenAge: '2 minutes',
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') throw new Error('events lacks the back-channel logout event');
      if ('nonce' in payload) throw new Error('a logout token must not contain nonce');
      if (!payload.sub && !payload.sid) throw new Error('neither sub nor sid');
      if (seenJtis.has(payload.jti!)) throw new Error('replayed jti');
      seenJtis.add(payload.jti!);
      return { clientId, claims: payload, typ: protectedHeader.typ };
    } catch (e) {
      return { clientId, error: (e as Error).message };
    }
  }

  const server: Server = createServer((req, res) => {
    const clientId = decodeURIComponent(new URL(req.url!, 'http://x').pathname.slice(1));
    seen.set(clientId, (seen.get(clientId) ?? 0) + 1);
    if (hanging.has(clientId)) {
      held.push(res);
      return;
    }
    const failure = failures.get(clientId);
    if (failure && failure.count > 0) {
      failure.count--;
      res.writeHead(failure.status).end();
      return;
    }
    void (async () => {
      const body = new URLSearchParams(await readBody(req));
      const isForm = req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const result = isForm ? await validate(clientId, body.get('logout_token') ?? '') : { clientId, error: 'not a form POST' };
      received.push(result);
      res.writeHead(result.error ? 400 : 200, { 'cache-control': 'no-store' }).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    endpoint: (clientId) => `${url}/${encodeURIComponent(clientId)}`,
    received,
    failNext: (clientId, count, status = 503) => void failures.set(clientId, { count, status }),
    hang: (clientId) => void hanging.add(clientId),
    attempts: (clientId) => seen.get(clientId) ?? 0,
    async waitFor(clientId, count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mine = received.filter((r) => r.clientId === clientId);
        if (mine.length >= count) return mine;
        if (Date.now() > deadline) throw new Error(`only ${mine.length} of ${count} logout tokens for ${clientId}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
