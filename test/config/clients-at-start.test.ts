// A client the provider would refuse on first use stops the start instead, with its id and the reason named.
import { expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { buildContainer } from '../../src/container.js';
import { ClientConfigError } from '../../src/config/clients.js';
import { createLogger } from '../../src/shared/logger.js';

it('a redirect URI with a fragment (passes our schema, refused by the provider) stops the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fi-clients-start-'));
  const file = join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify([{ client_id: 'broken-rp', client_secret: 'x'.repeat(40), redirect_uris: ['https://rp.example/cb#fragment'] }]));
  const config = loadConfig({ NODE_ENV: 'test', PORT: '3000', DEV_STATE_DIR: dir, LOG_LEVEL: 'silent', OIDC_CLIENTS_FILE: file });
  const error = await buildContainer(config, { logger: createLogger({ level: 'silent' }) }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ClientConfigError);
  expect((error as ClientConfigError).problems).toEqual([expect.stringMatching(/^broken-rp: .*fragment/)]);
});
