import type { Tx } from '../../db/client';
import type { FeeSchedule } from '../agreements/terms';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { daysBetween, parseBusinessDate } from '../dates';
import { notFound, refused } from '../errors';
import { postedFeeSql } from '../ledger/accrual';
import { postEntries, type EntryInput } from '../ledger/post';
import { Big, formatMoney } from '../money';
import { settledFee, type Credit } from './schedule';
import { invoiceReserveSources, trancheRemaining } from '../collections/charges';
import { drawFrom } from '../collections/waterfall';

type AccrualRow = {
  invoice_id: string;
  client_id: string;
  currency: string;
  funding_date: string;
  face: string;
  advance: string;
  kind: 'flat' | 'tiered' | 'daily_rate';
  rate: string;
  days_in_year: number | null;
  base: 'face' | 'advance' | 'outstanding' | null;
  initial_days: number | null;
  step_rate: string | null;
  step_days: number | null;
  minimum_fee: string;
  accrued: string;
  frozen_on: string | null;
  number: string;
  status: string;
  posted: string;
};

/** fee_accruals' columns back into the schedule they came from. */
export function scheduleOf(row: Pick<AccrualRow, 'kind' | 'rate' | 'days_in_year' | 'base' | 'initial_days' | 'step_rate' | 'step_days'>): FeeSchedule {
  const rate = new Big(row.rate).toString();
  switch (row.kind) {
    case 'flat':
      return { kind: 'flat', rate, deductFrom: 'reserve' };
    case 'tiered':
      return { kind: 'tiered', initialRate: rate, initialDays: row.initial_days!, stepRate: new Big(row.step_rate!).toString(), stepDays: row.step_days! };
    case 'daily_rate':
      return { kind: 'daily_rate', rate, dayCount: row.days_in_year === 365 ? 'actual/365' : 'actual/360', base: row.base ?? 'face' };
  }
}

/** Receivable credits of an invoice (payments, credit notes), as days after its funding. */
async function creditsOf(tx: Tx, invoiceId: number, fundingDate: string): Promise<Credit[]> {
  const rows = await tx.sql<{ effective_date: string; amount: string }[]>`
    select l.effective_date, -l.amount as amount from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
     where l.invoice_id = ${invoiceId} and not l.accrual and l.amount < 0 order by l.id`;
  return rows.map((r) => ({ day: daysBetween(fundingDate, r.effective_date), amount: new Big(r.amount) }));
}

/**
 * An invoice's accrual state, locked, with what fees_receivable holds for it now (`posted`):
 * from fee_accruals alone (postedFeeSql), never its history of accrual postings.
 */
export function accrualStateSql(tx: Tx, invoiceId: number) {
  return tx.sql<AccrualRow[]>`
    select f.*, i.number, i.status, ${postedFeeSql(tx.sql)} as posted
      from fee_accruals f join invoices i on i.id = f.invoice_id where f.invoice_id = ${invoiceId} for update of f`;
}

/**
 * Collections call this when they post a receivable credit: from then on the daily run reads
 * the invoice's payments for an outstanding base, and keeps what it posted in `accrued` — which
 * starts from what was posted so far, read from the invoice's accrual state (postedFeeSql), not
 * from its history of accrual postings.
 */
export async function markCredited(tx: Tx, invoiceIds: number[]): Promise<void> {
  if (invoiceIds.length === 0) return;
  await tx.sql`
    update fee_accruals f set credited = true, accrued = ${postedFeeSql(tx.sql)}
     where f.invoice_id = any(${invoiceIds}::bigint[]) and not f.credited and f.frozen_on is null`;
}

export interface FrozenFee {
  invoiceId: string;
  frozenOn: string;
  fee: string;
  /** posted now to bring fees_receivable to the frozen fee (a minimum top-up, or a correction) */
  adjustment: string;
  /** taken from the invoice's reserve to settle the fee (SPEC 5.2) */
  settledFromReserve: string;
  /** what the reserve could not cover: stays in fees_receivable, offset at release */
  unsettled: string;
}

/**
 * SPEC 4 / 5.2: an invoice fully paid (or charged back, or written off) on `date` has its fee
 * frozen at fee(date − fundingDate), raised to the minimum fee; fees_receivable is brought to
 * that figure and — when `settleFromReserve` — the fee is settled from the invoice's reserve
 * (Dr reserve, Cr fees_receivable). Accruals after that post nothing for it. Idempotent.
 */
