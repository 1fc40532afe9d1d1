import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { copyRows } from '../../db/copy';
import { clients, fundingBatches, type Hold } from '../../db/schema';
import type { AgreementTerms } from '../agreements/terms';
import { requestApproval, decideRequest, lockPendingRequest } from '../approvals';
import { recordAudit } from '../audit';
import { requireRole, type Actor } from '../auth/actor';
import { agreementOn, type AgreementView } from '../clients';
import { assertBusinessDateInWindow, isBusinessDate } from '../dates';
import { DomainError, conflict, notFound, refused } from '../errors';
import { postEntries } from '../ledger/post';
import { Big, formatMoney, minorUnits, moneyOut } from '../money';
import { fundingEntries, planFunding, type FundingPlan, type InvoiceToFund, type ReservePools } from '../reserves/funding-split';
import { parseInput } from '../validation';
import { feeColumns } from '../fees/accrual-state';

export const FUNDING_ROLES = ['funding'] as const;
export const APPROVER_ROLES = ['approver', 'controller'] as const;

const idField = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v);
  if (!/^[1-9]\d{0,15}$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'must be an id' });
    return z.NEVER;
  }
  return Number(text);
});

export const fundingInputSchema = z.object({
  clientId: idField,
  invoiceIds: z
    .array(idField, { error: 'must be a list of invoice ids' })
    .min(1, { error: 'needs at least one invoice' })
    .max(50_000, { error: 'at most 50,000 invoices per batch' })
    .refine((ids) => new Set(ids).size === ids.length, { error: 'lists an invoice twice' }),
  fundingDate: z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }),
});
export type FundingInput = z.input<typeof fundingInputSchema>;

export interface BatchInvoiceView {
  invoiceId: string;
  number: string;
  debtorId: string;
  face: string;
  advance: string;
  reserve: string;
  fees: string;
}

export interface FundingBatchView {
  id: string | null;
  clientId: string;
  status: 'funded' | 'pending_approval' | 'rejected' | 'preview';
  fundingDate: string;
  currency: string;
  totalFace: string;
  totalAdvance: string;
  totalReserve: string;
  totalFees: string;
  requiredReserve: string | null;
  invoices: BatchInvoiceView[];
  holds: Hold[];
  warnings: Hold[];
  reason: string | null;
}

type InvoiceRow = {
  id: string;
  number: string;
  debtor_id: string;
  debtor_name: string;
  currency: string;
  face_value: string;
  status: string;
  funding_date: string | null;
  debtor_approved_date: string | null;
  pending_batch: string | null;
  noa_sent_date: string | null;
};

interface Prepared {
  client: typeof clients.$inferSelect;
  agreement: AgreementView;
  currency: string;
  rows: InvoiceRow[];
  plan: FundingPlan;
  holds: Hold[];
  warnings: Hold[];
}

/**
 * Everything SPEC 5.1 checks before funding, in set-based queries: the client is active, every
 * invoice verified, unfunded and in no other live batch, currencies allowed, reverse-model debtor
 * approvals present; then the split under the reserve policy and the limits. A breached limit is
 * a hold (the batch goes to approval); anything else refuses the batch outright.
 */
