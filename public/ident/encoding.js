// Byte encodings the device API and WebAuthn need: base64url (RFC 4648 §5, no padding) and UTF-8.

/** Bytes (Uint8Array or ArrayBuffer) as base64url without padding. */
export function bytesToB64url(input) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (with or without padding) as bytes; throws on characters outside the alphabet. */
export function b64urlToBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const utf8 = (text) => new TextEncoder().encode(text);

/** A JSON value as base64url of its UTF-8 text (a JWS header or payload). */
export const jsonB64url = (value) => bytesToB64url(utf8(JSON.stringify(value)));
