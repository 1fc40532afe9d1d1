import type { Tx } from '../../db/client';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { feeSql, postedFeeSql } from '../ledger/accrual';
import { Big, ZERO, formatMoney } from '../money';

/**
 * Issue 14 item 6, "one story for the client": the two fee figures a client is shown, in these
 * words and this order everywhere — the portal, the statement PDF, the rebate advice, the console's
 * client and release pages, and `GET /clients/{id}/reserve` (`feesAccruedOnOpen`, `feesDue`).
 * Both come from the client's `fees_receivable` account, split by one rule (splitClientFees):
 *
 *  - Fees accrued on open invoices: the fee earned to date (daily and tiered fees, as posted by the
 *    accrual) on funded invoices not yet settled. Nothing is owed yet: each invoice's fee is taken
 *    from its own reserve when it is paid (SPEC 5.2).
 *  - Fees due: every other fee charged and not yet taken — a settled invoice's fee its reserve did
 *    not cover, a minimum-fee top-up. Offset from the reserve at the next release, before anything
 *    is paid to the client (SPEC 5.3); what `releasable` already deducts.
 *
 * Their sum is the `fees_receivable` balance (what older statements called "Fees outstanding").
 */
export const CLIENT_FEE_WORDS = {
  accruedOnOpen: 'Fees accrued on open invoices',
  due: 'Fees due',
  accruedOnOpenHint: 'earned to date; taken when each invoice is paid',
  dueHint: 'owed now; taken from the reserve at the next release',
  help:
    'Fees accrued on open invoices are earned to date on invoices your debtors have not paid yet: each is taken from its own reserve when the invoice is paid. ' +
    'Fees due are fees already owed (on paid invoices whose reserve did not cover them, minimum fees): they are taken from your reserve at your next release, before anything is paid to you.',
} as const;

/** The order the two figures are shown in, everywhere. */
export const CLIENT_FEE_ORDER = ['accruedOnOpen', 'due'] as const;

export interface ClientFees {
  accruedOnOpen: Big;
  due: Big;
}

const max0 = (b: Big) => (b.gt(0) ? b : ZERO);

/**
 * The two figures from the `fees_receivable` balance and the fee posted on invoices still open
 * (on the same date): what is not accrued on an open invoice is due. Never below zero.
 */
export function splitClientFees(feesReceivable: Big, accruedOnOpen: Big): ClientFees {
  return { accruedOnOpen: max0(accruedOnOpen), due: max0(feesReceivable.minus(accruedOnOpen)) };
}

/** The figures in the shown order with their labels — what every screen and PDF lists. */
export function clientFeeLines(fees: ClientFees): { key: (typeof CLIENT_FEE_ORDER)[number]; label: string; amount: Big }[] {
  return CLIENT_FEE_ORDER.map((key) => ({ key, label: CLIENT_FEE_WORDS[key], amount: fees[key] }));
}

/**
 * `as_of`: as the ledger stood at the end of `asOf` (a statement, the reserve report for a date);
 * `current`: the whole ledger, whatever the dates (a release decided now); `both` in one read.
 */
export type FeeView = 'as_of' | 'current' | 'both';

export interface ClientFeeRow {
  clientId: number;
  currency: string;
  /** as of the date (zero when only `current` was asked) */
  asOf: ClientFees;
  /** now (zero when only `as_of` was asked) */
  now: ClientFees;
}

/**
 * Both figures for many clients in one set-based query (STYLE), per client and currency:
 * the `fees_receivable` balance (kept, less what was posted for later dates: an index range per
 * account) and the fee posted on the invoices open on that date (from fee_accruals' state, never
 * the ledger's accrual lines). Keyed `clientId|currency`.
 */
export async function loadClientFees(tx: Tx, clientIds: number[], asOf: string, view: FeeView): Promise<Map<string, ClientFeeRow>> {
  const out = new Map<string, ClientFeeRow>();
  if (clientIds.length === 0) return out;
  const then = view !== 'current';
  const now = view !== 'as_of';
  const sql = tx.sql;
  const openThen = sql`f.funding_date <= ${asOf}::date and (f.frozen_on is null or f.frozen_on > ${asOf}::date)`;
  const rows = await sql<{ client_id: string; currency: string; receivable: string; receivable_now: string; open_fees: string; open_fees_now: string }[]>`
    with acc as (
      select a.id, a.client_id, a.currency, a.balance from ledger_accounts a
       where a.client_id = any(${clientIds}::bigint[]) and a.code = 'fees_receivable'
    ),
    later as (
      select l.account_id, sum(l.amount) as total from journal_lines l
       where ${then}::boolean and l.effective_date > ${asOf}::date and l.account_id in (select id from acc)
       group by l.account_id
    ),
    open as (
      select f.client_id, f.currency,
             ${
               then
                 ? sql`coalesce(sum(case when ${openThen} then
                              case when f.credited then f.accrued
                                   when ac.accrued_through >= f.accrual_start then
                                     ${feeSql(sql, sql`(least(ac.accrued_through, ${asOf}::date) - f.funding_date)`, sql`0`)}
                                   else 0 end end), 0)`
                 : sql`0`
             } as fees,
             ${now ? sql`coalesce(sum(case when f.frozen_on is null then ${postedFeeSql(sql, sql`ac.accrued_through`)} end), 0)` : sql`0`} as fees_now
        from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
       where f.client_id = any(${clientIds}::bigint[]) and f.kind <> 'flat'
         and (${then ? openThen : sql`false`} or ${now ? sql`f.frozen_on is null` : sql`false`})
       group by f.client_id, f.currency
    )
    select coalesce(acc.client_id, o.client_id) as client_id, coalesce(acc.currency, o.currency) as currency,
           coalesce(acc.balance, 0) - coalesce(later.total, 0) as receivable, coalesce(acc.balance, 0) as receivable_now,
           coalesce(o.fees, 0) as open_fees, coalesce(o.fees_now, 0) as open_fees_now
      from acc left join later on later.account_id = acc.id
      full join open o on o.client_id = acc.client_id and o.currency = acc.currency`;
  const zero = (): ClientFees => ({ accruedOnOpen: ZERO, due: ZERO });
  for (const r of rows) {
    out.set(`${r.client_id}|${r.currency}`, {
      clientId: Number(r.client_id),
      currency: r.currency,
      asOf: then ? splitClientFees(new Big(r.receivable), new Big(r.open_fees)) : zero(),
      now: now ? splitClientFees(new Big(r.receivable_now), new Big(r.open_fees_now)) : zero(),
    });
  }
  return out;
}

export interface ClientFeeFigures {
  currency: string;
  /** "Fees accrued on open invoices", a decimal string */
  accruedOnOpen: string;
  /** "Fees due", a decimal string */
  due: string;
}

/**
 * The two figures of one client as of a date, per currency (decimal strings): the console's
 * client page. A client user reaches only its own client (404 otherwise).
 */
export async function clientFeeFigures(tx: Tx, clientId: number, actor: Actor, asOf: string): Promise<ClientFeeFigures[]> {
  requirePermission(actor, 'portfolio.read');
  assertClientScope(actor, clientId);
  const rows = await loadClientFees(tx, [clientId], asOf, 'as_of');
  return [...rows.values()]
    .sort((a, b) => a.currency.localeCompare(b.currency))
    .map((r) => ({ currency: r.currency, accruedOnOpen: formatMoney(r.asOf.accruedOnOpen, r.currency), due: formatMoney(r.asOf.due, r.currency) }));
}
