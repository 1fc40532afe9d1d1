import type { RawSql } from '../../db/client';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { filterSchema, type CsvColumn, type ListDefinition, type ListQuery, type ListRequest } from '../lists/keyset';
import { Big, moneyOut } from '../money';
import { choice, optional, text } from '../validation/fields';

/**
 * Issue 13: the debtors list (GET /api/v1/debtors, the console's Debtors screen), on the keyset
 * engine. Its figures are the view `debtor_figures_now` (migration 0022): one row per debtor, the
 * folded roll-up `debtor_figures` for debtors without pending deltas and the few with deltas
 * recomputed — exact at every moment, so a page never sums invoices; each sort key has its index
 * (lower(name), credit_limit on debtors; exposure and open_invoices on debtor_figures, read in order
 * through the view's first branch).
 *
 * `exposure` (the sort key) is the largest open exposure in any one currency: what the funding
 * check holds against the debtor's credit limit (SPEC 5.1), since amounts in different currencies
 * are never added; each currency's is in `exposures`. "Over its credit limit" compares the two.
 *
 * A client user's key lists the debtors its own client has invoices with, with its own client's
 * figures only (from the per-client roll-up, `debtor_exposure_now`) and without the factor's credit
 * limits and ratings — another list definition, so a staff cursor never serves it.
 */

export interface DebtorListFilters {
  name?: string;
  overLimit?: 'true' | 'false';
  hasOpenInvoices?: 'true' | 'false';
  status?: 'active' | 'merged' | 'all';
}

const yesNo = ['true', 'false'] as const;

export const DEBTORS_LIST: ListDefinition<DebtorListFilters> = {
  name: 'debtors',
  sorts: {
    added: { expr: 'd.id', type: 'bigint', label: 'Added' },
    name: { expr: 'lower(d.name)', type: 'text', label: 'Debtor' },
    creditLimit: { expr: 'd.credit_limit', type: 'numeric', label: 'Credit limit' },
    exposure: { expr: 'f.exposure', type: 'numeric', label: 'Exposure', idExpr: 'f.debtor_id' },
    openInvoices: { expr: 'f.open_invoices', type: 'integer', label: 'Open invoices', idExpr: 'f.debtor_id' },
  },
  defaultSort: 'name',
  defaultOrder: 'asc',
  idExpr: 'd.id',
  filters: filterSchema({
    name: optional(text('Name', { max: 200 })),
    overLimit: optional(choice('Over its credit limit', yesNo)),
    hasOpenInvoices: optional(choice('Has open invoices', yesNo)),
    status: optional(choice('Status', ['active', 'merged', 'all'])),
  }),
  // 2,000 debtors are counted exactly (an index-only count), never estimated.
  countCap: 100_000,
};

export interface OwnDebtorListFilters {
  name?: string;
  hasOpenInvoices?: 'true' | 'false';
}

/** A client user's debtors: the debtors its client has invoices with, its own figures. */
export const OWN_DEBTORS_LIST: ListDefinition<OwnDebtorListFilters> = {
  name: 'own-debtors',
  sorts: {
    name: { expr: 'lower(d.name)', type: 'text', label: 'Debtor' },
    exposure: { expr: 'f.exposure', type: 'numeric', label: 'Exposure' },
    openInvoices: { expr: 'f.open_invoices', type: 'integer', label: 'Open invoices' },
  },
  defaultSort: 'name',
  defaultOrder: 'asc',
  idExpr: 'd.id',
  filters: filterSchema({
    name: optional(text('Name', { max: 200 })),
    hasOpenInvoices: optional(choice('Has open invoices', yesNo)),
  }),
  countCap: 100_000,
};

export interface DebtorListRow {
  id: string;
  name: string;
  /** USD (debtors' limits are kept in the base currency); null for a client user */
  creditLimit: string | null;
  riskRating: string | null;
  invoices: number;
  openInvoices: number;
  /** what open invoices still owe, per currency (the `exposure` sort is by the largest of them) */
  exposure: { currency: string; amount: string }[];
  /** any one currency's exposure above the credit limit (null for a client user) */
  overLimit: boolean | null;
  /** set when this debtor was merged into another */
  mergedIntoId: string | null;
}

interface RawRow {
  id: string;
  name: string;
  credit_limit: string | null;
  risk_rating: string | null;
  invoices: number;
  open_invoices: number;
  exposure: string;
  exposures: Record<string, string> | null;
  merged_into_id: string | null;
}

