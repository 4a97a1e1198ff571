// A broker grants its employees rights (BRK-1); each change is audited (who, what, for whom, when, IP).
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Account, AccountStore } from '../../domain/account.js';
import type { AuditLog } from '../../domain/audit-log.js';
import { type BrokerRight, normaliseRights, type StaffRightsStore } from '../../domain/staff-rights.js';
import type { BrokerContext } from './broker-access.js';
import { isEmployeeOf } from './broker-hierarchy.js';

export interface EmployeeRights {
  employee: Account;
  rights: BrokerRight[];
}

export class StaffRightsService {
  constructor(private readonly deps: { accounts: AccountStore; rights: StaffRightsStore; audit: AuditLog; clock: Clock }) {}

  private requireBroker(ctx: BrokerContext): void {
    if (!ctx.mayManageStaff) throw new AppError('broker.forbidden', 403);
  }

  /** The broker's employees with their rights, by name. Only the broker itself. */
  async list(ctx: BrokerContext): Promise<EmployeeRights[]> {
    this.requireBroker(ctx);
    const employees = (await this.deps.accounts.listByBroker(ctx.brokerId)).filter((a) => isEmployeeOf(a, ctx.brokerId));
    const granted = new Map((await this.deps.rights.listByBroker(ctx.brokerId)).map((r) => [r.employeeId, r.rights]));
    return employees.sort((a, b) => a.name.localeCompare(b.name, 'de')).map((employee) => ({ employee, rights: granted.get(employee.id) ?? [] }));
  }

  /** Replaces one employee's rights; unknown names are dropped. A foreign employee is account.notFound (404). */
  async set(ctx: BrokerContext, employeeId: string, rights: readonly string[], ip: string): Promise<BrokerRight[]> {
    this.requireBroker(ctx);
    const employee = await this.deps.accounts.findById(employeeId);
    if (!employee || !isEmployeeOf(employee, ctx.brokerId)) throw new AppError('account.notFound', 404);
    const before = (await this.deps.rights.get(employee.id))?.rights ?? [];
    const next = normaliseRights(rights);
    const now = this.deps.clock.now();
    await this.deps.rights.set({ employeeId: employee.id, brokerId: ctx.brokerId, rights: next, updatedAt: now, updatedBy: ctx.actor.id });
    if (before.join() !== next.join()) {
      await this.deps.audit.append({ at: now, type: 'rights.changed', accountId: employee.id, ip, details: { from: before, to: next, by: ctx.actor.id } });
    }
    return next;
  }
}
