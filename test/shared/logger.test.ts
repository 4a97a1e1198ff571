// The JSON log line never carries passwords, codes, tokens or auth/cookie headers.
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/shared/logger.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const parsed = () => lines.map((line) => JSON.parse(line) as unknown);
  return { logger, lines, parsed };
}

describe('createLogger', () => {
  it('redacts passwords, codes and auth/cookie headers in the JSON line', () => {
    const { logger, lines, parsed } = capture();
    logger.info(
      {
        password: 'hunter2',
        code: 'auth-code-123',
        user: { email: 'a@example.de', passwordHash: '$argon2id$v=19$abc', newPassword: 'n3w' },
        body: { code: '482913', _csrf: 'csrf-token-value', client_secret: 'shh' },
        req: { headers: { authorization: 'Bearer eyJsecret', cookie: '_session=abc', accept: 'text/html' } },
        res: { headers: { 'set-cookie': ['_session=abc; HttpOnly'] } },
        tokens: { access_token: 'at', refresh_token: 'rt', id_token: 'it', nested: { token: 'tk' } },
      },
      'login attempt',
    );
    const [line] = parsed();
    expect(line).toMatchObject({
      msg: 'login attempt',
      password: '[redacted]',
      code: '[redacted]',
      user: { email: 'a@example.de', passwordHash: '[redacted]', newPassword: '[redacted]' },
      body: { code: '[redacted]', _csrf: '[redacted]', client_secret: '[redacted]' },
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'text/html' } },
      res: { headers: { 'set-cookie': '[redacted]' } },
      tokens: { access_token: '[redacted]', refresh_token: '[redacted]', id_token: '[redacted]', nested: { token: '[redacted]' } },
    });
    const raw = lines.join('');
    for (const secret of ['hunter2', 'auth-code-123', '482913', 'eyJsecret', '_session=abc', 'csrf-token-value', '$argon2id', 'n3w', 'shh']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('keeps error codes and redacts in child loggers too', () => {
    const { logger, parsed } = capture();
    const err = Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
    logger.child({ requestId: 'r-1' }).error({ err, password: 'pw' }, 'failed');
    const [line] = parsed();
    expect(line).toMatchObject({ requestId: 'r-1', level: 'error', password: '[redacted]', err: { code: 'ECONNREFUSED', message: 'connect refused' } });
  });

  it('honours the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
