import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { copyRows } from '../../db/copy';
import { fundingBatches } from '../../db/schema';
import type { AgreementTerms } from '../agreements/terms';
import { requesterId } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { feeColumns } from '../fees/accrual-state';
import { postEntries } from '../ledger/post';
import { Big, formatMoney, minorUnits } from '../money';
import { fundingEntries } from '../reserves/funding-split';
import { webhookInvoicesFunded } from '../webhooks/emit';
import type { Prepared } from './prepare';

/** Posts a batch: tranches, purchase entries, the disbursement, invoice states, audit. */
export async function postBatch(tx: Tx, batchId: number, prepared: Prepared, fundingDate: string, actor: Actor): Promise<Big | null> {
  const { client, plan, agreement, currency } = prepared;
  const trancheIds = new Map<string, number>();
  for (const t of plan.tranches) {
    const [row] = await tx.sql<{ id: string }[]>`
      insert into reserve_tranches (client_id, currency, kind, funding_batch_id, funded_on, matures_on, amount)
      values (${client.id}, ${t.currency}, ${t.kind}, ${batchId}, ${fundingDate}, ${t.maturesOn}, ${t.amount.toString()})
      returning id`;
    trancheIds.set(t.currency, Number(row!.id));
  }
  await postEntries(tx, fundingEntries({ planned: plan.invoices, clientId: client.id, fundingDate, batchId, trancheIds }), actor);
  // The batch's own rows carry each invoice's split: one set-based update, no parameter arrays.
  await tx.sql`
    update invoices i set status = 'funded', funding_date = ${fundingDate}::date, advance = b.advance, reserve = b.reserve,
                          fees = b.fees, outstanding = i.face_value, funding_batch_id = b.batch_id, agreement_id = ${Number(agreement.id)}
      from funding_batch_invoices b
     where b.batch_id = ${batchId} and i.id = b.invoice_id`;
  // SPEC 4: each invoice accrues under the fee schedule of the agreement it was funded under.
  const s = feeColumns(agreement as AgreementTerms);
  await tx.sql`
    insert into fee_accruals (invoice_id, client_id, currency, funding_date, accrual_start, face, advance, kind, rate, days_in_year, base,
                              initial_days, step_rate, step_days, minimum_fee, unit, initial, minor_units)
    select invoice_id, ${client.id}, ${currency}, ${fundingDate}::date, start, face, advance, kind, rate, days_in_year, base,
           initial_days, step_rate, step_days, minimum_fee,
           case kind when 'daily_rate' then case base when 'advance' then advance else face end * rate
                     when 'tiered' then face * step_rate else face * rate end,
           case kind when 'tiered' then face * rate else 0 end,
           ${minorUnits(currency)}
      from (select b.invoice_id, b.face, b.advance,
                   -- funded for a date the client was accrued through already: its first run is the next one
                   greatest(${fundingDate}::date, coalesce((select accrued_through + 1 from accrual_clients where client_id = ${client.id}), ${fundingDate}::date)) as start,
                   ${s.kind}::text as kind, ${s.rate}::numeric as rate, ${s.daysInYear}::int as days_in_year, ${s.base}::text as base,
                   ${s.initialDays}::int as initial_days, ${s.stepRate}::numeric as step_rate, ${s.stepDays}::int as step_days,
                   ${agreement.minimumFee}::numeric as minimum_fee
              from funding_batch_invoices b where b.batch_id = ${batchId}) x`;
  let requiredReserve: Big | null = null;
  if (agreement.reservePolicy.kind === 'percent_of_open') {
    // SPEC 5.4: the whole reserve must equal rate × open receivables; recorded at each funding.
    const [open] = await tx.sql<{ total: string }[]>`
      select coalesce(sum(outstanding), 0) as total from invoices where client_id = ${client.id} and currency = ${currency} and status in ('funded', 'disputed')`;
    requiredReserve = new Big(open!.total).times(agreement.reservePolicy.rate).round(2, Big.roundHalfUp);
  }
  // One event for the batch, naming every invoice and its split: the audit trail of each invoice
  // is this event (target funding_batch, after.invoices), written in one hash-chain step.
  await recordAudit(tx, actor, {
    action: 'funding.fund',
    targetType: 'funding_batch',
    targetId: batchId,
    before: { status: 'verified' },
    after: {
      status: 'funded',
      clientId: String(client.id),
      fundingDate,
      totalAdvance: formatMoney(plan.totals.advance, currency),
      warnings: prepared.warnings,
      invoices: plan.invoices.map((p) => [
        String(p.invoice.id),
        formatMoney(p.advance, currency),
        formatMoney(p.reserve, currency),
        formatMoney(p.fees, currency),
      ]),
      columns: ['invoiceId', 'advance', 'reserve', 'fees'],
    },
  });
  await webhookInvoicesFunded(tx, batchId, prepared, fundingDate);
  return requiredReserve;
}

/** Stores a batch and its invoices' split (funded, or held for approval); nothing is posted here. */
export async function insertBatch(tx: Tx, prepared: Prepared, fundingDate: string, status: 'funded' | 'pending_approval', actor: Actor): Promise<number> {
  const { client, plan, currency } = prepared;
  const [batch] = await tx.db
    .insert(fundingBatches)
    .values({
      clientId: client.id,
      fundingDate,
      status,
      holds: prepared.holds,
      warnings: prepared.warnings,
      currency,
      totalFace: plan.totals.face.toString(),
      totalAdvance: plan.totals.advance.toString(),
      totalReserve: plan.totals.reserve.toString(),
      totalFees: plan.totals.fees.toString(),
      requestedBy: requesterId(actor),
    })
    .returning({ id: fundingBatches.id });
  await copyRows(
    tx,
    'funding_batch_invoices',
    ['batch_id', 'invoice_id', 'face', 'advance', 'reserve', 'fixed_build', 'fees'],
    plan.invoices.map((p) => [
      batch!.id,
      p.invoice.id,
      p.face.toString(),
      p.advance.toString(),
      p.reserve.minus(p.fixedBuild).toString(),
      p.fixedBuild.toString(),
      p.fees.toString(),
    ]),
  );
  return batch!.id;
}

/** Records what a posted batch required of a percent-of-open reserve (SPEC 5.4). */
export async function recordRequiredReserve(tx: Tx, batchId: number, requiredReserve: Big | null): Promise<void> {
  if (requiredReserve) await tx.db.update(fundingBatches).set({ requiredReserve: requiredReserve.toString() }).where(eq(fundingBatches.id, batchId));
}