async function prepare(tx: Tx, input: z.output<typeof fundingInputSchema>, options: { lock: boolean; ownBatchId?: number }): Promise<Prepared> {
  const [client] = options.lock
    ? await tx.db.select().from(clients).where(eq(clients.id, input.clientId)).for('update')
    : await tx.db.select().from(clients).where(eq(clients.id, input.clientId));
  if (!client) throw notFound('Client', input.clientId);
  if (client.status !== 'active') throw refused('client_not_active', `${client.name} is ${client.status.replace('_', ' ')}; only active clients are funded`);
  const agreement = await agreementOn(tx, client.id, input.fundingDate);
  if (!agreement) throw refused('no_agreement', `${client.name} has no approved agreement in force on ${input.fundingDate}`);

  const rows = await tx.sql<InvoiceRow[]>`
    select i.id, i.number, i.debtor_id, d.name as debtor_name, i.currency, i.face_value, i.status, i.funding_date,
           i.debtor_approved_date, cd.noa_sent_date,
           (select b.batch_id from funding_batch_invoices b
             where b.invoice_id = i.id and b.active and b.batch_id is distinct from ${options.ownBatchId ?? null}::bigint) as pending_batch
      from invoices i
      join debtors d on d.id = i.debtor_id
      left join client_debtors cd on cd.client_id = i.client_id and cd.debtor_id = i.debtor_id
     where i.client_id = ${client.id} and i.id = any(${input.invoiceIds}::bigint[])
     order by i.id`;
  // No row locks on the invoices: the client row locked above serializes every funding of this
  // client, and an invoice can be in one live batch only (unique index), so no two batches can
  // take the same invoice; the update below would wait for any other writer anyway.
  if (rows.length !== input.invoiceIds.length) {
    const found = new Set(rows.map((r) => Number(r.id)));
    const missing = input.invoiceIds.filter((id) => !found.has(id));
    throw new DomainError('not_found', `Invoice ${missing[0]} not found for ${client.name}`, { status: 404, details: { invoiceIds: missing.slice(0, 20).join(', ') } });
  }
  const allowed = new Set(agreement.currencies?.length ? agreement.currencies : [client.currency]);
  const currency = rows[0]!.currency;
  for (const r of rows) {
    if (r.funding_date !== null || r.status === 'funded' || r.status === 'settled') throw conflict('already_funded', `Invoice ${r.number} was funded before${r.funding_date ? ` (${r.funding_date})` : ''}`);
    if (r.pending_batch !== null) throw conflict('in_pending_batch', `Invoice ${r.number} waits for approval in funding batch ${r.pending_batch}`);
    if (r.status !== 'verified') throw refused('not_verified', `Invoice ${r.number} is ${r.status}; only verified invoices are funded`);
    if (!allowed.has(r.currency)) throw refused('currency_not_allowed', `Invoice ${r.number} is in ${r.currency}; ${client.name} is funded in ${[...allowed].join(', ')}`);
    if (r.currency !== currency) throw refused('mixed_currencies', 'A funding batch is in one currency; fund each currency in its own batch');
    if (agreement.model === 'reverse' && !r.debtor_approved_date) {
      throw refused('debtor_approval_missing', `Invoice ${r.number}: a reverse agreement needs the debtor's approval recorded before funding`);
    }
  }

  const pools = await reservePools(tx, client.id);
  const invoices: InvoiceToFund[] = rows.map((r) => ({ id: Number(r.id), number: r.number, currency: r.currency, face: new Big(r.face_value) }));
  const plan = planFunding(invoices, agreement as AgreementTerms, input.fundingDate, pools);
  const holds = await limitHolds(tx, client, agreement, currency, rows, plan);
  const warnings: Hold[] = [];
  if (agreement.model !== 'invoice_discounting' && agreement.model !== 'reverse') {
    const noNotice = [...new Map(rows.filter((r) => !r.noa_sent_date).map((r) => [r.debtor_id, r.debtor_name])).values()];
    if (noNotice.length > 0) {
      warnings.push({ code: 'noa_not_sent', message: `No notice of assignment has been sent to ${noNotice.join(', ')}` });
    }
  }
  return { client, agreement, currency, rows, plan, holds, warnings };
}

/** Rolling/capped/fixed pools: the reserve still held on the client's tranches of that kind. */
async function reservePools(tx: Tx, clientId: number): Promise<ReservePools> {
  const rows = await tx.sql<{ kind: string; currency: string; held: string }[]>`
    select t.kind, t.currency, coalesce(-sum(l.amount), 0) as held
      from reserve_tranches t
      left join journal_lines l on l.tranche_id = t.id
     where t.client_id = ${clientId} and t.kind in ('capped', 'fixed')
     group by t.kind, t.currency`;
  const pools: ReservePools = { capped: new Map(), fixed: new Map() };
  for (const r of rows) (r.kind === 'capped' ? pools.capped : pools.fixed).set(r.currency, new Big(r.held));
  return pools;
}

