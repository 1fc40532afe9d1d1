import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { eq } from 'drizzle-orm';
import { clients, type Hold } from '../../db/schema';
import type { AgreementTerms } from '../agreements/terms';
import { agreementOn, type AgreementView } from '../clients';
import { DomainError, conflict, notFound, refused } from '../errors';
import { Big, formatMoney } from '../money';
import { planFunding, type FundingPlan, type InvoiceToFund, type ReservePools } from '../reserves/funding-split';
import { latestOutcomes } from '../verifications';
import { lackingVerification, listNumbers, verificationRequired, verificationRequiredMessage, type VerificationRule } from '../verifications/rule';
import type { FundingData } from './input';
import { intakeFlagHolds, pairLimitHolds } from './intake-holds';

export type InvoiceRow = {
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

export interface Prepared {
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
 * approvals present, a positive verification recorded above the agreement's threshold; then the split under the reserve policy and the limits. A breached limit is
 * a hold (the batch goes to approval); anything else refuses the batch outright.
 */
export async function prepare(tx: Tx, input: FundingData, options: { lock: boolean; ownBatchId?: number; actor?: Actor }): Promise<Prepared> {
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
    throw new DomainError('not_found', `Invoice ${missing[0]} not found for ${client.name}`, {
      status: 404,
      details: { invoiceIds: missing.slice(0, 20).join(', ') },
    });
  }
  const allowed = new Set(agreement.currencies?.length ? agreement.currencies : [client.currency]);
  const currency = rows[0]!.currency;
  for (const r of rows) {
    if (r.funding_date !== null || r.status === 'funded' || r.status === 'settled')
      throw conflict('already_funded', `Invoice ${r.number} was funded before${r.funding_date ? ` (${r.funding_date})` : ''}`);
    if (r.pending_batch !== null) throw conflict('in_pending_batch', `Invoice ${r.number} waits for approval in funding batch ${r.pending_batch}`);
    if (r.status !== 'verified') throw refused('not_verified', `Invoice ${r.number} is ${r.status}; only verified invoices are funded`);
    if (!allowed.has(r.currency))
      throw refused('currency_not_allowed', `Invoice ${r.number} is in ${r.currency}; ${client.name} is funded in ${[...allowed].join(', ')}`);
    if (r.currency !== currency) throw refused('mixed_currencies', 'A funding batch is in one currency; fund each currency in its own batch');
    if (agreement.model === 'reverse' && !r.debtor_approved_date) {
      throw refused('debtor_approval_missing', `Invoice ${r.number}: a reverse agreement needs the debtor's approval recorded before funding`);
    }
  }

  // Issue 15: above the agreement's verification threshold, only a positive latest record funds.
  const rule: VerificationRule = { threshold: agreement.verificationThreshold, currency: client.currency };
  const asked = rows.filter((r) => verificationRequired({ faceValue: r.face_value, currency: r.currency }, rule));
  if (asked.length > 0) {
    const latest = await latestOutcomes(
      tx,
      asked.map((r) => Number(r.id)),
    );
    const lacking = lackingVerification(
      asked.map((r) => ({ id: r.id, number: r.number, faceValue: r.face_value, currency: r.currency, latestOutcome: latest.get(Number(r.id)) ?? null })),
      rule,
    );
    if (lacking.length > 0) {
      throw refused('verification_required', verificationRequiredMessage(lacking, rule, client.name), {
        invoiceIds: `${lacking.length === 1 ? 'Invoice' : 'Invoices'} ${listNumbers(lacking.map((l) => l.number))} ${lacking.length === 1 ? 'needs' : 'need'} a positive verification recorded first`,
        invoiceNumbers: lacking.map((l) => l.number),
        verificationThreshold: formatMoney(new Big(rule.threshold!), client.currency),
      });
    }
  }

  const pools = await reservePools(tx, client.id);
  const invoices: InvoiceToFund[] = rows.map((r) => ({ id: Number(r.id), number: r.number, currency: r.currency, face: new Big(r.face_value) }));
  const plan = planFunding(invoices, agreement as AgreementTerms, input.fundingDate, pools);
  // Issue 16 item 5: open intake flags refuse (422 intake_flags_open); new ones found now are raised and hold the batch
  const flagHolds = await intakeFlagHolds(tx, rows, input.fundingDate, options.lock ? (options.actor ?? null) : null);
  const holds = [...(await limitHolds(tx, client, agreement, currency, rows, plan, input.fundingDate)), ...flagHolds];
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
  fundingDate: string,
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

  // Issue 16 item 4: each client–debtor pair's limit (exposure from the client's open invoices above)
  holds.push(...(await pairLimitHolds(tx, client.id, currency, fundingDate, exposures, batchByDebtor)));

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
