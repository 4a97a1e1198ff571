// A software platform authenticator's WebAuthn registration (attestation "none", user verified), for tests that
// need one without a browser: the service checks challenge, origin, rpId hash and the credential key.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

const b64 = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * The registration answering `challenge` at `origin` for the relying party `rpId` (default: the origin's host).
 * `point` replaces the credential's P-256 public key coordinates (32 bytes each; e.g. one that is not on the curve).
 */
export function softwareRegistration(challenge: string, origin: string, options: { rpId?: string; point?: { x: Buffer; y: Buffer } } = {}): RegistrationResponseJSON {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const point = options.point ?? { x: Buffer.from(jwk.x!, 'base64url'), y: Buffer.from(jwk.y!, 'base64url') };
  const coseKey = new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, point.x], [-3, point.y]]);
  const credentialId = randomBytes(16);
  const authData = Buffer.concat([
    createHash('sha256').update(options.rpId ?? new URL(origin).hostname).digest(),
    Buffer.from([0x45]), // user present, user verified, attested credential data
    Buffer.alloc(4), // signature counter
    Buffer.alloc(16), // AAGUID
    Buffer.from([0, credentialId.length]),
    credentialId,
    Buffer.from(isoCBOR.encode(coseKey as never)),
  ]);
  const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
  const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge, origin, crossOrigin: false });
  return {
    id: b64(credentialId),
    rawId: b64(credentialId),
    type: 'public-key',
    response: { clientDataJSON: b64(Buffer.from(clientDataJSON)), attestationObject: b64(attestationObject), transports: ['internal'] },
    clientExtensionResults: {},
    authenticatorAttachment: 'platform',
  };
}
