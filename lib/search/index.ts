import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { can, isClientUser, requirePermission } from '../auth/permissions';
import { displayMoney } from '../money';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  SEARCH_TYPES,
  detailOf,
  normaliseQuery,
  rankItems,
  shorten,
  statusWords,
  type NormalisedQuery,
  type RankedItem,
  type SearchItem,
  type SearchType,
  type Tier,
} from './query';

export * from './query';

/**
 * Search (issue 13, item 3): invoices by number, payments by reference or payer, clients and
 * debtors by name — one statement per kind, each bounded and read from an index. Columns are
 * compared through search_key() (letters and digits, upper-cased: db/migrations/0017_search.sql),
 * so "nw 1003", "NW1003" and "nw-1003" are the same text:
 *
 * - tier 0, exact: `search_key(col) = K`, a btree on search_key(col);
 * - tier 1, prefix: the keys from K up to K + the last character, in that btree's order
 *   (text_pattern_ops), so typing `NW-10` lists NW-10, NW-100, NW-1003 … from the first index entries;
 * - tier 2, contains (keys of 3+ characters): `search_key(col) like '%K%'`, a GIN trigram index,
 *   at most CANDIDATES rows read, then ranked by trigram similarity;
 * - tier 3, similar (a typo; client and debtor names): `search_key(col) % K` (pg_trgm similarity
 *   ≥ 0.3), likewise bounded. Not for invoice numbers, references or payers: on a million rows of
 *   look-alike numbers a near miss shares trigrams with most of the table, a scan in all but name.
 *
 * Each tier excludes what an earlier tier matches, and the tiers are one UNION ALL under a LIMIT:
 * Postgres runs a later tier only when the earlier ones found fewer than the limit, so an exact or
 * prefix hit never pays for a trigram scan. A client user searches its own client's invoices,
 * the payments applied to them, and its own client record — nothing of another client, no debtor.
 * Staff search payments when they may open Collections (a payment's page is there).
 */

/** Rows a "contains" or "similar" tier reads at most before ranking them (bounded work on any volume). */
export const CANDIDATES = 50;

export interface SearchOptions {
  /** the whole list's length (default 10, at most 50) */
  limit?: number;
  /** at most this many of each kind (default: limit) */
  perType?: number;
  /** the kinds to search (default: all the actor may) */
  types?: readonly SearchType[];
}

export interface SearchResult {
  items: SearchItem[];
}

/** The kinds an actor may search: a client user no debtors; staff payments only with Collections. */
export function searchableTypes(actor: Actor): SearchType[] {
  if (isClientUser(actor)) return ['invoice', 'payment', 'client'];
  return SEARCH_TYPES.filter((t) => t !== 'payment' || can(actor, 'section.collections'));
}

/** The client a client user is scoped to (-1: none, which matches nothing); null for staff. */
function scopeOf(actor: Actor): number | null {
  return isClientUser(actor) ? (actor.clientId ?? -1) : null;
}

/**
 * One search statement: SQL text written here (table and column names are this module's own) and
 * the typed values as parameters ($1 is always the query text). It runs unnamed — never a named
 * prepared statement — so Postgres plans it with the values each time: a plan cached for another
 * query's text could scan where this one needs an index.
 */
export interface SearchStatement {
  text: string;
  params: (string | number | boolean)[];
}

/** The keys from K up to K followed by the last character: those starting with K (K holds letters and digits only). */
const startsWith = (key: string, k: string) => `(${key} ~>=~ ${k} and ${key} ~<~ (${k} || chr(1114111)))`;

/**
 * `search_key(col)` tiers of one text column; `$1` is the query text, `$2` the row limit, `$3`
 * whether the trigram tiers run. A trigram tier reads at most CANDIDATES rows matching its own
 * condition and only then drops what an earlier tier matched: the planner estimates the scan from
 * the pattern alone (a "not like the prefix" beside it would be taken as independent of it, and a
 * plan made for many matches could then read a whole table for none).
 */