/** `%text%` for ILIKE, with the pattern characters of the text taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function toRow(r: RawRow): DebtorListRow {
  const exposures = Object.entries(r.exposures ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount: moneyOut(amount, currency) }));
  return {
    id: r.id,
    name: r.name,
    creditLimit: r.credit_limit === null ? null : moneyOut(r.credit_limit, 'USD'),
    riskRating: r.risk_rating,
    invoices: r.invoices,
    openInvoices: r.open_invoices,
    exposure: exposures,
    overLimit: r.credit_limit === null ? null : new Big(r.exposure).gt(r.credit_limit),
    mergedIntoId: r.merged_into_id,
  };
}

/** Every debtor (staff): its figures now (debtor_figures_now: folded + pending) beside each. */
export function debtorsQuery(sql: RawSql, request: ListRequest<DebtorListFilters>): ListQuery {
  const f = request.filters;
  const status = f.status ?? 'active';
  return {
    select: sql`d.id::text as id, d.name, d.credit_limit::text as credit_limit, d.risk_rating, f.invoices, f.open_invoices,
                f.exposure::text as exposure, f.exposures, d.merged_into_id::text as merged_into_id`,
    from: sql`debtors d join debtor_figures_now f on f.debtor_id = d.id`,
    where: [
      status === 'active' ? sql`d.merged_into_id is null` : status === 'merged' ? sql`d.merged_into_id is not null` : null,
      f.name ? sql`d.name ilike ${containsPattern(f.name)}` : null,
      f.overLimit === 'true' ? sql`f.exposure > d.credit_limit` : f.overLimit === 'false' ? sql`f.exposure <= d.credit_limit` : null,
      f.hasOpenInvoices === 'true' ? sql`f.open_invoices > 0` : f.hasOpenInvoices === 'false' ? sql`f.open_invoices = 0` : null,
    ],
  };
}

/** A client's debtors, with that client's figures only (its rows of debtor_exposure_now, one per currency). */
export function ownDebtorsQuery(sql: RawSql, request: ListRequest<OwnDebtorListFilters>, clientId: number): ListQuery {
  const f = request.filters;
  return {
    select: sql`d.id::text as id, d.name, null::text as credit_limit, null::text as risk_rating, f.invoices, f.open_invoices,
                f.exposure::text as exposure, f.exposures, null::text as merged_into_id`,
    from: sql`(select e.debtor_id, sum(e.invoices)::int as invoices, sum(e.open_invoices)::int as open_invoices, max(e.exposure) as exposure,
                      coalesce(jsonb_object_agg(e.currency, e.exposure::text) filter (where e.open_invoices > 0 or e.exposure <> 0), '{}'::jsonb) as exposures
                 from debtor_exposure_now e where e.client_id = ${clientId} group by e.debtor_id) f
              join debtors d on d.id = f.debtor_id`,
    where: [
      f.name ? sql`d.name ilike ${containsPattern(f.name)}` : null,
      f.hasOpenInvoices === 'true' ? sql`f.open_invoices > 0` : f.hasOpenInvoices === 'false' ? sql`f.open_invoices = 0` : null,
    ],
  };
}

export type DebtorsList =
  | { scope: 'staff'; def: ListDefinition<DebtorListFilters>; query: (sql: RawSql, request: ListRequest<DebtorListFilters>) => ListQuery }
  | { scope: 'client'; def: ListDefinition<OwnDebtorListFilters>; query: (sql: RawSql, request: ListRequest<OwnDebtorListFilters>) => ListQuery };

/** The debtors list the actor may read: every debtor (staff), or its own client's (a client user). */
export function debtorsListFor(actor: Actor): DebtorsList {
  if (isClientUser(actor)) {
    const clientId = actor.clientId ?? 0;
    return { scope: 'client', def: OWN_DEBTORS_LIST, query: (sql, request) => ownDebtorsQuery(sql, request, clientId) };
  }
  return { scope: 'staff', def: DEBTORS_LIST, query: debtorsQuery };
}

export const mapDebtorRow = (r: RawRow): DebtorListRow => toRow(r);

/** The CSV of the debtors list: one line per debtor, its exposures as "USD 1200.00; EUR 30.00". */
export const DEBTOR_CSV: CsvColumn<RawRow>[] = [
  { header: 'Id', value: (r) => r.id },
  { header: 'Debtor', value: (r) => r.name },
  { header: 'Credit limit (USD)', value: (r) => (r.credit_limit === null ? '' : moneyOut(r.credit_limit, 'USD')) },
  { header: 'Risk rating', value: (r) => r.risk_rating ?? '' },
  { header: 'Open invoices', value: (r) => r.open_invoices },
  { header: 'Invoices', value: (r) => r.invoices },
  {
    header: 'Exposure',
    value: (r) =>
      toRow(r)
        .exposure.map((e) => `${e.currency} ${e.amount}`)
        .join('; '),
  },
  { header: 'Merged into', value: (r) => r.merged_into_id ?? '' },
];
