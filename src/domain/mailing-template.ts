// MailingTemplateStore and TemplateCopy — the mailing template contract (BRK-2): a broker's own edited copy of a built-in template; no copy = the built-in one.
export interface TemplateCopy {
  brokerId: string;
  templateId: string;
  subject: string;
  text: string;
  updatedAt: number;
  updatedBy: string;
}

export interface MailingTemplateStore {
  get(brokerId: string, templateId: string): Promise<TemplateCopy | null>;
  listByBroker(brokerId: string): Promise<TemplateCopy[]>;
  /** Creates or replaces the broker's copy. */
  save(copy: TemplateCopy): Promise<void>;
  /** Deletes the copy (reset to the built-in text); true when there was one. */
  remove(brokerId: string, templateId: string): Promise<boolean>;
}
