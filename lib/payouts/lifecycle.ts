import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { conflict, refused } from '../errors';
import { postEntries, type EntryInput } from '../ledger/post';
import { Big, moneyOut } from '../money';
import { parseInput } from '../validation';
import { businessDate } from '../validation/fields';
import { getBatch, lockBatch, sumAmounts, type BatchView } from './batches';
import { webhookPayoutSent } from '../webhooks/emit';

export const batchDateSchema = z.object({ date: businessDate('Date') });

type LiveItem = { item_id: string; release_id: string; client_id: string; amount: string };

/** The batch's live items whose release is in `status`, each release locked (after the batch, in id order). */
async function lockLiveItems(tx: Tx, batchId: number, status: string): Promise<LiveItem[]> {
  return tx.sql<LiveItem[]>`
    select i.id::text as item_id, r.id::text as release_id, r.client_id::text as client_id, i.amount::text as amount
      from payout_batch_items i join releases r on r.id = i.release_id
     where i.batch_id = ${batchId} and i.status = 'live' and r.status = ${status}
     order by r.id
       for update of r`;
}

/**
 * The batch's file went to the bank (SPEC 5.3): per release Dr client_payable, Cr cash_in_transit
 * (key `payout-sent:{itemId}`), status `sent`. Only a generated batch (the file is what was sent);
 * marking a sent or settled batch sent again changes and posts nothing (a double request).
 * Errors: 403 (`payout.batch`); 404; 400 invalid date; 409 `file_not_generated`; 422 `sent_before_release`.
 */
export async function markSent(tx: Tx, batchId: number, input: unknown, actor: Actor): Promise<BatchView & { posted: number }> {
  requirePermission(actor, 'payout.batch');
  const { date } = parseInput(batchDateSchema, input);
  const batch = await lockBatch(tx, batchId);
  if (batch.status === 'sent' || batch.status === 'settled') return { ...(await getBatch(tx, batchId, actor)), posted: 0 };
  if (batch.status !== 'generated') {
    throw conflict(
      'file_not_generated',
      `Payout batch ${batchId} has no file yet: download its file (which freezes it), send it to the bank, then mark it sent`,
    );
  }
  const c = batch.currency;
  const items = await lockLiveItems(tx, batchId, 'in_batch');
  // Money cannot leave for a release before the release's own date.
  const [latest] = await tx.sql<
    { as_of: string | null }[]
  >`select max(as_of)::text as as_of from releases where id = any(${items.map((i) => i.release_id)}::bigint[])`;
  if (latest?.as_of && date < latest.as_of) {
    throw refused('sent_before_release', `Payout batch ${batchId} holds a release of ${latest.as_of}; it cannot be sent before that`, {
      date: 'before a release of the batch',
    });
  }
  const entries: EntryInput[] = items.map((i) => ({
    effectiveDate: date,
    kind: 'payout_sent',
    idempotencyKey: `payout-sent:${i.item_id}`,
    clientId: Number(i.client_id),
    releaseId: Number(i.release_id),
    memo: `Rebate of release ${i.release_id} sent to the bank in payout batch ${batchId}`,
    lines: [
      { account: 'client_payable', currency: c, clientId: Number(i.client_id), amount: new Big(i.amount) },
      { account: 'cash_in_transit', currency: c, amount: new Big(i.amount).times(-1) },
    ],
  }));
  const posted = await postEntries(tx, entries, actor);
  const ids = items.map((i) => i.release_id);
  await tx.sql`update releases set status = 'sent' where id = any(${ids}::bigint[])`;
  await tx.sql`update payout_batches set status = 'sent', sent_date = ${date}::date, sent_by = ${actor.userId} where id = ${batchId}`;
  await recordAudit(tx, actor, {
    action: 'payout.batch_sent',
    targetType: 'payout_batch',
    targetId: batchId,
    before: { status: batch.status },
    after: { status: 'sent', date, releases: ids, amount: moneyOut(sumAmounts(items), c) },
  });
  await webhookPayoutSent(tx, batchId, date, c, items);
  return { ...(await getBatch(tx, batchId, actor)), posted: posted.filter((p) => !p.duplicate).length };
}

/**
 * The bank confirmed the batch (SPEC 5.3): per release still live Dr cash_in_transit, Cr cash
 * (key `payout-settled:{itemId}`), status `paid`. A release returned before settlement is not
 * settled (its return already reversed the transit). Settling a settled batch again posts nothing.
 * Errors: 403 (`payout.batch`); 404; 409 `not_sent`; 422 `settled_before_sent`.
 */
export async function markSettled(tx: Tx, batchId: number, input: unknown, actor: Actor): Promise<BatchView & { posted: number }> {
  requirePermission(actor, 'payout.batch');
  const { date } = parseInput(batchDateSchema, input);
  const batch = await lockBatch(tx, batchId);
  if (batch.status === 'settled') return { ...(await getBatch(tx, batchId, actor)), posted: 0 };
  if (batch.status !== 'sent') throw conflict('not_sent', `Payout batch ${batchId} is ${batch.status}: mark it sent before it can settle`);
  if (batch.sent_date !== null && date < batch.sent_date) {
    throw refused('settled_before_sent', `Payout batch ${batchId} was sent on ${batch.sent_date}; it cannot settle before that`, {
      date: 'before the sent date',
    });
  }
  const c = batch.currency;
  const items = await lockLiveItems(tx, batchId, 'sent');
  const entries: EntryInput[] = items.map((i) => ({
    effectiveDate: date,
    kind: 'payout_settled',
    idempotencyKey: `payout-settled:${i.item_id}`,
    clientId: Number(i.client_id),
    releaseId: Number(i.release_id),
    memo: `Rebate of release ${i.release_id} settled (payout batch ${batchId})`,
    lines: [
      { account: 'cash_in_transit', currency: c, amount: new Big(i.amount) },
      { account: 'cash', currency: c, amount: new Big(i.amount).times(-1) },
    ],
  }));
  const posted = await postEntries(tx, entries, actor);
  const ids = items.map((i) => i.release_id);
  await tx.sql`update releases set status = 'paid', paid_at = now() where id = any(${ids}::bigint[])`;
  await tx.sql`update payout_batches set status = 'settled', settled_date = ${date}::date, settled_by = ${actor.userId} where id = ${batchId}`;
  await recordAudit(tx, actor, {
    action: 'payout.batch_settled',
    targetType: 'payout_batch',
    targetId: batchId,
    before: { status: batch.status },
    after: { status: 'settled', date, releases: ids, amount: moneyOut(sumAmounts(items), c) },
  });
  return { ...(await getBatch(tx, batchId, actor)), posted: posted.filter((p) => !p.duplicate).length };
}
