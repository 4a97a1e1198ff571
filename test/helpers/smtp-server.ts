// A real SMTP server (the smtp-server package) on a free port for tests: records each message it accepted (250 after
// DATA), and lets a test hold a connection or a message to simulate a crash at an exact point.
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpHooks {
  /** Called before greeting the n-th connection (1-based); resolve to continue. */
  onConnect?: (n: number) => Promise<void> | void;
  /** Called with the n-th complete message before it is accepted; return false to refuse it (nothing is recorded). */
  beforeAccept?: (mail: ReceivedMail, n: number) => Promise<boolean> | boolean;
  /** Recipients refused at RCPT TO with 550. */
  refuse?: string[];
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpServer(hooks: SmtpHooks = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let connections = 0;
  let messages = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'test receiver',
    onConnect(_session: SMTPServerSession, callback: (err?: Error) => void) {
      connections += 1;
      Promise.resolve(hooks.onConnect?.(connections)).then(() => callback(), (e: Error) => callback(e));
    },
    onRcptTo(address, _session, callback) {
      if (hooks.refuse?.includes(address.address)) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages += 1;
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        Promise.resolve(hooks.beforeAccept ? hooks.beforeAccept(mail, messages) : true).then(
          (accept) => {
            if (!accept) return callback(Object.assign(new Error('not accepted'), { responseCode: 451 }));
            received.push(mail);
            callback();
          },
          (e: Error) => callback(e),
        );
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded text of a quoted-printable message part (soft line breaks joined, =XX decoded as UTF-8). */
export function decodeQp(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

/** One header's value (first occurrence, unfolded). */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