function tiersOf(key: string, from: string, scope: string, options: { similar: boolean }): string[] {
  const k = 'search_key($1::text)';
  const tiers = [
    `(select x.id, 0 as tier, 1::float8 as score from ${from} where ${key} = ${k} ${scope} order by x.id limit $2)`,
    `(select x.id, 1, 0::float8 from ${from} where ${startsWith(key, k)} and ${key} <> ${k} ${scope} order by ${key} using ~<~ limit $2)`,
    `(select id, 2, score from (select x.id, similarity(${key}, ${k})::float8 as score, ${key} as said from ${from}
        where $3 and ${key} like ('%' || ${k} || '%') ${scope} limit ${CANDIDATES}) c
      where not ${startsWith('c.said', k)} order by score desc, said limit $2)`,
  ];
  if (options.similar) {
    tiers.push(
      `(select id, 3, score from (select x.id, similarity(${key}, ${k})::float8 as score, ${key} as said from ${from}
          where $3 and ${key} % ${k} ${scope} limit ${CANDIDATES}) s
        where s.said not like ('%' || ${k} || '%') order by score desc, said limit $2)`,
    );
  }
  return tiers;
}

/** $1 the text, $2 the limit, $3 whether the trigram tiers run (3+ letters or digits); $4 the client, when scoped. */
function paramsOf(q: NormalisedQuery, n: number, clientId: number | null): (string | number | boolean)[] {
  const params: (string | number | boolean)[] = [q.text, n, q.trigrams];
  if (clientId !== null) params.push(clientId);
  return params;
}

const union = (tiers: string[]) => tiers.join('\n union all\n');

/** Invoices by number: exact, prefix (NW-10 → NW-1003), contains; a client user's own only. */
export function invoiceSearchQuery(q: NormalisedQuery, n: number, clientId: number | null): SearchStatement {
  const scope = clientId === null ? '' : 'and x.client_id = $4';
  const tiers = tiersOf('search_key(x.number)', 'invoices x', scope, { similar: false });
  return {
    text: `
    with hits as materialized (select * from (${union(tiers)}) h limit $2)
    select h.id, h.tier, h.score, i.number, i.currency, i.face_value, i.status, c.name as client_name, d.name as debtor_name
      from hits h join invoices i on i.id = h.id join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id
     order by h.tier, h.score desc, search_key(i.number) using ~<~, i.id`,
    params: paramsOf(q, n, clientId),
  };
}

/** Clients by name, near misses too; a client user finds only its own client. */
export function clientSearchQuery(q: NormalisedQuery, n: number, clientId: number | null): SearchStatement {
  const scope = clientId === null ? '' : 'and x.id = $4';
  const tiers = tiersOf('search_key(x.name)', 'clients x', scope, { similar: true });
  return {
    text: `
    with hits as materialized (select * from (${union(tiers)}) h limit $2)
    select h.id, h.tier, h.score, c.name, c.status, c.currency
      from hits h join clients c on c.id = h.id
     order by h.tier, h.score desc, search_key(c.name) using ~<~, c.id`,
    params: paramsOf(q, n, clientId),
  };
}

/**
 * Debtors by name (staff only), near misses too, with what tells two of one name apart: the id,
 * credit limit and rating. A debtor merged into another (migration 0019) is not found: its
 * invoices, payments and name now live on the debtor it was merged into, which is.
 */
export function debtorSearchQuery(q: NormalisedQuery, n: number): SearchStatement {
  const tiers = tiersOf('search_key(x.name)', 'debtors x', 'and x.merged_into_id is null', { similar: true });
  return {
    text: `
    with hits as materialized (select * from (${union(tiers)}) h limit $2)
    select h.id, h.tier, h.score, d.name, d.credit_limit, d.risk_rating
      from hits h join debtors d on d.id = h.id
     order by h.tier, h.score desc, search_key(d.name) using ~<~, d.id`,
    params: paramsOf(q, n, null),
  };
}

