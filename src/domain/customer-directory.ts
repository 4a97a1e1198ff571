// CustomerDirectory, its query, rows and counts — the broker's customer list contract (BRK-1): search, filters, sorting, a page and the counts per filter,
// all from ONE store query per page (never one query per customer).
export const YES_NO = ['yes', 'no'] as const;
export type YesNo = (typeof YES_NO)[number];

export const CUSTOMER_SORT_FIELDS = ['accessNumber', 'name', 'email', 'mobile', 'enrolled', 'method', 'interval'] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

/** Whose customers: those of `ownerId`, and with `includeSubBrokers` also those of the owner's sub-brokers. */
export interface CustomerScope {
  ownerId: string;
  includeSubBrokers: boolean;
}

export interface CustomerFilter {
  /** Mobile number on file. */
  mobile?: YesNo;
  /** At least one financeIDENT device. */
  enrolled?: YesNo;
  method?: 'app' | 'sms';
  /** Case-insensitive part of name, access number or email (at most 100 characters). */
  search?: string;
}

export interface CustomerQuery {
  scope: CustomerScope;
  filter: CustomerFilter;
  sort: { field: CustomerSortField; dir: 'asc' | 'desc' };
  /** 1-based. */
  page: number;
  /** 1..10000. */
  pageSize: number;
}

export interface CustomerRow {
  id: string;
  accessNumber: string;
  name: string;
  email: string | null;
  mobile: string | null;
  method: 'app' | 'sms';
  intervalDays: number;
  /** The account the customer belongs to (the broker or one of its sub-brokers). */
  brokerId: string;
  enrolled: boolean;
}

/** Counts within scope and search, ignoring the yes/no filters, so each filter option can say how many it would show. */
export interface CustomerCounts {
  all: number;
  mobileYes: number;
  mobileNo: number;
  enrolledYes: number;
  enrolledNo: number;
  methodApp: number;
  methodSms: number;
}

export interface CustomerPage {
  rows: CustomerRow[];
  /** Customers matching scope, search and filters (all pages). */
  matched: number;
  counts: CustomerCounts;
  page: number;
  pageSize: number;
}

export interface CustomerDirectory {
  /** One page of customers with counts: one store round trip. */
  query(q: CustomerQuery): Promise<CustomerPage>;
  /** Every customer matching scope and filter, sorted by access number (mailing recipients): one store round trip. */
  listAll(scope: CustomerScope, filter: CustomerFilter): Promise<CustomerRow[]>;
  /** One customer if it is in scope, else null (a foreign and an unknown customer look the same). */
  findInScope(scope: CustomerScope, customerId: string): Promise<CustomerRow | null>;
}
