// In-memory StaffRightsStore.
import { normaliseRights, type StaffRights, type StaffRightsStore } from '../../domain/staff-rights.js';

export class MemoryStaffRightsStore implements StaffRightsStore {
  private readonly byEmployee = new Map<string, StaffRights>();

  async get(employeeId: string): Promise<StaffRights | null> {
    const r = this.byEmployee.get(employeeId);
    return r ? { ...r, rights: [...r.rights] } : null;
  }

  async listByBroker(brokerId: string): Promise<StaffRights[]> {
    return [...this.byEmployee.values()].filter((r) => r.brokerId === brokerId).map((r) => ({ ...r, rights: [...r.rights] }));
  }

  async set(rights: StaffRights): Promise<void> {
    this.byEmployee.set(rights.employeeId, { ...rights, rights: normaliseRights(rights.rights) });
  }
}
