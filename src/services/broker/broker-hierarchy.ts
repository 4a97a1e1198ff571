// Who manages whom among broker, employee, sub-broker and customer (BRK-1, RD-3, ACC-3), who is charged for an SMS
// (SMS-4) and whose customers an account may see: the one place these rules are written. Pure rules over accounts;
// walks that need other accounts take the account store.
//
// The tree: a broker belongs to no one; an employee and a sub-broker belong to a broker; a customer belongs to a
// broker or to a sub-broker (Account.brokerId is always the owner one level up).
import type { Account, AccountStore, Role } from '../../domain/account.js';
import type { CustomerScope } from '../../domain/customer-directory.js';

/** Which roles the owner (`brokerId`) of an account of each role may have; a broker belongs to no one. */
export const OWNER_ROLES: Readonly<Record<Role, readonly Role[]>> = {
  broker: [],
  employee: ['broker'],
  subBroker: ['broker'],
  customer: ['broker', 'subBroker'],
};

/** Roles with a broker area (the web pages and the broker API). */
export const BROKER_AREA_ROLES: readonly Role[] = ['broker', 'employee', 'subBroker'];

/** Roles that manage a broker's customers (its own and its sub-brokers'): the broker and its employees (RD-3, SMS-4 statement). */
export const MANAGING_ROLES: readonly Role[] = ['broker', 'employee'];

/** Roles that are charged for SMS and have an SMS statement (SMS-4). */
export const CHARGEABLE_ROLES: readonly Role[] = ['broker', 'subBroker'];

/** A hierarchy that does not hold (an owner missing or of the wrong role); the message names the accounts. */
export class BrokerHierarchyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerHierarchyError';
  }
}

/**
 * The broker whose customers `account` manages (directly and through that broker's sub-brokers): a broker itself,
 * an employee's broker. Null for sub-brokers, customers and an employee without a broker.
 */
export function managingBrokerId(account: Account): string | null {
  if (account.role === 'broker') return account.id;
  if (account.role === 'employee') return account.brokerId;
  return null;
}

/** Where an account stands in the broker area; see brokerAreaOf. */
export interface BrokerAreaPlace {
  /** Whose templates, mailings and SMS statement the area shows: the broker (for an employee: its broker) or the sub-broker. */
  brokerId: string;
  /** The customers the area sees. */
  scope: CustomerScope;
  /** Every right by role (broker, sub-broker); false = only the rights its broker granted (employee). */
  allRights: boolean;
  /** Only a broker grants rights to its employees. */
  mayManageStaff: boolean;
}

/**
 * The broker-area place of `actor` (BRK-1): a broker sees its customers and its sub-brokers' customers with every
 * right; an employee its broker's customers with the granted rights; a sub-broker its own customers only, with every
 * right but no staff. Null for customers and for employees or sub-brokers without a broker (fail closed).
 */
export function brokerAreaOf(actor: Account): BrokerAreaPlace | null {
  switch (actor.role) {
    case 'broker':
      return { brokerId: actor.id, scope: { ownerId: actor.id, includeSubBrokers: true }, allRights: true, mayManageStaff: true };
    case 'subBroker':
      return actor.brokerId ? { brokerId: actor.id, scope: { ownerId: actor.id, includeSubBrokers: false }, allRights: true, mayManageStaff: false } : null;
    case 'employee':
      return actor.brokerId ? { brokerId: actor.brokerId, scope: { ownerId: actor.brokerId, includeSubBrokers: true }, allRights: false, mayManageStaff: false } : null;
    default:
      return null;
  }
}

/** Whether `account` is an employee of the broker `brokerId` (whose staff rights it may hold). */
export function isEmployeeOf(account: Account, brokerId: string): boolean {
  return account.role === 'employee' && account.brokerId === brokerId;
}

/**
 * The customers in `scope`: those belonging to `scope.ownerId`, and with `includeSubBrokers` those of its
 * sub-brokers. The same rule as the CustomerDirectory query (stores/memory and stores/mongo implement it as a query).
 */
export async function customersInScope(accounts: AccountStore, scope: CustomerScope): Promise<Account[]> {
  const direct = await accounts.listByBroker(scope.ownerId);
  const customers = direct.filter((a) => a.role === 'customer');
  if (scope.includeSubBrokers) {
    for (const sub of direct.filter((a) => a.role === 'subBroker')) {
      customers.push(...(await accounts.listByBroker(sub.id)).filter((a) => a.role === 'customer'));
    }
  }
  return customers;
}

/**
 * Whether `actor` may set the mobile number of `target` (ACC-3). A customer's: its broker (also through a sub-broker
 * of that broker), that broker's employees, and the sub-broker the customer belongs to. Anyone else's (broker,
 * employee, sub-broker): only they themselves. Never a customer, not even their own.
 */
export async function mayChangeMobile(actor: Account, target: Account, accounts: AccountStore): Promise<boolean> {
  if (actor.role === 'customer') return false;
  if (target.role !== 'customer') return actor.id === target.id;
  if (!target.brokerId) return false;
  if (actor.role === 'subBroker') return actor.id === target.brokerId;
  const managed = managingBrokerId(actor);
  if (!managed) return false;
  if (target.brokerId === managed) return true;
  const owner = await accounts.findById(target.brokerId);
  return owner?.role === 'subBroker' && owner.brokerId === managed;
}

/** Who pays for a sub-broker's customer's SMS: the broker above the sub-broker, or the sub-broker (SMS_CHARGE_SUB_BROKER_CUSTOMERS_TO). */
export type SubBrokerCustomerCharge = 'broker' | 'subBroker';

/**
 * The account charged for an SMS to `account` (SMS-4): a broker pays its own; an employee's or sub-broker's own go
 * to their broker; a customer's to its owner, and a sub-broker's customer to the sub-broker's broker (or the
 * sub-broker itself when `rule` says so). Throws BrokerHierarchyError when an owner is missing or of the wrong role.
 */
export async function chargedBrokerId(account: Account, accounts: AccountStore, rule: SubBrokerCustomerCharge): Promise<string> {
  const parentOf = async (child: Account): Promise<Account> => {
    const parent = child.brokerId ? await accounts.findById(child.brokerId) : null;
    if (!parent) throw new BrokerHierarchyError(`account ${child.id} (${child.role}) has no broker to charge`);
    return parent;
  };
  const brokerAbove = async (child: Account): Promise<Account> => {
    const parent = await parentOf(child);
    if (parent.role !== 'broker') throw new BrokerHierarchyError(`account ${child.id} (${child.role}) belongs to ${parent.id} (${parent.role}), not a broker`);
    return parent;
  };
  switch (account.role) {
    case 'broker':
      return account.id;
    case 'employee':
    case 'subBroker':
      return (await brokerAbove(account)).id;
    case 'customer': {
      const owner = await parentOf(account);
      if (owner.role === 'broker') return owner.id;
      if (owner.role === 'subBroker' && rule === 'subBroker') return owner.id;
      return (await brokerAbove(owner)).id;
    }
  }
}