/**
 * Payments by reference or payer name, newest first within a tier. Staff: tiers on the two
 * columns' indexes (the reference's btree holds its key's first 100 characters: a query is at
 * most 100). A client user: only payments applied to its own invoices — found from its invoices
 * (payment_applications by invoice), so the work is the client's size, not the book's.
 */
export function paymentSearchQuery(q: NormalisedQuery, n: number, clientId: number | null): SearchStatement {
  const k = 'search_key($1::text)';
  const ref = 'left(search_key(x.reference), 100)';
  const payer = 'search_key(x.payer_name)';
  const exactRef = `(${ref} = ${k} and search_key(x.reference) = ${k})`;
  const exactPayer = `${payer} = ${k}`;
  const contains = `(search_key(x.reference) like ('%' || ${k} || '%') or ${payer} like ('%' || ${k} || '%'))`;
  const score = `greatest(similarity(${payer}, ${k}), similarity(search_key(x.reference), ${k}))::float8`;
  const columns = 'p.amount, p.currency, p.payer_name, p.reference, p.received_date, p.status';
  if (clientId !== null) {
    return {
      text: `
      with hits as materialized (
        select x.id, case when ${exactRef} or ${exactPayer} then 0 when ${startsWith(ref, k)} or ${startsWith(payer, k)} then 1 else 2 end as tier,
               ${score} as score
          from payments x
         where x.id in (select pa.payment_id from invoices i join payment_applications pa on pa.invoice_id = i.id where i.client_id = $4)
           and (${startsWith(ref, k)} or ${startsWith(payer, k)} or ($3 and ${contains}))
         order by 2, 3 desc, x.id desc limit $2)
      select h.id, h.tier, h.score, ${columns}
        from hits h join payments p on p.id = h.id
       order by h.tier, h.score desc, p.id desc`,
      params: paramsOf(q, n, clientId),
    };
  }
  const tiers = [
    `(select x.id, 0 as tier, 1::float8 as score from payments x where ${exactRef} order by ${ref} using ~<~, x.id desc limit $2)`,
    `(select x.id, 0, 1::float8 from payments x where ${exactPayer} and not ${exactRef} order by ${payer} using ~<~, x.id desc limit $2)`,
    `(select x.id, 1, 0::float8 from payments x where ${startsWith(ref, k)} and not ${exactRef} and not ${exactPayer}
       order by ${ref} using ~<~, x.id desc limit $2)`,
    `(select x.id, 1, 0::float8 from payments x where ${startsWith(payer, k)} and not ${exactPayer} and not ${startsWith(ref, k)}
       order by ${payer} using ~<~, x.id desc limit $2)`,
    `(select id, 2, score from (select x.id, ${score} as score, ${ref} as ref_key, ${payer} as payer_key from payments x
        where $3 and ${contains} limit ${CANDIDATES}) c
      where not ${startsWith('c.ref_key', k)} and not ${startsWith('c.payer_key', k)} order by score desc, id desc limit $2)`,
  ];
  return {
    text: `
    with hits as materialized (select * from (${union(tiers)}) h limit $2)
    select h.id, h.tier, h.score, ${columns}
      from hits h join payments p on p.id = h.id
     order by h.tier, h.score desc, p.id desc`,
    params: paramsOf(q, n, null),
  };
}

/** The statement of one kind, as `search` runs it (the EXPLAIN test reads the same). */
export function searchStatement(type: SearchType, q: NormalisedQuery, n: number, actor: Actor): SearchStatement {
  const scope = scopeOf(actor);
  switch (type) {
    case 'invoice':
      return invoiceSearchQuery(q, n, scope);
    case 'payment':
      return paymentSearchQuery(q, n, scope);
    case 'client':
      return clientSearchQuery(q, n, scope);
    case 'debtor':
      return debtorSearchQuery(q, n);
  }
}