/** SPEC 5.1 limits: the client's credit limit, each debtor's credit limit, concentration. */
async function limitHolds(
  tx: Tx,
  client: typeof clients.$inferSelect,
  agreement: AgreementView,
  currency: string,
  rows: InvoiceRow[],
  plan: FundingPlan,
): Promise<Hold[]> {
  const holds: Hold[] = [];
  const money = (b: Big) => `${formatMoney(b, currency)} ${currency}`;
  const pct = (b: Big) => `${b.times(100).round(1).toString()}%`;

  // Funds employed: what the factor has out for the client (receivables less the reserve held).
  const [employed] = await tx.sql<{ total: string }[]>`
    select coalesce(sum(balance) filter (where code = 'receivable'), 0) + coalesce(sum(balance) filter (where code = 'reserve'), 0) as total
      from ledger_accounts where client_id = ${client.id} and currency = ${currency}`;
  const after = new Big(employed!.total).plus(plan.totals.face).minus(plan.totals.reserve);
  if (currency === client.currency && after.gt(agreement.creditLimit)) {
    holds.push({
      code: 'client_credit_limit',
      message: `Funds employed for ${client.name} would be ${money(after)}, above its credit limit of ${money(new Big(agreement.creditLimit))}`,
      details: { fundsEmployed: formatMoney(after, currency), creditLimit: formatMoney(new Big(agreement.creditLimit), currency) },
    });
  }

  const batchByDebtor = new Map<string, Big>();
  for (const r of rows) batchByDebtor.set(r.debtor_id, (batchByDebtor.get(r.debtor_id) ?? new Big(0)).plus(r.face_value));
  const debtorIds = [...batchByDebtor.keys()];
  const exposures = await tx.sql<{ id: string; name: string; credit_limit: string; portfolio: string; client_open: string }[]>`
    select d.id, d.name, d.credit_limit,
           coalesce((select sum(i.outstanding) from invoices i where i.debtor_id = d.id and i.currency = ${currency} and i.status in ('funded', 'disputed')), 0) as portfolio,
           coalesce((select sum(i.outstanding) from invoices i where i.debtor_id = d.id and i.client_id = ${client.id} and i.currency = ${currency} and i.status in ('funded', 'disputed')), 0) as client_open
      from debtors d where d.id = any(${debtorIds}::bigint[]) order by d.id`;
  for (const d of exposures) {
    const exposure = new Big(d.portfolio).plus(batchByDebtor.get(d.id)!);
    if (exposure.gt(d.credit_limit)) {
      holds.push({
        code: 'debtor_credit_limit',
        message: `${d.name} would owe ${money(exposure)} across the portfolio, above its credit limit of ${money(new Big(d.credit_limit))}`,
        details: { debtorId: d.id, exposure: formatMoney(exposure, currency), creditLimit: formatMoney(new Big(d.credit_limit), currency) },
      });
    }
  }

  const limit = new Big(agreement.concentrationLimit);
  if (limit.lt(1)) {
    const [open] = await tx.sql<{ total: string }[]>`
      select coalesce(sum(outstanding), 0) as total from invoices
       where client_id = ${client.id} and currency = ${currency} and status in ('funded', 'disputed')`;
    const total = new Big(open!.total).plus(plan.totals.face);
    for (const d of exposures) {
      const debtorTotal = new Big(d.client_open).plus(batchByDebtor.get(d.id)!);
      const share = total.gt(0) ? debtorTotal.div(total) : new Big(0);
      if (share.gt(limit)) {
        holds.push({
          code: 'concentration_limit',
          message: `${d.name} would make up ${pct(share)} of ${client.name}'s open receivables, above the concentration limit of ${pct(limit)}`,
          details: { debtorId: d.id, share: share.round(4).toString(), limit: limit.toString() },
        });
      }
    }
  }
  return holds;
}

