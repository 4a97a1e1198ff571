// OIDC-5: which account roles may use which relying party (client metadata `allowed_roles`; absent = every role).
import { ROLES, type Role } from '../domain/account.js';
import type { ClientMetadata } from './clients.js';

/**
 * Answers "may an account of this role sign in to this client?" from the registered clients.
 * A client without `allowed_roles` (e.g. the internal account client) admits every role; an unknown
 * client admits none (fail closed).
 */
export class ClientRoles {
  private readonly byClient: Map<string, readonly Role[] | null>;

  constructor(clients: readonly Pick<ClientMetadata, 'client_id' | 'allowed_roles'>[]) {
    this.byClient = new Map(clients.map((c) => [c.client_id, c.allowed_roles ?? null]));
  }

  allows(clientId: string, role: Role): boolean {
    if (!this.byClient.has(clientId)) return false;
    const allowed = this.byClient.get(clientId);
    return allowed === null || allowed === undefined || allowed.includes(role);
  }

  /** The roles a client admits (every role when it names none, none when unknown). */
  rolesOf(clientId: string): readonly Role[] {
    if (!this.byClient.has(clientId)) return [];
    return this.byClient.get(clientId) ?? ROLES;
  }

  /** Client ids that admit every role because they name none (worth a line at start for configured clients). */
  unrestricted(): string[] {
    return [...this.byClient].filter(([, roles]) => roles === null).map(([id]) => id);
  }
}
