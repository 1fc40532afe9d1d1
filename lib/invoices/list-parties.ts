import type { RawSql } from '../../db/client';

/**
 * Issue 13: the invoices screen's client and debtor filters as people use them — by name, typed —
 * at 10,000 clients and thousands of debtors (no select of every one). The list itself (and every
 * link to it, and the API) takes `clientId` / `debtorId`; the screen's form sends the typed name as
 * `client` / `debtor`, with the id it showed as a hidden field, and `resolvePartyFilters` turns
 * them back into the id: the same name as shown keeps the id; another name is looked up (one match,
 * exact or the only one starting so, is taken; several are offered as links; none is said).
 * Works without JavaScript, on a phone.
 */

export type PartyKind = 'client' | 'debtor';
export interface Party {
  id: string;
  name: string;
}

export interface PartyFilter {
  kind: PartyKind;
  /** what the form's field shows: the chosen party's name, or what was typed */
  text: string;
  party: Party | null;
  /** several parties match what was typed: links to each */
  choices: Party[];
  /** what was typed matches nobody */
  unmatched: boolean;
}

const TABLE: Record<PartyKind, string> = { client: 'clients', debtor: 'debtors' };
const ID_PARAM: Record<PartyKind, 'clientId' | 'debtorId'> = { client: 'clientId', debtor: 'debtorId' };
const MAX_CHOICES = 8;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

async function partyById(sql: RawSql, kind: PartyKind, id: string): Promise<Party | null> {
  if (!/^[1-9]\d{0,15}$/.test(id)) return null;
  const [row] = await sql<Party[]>`select id::text as id, name from ${sql(TABLE[kind])} where id = ${id}`;
  return row ?? null;
}

/** Parties whose name is `typed` (any case) first, then those starting with it, by name. */
export async function partiesNamed(sql: RawSql, kind: PartyKind, typed: string, limit = MAX_CHOICES + 1): Promise<(Party & { exact: boolean })[]> {
  const upper = typed.trim().toUpperCase();
  return sql<(Party & { exact: boolean })[]>`
    select id::text as id, name, upper(name) = ${upper} as exact from ${sql(TABLE[kind])}
     where upper(name) like ${escapeLike(upper) + '%'}
     order by upper(name) = ${upper} desc, name, id limit ${limit}`;
}

/**
 * The query the list reads, with `client`/`debtor` (typed names) resolved into `clientId`/`debtorId`,
 * and what the form shows for each. `params` is the URL's query, first value of each key.
 */
export async function resolvePartyFilters(
  sql: RawSql,
  params: Record<string, string | undefined>,
): Promise<{ query: Record<string, string>; filters: Record<PartyKind, PartyFilter> }> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && k !== 'client' && k !== 'debtor') query[k] = v;
  const filters = {} as Record<PartyKind, PartyFilter>;
  for (const kind of ['client', 'debtor'] as const) {
    const idParam = ID_PARAM[kind];
    const typed = params[kind];
    const shownId = params[idParam];
    const shown = shownId ? await partyById(sql, kind, shownId) : null;
    const filter: PartyFilter = { kind, text: shown?.name ?? '', party: shown, choices: [], unmatched: false };
    if (typed !== undefined) {
      // The form was sent: its text decides. The same name as shown keeps the id; empty clears it.
      const text = typed.trim();
      filter.text = text;
      if (text === '') {
        delete query[idParam];
        filter.party = null;
      } else if (!shown || shown.name.toUpperCase() !== text.toUpperCase()) {
        delete query[idParam];
        filter.party = null;
        const found = await partiesNamed(sql, kind, text);
        const exact = found.filter((p) => p.exact);
        const chosen = exact.length === 1 ? exact[0]! : exact.length === 0 && found.length === 1 ? found[0]! : null;
        if (chosen) {
          filter.party = { id: chosen.id, name: chosen.name };
          filter.text = chosen.name;
          query[idParam] = chosen.id;
        } else if (found.length === 0) {
          filter.unmatched = true;
        } else {
          filter.choices = (exact.length > 1 ? exact : found).slice(0, MAX_CHOICES).map((p) => ({ id: p.id, name: p.name }));
        }
      }
    }
    filters[kind] = filter;
  }
  return { query, filters };
}
