import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError, conflict, notFound } from '../errors';
import { type Big, ZERO, moneyOut } from '../money';
import { parseInput } from '../validation';
import { businessDate, currency } from '../validation/fields';
import { eligibleReleasesSql } from './eligible';

export const BATCH_STATUSES = ['open', 'generated', 'sent', 'settled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export interface BatchItemView {
  /** the release's id */
  id: string;
  itemId: string;
  clientId: string;
  clientName: string;
  amount: string;
  /** live, or returned by the bank */
  status: 'live' | 'returned';
  releaseStatus: string;
  /** what the file carries for it: NACHA individual id, pain.001 end-to-end id */
  reference: string;
  traceNumber: string | null;
  returnCode: string | null;
  returnReason: string | null;
  returnDate: string | null;
}

export interface BatchView {
  id: string;
  status: BatchStatus;
  currency: string;
  valueDate: string;
  total: string;
  format: string | null;
  fileName: string | null;
  sha256: string | null;
  generatedAt: string | null;
  sentDate: string | null;
  settledDate: string | null;
  createdBy: string;
  createdAt: string;
  releases: BatchItemView[];
}

type BatchRow = {
  id: string;
  status: BatchStatus;
  currency: string;
  value_date: string;
  total: string;
  format: string | null;
  file_name: string | null;
  file_sha256: string | null;
  generated_at: string | null;
  sent_date: string | null;
  settled_date: string | null;
  created_by_label: string;
  created_at: string;
};

export const batchColumns = `b.id::text as id, b.status, b.currency, b.value_date::text as value_date, b.total::text as total, b.format, b.file_name, b.file_sha256,
  to_char(b.generated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as generated_at, b.sent_date::text as sent_date, b.settled_date::text as settled_date,
  b.created_by_label, to_char(b.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at`;

export function batchHead(b: BatchRow): Omit<BatchView, 'releases'> {
  return {
    id: b.id,
    status: b.status,
    currency: b.currency,
    valueDate: b.value_date,
    total: moneyOut(b.total, b.currency),
    format: b.format,
    fileName: b.file_name,
    sha256: b.file_sha256,
    generatedAt: b.generated_at,
    sentDate: b.sent_date,
    settledDate: b.settled_date,
    createdBy: b.created_by_label,
    createdAt: b.created_at,
  };
}

/** A batch with its releases (each release's item: live or returned). 404 when there is none. */
export async function getBatch(tx: Tx, id: number, actor: Actor): Promise<BatchView> {
  requirePermission(actor, 'payout.download');
  const [b] = await tx.sql<BatchRow[]>`select ${tx.sql.unsafe(batchColumns)} from payout_batches b where b.id = ${id}`;
  if (!b) throw notFound('Payout batch', id);
  const items = await tx.sql<
    {
      id: string;
      item_id: string;
      client_id: string;
      client_name: string;
      amount: string;
      status: 'live' | 'returned';
      release_status: string;
      reference: string;
      trace_number: string | null;
      return_code: string | null;
      return_reason: string | null;
      return_date: string | null;
    }[]
  >`
    select i.release_id::text as id, i.id::text as item_id, i.client_id::text as client_id, c.name as client_name, i.amount::text as amount, i.status,
           r.status as release_status, i.reference, i.trace_number, i.return_code, i.return_reason, i.return_date::text as return_date
      from payout_batch_items i join releases r on r.id = i.release_id join clients c on c.id = i.client_id
     where i.batch_id = ${id} order by i.id`;
  return {
    ...batchHead(b),
    releases: items.map((i) => ({
      id: i.id,
      itemId: i.item_id,
      clientId: i.client_id,
      clientName: i.client_name,
      amount: moneyOut(i.amount, b.currency),
      status: i.status,
      releaseStatus: i.release_status,
      reference: i.reference,
      traceNumber: i.trace_number,
      returnCode: i.return_code,
      returnReason: i.return_reason,
      returnDate: i.return_date,
    })),
  };
}

export const createBatchSchema = z.object({
  currency: currency('Currency'),
  valueDate: businessDate('Value date'),
});

/** What a bank file reference may hold for a release in a batch: NACHA's 15 characters, pain.001's SEPA identifier set. */
export const itemReference = (releaseId: number | string, batchId: number | string) => `R${releaseId}B${batchId}`;