function batchView(
  prepared: Pick<Prepared, 'client' | 'currency' | 'rows' | 'plan' | 'holds' | 'warnings'>,
  meta: { id: number | null; status: FundingBatchView['status']; fundingDate: string; requiredReserve?: Big | null; reason?: string | null },
): FundingBatchView {
  const c = prepared.currency;
  const byId = new Map(prepared.rows.map((r) => [Number(r.id), r]));
  return {
    id: meta.id === null ? null : String(meta.id),
    clientId: String(prepared.client.id),
    status: meta.status,
    fundingDate: meta.fundingDate,
    currency: c,
    totalFace: formatMoney(prepared.plan.totals.face, c),
    totalAdvance: formatMoney(prepared.plan.totals.advance, c),
    totalReserve: formatMoney(prepared.plan.totals.reserve, c),
    totalFees: formatMoney(prepared.plan.totals.fees, c),
    requiredReserve: meta.requiredReserve ? formatMoney(meta.requiredReserve, c) : null,
    invoices: prepared.plan.invoices.map((p) => ({
      invoiceId: String(p.invoice.id),
      number: p.invoice.number,
      debtorId: byId.get(p.invoice.id)!.debtor_id,
      face: formatMoney(p.face, c),
      advance: formatMoney(p.advance, c),
      reserve: formatMoney(p.reserve, c),
      fees: formatMoney(p.fees, c),
    })),
    holds: prepared.holds,
    warnings: prepared.warnings,
    reason: meta.reason ?? null,
  };
}

/** The funding batch builder's preview: the split and the holds, nothing written. */
export async function previewFunding(tx: Tx, input: FundingInput, actor: Actor): Promise<FundingBatchView> {
  requireRole(actor, [...FUNDING_ROLES, ...APPROVER_ROLES]);
  const data = parseInput(fundingInputSchema, input);
  assertBusinessDateInWindow(data.fundingDate, 'Funding date', 'happened', { field: 'fundingDate' });
  const prepared = await prepare(tx, data, { lock: false });
  return batchView(prepared, { id: null, status: 'preview', fundingDate: data.fundingDate });
}

/** Posts a batch: tranches, purchase entries, the disbursement, invoice states, audit. */
async function execute(tx: Tx, batchId: number, prepared: Prepared, fundingDate: string, actor: Actor): Promise<Big | null> {
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
      invoices: plan.invoices.map((p) => [String(p.invoice.id), formatMoney(p.advance, currency), formatMoney(p.reserve, currency), formatMoney(p.fees, currency)]),
      columns: ['invoiceId', 'advance', 'reserve', 'fees'],
    },
  });
  return requiredReserve;
}

async function insertBatch(tx: Tx, prepared: Prepared, fundingDate: string, status: 'funded' | 'pending_approval', actor: Actor): Promise<number> {
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
      requestedBy: actor.userId ?? 0,
    })
    .returning({ id: fundingBatches.id });
  await copyRows(
    tx,
    'funding_batch_invoices',
    ['batch_id', 'invoice_id', 'face', 'advance', 'reserve', 'fixed_build', 'fees'],
    plan.invoices.map((p) => [batch!.id, p.invoice.id, p.face.toString(), p.advance.toString(), p.reserve.minus(p.fixedBuild).toString(), p.fixedBuild.toString(), p.fees.toString()]),
  );
  return batch!.id;
}

/**
 * Funds a batch (SPEC 5.1) in one transaction, or — when a limit is breached — records it as
 * `pending_approval` with its holds and puts it in the approval queue; nothing is posted then.
 */
export async function fundBatch(tx: Tx, input: FundingInput, actor: Actor): Promise<FundingBatchView> {
  requireRole(actor, FUNDING_ROLES);
  const data = parseInput(fundingInputSchema, input);
  // SPEC 3: the business date of a purchase that has happened, not one decades ahead.
  assertBusinessDateInWindow(data.fundingDate, 'Funding date', 'happened', { field: 'fundingDate' });
  const prepared = await prepare(tx, data, { lock: true });
  const status = prepared.holds.length > 0 ? 'pending_approval' : 'funded';
  const batchId = await insertBatch(tx, prepared, data.fundingDate, status, actor);
  const summary = `${prepared.client.name}: ${prepared.rows.length} invoice(s), advance ${formatMoney(prepared.plan.totals.advance, prepared.currency)} ${prepared.currency}`;
  if (status === 'pending_approval') {
    await requestApproval(tx, { kind: 'funding_batch', targetId: batchId, clientId: prepared.client.id, summary, details: { holds: prepared.holds } }, actor);
    await recordAudit(tx, actor, {
      action: 'funding.hold',
      targetType: 'funding_batch',
      targetId: batchId,
      after: { status, clientId: String(prepared.client.id), invoices: prepared.rows.length, totalAdvance: formatMoney(prepared.plan.totals.advance, prepared.currency), holds: prepared.holds },
    });
    return batchView(prepared, { id: batchId, status, fundingDate: data.fundingDate });
  }
  const requiredReserve = await execute(tx, batchId, prepared, data.fundingDate, actor);
  if (requiredReserve) await tx.db.update(fundingBatches).set({ requiredReserve: requiredReserve.toString() }).where(eq(fundingBatches.id, batchId));
  return batchView(prepared, { id: batchId, status, fundingDate: data.fundingDate, requiredReserve });
}

