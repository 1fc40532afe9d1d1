import { kickConcentration, kickOutbox, kickWebhooks } from './queues';

/**
 * Work that follows a committed command, outside its transaction: a Redis hiccup here must not
 * undo or fail what was committed (the hourly schedule catches up anyway).
 */
export async function afterFunding(): Promise<void> {
  await kickConcentration();
  await kickWebhooks();
}

/** A release approved queues its rebate advice (a payout return, the underwriters' notice): send it now rather than at the next sweep. */
export async function afterRelease(): Promise<void> {
  await kickOutbox();
  await kickWebhooks();
}

/** A statement issued queues its statement-ready emails: send them now. */
export async function afterStatements(): Promise<void> {
  await kickOutbox();
  await kickWebhooks();
}

/** A payout account change approved queues the emails to the client's contacts: send them now. */
export async function afterPayoutAccountChange(): Promise<void> {
  await kickOutbox();
}

/** Issue 15: a debtor statement sent by hand queues its email: send it now. */
export async function afterDebtorStatement(): Promise<void> {
  await kickOutbox();
}

/** Issue 16: a command that queued webhook events (a payment applied, a payout sent or returned): deliver them now (the sweep would within 10 s). */
export async function afterWebhookEvents(): Promise<void> {
  await kickWebhooks();
}
