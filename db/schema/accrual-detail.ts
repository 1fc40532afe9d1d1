import { bigint, date, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { money } from './columns';

/**
 * Issue 13: the daily fee accrual's detail, per invoice and date (SPEC 4: "posts, per invoice and
 * date, the difference"), kept beside the journal instead of in it. Each accrual entry (one per
 * client, currency and date) posts one fees_receivable line — the sum of its rows here — so the
 * journal grows by a line per client a day, not per invoice. Append-only like the journal
 * (migration 0016: UPDATE, DELETE and TRUNCATE refused; the app role may only SELECT and INSERT),
 * and tied to it per statement (an entry's detail sums to its fees_receivable line).
 *
 * Keyed (entry, invoice): entry ids only grow, so a day's rows land at the b-tree's right edge
 * and inserting costs the same after years of history; an invoice's history is found through
 * its client's accrual entries. No screen reads it for a fee to date (fee_accruals says that).
 */
export const feeAccrualLines = pgTable(
  'fee_accrual_lines',
  {
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    invoiceId: bigint('invoice_id', { mode: 'number' }).notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    amount: money('amount').notNull(),
  },
  (t) => [primaryKey({ name: 'fee_accrual_lines_pk', columns: [t.entryId, t.invoiceId] })],
);
