import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, customType, date, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { clients } from './clients';
import { releases } from './releases';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Issue 14 / SPEC 5.3: a payout batch — the approved (or returned) releases of one currency paid
 * on one value date by one bank file. open (releases may still join) → generated (the file's bytes
 * are frozen: every download returns them) → sent (client payable → cash in transit) → settled
 * (cash in transit → cash). At most one open batch per currency and value date.
 */
export const payoutBatches = pgTable(
  'payout_batches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    currency: char('currency', { length: 3 }).notNull(),
    valueDate: date('value_date', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['open', 'generated', 'sent', 'settled'] })
      .notNull()
      .default('open'),
    /** the sum of its items as created (returns do not change it) */
    total: money('total').notNull(),
    /** frozen by the first download: nacha | pain001 | csv, the file's name, bytes and SHA-256 */
    format: text('format', { enum: ['nacha', 'pain001', 'csv'] }),
    fileName: text('file_name'),
    fileBytes: bytea('file_bytes'),
    fileSha256: text('file_sha256'),
    generatedAt: timestamp('generated_at', { withTimezone: true, mode: 'date' }),
    generatedBy: bigint('generated_by', { mode: 'number' }),
    sentDate: date('sent_date', { mode: 'string' }),
    sentBy: bigint('sent_by', { mode: 'number' }),
    settledDate: date('settled_date', { mode: 'string' }),
    settledBy: bigint('settled_by', { mode: 'number' }),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('payout_batches_status_check', sql`${t.status} in ('open','generated','sent','settled')`),
    check('payout_batches_format_check', sql`${t.format} is null or ${t.format} in ('nacha','pain001','csv')`),
    // two people creating the batch of one date at once make one batch
    uniqueIndex('payout_batches_one_open')
      .on(t.currency, t.valueDate)
      .where(sql`${t.status} = 'open'`),
    index('payout_batches_value_date_idx').on(t.valueDate, t.id),
    index('payout_batches_status_idx').on(t.status, t.id),
  ],
);

/**
 * One release in one payout batch. `live` until the bank returns it (`returned`, with the code and
 * reason); a release is in at most one live batch, and a returned release joins a later batch as a
 * new item. `reference` is what the file carries for it (NACHA individual id, pain.001
 * end-to-end id); `trace_number` the NACHA trace number the file gave it.
 */
export const payoutBatchItems = pgTable(
  'payout_batch_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    batchId: bigint('batch_id', { mode: 'number' })
      .notNull()
      .references(() => payoutBatches.id),
    releaseId: bigint('release_id', { mode: 'number' })
      .notNull()
      .references(() => releases.id),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    amount: money('amount').notNull(),
    reference: text('reference').notNull(),
    traceNumber: text('trace_number'),
    status: text('status', { enum: ['live', 'returned'] })
      .notNull()
      .default('live'),
    returnCode: text('return_code'),
    returnReason: text('return_reason'),
    returnDate: date('return_date', { mode: 'string' }),
    returnedBy: bigint('returned_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    check('payout_batch_items_status_check', sql`${t.status} in ('live','returned')`),
    // a release is in at most one live batch
    uniqueIndex('payout_batch_items_one_live')
      .on(t.releaseId)
      .where(sql`${t.status} = 'live'`),
    index('payout_batch_items_batch_idx').on(t.batchId, t.id),
    index('payout_batch_items_release_idx').on(t.releaseId),
  ],
);
