// Issue 9: the provider's single-use models hold when the same request arrives at once — an authorization code is
// exchanged once, a refresh token rotates once (RFC 9700 §4.14: a reuse revokes the grant), the losers get
// invalid_grant. Driven with openid-client, on the real Redis and on the memory store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';
import { STORES } from '../helpers/concurrency.js';

const N = 30;

/** The OAuth error of a failed call, or 'ok'. */
const outcome = <T,>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => ({ ok: false as const, error: (e as { error?: string }).error ?? String(e) }),
  );

describe.each(STORES)('token endpoint under simultaneous requests ($name)', ({ name, redis }) => {
  // The old in-memory adapter already gave one winner here (its requests did not interleave); Redis did not.
  const note = name === 'memory' ? ' (memory: same rule; it did not interleave here even before)' : '';
  let idp: TestIdp;
  let device: Device;
  beforeAll(async () => {
    idp = await startTestIdp({ redis });
    device = await enrolDevice(idp, '200001');
  });
  afterAll(async () => idp.close());

  async function callback(clientId: string) {
    const rp = await RelyingParty.discover(idp, clientId);
    const started = await rp.start();
    const page = await loginWithApproval(new Browser(), rp, started, device, '200001');
    expect(page.status).toBe(0);
    return { rp, started, url: new URL(page.url) };
  }

  it(`the same code and verifier sent ${N} times at once: one set of tokens, ${N - 1} invalid_grant, and the grant revoked${note}`, async () => {
    const { rp, started, url } = await callback('financeapp');
    const results = await Promise.all(
      Array.from({ length: N }, () =>
        outcome(client.authorizationCodeGrant(rp.config, url, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce })),
      ),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'invalid_grant')).toHaveLength(N - 1);
    // As for a code used twice one after the other: the tokens of the first exchange are revoked.
    const tokens = won[0]!.ok ? won[0]!.value : null;
    await expect(client.fetchUserInfo(rp.config, tokens!.access_token, 'acc_customer')).rejects.toMatchObject({ status: 401 });
    await expect(client.refreshTokenGrant(rp.config, tokens!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it(`two refreshes with one refresh token at once: exactly one succeeds, the other gets invalid_grant, and the grant is revoked${note}`, async () => {
    const { rp, started, url } = await callback('financeapp');
    const tokens = await client.authorizationCodeGrant(rp.config, url, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
    const results = await Promise.all([outcome(client.refreshTokenGrant(rp.config, tokens.refresh_token!)), outcome(client.refreshTokenGrant(rp.config, tokens.refresh_token!))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'invalid_grant')).toHaveLength(1);
    // RFC 9700 §4.14: no two live chains; the winner's new tokens die with the grant.
    const winner = results.find((r) => r.ok)!;
    const fresh = winner.ok ? winner.value : null;
    await expect(client.refreshTokenGrant(rp.config, fresh!.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(rp.config, fresh!.access_token, 'acc_customer')).rejects.toMatchObject({ status: 401 });
    await expect(client.fetchUserInfo(rp.config, tokens.access_token, 'acc_customer')).rejects.toMatchObject({ status: 401 });
  });

  it(`${N} refreshes with one refresh token at once: exactly one succeeds${note}`, async () => {
    const { rp, started, url } = await callback('financeapp');
    const tokens = await client.authorizationCodeGrant(rp.config, url, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
    const results = await Promise.all(Array.from({ length: N }, () => outcome(client.refreshTokenGrant(rp.config, tokens.refresh_token!))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'invalid_grant')).toHaveLength(N - 1);
  });
});
