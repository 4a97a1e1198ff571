// What the virtual users do: the authorization code flow with PKCE as a relying party and a browser would,
// the refresh-token grant, introspection, and the financeIDENT device answering through the API.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseClients } from '../../src/config/clients.js';
import type { HttpClient, Page } from './http-client.js';

export interface RpClient {
  clientId: string;
  secret?: string;
  redirectUri: string;
}

/** The demo clients as both servers load them (config/demo-clients.json), resolved against `issuer`. */
export function rpClient(issuer: string, clientId: string): RpClient {
  const all = parseClients(JSON.parse(readFileSync(new URL('../../config/demo-clients.json', import.meta.url), 'utf8')), issuer);
  const meta = all.find((c) => c.client_id === clientId);
  if (!meta) throw new Error(`no client ${clientId}`);
  return { clientId, ...(meta.client_secret ? { secret: meta.client_secret } : {}), redirectUri: meta.redirect_uris.find((u) => u.startsWith('http'))! };
}

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  token_type: string;
}

const b64 = (n: number) => randomBytes(n).toString('base64url');

function clientAuth(rp: RpClient, form: Record<string, string>): Record<string, string> {
  if (!rp.secret) {
    form.client_id = rp.clientId;
    return {};
  }
  const basic = Buffer.from(`${encodeURIComponent(rp.clientId)}:${encodeURIComponent(rp.secret)}`).toString('base64');
  return { authorization: `Basic ${basic}` };
}

export interface LoginOptions {
  rp: RpClient;
  scope?: string;
  extra?: Record<string, string>;
  credentials?: { loginId: string; password: string };
  /** On the waiting page: must get the approval decided before it returns. */
  onApproval?: (page: Page, uid: string) => Promise<void>;
}

function unexpected(page: Page, step: string): Error {
  const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300);
  return new Error(`${step}: unexpected HTTP ${page.status} at ${page.url}: ${text}`);
}

/** Authorize → (login page → password → [approval] →) callback → token. Returns the token response. */
export async function login(client: HttpClient, opts: LoginOptions): Promise<Tokens> {
  const { rp } = opts;
  const verifier = b64(32);
  const state = b64(16);
  const params = new URLSearchParams({
    client_id: rp.clientId,
    redirect_uri: rp.redirectUri,
    response_type: 'code',
    scope: opts.scope ?? 'openid profile email phone',
    state,
    nonce: b64(16),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...opts.extra,
  });
  let page = await client.go(`/auth?${params}`, {}, rp.redirectUri);
  let uid = /\/interaction\/([^/?]+)$/.exec(new URL(page.url).pathname)?.[1];
  if (page.status === 200 && uid) {
    if (!opts.credentials) throw unexpected(page, 'login form without credentials');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!csrf) throw unexpected(page, 'login form');
    page = await client.go(`/interaction/${uid}/login`, { form: { _csrf: csrf, loginId: opts.credentials.loginId, password: opts.credentials.password } }, rp.redirectUri);
  }
  uid = /\/interaction\/([^/?]+)\/approval$/.exec(new URL(page.url).pathname)?.[1];
  if (page.status === 200 && uid) {
    if (!opts.onApproval) throw unexpected(page, 'approval page without a device');
    await opts.onApproval(page, uid);
    page = await client.go(`/interaction/${uid}/finish`, {}, rp.redirectUri);
  }
  if (page.status !== 0 || !page.stoppedAt) throw unexpected(page, 'expected the redirect to the relying party');
  const callback = new URL(page.stoppedAt);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`callback without code or with a wrong state: ${page.stoppedAt}`);
  const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri, code_verifier: verifier };
  const headers = clientAuth(rp, form);
  const response = await client.request('/token', { form, headers });
  if (response.status !== 200) throw new Error(`token: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  const tokens = JSON.parse(response.body) as Tokens;
  if (!tokens.id_token || !tokens.access_token) throw new Error('token response without id_token or access_token');
  return tokens;
}

/** Everything up to the waiting page (password checked, approval created); returns the interaction uid and the page. */
export async function loginUntilApproval(client: HttpClient, opts: LoginOptions): Promise<{ uid: string; page: Page }> {
  let captured: { uid: string; page: Page } | undefined;
  const stop = new Error('stopped at the waiting page');
  try {
    await login(client, {
      ...opts,
      onApproval: async (page, uid) => {
        captured = { uid, page };
        throw stop;
      },
    });
  } catch (e) {
    if (e !== stop) throw e;
  }
  if (!captured) throw new Error('the login did not reach the waiting page');
  return captured;
}

export function shownNumber(html: string): string | null {
  return /id="approval-number">(\d+)</.exec(html)?.[1] ?? null;
}

export async function refresh(client: HttpClient, rp: RpClient, refreshToken: string): Promise<Tokens> {
  const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
  const headers = clientAuth(rp, form);
  const response = await client.request('/token', { form, headers });
  if (response.status !== 200) throw new Error(`refresh: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  const tokens = JSON.parse(response.body) as Tokens;
  if (!tokens.refresh_token) throw new Error('refresh response without a new refresh_token');
  return tokens;
}

export async function introspect(client: HttpClient, rp: RpClient, token: string): Promise<void> {
  const form: Record<string, string> = { token };
  const headers = clientAuth(rp, form);
  const response = await client.request('/token/introspection', { form, headers });
  if (response.status !== 200 || (JSON.parse(response.body) as { active?: boolean }).active !== true) throw new Error(`introspection: HTTP ${response.status} ${response.body.slice(0, 200)}`);
}

export async function getOk(client: HttpClient, path: string): Promise<void> {
  const response = await client.request(path);
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
}