/**
 * Creates the payout batch of a currency and value date (SPEC 5.3, issue 14): every release
 * eligibleReleasesSql() takes joins it (status `in_batch`; nothing is posted). At most one batch
 * per currency and date is open (a partial unique index): two people creating it at once make
 * one — the second's insert waits for the first's commit, then finds that batch and adds what is
 * still eligible (usually nothing) to it. Every client paid must have a payout account.
 *
 * Errors: 403 (needs `payout.batch`); 400 invalid input; 422 `nothing_to_pay` (no release to pay
 * and no open batch of that date); 422 `payout_accounts_missing` naming the clients.
 */
export async function createBatch(tx: Tx, input: unknown, actor: Actor): Promise<{ batch: BatchView; created: boolean }> {
  requirePermission(actor, 'payout.batch');
  const { currency: c, valueDate } = parseInput(createBatchSchema, input);
  let batchId: number | null = null;
  let created = false;
  for (let attempt = 0; attempt < 3 && batchId === null; attempt++) {
    const [inserted] = await tx.sql<{ id: string }[]>`
      insert into payout_batches (currency, value_date, total, created_by, created_by_label)
      values (${c}, ${valueDate}::date, 0, ${actor.userId}, ${actor.label})
      on conflict (currency, value_date) where status = 'open' do nothing returning id`;
    if (inserted) {
      batchId = Number(inserted.id);
      created = true;
      break;
    }
    // Another person's open batch of that date (committed while we waited): take it.
    const [open] = await tx.sql<{ id: string }[]>`
      select id from payout_batches where currency = ${c} and value_date = ${valueDate}::date and status = 'open' for update`;
    if (open) batchId = Number(open.id);
  }
  if (batchId === null) throw conflict('batch_busy', `The ${c} payout batch of ${valueDate} changed while it was being created; try again`);
  const rows = await eligibleReleasesSql(tx.sql, c, valueDate);
  if (rows.length === 0) {
    if (created) {
      throw new DomainError(
        'nothing_to_pay',
        `No approved ${c} release as of ${valueDate} or before is waiting to be paid (none outside a live batch, none of a client whose payout account is flagged)`,
        {
          status: 422,
        },
      );
    }
    return { batch: await getBatch(tx, batchId, actor), created };
  }
  const clientIds = [...new Set(rows.map((r) => r.client_id))];
  const missing = await tx.sql<{ id: string; name: string }[]>`
    select id::text as id, name from clients where id = any(${clientIds}::bigint[]) and payout_account is null order by id`;
  if (missing.length > 0) {
    throw new DomainError('payout_accounts_missing', `Record a payout bank account first for: ${missing.map((m) => `${m.name} (client ${m.id})`).join(', ')}`, {
      status: 422,
      details: { clients: missing.map((m) => m.id) },
    });
  }
  const ids = rows.map((r) => r.id);
  await tx.sql`
    insert into payout_batch_items (batch_id, release_id, client_id, amount, reference)
    select ${batchId}, u.id, u.client_id, u.amount, 'R' || u.id || 'B' || ${batchId}::bigint
      from unnest(${ids}::bigint[], ${rows.map((r) => r.client_id)}::bigint[], ${rows.map((r) => r.amount)}::numeric[]) as u(id, client_id, amount)`;
  await tx.sql`update releases set status = 'in_batch', batch_id = ${batchId} where id = any(${ids}::bigint[])`;
  const added = rows.reduce((t, r) => t.plus(r.amount), ZERO);
  await tx.sql`update payout_batches set total = total + ${added.toString()}::numeric where id = ${batchId}`;
  await recordAudit(tx, actor, {
    action: created ? 'payout.batch_create' : 'payout.batch_add',
    targetType: 'payout_batch',
    targetId: batchId,
    after: { currency: c, valueDate, releases: ids, amount: moneyOut(added.toString(), c) },
  });
  return { batch: await getBatch(tx, batchId, actor), created };
}

/** The batch's row, locked (every command on a batch locks it first, then its releases in id order). */
export async function lockBatch(tx: Tx, id: number): Promise<BatchRow & { sent_date: string | null; file_bytes: Buffer | null }> {
  const [b] = await tx.sql<(BatchRow & { file_bytes: Buffer | null })[]>`
    select ${tx.sql.unsafe(batchColumns)}, b.file_bytes from payout_batches b where b.id = ${id} for update`;
  if (!b) throw notFound('Payout batch', id);
  return b;
}

/** Sum of amounts as a Big (the items' amounts are numeric strings). */
export function sumAmounts(rows: { amount: string }[]): Big {
  return rows.reduce((t, r) => t.plus(r.amount), ZERO);
}
