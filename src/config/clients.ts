// Relying parties as RFC 7591 client metadata: code flow only, exact redirect URIs, PKCE for everyone.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ROLES } from '../domain/account.js';

const uri = z.string().min(1).refine((v) => URL.canParse(v), 'expected an absolute URI');

/** Token endpoint authentication a client can be registered with (discovery lists exactly these). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;

/** A public key set for private_key_jwt (RFC 7517): public keys only. */
const publicJwks = z.object({
  keys: z
    .array(
      z
        .object({ kty: z.string().min(1) })
        .loose()
        .refine((k) => !('d' in k) && !('k' in k), 'only public keys (no "d" or "k")'),
    )
    .min(1, 'at least one key'),
});

const clientSchema = z
  .object({
    client_id: z.string().min(1).max(100),
    client_name: z.string().min(1).optional(),
    client_secret: z.string().min(32, 'at least 32 characters').optional(),
    application_type: z.enum(['web', 'native']).default('web'),
    redirect_uris: z.array(uri).min(1),
    post_logout_redirect_uris: z.array(uri).default([]),
    grant_types: z
      .array(z.enum(['authorization_code', 'refresh_token'], 'only authorization_code and refresh_token are allowed'))
      .default(['authorization_code']),
    response_types: z.array(z.literal('code', 'only the code response type is allowed')).default(['code']),
    token_endpoint_auth_method: z.enum(CLIENT_AUTH_METHODS, `one of ${CLIENT_AUTH_METHODS.join(', ')}`).default('client_secret_basic'),
    // private_key_jwt (RFC 7523, OIDC Core 9): the client's public keys, inline or where the IdP fetches them.
    jwks: publicJwks.optional(),
    jwks_uri: z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' }).optional(),
    token_endpoint_auth_signing_alg: z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']).optional(),
    // Back-Channel Logout 1.0 §2.2: where the IdP POSTs logout tokens (http(s), no fragment), and whether they carry sid.
    backchannel_logout_uri: z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
      .refine((v) => !new URL(v).hash, 'must not contain a fragment')
      .optional(),
    backchannel_logout_session_required: z.boolean().optional(),
    // OIDC-5: the account roles that may sign in to this client; absent = every role.
    allowed_roles: z.array(z.enum(ROLES, `each one of ${ROLES.join(', ')}`)).min(1, 'at least one role (leave the key out to admit every role)').optional(),
  })
  .loose()
  .superRefine((c, ctx) => {
    const method = c.token_endpoint_auth_method;
    const usesSecret = method === 'client_secret_basic' || method === 'client_secret_post';
    if (!usesSecret && c.client_secret) ctx.addIssue({ code: 'custom', path: ['client_secret'], message: `a client authenticating with ${method} has no secret` });
    if (usesSecret && !c.client_secret) ctx.addIssue({ code: 'custom', path: ['client_secret'], message: 'required for a confidential client' });
    if (method === 'private_key_jwt' && !c.jwks === !c.jwks_uri) ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'private_key_jwt needs exactly one of jwks and jwks_uri' });
    if (method !== 'private_key_jwt' && (c.jwks || c.jwks_uri)) ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'jwks and jwks_uri are for private_key_jwt only' });
  });

export type ClientMetadata = z.output<typeof clientSchema>;

export class ClientConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid clients:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ClientConfigError';
  }
}

/** Validates a client list; `{ISSUER}` in URIs becomes the issuer (for the demo clients). */
export function parseClients(input: unknown, issuer: string): ClientMetadata[] {
  const substituted = JSON.parse(JSON.stringify(input ?? null).replaceAll('{ISSUER}', issuer)) as unknown;
  const parsed = z.array(clientSchema).min(1, 'at least one client').safeParse(substituted);
  if (!parsed.success) {
    throw new ClientConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`));
  }
  const ids = parsed.data.map((c) => c.client_id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ClientConfigError([`client_id ${dup} appears twice`]);
  return parsed.data;
}

export async function loadClients(file: string, issuer: string): Promise<ClientMetadata[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ClientConfigError([`${file}: ${(e as Error).message}`]);
  }
  return parseClients(raw, issuer);
}
