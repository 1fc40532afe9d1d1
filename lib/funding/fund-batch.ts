import type { Tx } from '../../db/client';
import { requestApproval } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow } from '../dates';
import { formatMoney } from '../money';
import { parseInput } from '../validation';
import { fundingInputSchema, type FundingInput } from './input';
import { insertBatch, postBatch, recordRequiredReserve } from './post';
import { prepare } from './prepare';
import type { FundingBatchView } from './types';
import { batchView } from './view';

/**
 * Funds a batch (SPEC 5.1) in one transaction, or — when a limit is breached — records it as
 * `pending_approval` with its holds and puts it in the approval queue; nothing is posted then.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `funding.fund`); 400 `invalid_input`
 * (names the field); 422 `date_out_of_range`; 404 `not_found` (client or an invoice of another
 * client); 422 `intake_flags_open` (issue 16: open intake flags, naming the invoices and flags), `client_not_active`, `no_agreement`, `not_verified`, `verification_required`, `currency_not_allowed`,
 * `mixed_currencies`, `debtor_approval_missing`; 409 `already_funded`, `in_pending_batch`.
 */
export async function fundBatch(tx: Tx, input: FundingInput, actor: Actor): Promise<FundingBatchView> {
  requirePermission(actor, 'funding.fund');
  const data = parseInput(fundingInputSchema, input);
  // SPEC 3: the business date of a purchase that has happened, not one decades ahead.
  assertBusinessDateInWindow(data.fundingDate, 'Funding date', 'happened', { field: 'fundingDate' });
  const prepared = await prepare(tx, data, { lock: true, actor });
  const status = prepared.holds.length > 0 ? 'pending_approval' : 'funded';
  const batchId = await insertBatch(tx, prepared, data.fundingDate, status, actor);
  const summary = `${prepared.client.name}: ${prepared.rows.length} invoice(s), advance ${formatMoney(prepared.plan.totals.advance, prepared.currency)} ${prepared.currency}`;
  if (status === 'pending_approval') {
    await requestApproval(tx, { kind: 'funding_batch', targetId: batchId, clientId: prepared.client.id, summary, details: { holds: prepared.holds } }, actor);
    await recordAudit(tx, actor, {
      action: 'funding.hold',
      targetType: 'funding_batch',
      targetId: batchId,
      after: {
        status,
        clientId: String(prepared.client.id),
        invoices: prepared.rows.length,
        totalAdvance: formatMoney(prepared.plan.totals.advance, prepared.currency),
        holds: prepared.holds,
      },
    });
    return batchView(prepared, { id: batchId, status, fundingDate: data.fundingDate });
  }
  const requiredReserve = await postBatch(tx, batchId, prepared, data.fundingDate, actor);
  await recordRequiredReserve(tx, batchId, requiredReserve);
  return batchView(prepared, { id: batchId, status, fundingDate: data.fundingDate, requiredReserve });
}
