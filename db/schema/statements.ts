import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, customType, date, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { clients } from './clients';
import { jobRuns } from './system';

/** Postgres bytea, read and written as a Node Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

/**
 * A client's reserve statement for a period (SPEC 7 "statements"), stored once issued: the PDF
 * as sent, its sha256, the figures per currency (`currencies[i]` ↔ `opening_balances[i]`,
 * `closing_balances[i]`) and who or which job run issued it. One per client and period: issuing
 * the same period again returns this one. The issued document is never rewritten (trigger).
 */
export const statements = pgTable(
  'statements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    periodFrom: date('period_from', { mode: 'string' }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    currencies: text('currencies').array().notNull(),
    openingBalances: numeric('opening_balances', { precision: 20, scale: 4 }).array().notNull(),
    closingBalances: numeric('closing_balances', { precision: 20, scale: 4 }).array().notNull(),
    /** per currency: opening, closing, totals by kind, fees and releases as decimal strings */
    figures: jsonb('figures').notNull(),
    pdf: bytea('pdf').notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    generatedAt: timestamp('generated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** the person's email or `job:statements` */
    generatedBy: text('generated_by').notNull(),
    generatedByUserId: bigint('generated_by_user_id', { mode: 'number' }),
    jobRunId: bigint('job_run_id', { mode: 'number' }).references(() => jobRuns.id),
  },
  (t) => [
    uniqueIndex('statements_client_period').on(t.clientId, t.periodFrom, t.periodTo),
    index('statements_period_idx').on(t.periodFrom, t.periodTo),
    check('statements_period_check', sql`${t.periodFrom} <= ${t.periodTo}`),
    check(
      'statements_figures_check',
      sql`cardinality(${t.currencies}) = cardinality(${t.closingBalances}) and cardinality(${t.currencies}) = cardinality(${t.openingBalances})`,
    ),
    check('statements_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);
