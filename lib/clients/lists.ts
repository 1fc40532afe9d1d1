import type { RawSql, Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { containsPattern } from '../debtors/lists';
import { allOf, filterSchema, type CsvColumn, type ListDefinition, type ListQuery, type ListRequest } from '../lists/keyset';
import { Big, moneyOut } from '../money';
import { CLIENT_STATUSES } from '../../db/schema/clients';
import { choice, currency, optional, text } from '../validation/fields';

/**
 * Issue 13: the clients list (GET /api/v1/clients, the console's Clients screen), on the keyset
 * engine. Reserve held and open receivables are the kept balances of the client's `reserve` and
 * `receivable` accounts (ledger_accounts.balance, kept under the posting's row lock — never a sum of
 * journal lines), read from their mirror client_list_balances (migration 0019), which has a row for
 * every client's home currency and an index per sort. A list sorts by one number, so the sort keys
 * are the figures in the client's home currency; each row also carries every currency it has.
 */

export interface ClientListFilters {
  name?: string;
  status?: (typeof CLIENT_STATUSES)[number];
  currency?: string;
}

export const CLIENTS_LIST: ListDefinition<ClientListFilters> = {
  name: 'clients',
  sorts: {
    added: { expr: 'c.id', type: 'bigint', label: 'Added' },
    name: { expr: 'lower(c.name)', type: 'text', label: 'Client' },
    status: { expr: 'c.status', type: 'text', label: 'Status' },
    currency: { expr: 'c.currency', type: 'text', label: 'Currency' },
    openReceivables: { expr: 'v.balance', type: 'numeric', label: 'Open receivables', idExpr: 'v.client_id' },
    reserveHeld: { expr: '- r.balance', type: 'numeric', label: 'Reserve held', idExpr: 'r.client_id' },
  },
  defaultSort: 'name',
  defaultOrder: 'asc',
  idExpr: 'c.id',
  filters: filterSchema({
    name: optional(text('Name', { max: 200 })),
    status: optional(choice('Status', CLIENT_STATUSES)),
    currency: optional(currency('Currency')),
  }),
  // 10,000 clients are counted exactly (an index-only count), never estimated.
  countCap: 100_000,
};

interface RawClientRow {
  id: string;
  name: string;
  status: string;
  currency: string;
  reserve_held: string;
  open_receivables: string;
}

export interface ClientListRow {
  id: string;
  name: string;
  status: string;
  /** home currency */
  currency: string;
  /** home currency: the reserve account's balance (what the factor holds for the client) */
  reserveHeld: string;
  /** home currency: the receivable account's balance (what debtors still owe on funded invoices) */
  openReceivables: string;
  openInvoices: number;
  model: string | null;
  riskScore: number | null;
  /** every currency the client has balances in */
  balances: { currency: string; reserveHeld: string; openReceivables: string }[];
}

/** The list query; a client user's key sees its own client only. */
export function clientsListQuery(sql: RawSql, request: ListRequest<ClientListFilters>, actor: Actor): ListQuery {
  const f = request.filters;
  const where = [
    isClientUser(actor) ? sql`c.id = ${actor.clientId ?? 0}` : null,
    f.name ? sql`c.name ilike ${containsPattern(f.name)}` : null,
    f.status ? sql`c.status = ${f.status}` : null,
    f.currency ? sql`c.currency = ${f.currency}` : null,
  ];
  return {
    select: sql`c.id::text as id, c.name, c.status, c.currency, (- r.balance)::text as reserve_held, v.balance::text as open_receivables`,
    // Every client has its home currency's two rows (migration 0019), so these joins drop none.
    from: sql`clients c
      join client_list_balances r on r.client_id = c.id and r.code = 'reserve' and r.currency = c.currency
      join client_list_balances v on v.client_id = c.id and v.code = 'receivable' and v.currency = c.currency`,
    where,
    // ... and so the filtered clients are counted without them (an index-only count of 10,000 rows).
    exactCount: async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from clients c where ${allOf(sql, where)}`;
      return row!.n;
    },
  };
}

/**
 * The page's rows with what the list itself does not sort by: balances in every currency, open
 * invoices (the per-client rows of the debtor roll-up), the agreement in force's model and risk
 * score — one set-based query each for the page's ids, never one per row.
 */
export async function clientRowDetails(tx: Tx, rows: RawClientRow[]): Promise<ClientListRow[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [balances, open, agreements] = await Promise.all([
    tx.sql<{ client_id: string; currency: string; reserve: string | null; receivable: string | null }[]>`
      select client_id::text, currency, sum(- balance) filter (where code = 'reserve') as reserve, sum(balance) filter (where code = 'receivable') as receivable
        from client_list_balances where client_id = any(${ids}::bigint[])
       group by client_id, currency order by client_id, currency`,
    tx.sql<{ client_id: string; open: number }[]>`
      select client_id, sum(open_invoices)::int as open from debtor_exposure_now where client_id = any(${ids}::bigint[]) group by client_id`,
    tx.sql<{ client_id: string; model: string; risk: string | null }[]>`
      select distinct on (client_id) client_id, model, terms->>'riskScore' as risk
        from agreements where client_id = any(${ids}::bigint[]) and status = 'approved' and effective_from <= current_date
       order by client_id, effective_from desc, version desc`,
  ]);
  const openBy = new Map(open.map((o) => [o.client_id, o.open]));
  const agreementBy = new Map(agreements.map((a) => [a.client_id, a]));
  return rows.map((r) => {
    const a = agreementBy.get(r.id);
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      currency: r.currency,
      reserveHeld: moneyOut(r.reserve_held, r.currency),
      openReceivables: moneyOut(r.open_receivables, r.currency),
      openInvoices: openBy.get(r.id) ?? 0,
      model: a?.model ?? null,
      riskScore: a?.risk ? Number(a.risk) : null,
      balances: balances
        .filter((b) => b.client_id === r.id)
        .map((b) => ({
          currency: b.currency,
          reserveHeld: moneyOut(new Big(b.reserve ?? '0'), b.currency),
          openReceivables: moneyOut(new Big(b.receivable ?? '0'), b.currency),
        })),
    };
  });
}

export type { RawClientRow };

export const CLIENT_CSV: CsvColumn<RawClientRow>[] = [
  { header: 'Id', value: (r) => r.id },
  { header: 'Client', value: (r) => r.name },
  { header: 'Status', value: (r) => r.status },
  { header: 'Currency', value: (r) => r.currency },
  { header: 'Open receivables', value: (r) => moneyOut(r.open_receivables, r.currency) },
  { header: 'Reserve held', value: (r) => moneyOut(r.reserve_held, r.currency) },
];
