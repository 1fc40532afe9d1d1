import { sql } from 'drizzle-orm';
import { bigint, char, check, date, index, numeric, pgTable, primaryKey, smallint, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** The columns of a roll-up row and of a delta (migration 0021). */
const columns = {
  grain: smallint('grain').notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  /** the debtor (grains 2, 4) or the client (5, 6) */
  refId: bigint('ref_id', { mode: 'number' }),
  issueDate: date('issue_date', { mode: 'string' }),
  /** the invoice status (grain 3) or the account code (7) */
  tag: text('tag'),
  /** how many: invoices (grains 1–6) or accounts (7) */
  items: bigint('items', { mode: 'number' }).notNull(),
  /** how much: their outstanding (1–6) or kept balances (7) */
  amount: numeric('amount', { precision: 24, scale: 4 }).notNull(),
  /** grain 2: invoices with a settled date (paid, charged back, written off) */
  settledInvoices: bigint('settled_invoices', { mode: 'number' }).notNull().default(0),
  /** grain 2: their settled_date − due_date, summed (a debtor's average days late) */
  daysBeyondTerms: bigint('days_beyond_terms', { mode: 'number' }).notNull().default(0),
};

/**
 * Issue 13: kept roll-ups for the dashboard, the aging report and the portal (migration 0021;
 * lib/reports/rollups.ts ROLLUP_GRAIN says what each grain is keyed by, counts and sums). Only the
 * fold writes it, from rollup_deltas.
 */
export const rollups = pgTable('rollups', columns, (t) => [
  unique('rollups_key').on(t.grain, t.refId, t.currency, t.issueDate, t.tag).nullsNotDistinct(),
  index('rollups_ranked')
    .on(t.grain, t.amount.desc(), t.refId, t.currency)
    .where(sql`${t.grain} in (2, 6)`),
  // Migration 0026: Collections → Aging's page in its own order (total, then id, both one way)
  // for one currency, read from the index up to the LIMIT for every ref without unfolded deltas.
  index('rollups_ranked_by_currency')
    .on(t.grain, t.currency, t.amount.desc().nullsFirst(), t.refId.desc().nullsFirst())
    .where(sql`${t.grain} in (2, 6)`),
  check('rollups_grain_check', sql`${t.grain} between 1 and 7`),
]);

/**
 * Each statement's changes to invoices and ledger_accounts, aggregated per grain and appended by
 * the triggers of migration 0021 (no row lock, so parallel commands never wait on a hot row); the
 * fold moves them into rollups. Readers sum both in one statement.
 */
export const rollupDeltas = pgTable('rollup_deltas', columns, (t) => [
  // Migration 0025: a list page's per-row reads (the aging report's buckets, fee income's months)
  // find a ref's deltas by key, not by reading every delta once per row (a day's accrual leaves
  // 20,000 until the next fold).
  index('rollup_deltas_ref').on(t.grain, t.refId),
]);

/**
 * Migration 0043 (issue 13): Reports' fee income ranked for its default period — per currency and
 * client, the income of the twelve months to `period_to` (the first of the period's last month),
 * summed from the folded rows of grain 8, for the clients with income. Kept by the fold in its
 * transaction (the clients a fold touches are summed again; a period not yet ranked is ranked in
 * full), for the month of the fold and the month before it (lib/reports/rollups.ts). A Reports
 * page sorted by total reads 25 rows of it in order instead of summing every client's months.
 */
export const feeIncomeRanks = pgTable(
  'fee_income_ranks',
  {
    currency: char('currency', { length: 3 }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    refId: bigint('ref_id', { mode: 'number' }).notNull(),
    total: numeric('total', { precision: 24, scale: 4 }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'fee_income_ranks_pkey', columns: [t.periodTo, t.refId, t.currency] }),
    index('fee_income_ranks_order').on(t.currency, t.periodTo, t.total, t.refId),
  ],
);

/** Migration 0043: the periods fee_income_ranks holds (ranked in full once, then kept by each fold). */
export const feeIncomeRankPeriods = pgTable('fee_income_rank_periods', {
  periodTo: date('period_to', { mode: 'string' }).primaryKey(),
  rankedAt: timestamp('ranked_at', { withTimezone: true }).notNull().defaultNow(),
});
