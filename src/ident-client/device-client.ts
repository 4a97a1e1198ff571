// The financeIDENT device side of the API, as the app speaks it: enrol a key, list approvals, answer them (signed).
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';

export interface DeviceKeyState {
  /** Base URL of the IdP, e.g. http://localhost:3000. */
  url: string;
  deviceId: string;
  accessNumber: string;
  accountName: string;
  privateJwk: JWK;
}

export interface PendingApproval {
  id: string;
  clientId: string;
  clientName: string;
  createdAt: string;
  expiresAt: string;
  ip: string;
  browser: string;
  numberMode: 'off' | 'pick' | 'type';
  choices: string[] | null;
}

export class DeviceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceApiError';
  }
}

export interface DeviceFacts {
  name: string;
  platform: 'ios' | 'android' | 'web';
  osVersion: string;
  pushSubscription?: { endpoint: string; keys: { p256dh: string; auth: string } } | null;
}

export class DeviceClient {
  constructor(
    readonly url: string,
    private readonly language = 'de',
  ) {}

  private async call<T>(method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': this.language };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Device ${init.token}`;
    const response = await fetch(`${this.url}/ident/api${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: reported below
    }
    if (!response.ok) throw new DeviceApiError(response.status, String(json.error ?? 'http.error'), String(json.message ?? `HTTP ${response.status}`));
    return json as T;
  }

  static async generateKey(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
  }

  /** ENR-1: login id and password; the server sends the activation code by SMS. */
  startEnrolment(loginId: string, password: string) {
    // delivery 'unknown' (HTTP 202): the provider did not answer; the SMS may still arrive.
    return this.call<{ enrolmentId: string; mobile: string; expiresAt: string; codeLength: number; delivery?: 'sent' | 'unknown' }>('POST', '/enrolments', { body: { loginId, password } });
  }

  /** ENR-2: the code, a fresh device key and the device facts; returns what the app keeps. */
  async completeEnrolment(enrolmentId: string, code: string, facts: DeviceFacts, key?: { privateJwk: JWK; publicJwk: JWK }): Promise<DeviceKeyState> {
    const { privateJwk, publicJwk } = key ?? (await DeviceClient.generateKey());
    const result = await this.call<{ deviceId: string; account: { accessNumber: string; name: string } }>('POST', `/enrolments/${encodeURIComponent(enrolmentId)}/complete`, {
      body: { code, publicKeyJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }, pushSubscription: facts.pushSubscription ?? null, name: facts.name, platform: facts.platform, osVersion: facts.osVersion },
    });
    return { url: this.url, deviceId: result.deviceId, accessNumber: result.account.accessNumber, accountName: result.account.name, privateJwk };
  }

  /** A short-lived JWS that authenticates this device (fresh nonce every time). */
  static async deviceToken(state: DeviceKeyState, typ: string, claims: Record<string, unknown> = {}): Promise<string> {
    const key = await importJWK(state.privateJwk, 'ES256');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ, kid: state.deviceId })
      .setAudience(`${state.url}/ident/api`)
      .setIssuedAt()
      .setJti(randomBytes(16).toString('base64url'))
      .sign(key);
  }

  async pending(state: DeviceKeyState): Promise<PendingApproval[]> {
    const token = await DeviceClient.deviceToken(state, 'fi-device+jwt');
    return (await this.call<{ approvals: PendingApproval[] }>('GET', '/approvals', { token })).approvals;
  }

  /** APR-4: the decision, signed with the device key over approval id, decision, number and a nonce. */
  async decide(state: DeviceKeyState, approvalId: string, decision: 'approve' | 'deny', opts: { number?: string | null; notMe?: boolean } = {}) {
    const token = await DeviceClient.decisionToken(state, approvalId, decision, opts);
    return this.sendDecision(approvalId, token);
  }

  static decisionToken(state: DeviceKeyState, approvalId: string, decision: 'approve' | 'deny', opts: { number?: string | null; notMe?: boolean } = {}) {
    return DeviceClient.deviceToken(state, 'fi-decision+jwt', { approvalId, decision, number: opts.number ?? null, notMe: opts.notMe ?? false });
  }

  sendDecision(approvalId: string, token: string) {
    return this.call<{ id: string; status: string }>('POST', `/approvals/${encodeURIComponent(approvalId)}/decision`, { body: { token } });
  }

  async devices(state: DeviceKeyState) {
    const token = await DeviceClient.deviceToken(state, 'fi-device+jwt');
    return (await this.call<{ devices: { id: string; name: string; platform: string; osVersion: string; createdAt: string; push: boolean; current: boolean }[] }>('GET', '/devices', { token })).devices;
  }

  async removeDevice(state: DeviceKeyState, deviceId: string): Promise<void> {
    const token = await DeviceClient.deviceToken(state, 'fi-device+jwt');
    await this.call('DELETE', `/devices/${encodeURIComponent(deviceId)}`, { token });
  }
}
