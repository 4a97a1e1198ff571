export const BROKER_PAGE_MESSAGES = {} satisfies Record<string, { de: string; en: string }>;