export async function freezeFee(
  tx: Tx,
  invoiceId: number,
  options: { date: string; settleFromReserve: boolean; reason: string },
  by: Actor,
): Promise<FrozenFee> {
  const date = parseBusinessDate(options.date, 'date');
  const [row] = await accrualStateSql(tx, invoiceId);
  if (!row) throw notFound('Funded invoice', invoiceId);
  const c = row.currency;
  if (row.frozen_on) {
    return {
      invoiceId: String(invoiceId),
      frozenOn: row.frozen_on,
      fee: formatMoney(new Big(row.accrued), c),
      adjustment: '0.00',
      settledFromReserve: '0.00',
      unsettled: '0.00',
    };
  }
  if (date < row.funding_date) throw refused('before_funding', `Invoice ${row.number} was funded on ${row.funding_date}; its fee cannot freeze on ${date}`);
  const schedule = scheduleOf(row);
  const inputs = { face: new Big(row.face), advance: new Big(row.advance), credits: await creditsOf(tx, invoiceId, row.funding_date) };
  const d = daysBetween(row.funding_date, date);
  const frozen = settledFee(schedule, inputs, d, c, new Big(row.minimum_fee));
  // What fees_receivable holds for it now (its accruals so far), from its accrual state.
  const accrued = new Big(row.posted);
  const adjustment = frozen.receivable.minus(accrued);
  const clientId = Number(row.client_id);
  const tag = { currency: c, clientId, invoiceId };
  const entries: EntryInput[] = [];
  if (!adjustment.eq(0)) {
    entries.push({
      effectiveDate: date,
      kind: 'accrual',
      idempotencyKey: `fee-freeze:${invoiceId}`,
      clientId,
      invoiceId,
      memo: `Fee of invoice ${row.number} frozen at ${formatMoney(frozen.total, c)} on ${date}${frozen.minimumTopUp.gt(0) ? ' (minimum fee)' : ''}`,
      lines: [
        { account: 'fees_receivable', amount: adjustment, ...tag },
        { account: 'fee_income', amount: adjustment.times(-1), currency: c, invoiceId },
      ],
    });
  }
  let settled = new Big(0);
  if (options.settleFromReserve && frozen.receivable.gt(0)) {
    // Drawn from the invoice's own reserve and its share of any tranche, each line posted to the
    // sub-ledger it came from and never more than that sub-ledger (or its tranche) still holds.
    const sources = await invoiceReserveSources(tx, invoiceId);
    const caps = await trancheRemaining(
      tx,
      clientId,
      c,
      sources.map((x) => x.trancheId),
    );
    const { draws } = drawFrom(frozen.receivable, sources, caps);
    settled = draws.reduce((t, d) => t.plus(d.amount), new Big(0));
    if (settled.gt(0)) {
      entries.push({
        effectiveDate: date,
        kind: 'fee_settlement',
        idempotencyKey: `fee-settlement:${invoiceId}`,
        clientId,
        invoiceId,
        memo: `Fee of invoice ${row.number} settled from its reserve`,
        lines: [
          ...draws.map((d) => ({ account: 'reserve' as const, amount: d.amount, ...tag, trancheId: d.trancheId })),
          { account: 'fees_receivable', amount: settled.times(-1), ...tag },
        ],
      });
    }
  }
  if (entries.length > 0) await postEntries(tx, entries, by);
  await tx.sql`update fee_accruals set accrued = ${frozen.receivable.toString()}, frozen_on = ${date} where invoice_id = ${invoiceId}`;
  const result: FrozenFee = {
    invoiceId: String(invoiceId),
    frozenOn: date,
    fee: formatMoney(frozen.total, c),
    adjustment: formatMoney(adjustment, c),
    settledFromReserve: formatMoney(settled, c),
    unsettled: formatMoney(frozen.receivable.minus(settled), c),
  };
  await recordAudit(tx, by, {
    action: 'fee.freeze',
    targetType: 'invoice',
    targetId: invoiceId,
    before: { accrued: formatMoney(accrued, c) },
    after: { ...result, reason: options.reason },
  });
  return result;
}

/**
 * An invoice whose receivable reached zero on `paidDate` is settled (SPEC 5.2): fee frozen and
 * settled from its reserve; what remains of its reserve becomes releasable.
 */
export async function settleInvoice(tx: Tx, invoiceId: number, paidDate: string, by: Actor): Promise<FrozenFee> {
  const frozen = await freezeFee(tx, invoiceId, { date: paidDate, settleFromReserve: true, reason: 'settled' }, by);
  await tx.sql`update invoices set status = 'settled', settled_date = ${paidDate}, outstanding = 0 where id = ${invoiceId} and status <> 'settled'`;
  return frozen;
}
