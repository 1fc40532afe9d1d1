import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { PayoutAccountFlag } from '../../db/schema';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { conflict, notFound, refused } from '../errors';
import { postEntries } from '../ledger/post';
import { Big, moneyOut } from '../money';
import { appUrl } from '../notifications';
import { queueEmails, type QueuedEmail } from '../notifications/outbox';
import { achReturnCode, achReturn } from '../releases/ach-returns';
import { getRelease } from '../releases/queries';
import type { ReleaseView } from '../releases/release-rows';
import type { ReleasePosting } from '../releases/queries';
import { sepaReject, sepaRejectCode } from '../releases/sepa-rejects';
import { parseInput } from '../validation';
import { businessDate, text } from '../validation/fields';
import { webhookPayoutReturned } from '../webhooks/emit';

export const returnSchema = z.object({
  date: businessDate('Date'),
  code: text('Return code', { max: 10 }),
  reason: text('Reason', { max: 500 }),
});

/** ACH (a NACHA batch, or a USD batch's CSV) or SEPA / ISO 20022 (pain.001, other currencies' CSV). */
function scheme(format: string | null, currency: string): 'ach' | 'sepa' {
  if (format === 'nacha') return 'ach';
  if (format === 'pain001') return 'sepa';
  return currency === 'USD' ? 'ach' : 'sepa';
}

/**
 * The bank returned a release's payout (SPEC 5.3, issue 14 "Returns"): Dr cash_in_transit when it
 * had not settled (status `sent`), Dr cash when it had (`paid`); Cr client_payable (key
 * `payout-return:{itemId}`). The release is `returned` and out of its batch (the item stays,
 * `returned`, with the code and reason), ready for a later batch — where it is paid once more.
 * The code is an ACH return code (R01–R85) for a NACHA/USD payout, a SEPA reject reason for a
 * pain.001 one; when it points at the account, the client's payout account is flagged (its
 * releases wait out of batches until the account is set again). Underwriters are emailed.
 * Locks: the batch, then the release, then the item — the batch commands' order.
 *
 * Errors: 403 (`payout.return`); 404; 400 a code not of the scheme, a bad date; 409 `not_sent`
 * (nothing at the bank to return); 422 `returned_before_sent`.
 */
export async function returnRelease(tx: Tx, releaseId: number, input: unknown, actor: Actor): Promise<ReleaseView & { entries: ReleasePosting[] }> {
  requirePermission(actor, 'payout.return');
  const data = parseInput(returnSchema, input);
  const [peek] = await tx.sql<{ batch_id: string | null; status: string }[]>`select batch_id::text as batch_id, status from releases where id = ${releaseId}`;
  if (!peek) throw notFound('Release', releaseId);
  if (peek.batch_id === null || (peek.status !== 'sent' && peek.status !== 'paid')) {
    throw conflict('not_sent', `Release ${releaseId} is ${peek.status.replace(/_/g, ' ')}: only a payout sent to the bank can come back`, {
      status: peek.status,
    });
  }
  const [batch] = await tx.sql<{ id: string; currency: string; format: string | null; sent_date: string | null }[]>`
    select id::text as id, currency, format, sent_date::text as sent_date from payout_batches where id = ${peek.batch_id} for update`;
  const [release] = await tx.sql<{ id: string; client_id: string; status: string; batch_id: string | null }[]>`
    select id::text as id, client_id::text as client_id, status, batch_id::text as batch_id from releases where id = ${releaseId} for update`;
  if (!batch || !release || release.batch_id !== batch.id || (release.status !== 'sent' && release.status !== 'paid')) {
    throw conflict('not_sent', `Release ${releaseId} is ${release?.status.replace(/_/g, ' ') ?? 'gone'}: only a payout sent to the bank can come back`);
  }
  const [item] = await tx.sql<{ id: string; amount: string }[]>`
    select id::text as id, amount::text as amount from payout_batch_items where release_id = ${releaseId} and batch_id = ${batch.id} and status = 'live' for update`;
  if (!item) throw conflict('not_sent', `Release ${releaseId} has no live payout to return`);
  const kind = scheme(batch.format, batch.currency);
  const { code } = parseInput(z.object({ code: kind === 'ach' ? achReturnCode('Return code') : sepaRejectCode('Return code') }), { code: data.code });
  const why = (kind === 'ach' ? achReturn(code) : sepaReject(code))!;
  if (batch.sent_date !== null && data.date < batch.sent_date) {
    throw refused('returned_before_sent', `Release ${releaseId}'s payout was sent on ${batch.sent_date}; it cannot come back before that`, {
      date: 'before the sent date',
    });
  }
  const c = batch.currency;
  const clientId = Number(release.client_id);
  const amount = new Big(item.amount);
  const settled = release.status === 'paid';
  await postEntries(
    tx,
    [
      {
        effectiveDate: data.date,
        kind: 'payout_return',
        idempotencyKey: `payout-return:${item.id}`,
        clientId,
        releaseId,
        memo: `Rebate of release ${releaseId} returned by the bank (${code} ${why.title})`,
        lines: [
          settled ? { account: 'cash', currency: c, amount } : { account: 'cash_in_transit', currency: c, amount },
          { account: 'client_payable', currency: c, clientId, amount: amount.times(-1) },
        ],
      },
    ],
    actor,
  );
  await tx.sql`
    update payout_batch_items set status = 'returned', return_code = ${code}, return_reason = ${data.reason}, return_date = ${data.date}::date, returned_by = ${actor.userId}
     where id = ${item.id}`;
  await tx.sql`update releases set status = 'returned', batch_id = null, paid_at = null where id = ${releaseId}`;
  const [client] = await tx.sql<{ name: string; payout_account_flag: PayoutAccountFlag | null }[]>`
    select name, payout_account_flag from clients where id = ${clientId} for update`;
  if (why.flagsAccount) {
    const flag: PayoutAccountFlag = { code, title: why.title, reason: data.reason, releaseId: String(releaseId), date: data.date };
    await tx.sql`update clients set payout_account_flag = ${JSON.stringify(flag)}::jsonb where id = ${clientId}`;
  }
  const underwriters = await tx.sql<{ email: string }[]>`select email from users where role = 'underwriter' and disabled_at is null order by id`;
  const emailData = {
    clientName: client!.name,
    clientId: String(clientId),
    releaseId: String(releaseId),
    batchId: batch.id,
    currency: c,
    amount: moneyOut(amount, c),
    date: data.date,
    code,
    title: why.title,
    reason: data.reason,
    flagged: why.flagsAccount,
    url: `${appUrl()}/clients/${clientId}`,
  };
  const emails: QueuedEmail<'payout_returned'>[] = underwriters.map((u) => ({
    to: u.email,
    template: 'payout_returned',
    data: emailData,
    dedupeKey: `payout-return:${item.id}:${u.email}`,
    clientId,
  }));
  await queueEmails(tx, emails);
  await recordAudit(tx, actor, {
    action: 'release.return',
    targetType: 'release',
    targetId: releaseId,
    before: { status: release.status, batchId: batch.id },
    after: { status: 'returned', date: data.date, code, title: why.title, reason: data.reason, amount: moneyOut(amount, c), accountFlagged: why.flagsAccount },
  });
  await webhookPayoutReturned(tx, {
    itemId: item.id,
    releaseId,
    clientId,
    payoutBatchId: batch.id,
    currency: c,
    amount,
    date: data.date,
    code,
    reason: data.reason,
  });
  return getRelease(tx, releaseId, actor);
}
