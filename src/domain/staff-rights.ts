// StaffRights, StaffRightsStore and BrokerRight — the employee rights contract (BRK-1): which parts of the broker area a broker granted each of its employees.
export const BROKER_RIGHTS = ['customers', 'mobile', 'settings', 'devices', 'mailings', 'costs'] as const;
export type BrokerRight = (typeof BROKER_RIGHTS)[number];

export interface StaffRights {
  employeeId: string;
  brokerId: string;
  rights: BrokerRight[];
  updatedAt: number;
  /** Account id of who granted them. */
  updatedBy: string;
}

export interface StaffRightsStore {
  /** The employee's rights, or null when nothing was ever granted (then: no rights). */
  get(employeeId: string): Promise<StaffRights | null>;
  listByBroker(brokerId: string): Promise<StaffRights[]>;
  /** Replaces the employee's rights (rights are stored sorted and without duplicates). */
  set(rights: StaffRights): Promise<void>;
}

export function normaliseRights(rights: readonly string[]): BrokerRight[] {
  return BROKER_RIGHTS.filter((r) => rights.includes(r));
}
