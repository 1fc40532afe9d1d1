import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow } from '../dates';
import { parseInput } from '../validation';
import { fundingInputSchema, type FundingInput } from './input';
import { prepare } from './prepare';
import type { FundingBatchView } from './types';
import { batchView } from './view';

/**
 * The funding batch builder's preview (SPEC 5.1): the split and the holds, nothing written.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `funding.preview`); 400 `invalid_input`
 * (names the field); 422 `date_out_of_range`; 404 `not_found` (client or an invoice of another
 * client); 422 `intake_flags_open` (issue 16: open intake flags, naming the invoices and flags), `client_not_active`, `no_agreement`, `not_verified`, `verification_required`, `currency_not_allowed`,
 * `mixed_currencies`, `debtor_approval_missing`; 409 `already_funded`, `in_pending_batch`.
 */
export async function previewFunding(tx: Tx, input: FundingInput, actor: Actor): Promise<FundingBatchView> {
  requirePermission(actor, 'funding.preview');
  const data = parseInput(fundingInputSchema, input);
  assertBusinessDateInWindow(data.fundingDate, 'Funding date', 'happened', { field: 'fundingDate' });
  const prepared = await prepare(tx, data, { lock: false });
  return batchView(prepared, { id: null, status: 'preview', fundingDate: data.fundingDate });
}
