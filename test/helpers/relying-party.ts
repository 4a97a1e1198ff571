// A real relying party for tests: openid-client v6 against the test IdP, as FinanceCloud, FinanceApp or smartMSC would.
import * as client from 'openid-client';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import type { TestIdp } from './test-idp.js';
import { Browser } from './browser.js';

export interface StartedLogin {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

export class RelyingParty {
  private constructor(
    readonly config: client.Configuration,
    readonly clientId: string,
    readonly redirectUri: string,
    readonly postLogoutRedirectUri: string | undefined,
    private readonly issuer: string,
    private readonly fetcher?: typeof fetch,
  ) {}

  /**
   * `fetch`: how the relying party's requests travel (behindTlsProxy() for an https issuer); `auth`: its token
   * endpoint authentication when not the secret (e.g. client.PrivateKeyJwt).
   */
  static async discover(idp: TestIdp, clientId: string, opts: { fetch?: typeof fetch; auth?: client.ClientAuth } = {}): Promise<RelyingParty> {
    const fetcher = opts.fetch;
    const meta = idp.container.clients.find((c) => c.client_id === clientId);
    if (!meta) throw new Error(`no client ${clientId}`);
    const auth = opts.auth ?? (meta.client_secret ? client.ClientSecretBasic(meta.client_secret) : client.None());
    const config = await client.discovery(new URL(idp.url), clientId, meta.client_secret ? { client_secret: meta.client_secret } : {}, auth, {
      execute: [client.allowInsecureRequests],
      ...(fetcher ? { [client.customFetch]: fetcher as client.CustomFetch } : {}),
    });
    const redirectUri = meta.redirect_uris.find((u) => u.startsWith('http'))!;
    const postLogout = meta.post_logout_redirect_uris.find((u) => u.startsWith('http'));
    return new RelyingParty(config, clientId, redirectUri, postLogout, idp.url, fetcher);
  }

  async start(extra: Record<string, string> = {}): Promise<StartedLogin> {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const scope = this.clientId === 'financeapp' ? 'openid profile email phone offline_access' : 'openid profile email phone';
    const url = client.buildAuthorizationUrl(this.config, {
      redirect_uri: this.redirectUri,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(this.clientId === 'financeapp' ? { prompt: 'consent' } : {}),
      ...extra,
    });
    return { url: url.toString(), verifier, state, nonce };
  }

  async finish(callbackUrl: string, started: StartedLogin) {
    return client.authorizationCodeGrant(this.config, new URL(callbackUrl), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
  }

  /** Verifies the ID token's signature against the published JWKS and its issuer and audience. */
  async verifyIdToken(idToken: string): Promise<JWTPayload> {
    const jwks = createRemoteJWKSet(new URL(this.config.serverMetadata().jwks_uri!), this.fetcher ? { [customFetch]: this.fetcher } : {});
    const { payload } = await jwtVerify(idToken, jwks, { issuer: this.issuer, audience: this.clientId });
    return payload;
  }
}

/** Password step as a person does it: open the login page, type login id and password, submit. */
export async function passwordLogin(browser: Browser, rp: RelyingParty, started: StartedLogin, loginId: string, password: string) {
  const loginPage = await browser.go(started.url, {}, rp.redirectUri);
  if (loginPage.status === 0) return loginPage;
  return browser.submit(loginPage, '/login', { loginId, password }, rp.redirectUri);
}