async function lockBatch(tx: Tx, batchId: number) {
  const [batch] = await tx.db.select().from(fundingBatches).where(eq(fundingBatches.id, batchId)).for('update');
  if (!batch) throw notFound('Funding batch', batchId);
  return batch;
}

async function batchInvoiceIds(tx: Tx, batchId: number): Promise<number[]> {
  const rows = await tx.sql<{ invoice_id: string }[]>`select invoice_id from funding_batch_invoices where batch_id = ${batchId} order by invoice_id`;
  return rows.map((r) => Number(r.invoice_id));
}

/**
 * An approver other than the requester releases a held batch: the checks run again (the
 * invoices must still be fundable) and the batch is posted as it would have been.
 */
export async function approveFundingBatch(tx: Tx, batchId: number, actor: Actor): Promise<FundingBatchView> {
  requireRole(actor, APPROVER_ROLES);
  const batch = await lockBatch(tx, batchId);
  if (batch.status !== 'pending_approval') throw new DomainError('already_decided', `Funding batch ${batchId} is ${batch.status}`, { status: 409 });
  const request = await lockPendingRequest(tx, 'funding_batch', batchId, actor);
  const input = { clientId: batch.clientId, invoiceIds: await batchInvoiceIds(tx, batchId), fundingDate: batch.fundingDate };
  const prepared = await prepare(tx, input, { lock: true, ownBatchId: batchId });
  const requiredReserve = await execute(tx, batchId, prepared, batch.fundingDate, actor);
  await tx.db
    .update(fundingBatches)
    .set({ status: 'funded', decidedBy: actor.userId, decidedAt: new Date(), holds: prepared.holds, requiredReserve: requiredReserve?.toString() ?? null })
    .where(eq(fundingBatches.id, batchId));
  await decideRequest(tx, request.id, 'approved', actor);
  await recordAudit(tx, actor, {
    action: 'funding.approve',
    targetType: 'funding_batch',
    targetId: batchId,
    before: { status: 'pending_approval', holds: batch.holds },
    after: { status: 'funded', holds: prepared.holds, totalAdvance: formatMoney(prepared.plan.totals.advance, prepared.currency) },
  });
  return batchView(prepared, { id: batchId, status: 'funded', fundingDate: batch.fundingDate, requiredReserve });
}

export async function rejectFundingBatch(tx: Tx, batchId: number, reason: unknown, actor: Actor): Promise<FundingBatchView> {
  requireRole(actor, APPROVER_ROLES);
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text) throw new DomainError('reason_required', 'A rejection needs a reason', { status: 400, details: { reason: 'is required' } });
  const batch = await lockBatch(tx, batchId);
  if (batch.status !== 'pending_approval') throw new DomainError('already_decided', `Funding batch ${batchId} is ${batch.status}`, { status: 409 });
  const request = await lockPendingRequest(tx, 'funding_batch', batchId, actor);
  await tx.db.update(fundingBatches).set({ status: 'rejected', decidedBy: actor.userId, decidedAt: new Date(), reason: text }).where(eq(fundingBatches.id, batchId));
  await tx.sql`update funding_batch_invoices set active = false where batch_id = ${batchId}`;
  await decideRequest(tx, request.id, 'rejected', actor, text);
  await recordAudit(tx, actor, { action: 'funding.reject', targetType: 'funding_batch', targetId: batchId, before: { status: 'pending_approval' }, after: { status: 'rejected', reason: text } });
  return getFundingBatch(tx, batchId, actor);
}

