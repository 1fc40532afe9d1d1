import { sql } from 'drizzle-orm';
import { bigint, boolean, char, date, index, integer, numeric, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { money, rate } from './columns';
import { clients } from './clients';
import { invoices } from './invoices';

/**
 * The accrual state of each funded invoice (SPEC 4), written at funding from the agreement in
 * force that day: its schedule's parameters as columns, so one set-based statement computes
 * every open invoice's fee to date; what was posted for it follows from this row alone
 * (lib/ledger/accrual.ts postedFeeSql), never from a read of its accrual history.
 * Kept narrow on purpose: the daily run reads it whole and updates only what changed.
 */
export const feeAccruals = pgTable(
  'fee_accruals',
  {
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .primaryKey()
      .references(() => invoices.id),
    clientId: bigint('client_id', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    fundingDate: date('funding_date', { mode: 'string' }).notNull(),
    face: money('face').notNull(),
    advance: money('advance').notNull(),
    kind: text('kind', { enum: ['flat', 'tiered', 'daily_rate'] }).notNull(),
    /** daily_rate: the annual rate; tiered: the initial rate; flat: the rate */
    rate: rate('rate').notNull(),
    daysInYear: integer('days_in_year'),
    base: text('base', { enum: ['face', 'advance', 'outstanding'] }),
    initialDays: integer('initial_days'),
    stepRate: rate('step_rate'),
    stepDays: integer('step_days'),
    minimumFee: money('minimum_fee').notNull().default('0'),
    /**
     * Precomputed, exact (unbounded numeric) so the daily run does a multiply and a divide per
     * invoice: daily_rate — base × rate (face or advance; face for an outstanding base);
     * tiered — face × stepRate. `initial`: tiered — face × initialRate.
     */
    unit: numeric('unit').notNull(),
    initial: numeric('initial').notNull().default('0'),
    minorUnits: smallint('minor_units').notNull().default(2),
    /** set when a receivable credit (payment, credit note) posts: the outstanding base then reads the ledger */
    credited: boolean('credited').notNull().default(false),
    /**
     * The first business date this invoice is accrued on: its funding date, or — when it was
     * funded for a date its client had been accrued through already — the day after. From then
     * on every daily run includes it, so what was posted for it is round(fee) as of the client's
     * last run (fees_receivable is not updated per invoice per day).
     */
    accrualStart: date('accrual_start', { mode: 'string' }).notNull(),
    /**
     * For credited invoices (outstanding base, payments received), what has been posted so far,
     * kept up to date by the daily run; for frozen invoices, the fee they froze at.
     */
    accrued: money('accrued').notNull().default('0'),
    /** the date the fee was frozen (settled, charged back, written off); null while it accrues */
    frozenOn: date('frozen_on', { mode: 'string' }),
  },
  (t) => [
    index('fee_accruals_open_idx')
      .on(t.clientId)
      .where(sql`${t.frozenOn} is null`),
    // 0024: a client's fees as of a date (frozen since, too) — lib/releases/state.ts
    index('fee_accruals_client_idx').on(t.clientId),
  ],
);

/** How far each client's invoices have been accrued: a run for date D takes clients behind D. */
export const accrualClients = pgTable('accrual_clients', {
  clientId: bigint('client_id', { mode: 'number' })
    .primaryKey()
    .references(() => clients.id),
  accruedThrough: date('accrued_through', { mode: 'string' }).notNull(),
});