/** Runs a statement unnamed (planned with its values, never from a cached generic plan). */
export function runStatement<T>(sql: Tx['sql'], statement: SearchStatement, prefix = ''): Promise<T[]> {
  return sql.unsafe(`${prefix}${statement.text}`, statement.params, { prepare: false }) as unknown as Promise<T[]>;
}

type Hit = { id: string; tier: Tier; score: number };
type InvoiceHit = Hit & { number: string; currency: string; face_value: string; status: string; client_name: string; debtor_name: string };
type PaymentHit = Hit & { amount: string; currency: string; payer_name: string; reference: string; received_date: string; status: string };
type ClientHit = Hit & { name: string; status: string; currency: string };
type DebtorHit = Hit & { name: string; credit_limit: string; risk_rating: string };

/** Where a hit opens: the console's page for staff; the portal for a client user (the console is staff's). */
function urlOf(type: SearchType, id: string, actor: Actor): string {
  if (isClientUser(actor)) return '/portal';
  return { invoice: `/invoices/${id}`, payment: `/payments/${id}`, client: `/clients/${id}`, debtor: `/debtors/${id}` }[type];
}

function item(type: SearchType, hit: Hit, label: string, detail: string, actor: Actor): RankedItem {
  return { type, id: String(hit.id), label, detail, url: urlOf(type, String(hit.id), actor), tier: Number(hit.tier) as Tier, score: Number(hit.score) };
}

async function searchType(tx: Tx, type: SearchType, q: NormalisedQuery, n: number, actor: Actor): Promise<RankedItem[]> {
  const rows = await runStatement<Hit>(tx.sql, searchStatement(type, q, n, actor));
  switch (type) {
    case 'invoice':
      return (rows as InvoiceHit[]).map((r) =>
        item(type, r, r.number, detailOf([r.client_name, r.debtor_name, displayMoney(r.face_value, r.currency), statusWords(r.status)]), actor),
      );
    case 'payment':
      return (rows as PaymentHit[]).map((r) =>
        item(
          type,
          r,
          `Payment ${r.id}: ${displayMoney(r.amount, r.currency)}`,
          detailOf([
            r.payer_name ? `from ${r.payer_name}` : 'payer not named',
            r.reference ? `ref ${shorten(r.reference)}` : null,
            `received ${r.received_date}`,
            statusWords(r.status),
          ]),
          actor,
        ),
      );
    case 'client':
      return (rows as ClientHit[]).map((r) => item(type, r, r.name, detailOf([`Client ${r.id}`, statusWords(r.status), r.currency]), actor));
    case 'debtor':
      // credit limits are kept in USD (lib/debtors)
      return (rows as DebtorHit[]).map((r) =>
        item(type, r, r.name, detailOf([`Debtor ${r.id}`, `credit limit ${displayMoney(r.credit_limit, 'USD')}`, `rating ${r.risk_rating}`]), actor),
      );
  }
}

/**
 * Best matches first across the kinds (lib/search/query.ts rankItems), at most `perType` of each
 * and `limit` in all. One query per kind, one after the other on the same connection.
 */
export async function search(tx: Tx, actor: Actor, q: string, options: SearchOptions = {}): Promise<SearchResult> {
  requirePermission(actor, 'portfolio.read');
  const normalised = normaliseQuery(q);
  if (!normalised) return { items: [] };
  const limit = Math.min(Math.max(1, options.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
  const perType = Math.min(Math.max(1, options.perType ?? limit), MAX_LIMIT);
  const allowed = searchableTypes(actor);
  const types = (options.types ?? SEARCH_TYPES).filter((t) => allowed.includes(t));
  const groups: RankedItem[][] = [];
  for (const type of types) groups.push(await searchType(tx, type, normalised, perType, actor));
  return { items: rankItems(groups, limit).map(({ type, id, label, detail, url }) => ({ type, id, label, detail, url })) };
}
