// WebAuthn in the browser: the server's JSON options (base64url) into the binary API's form and the browser's
// credentials back into JSON (the shapes of WebAuthn Level 3 toJSON), plus a ceremony that turns a refusal into a clear message.
import { ApiError } from './api.js';
import { b64urlToBytes, bytesToB64url } from './encoding.js';

export const webAuthnSupported = () => typeof PublicKeyCredential !== 'undefined' && !!navigator.credentials;

/** Options for navigator.credentials.create from the server's JSON. */
export function creationOptions(json) {
  return {
    ...json,
    challenge: b64urlToBytes(json.challenge),
    user: { ...json.user, id: b64urlToBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
  };
}

/** Options for navigator.credentials.get from the server's JSON. */
export function requestOptions(json) {
  return { ...json, challenge: b64urlToBytes(json.challenge), allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })) };
}

function credentialJson(credential, response) {
  const out = { id: credential.id, rawId: bytesToB64url(credential.rawId), type: credential.type, response, clientExtensionResults: credential.getClientExtensionResults() };
  if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
  return out;
}

/** A new credential (attestation) as JSON for the server. */
export function registrationJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: bytesToB64url(r.clientDataJSON), attestationObject: bytesToB64url(r.attestationObject) };
  if (typeof r.getTransports === 'function') response.transports = r.getTransports();
  return credentialJson(credential, response);
}

/** An assertion as JSON for the server. */
export function assertionJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: bytesToB64url(r.clientDataJSON), authenticatorData: bytesToB64url(r.authenticatorData), signature: bytesToB64url(r.signature) };
  if (r.userHandle) response.userHandle = bytesToB64url(r.userHandle);
  return credentialJson(credential, response);
}

/** Runs a WebAuthn ceremony; a refusal by the user or the authenticator becomes an ApiError 'webauthn.cancelled' with the text `t` gives. */
export async function ceremony(run, t) {
  try {
    const credential = await run();
    if (!credential) throw new Error('no credential');
    return credential;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, 'webauthn.cancelled', t('error.webauthnCancelled'));
  }
}
