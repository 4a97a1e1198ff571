// In-memory MailingTemplateStore.
import type { MailingTemplateStore, TemplateCopy } from '../../domain/mailing-template.js';

export class MemoryMailingTemplateStore implements MailingTemplateStore {
  private readonly copies = new Map<string, TemplateCopy>();
  private key = (brokerId: string, templateId: string) => `${brokerId}\u0000${templateId}`;

  async get(brokerId: string, templateId: string): Promise<TemplateCopy | null> {
    const c = this.copies.get(this.key(brokerId, templateId));
    return c ? { ...c } : null;
  }

  async listByBroker(brokerId: string): Promise<TemplateCopy[]> {
    return [...this.copies.values()].filter((c) => c.brokerId === brokerId).map((c) => ({ ...c }));
  }

  async save(copy: TemplateCopy): Promise<void> {
    this.copies.set(this.key(copy.brokerId, copy.templateId), { ...copy });
  }

  async remove(brokerId: string, templateId: string): Promise<boolean> {
    return this.copies.delete(this.key(brokerId, templateId));
  }
}
