// A local HTTP server playing the SMS provider (SMS-5) in tests: scripted answers (ok, slow, failing, refusing,
// hanging up), and each Idempotency-Key sent to a phone once, like a real provider that deduplicates.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'ok' | 'okWithId' | 'okNoId' | 'slow' | 'fail500' | 'tooMany' | 'refuse400' | 'hangUp';

export interface Received {
  headers: IncomingMessage['headers'];
  body: { to: string; text: string; sender: string; reference: string };
}

/** The fake provider: sends each Idempotency-Key once (later requests with it get the first answer), like a real one should. */
export class FakeSmsProvider {
  readonly received: Received[] = [];
  /** Messages the provider actually sent to phones. */
  readonly sent = new Map<string, { messageId: string; body: Received['body'] }>();
  /** What the next requests get, in order; then `fallback`. */
  script: Behaviour[] = [];
  fallback: Behaviour = 'ok';
  slowMs = 600;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/messages`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  reset(): void {
    this.received.length = 0;
    this.sent.clear();
    this.script = [];
    this.fallback = 'ok';
  }

  /** The code in the newest message the provider delivered to `to`. */
  lastCodeTo(to: string): string | undefined {
    const bodies = [...this.sent.values()].filter((m) => m.body.to === to);
    return /(\d{6,8})/.exec(bodies.at(-1)?.body.text ?? '')?.[1];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'];
    this.received.push({ headers: req.headers, body });
    const behaviour = this.script.shift() ?? this.fallback;
    const reply = (status: number, json: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (behaviour === 'hangUp') return void req.socket.destroy();
    if (behaviour === 'fail500') return reply(500, { error: 'internal' });
    if (behaviour === 'tooMany') return reply(429, { error: 'slow down' });
    if (behaviour === 'refuse400') return reply(400, { error: 'invalid number' });
    const key = String(req.headers['idempotency-key']);
    let message = this.sent.get(key);
    if (!message) {
      message = { messageId: `prov-${this.sent.size + 1}`, body };
      this.sent.set(key, message); // sent to the phone now, whether or not our answer arrives in time
    }
    if (behaviour === 'slow') await new Promise((r) => setTimeout(r, this.slowMs));
    if (behaviour === 'okWithId') return reply(201, { id: message.messageId });
    if (behaviour === 'okNoId') return reply(202, { status: 'queued' });
    reply(200, { messageId: message.messageId, status: 'queued' });
  }
}