/** A stored batch as the API shows it. */
export async function getFundingBatch(tx: Tx, batchId: number, actor: Actor): Promise<FundingBatchView> {
  const [batch] = await tx.db.select().from(fundingBatches).where(eq(fundingBatches.id, batchId));
  if (!batch) throw notFound('Funding batch', batchId);
  if (actor.role === 'client' && actor.clientId !== batch.clientId) throw notFound('Funding batch', batchId);
  const lines = await tx.sql<{ invoice_id: string; number: string; debtor_id: string; face: string; advance: string; reserve: string; fees: string }[]>`
    select b.invoice_id, i.number, i.debtor_id, b.face, b.advance, b.reserve + b.fixed_build as reserve, b.fees
      from funding_batch_invoices b join invoices i on i.id = b.invoice_id where b.batch_id = ${batchId} order by b.invoice_id`;
  const c = batch.currency;
  return {
    id: String(batch.id),
    clientId: String(batch.clientId),
    status: batch.status,
    fundingDate: batch.fundingDate,
    currency: c,
    totalFace: moneyOut(batch.totalFace, c),
    totalAdvance: moneyOut(batch.totalAdvance, c),
    totalReserve: moneyOut(batch.totalReserve, c),
    totalFees: moneyOut(batch.totalFees, c),
    requiredReserve: batch.requiredReserve ? moneyOut(batch.requiredReserve, c) : null,
    invoices: lines.map((l) => ({
      invoiceId: l.invoice_id,
      number: l.number,
      debtorId: l.debtor_id,
      face: moneyOut(l.face, c),
      advance: moneyOut(l.advance, c),
      reserve: moneyOut(l.reserve, c),
      fees: moneyOut(l.fees, c),
    })),
    holds: batch.holds,
    warnings: batch.warnings,
    reason: batch.reason,
  };
}

export interface FundingBatchSummary {
  id: string;
  clientId: string;
  clientName: string;
  status: string;
  fundingDate: string;
  currency: string;
  invoices: number;
  totalAdvance: string;
  holds: number;
  requestedBy: string;
  createdAt: string;
}

export async function listFundingBatches(tx: Tx, filter: { status?: string; limit?: number } = {}): Promise<FundingBatchSummary[]> {
  const rows = await tx.sql<
    { id: string; client_id: string; client_name: string; status: string; funding_date: string; currency: string; n: number; total_advance: string; holds: number; requested_by: string; created_at: string }[]
  >`
    select b.id, b.client_id, c.name as client_name, b.status, b.funding_date, b.currency,
           (select count(*)::int from funding_batch_invoices x where x.batch_id = b.id) as n,
           b.total_advance, jsonb_array_length(b.holds) as holds, u.email as requested_by,
           to_char(b.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at
      from funding_batches b join clients c on c.id = b.client_id left join users u on u.id = b.requested_by
     where (${filter.status ?? null}::text is null or b.status = ${filter.status ?? null})
     order by b.id desc limit ${filter.limit ?? 100}`;
  return rows.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    status: r.status,
    fundingDate: r.funding_date,
    currency: r.currency,
    invoices: r.n,
    totalAdvance: moneyOut(r.total_advance, r.currency),
    holds: r.holds,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
  }));
}

export interface FundableInvoice {
  id: string;
  number: string;
  debtorName: string;
  currency: string;
  faceValue: string;
  issueDate: string;
  dueDate: string;
}

/** The batch builder's list: a client's verified invoices that are in no live batch. */
export async function listFundableInvoices(tx: Tx, clientId: number, limit = 1000): Promise<FundableInvoice[]> {
  const rows = await tx.sql<{ id: string; number: string; debtor_name: string; currency: string; face_value: string; issue_date: string; due_date: string }[]>`
    select i.id, i.number, d.name as debtor_name, i.currency, i.face_value, i.issue_date, i.due_date
      from invoices i join debtors d on d.id = i.debtor_id
     where i.client_id = ${clientId} and i.status = 'verified'
       and not exists (select 1 from funding_batch_invoices b where b.invoice_id = i.id and b.active)
     order by i.issue_date, i.id limit ${limit}`;
  return rows.map((r) => ({ id: r.id, number: r.number, debtorName: r.debtor_name, currency: r.currency, faceValue: moneyOut(r.face_value, r.currency), issueDate: r.issue_date, dueDate: r.due_date }));
}
