import type { RawSql } from '../../db/client';

/** "#123", "123", or a suggestion's label "Acme (#123, USD)": the client id it names, else null (the client typeahead's reading). */
export function idFromLabel(text: string): string | null {
  const plain = /^\s*#?\s*([1-9]\d{0,15})\s*$/.exec(text);
  if (plain) return plain[1]!;
  const labelled = /\(#([1-9]\d{0,15})[,)]/.exec(text);
  return labelled ? labelled[1]! : null;
}

export interface PickedClientRow {
  id: string;
  name: string;
  status: string;
  currency: string;
}

/**
 * The client a picker's GET form names (issue 13: a typeahead, not a select of 10,000): its hidden
 * id, else what was typed — a number ("#12", "12"), a suggestion's label ("Acme (#12, USD)"), or a
 * name that exactly one client has (ignoring case; a browser without script sends only the text).
 * One indexed lookup, never a list of every client. `error` says in words why nothing was picked.
 */
export async function resolveClientPick(
  sql: RawSql,
  picked: { id?: string; label?: string },
  options: { label: string; statuses?: string[] },
): Promise<{ client: PickedClientRow | null; error: string | null }> {
  const typed = (picked.label ?? '').trim();
  const idText = picked.id && /^[1-9]\d{0,15}$/.test(picked.id) ? picked.id : idFromLabel(typed);
  if (!idText && !typed) return { client: null, error: null };
  const rows = idText
    ? await sql<PickedClientRow[]>`select id::text, name, status, currency from clients where id = ${idText}::bigint`
    : await sql<PickedClientRow[]>`select id::text, name, status, currency from clients where lower(name) = lower(${typed}) order by id limit 2`;
  if (rows.length === 0)
    return {
      client: null,
      error: `${options.label}: no client ${idText ? `number ${idText}` : `named “${typed}”`}. Type part of the name and choose a suggestion, or the client number.`,
    };
  if (rows.length > 1)
    return { client: null, error: `${options.label}: two or more clients are named “${typed}”. Choose one from the suggestions, or type its number.` };
  const client = rows[0]!;
  if (options.statuses && !options.statuses.includes(client.status)) {
    return {
      client: null,
      error: `${options.label}: ${client.name} is ${client.status.replace('_', ' ')}; choose an ${options.statuses.join(' or ')} client.`,
    };
  }
  return { client, error: null };
}
