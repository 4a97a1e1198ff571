// WebAuthn for the financeIDENT web app (APR-4): the credential registered at enrolment, and assertions bound to one approval answer.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../shared/errors.js';
import { assertCredentialPublicKey } from './device-keys.js';
import type { WebAuthnCredential } from '../domain/device.js';

export interface WebAuthnRpSettings {
  /** The issuer's hostname. */
  rpId: string;
  rpName: string;
  /** The issuer's origin (scheme, host, port): where the web app runs. */
  origin: string;
  /** How long the browser waits for the person (ms, the options' timeout); default 120 s (WEBAUTHN_TIMEOUT_SECONDS). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** The relying-party side of WebAuthn; stateless: callers keep challenges and credentials. */
export class WebAuthnRp {
  constructor(readonly settings: WebAuthnRpSettings) {}

  static forIssuer(issuer: string, options: { rpName?: string; timeoutMs?: number } = {}): WebAuthnRp {
    const url = new URL(issuer);
    return new WebAuthnRp({ rpId: url.hostname, rpName: options.rpName ?? 'financeIDENT', origin: url.origin, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  }

  /** Registration options for a platform authenticator with user verification required. */
  registrationOptions(user: { id: string; name: string; displayName: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      userName: user.name,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      timeout: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      authenticatorSelection: { authenticatorAttachment: 'platform', residentKey: 'preferred', userVerification: 'required' },
      supportedAlgorithmIDs: [-7, -257],
    });
  }

  /** Verifies a registration against the stored challenge; the credential to keep on the device. */
  async verifyRegistration(response: RegistrationResponseJSON, expectedChallenge: string): Promise<WebAuthnCredential> {
    let result;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge,
        expectedOrigin: this.settings.origin,
        expectedRPID: this.settings.rpId,
        requireUserVerification: true,
      });
    } catch {
      throw new AppError('webauthn.invalid', 400);
    }
    if (!result.verified) throw new AppError('webauthn.invalid', 400);
    const { credential } = result.registrationInfo;
    assertCredentialPublicKey(credential.publicKey); // stored now, trusted at every approval: it must import
    return {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      ...(credential.transports ? { transports: [...credential.transports] } : {}),
    };
  }

  /** Options whose challenge is the given raw bytes (e.g. the hash of an approval answer). */
  authenticationOptions(credential: WebAuthnCredential, challenge: Uint8Array): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({
      rpID: this.settings.rpId,
      challenge: new Uint8Array(challenge),
      allowCredentials: [{ id: credential.credentialId, ...(credential.transports ? { transports: credential.transports } : {}) }],
      userVerification: 'required',
      timeout: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  /** Verifies an assertion whose challenge must be exactly `challenge`; the new signature counter. */
  async verifyAssertion(response: AuthenticationResponseJSON, credential: WebAuthnCredential, challenge: Uint8Array): Promise<number> {
    const expected = Buffer.from(challenge).toString('base64url');
    if (response.id !== credential.credentialId) throw new AppError('webauthn.invalid', 401);
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: (c: string) => c === expected,
        expectedOrigin: this.settings.origin,
        expectedRPID: this.settings.rpId,
        requireUserVerification: true,
        credential: {
          id: credential.credentialId,
          publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
          counter: credential.counter,
          ...(credential.transports ? { transports: credential.transports } : {}),
        },
      });
    } catch {
      throw new AppError('webauthn.invalid', 401);
    }
    if (!result.verified) throw new AppError('webauthn.invalid', 401);
    return result.authenticationInfo.newCounter;
  }
}
