// Who may do what in the broker area (BRK-1): a broker everything for its customers and its sub-brokers' customers;
// an employee only what its broker granted, for the same customers; a sub-broker everything for its own customers
// only (no staff rights to grant). Customers have no broker area. Fails closed: no rights record = no rights.
import { AppError } from '../../shared/errors.js';
import type { Account } from '../../domain/account.js';
import type { CustomerScope } from '../../domain/customer-directory.js';
import { BROKER_RIGHTS, type BrokerRight, type StaffRightsStore } from '../../domain/staff-rights.js';
import { brokerAreaOf } from './broker-hierarchy.js';

export interface BrokerContext {
  actor: Account;
  /** Whose templates, mailings and SMS statement these are: the broker (for an employee: its broker) or the sub-broker. */
  brokerId: string;
  scope: CustomerScope;
  rights: ReadonlySet<BrokerRight>;
  /** Only a broker grants rights to its employees. */
  mayManageStaff: boolean;
}

/**
 * The broker-area context of `actor`; throws AppError broker.notBroker (403) for customers and for employees or
 * sub-brokers without a broker.
 */
export async function brokerContext(actor: Account, rights: StaffRightsStore): Promise<BrokerContext> {
  const place = brokerAreaOf(actor); // who manages whom: src/services/broker/broker-hierarchy.ts
  if (!place) throw new AppError('broker.notBroker', 403);
  const { brokerId, scope, mayManageStaff } = place;
  if (place.allRights) return { actor, brokerId, scope, rights: new Set(BROKER_RIGHTS), mayManageStaff };
  // Only the rights granted by this broker count (a record left from another broker grants nothing).
  const granted = await rights.get(actor.id);
  const own = granted && granted.brokerId === brokerId ? granted.rights : [];
  return { actor, brokerId, scope, rights: new Set(own), mayManageStaff };
}

/** Throws AppError broker.forbidden (403) unless the context holds `right`. */
export function requireRight(ctx: BrokerContext, right: BrokerRight): void {
  if (!ctx.rights.has(right)) throw new AppError('broker.forbidden', 403);
}
