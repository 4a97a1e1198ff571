// Issue 9: the provider's replay rule for one-time proofs (a DPoP proof's jti, RFC 9449 §11.1) holds when the same
// proof arrives at once: oidc-provider reads, then saves, so the store decides (SET NX). On Redis, the cluster and memory.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { exportJWK, SignJWT } from 'jose';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';
import { STORES, tally } from '../helpers/concurrency.js';

const N = 30;

describe.each(STORES)('DPoP proof replay under simultaneous requests ($name)', ({ name, redis }) => {
  const note = name === 'memory' ? ' (memory: same rule, decided at the write)' : '';
  let idp: TestIdp;
  let device: Device;
  beforeAll(async () => {
    idp = await startTestIdp({ redis });
    device = await enrolDevice(idp, '200001');
  });
  afterAll(async () => idp.close());

  it(`one DPoP proof sent ${N} times at once to userinfo: answered once, ${N - 1} refused, none a server error${note}`, async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const started = await rp.start();
    const callback = await loginWithApproval(new Browser(), rp, started, device, '200001');
    const keys = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(rp.config, keys);
    const tokens = await client.authorizationCodeGrant(rp.config, new URL(callback.url), { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce }, undefined, { DPoP });
    expect(tokens.token_type).toBe('dpop');

    const userinfo = rp.config.serverMetadata().userinfo_endpoint!;
    const proof = await new SignJWT({
      htm: 'GET',
      htu: userinfo,
      jti: randomUUID(),
      ath: createHash('sha256').update(tokens.access_token).digest('base64url'),
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(keys.publicKey) })
      .setIssuedAt()
      .sign(keys.privateKey);
    const headers = { authorization: `DPoP ${tokens.access_token}`, dpop: proof };

    const statuses = await Promise.all(Array.from({ length: N }, () => fetch(userinfo, { headers }).then((r) => r.status)));
    const counts = tally(statuses.map(String));
    expect(counts['200']).toBe(1);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 400 || s === 401)).toHaveLength(N - 1);
    // Later, one at a time, the same proof is still a replay.
    expect((await fetch(userinfo, { headers })).status).toBeGreaterThanOrEqual(400);
  });
});
