import type { Database } from '../../db/client';
import { verifyAll } from '../../lib/audit/verify';

/**
 * What the chaos run must leave exactly as the uninterrupted CONTROL run left it, as sorted
 * lists of rows written out as text. Ids that come from sequences differ between the two
 * databases (a killed transaction burns the ids it drew), so releases and statements are named
 * by their natural keys (client, currency, date; client and period) wherever an id would appear
 * (idempotency keys, email dedupe keys, subjects and bodies). Everything the clone held before
 * the run is the same in both, so the ledger lines compared are those posted after it.
 */
export type Snapshot = Record<string, string[]>;

export interface Difference {
  section: string;
  /** rows only the control database has (what the chaos run lost) */
  missing: string[];
  /** rows only the chaos database has (what it duplicated or changed) */
  extra: string[];
}

export interface Comparison {
  differences: Difference[];
  /** rows compared per section (the control's count) */
  rows: Record<string, number>;
  /** statements whose PDF is byte-identical in both (informative: a PDF names its releases by id, which differ) */
  identicalPdfs: number;
  statements: number;
  verify: { control: string[]; chaos: string[] };
}

type Row = { k: string };

export async function snapshot(database: Database, baseline: { entryId: number }): Promise<{ sections: Snapshot; pdfs: Map<string, string> }> {
  const sql = database.sql;
  const releaseKey = new Map<string, string>();
  for (const r of await sql<{ id: string; k: string }[]>`select id, client_id || '/' || currency || '/' || as_of as k from releases`)
    releaseKey.set(r.id, `R[${r.k}]`);
  const statementKey = new Map<string, string>();
  for (const s of await sql<{ id: string; k: string }[]>`select id, client_id || '/' || period_from || '..' || period_to as k from statements`)
    statementKey.set(s.id, `S[${s.k}]`);
  const rel = (id: string | null) => (id === null ? '-' : (releaseKey.get(id) ?? `R?${id}`));
  // release 123 / statement 45 → their natural keys, in keys, subjects and bodies alike
  const naturalText = (text: string) =>
    text
      .replace(/\b(release)(:| )(\d+)\b/gi, (_, word: string, sep: string, id: string) => `${word}${sep}${releaseKey.get(id) ?? `R?${id}`}`)
      .replace(/\b(payout):(\d+)\b/g, (_, word: string, id: string) => `${word}:${releaseKey.get(id) ?? `R?${id}`}`)
      .replace(/\b(rebate):(\d+):/g, (_, word: string, id: string) => `${word}:${releaseKey.get(id) ?? `R?${id}`}:`)
      .replace(/\b(statement)(:| )(\d+)\b/gi, (_, word: string, sep: string, id: string) => `${word}${sep}${statementKey.get(id) ?? `S?${id}`}`);
  const lines = (rows: Row[]) => rows.map((r) => r.k);
  const sections: Snapshot = {};

  // Per account (by its natural key): the kept balance, and what its lines sum to and count.
  sections['account balances'] = lines(
    await sql<Row[]>`
    select concat_ws('|', a.code, a.currency, coalesce(a.client_id::text, '-'), a.balance, coalesce(s.total, 0), coalesce(s.n, 0)) as k
      from ledger_accounts a left join (select account_id, sum(amount) as total, count(*) as n from journal_lines group by account_id) s on s.account_id = a.id`,
  );
  sections['journal entries by kind'] = lines(await sql<Row[]>`select kind || '|' || count(*) as k from journal_entries group by kind`);
  sections['idempotency keys'] = (await sql<Row[]>`select idempotency_key as k from journal_entries where id > ${baseline.entryId}`).map((r) =>
    naturalText(r.k),
  );
  // Every line posted by the run, with its entry (by idempotency key) and account (natural key).
  sections['journal lines posted by the run'] = (
    await sql<{ key: string; rest: string; release_id: string | null }[]>`
      select e.idempotency_key as key, e.release_id,
             concat_ws('|', e.kind, e.effective_date, coalesce(e.client_id::text, '-'), coalesce(e.invoice_id::text, '-'),
                       a.code, a.currency, coalesce(a.client_id::text, '-'), l.amount, l.effective_date,
                       coalesce(l.invoice_id::text, '-'), coalesce(l.tranche_id::text, '-'), l.accrual) as rest
        from journal_lines l join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
       where e.id > ${baseline.entryId}`
  ).map((r) => `${naturalText(r.key)}|${rel(r.release_id)}|${r.rest}`);
  // The accrual detail of the run (issue 13): per invoice and date, under its entry's key.
  sections['fee accrual detail posted by the run'] = lines(
    await sql<Row[]>`
      select concat_ws('|', e.idempotency_key, d.invoice_id, d.effective_date, d.amount) as k
        from fee_accrual_lines d join journal_entries e on e.id = d.entry_id
       where d.entry_id > ${baseline.entryId}`,
  );
  sections['fee accruals'] = lines(
    await sql<Row[]>`
    select concat_ws('|', invoice_id, client_id, currency, funding_date, accrual_start, kind, base, accrued, credited, coalesce(frozen_on::text, '-')) as k from fee_accruals`,
  );
  sections['accrued through'] = lines(await sql<Row[]>`select client_id || '|' || accrued_through as k from accrual_clients`);
  sections['releases'] = (
    await sql<{ id: string; rest: string }[]>`
      select id, concat_ws('|', amount, coalesce(approved_amount::text, '-'), status, release_mode, needs_controller, breakdown::text) as rest from releases`
  ).map((r) => `${rel(r.id)}|${naturalText(r.rest)}`);
  // Each approved release posted exactly one release entry (issue 14: its payout follows in a batch, none here), and points at it.
  sections['release postings'] = (
    await sql<{ id: string; rest: string }[]>`
      select r.id, concat_ws('|', r.status,
               (select count(*) from journal_entries e where e.release_id = r.id and e.kind = 'release'),
               (select count(*) from journal_entries e where e.release_id = r.id and e.kind = 'payout'),
               coalesce((select e.kind from journal_entries e where e.id = r.entry_id), '-')) as rest
        from releases r`
  ).map((r) => `${rel(r.id)}|${r.rest}`);
  // The figures, not the PDF: its text names the releases by id ("Reserve released (release 12)").
  sections['statements'] = lines(
    await sql<Row[]>`
    select concat_ws('|', client_id, period_from, period_to, currencies::text, opening_balances::text, closing_balances::text, figures::text) as k from statements`,
  );
  sections['email outbox'] = (
    await sql<{ key: string | null; rest: string; subject: string; text: string }[]>`
      select dedupe_key as key, concat_ws('|', "to", template, coalesce(client_id::text, '-')) as rest, subject, text from email_outbox`
  ).map((r) => `${r.key === null ? '-' : naturalText(r.key)}|${r.rest}|${naturalText(r.subject)}|${naturalText(r.text)}`);
  // What each release and statement audited, once (the runs' own events differ by design:
  // a killed run's chunks roll back theirs, a resumed cycle says so).
  sections['audit events of releases and statements'] = lines(
    await sql<Row[]>`
    select action || '|' || count(*) as k from audit_events where action in ('release.propose', 'release.auto_approve', 'statement.issue') group by action`,
  );

  for (const rows of Object.values(sections)) rows.sort();
  const pdfs = new Map<string, string>();
  for (const s of await sql<{ id: string; sha256: string }[]>`select id, sha256 from statements`) pdfs.set(statementKey.get(s.id)!, s.sha256);
  return { sections, pdfs };
}

/** Multiset difference of two sorted lists. */
function diffSorted(control: string[], chaos: string[]): { missing: string[]; extra: string[] } {
  const missing: string[] = [];
  const extra: string[] = [];
  let i = 0;
  let j = 0;
  while (i < control.length || j < chaos.length) {
    if (j >= chaos.length || (i < control.length && control[i]! < chaos[j]!)) missing.push(control[i++]!);
    else if (i >= control.length || chaos[j]! < control[i]!) extra.push(chaos[j++]!);
    else {
      i += 1;
      j += 1;
    }
  }
  return { missing, extra };
}

/** Compares the two databases after the run; `baseline` is what both held before it. */
export async function compareDatabases(control: Database, chaos: Database, baseline: { entryId: number }): Promise<Comparison> {
  const [a, b] = [await snapshot(control, baseline), await snapshot(chaos, baseline)];
  const differences: Difference[] = [];
  const rows: Record<string, number> = {};
  for (const section of Object.keys(a.sections)) {
    rows[section] = a.sections[section]!.length;
    const d = diffSorted(a.sections[section]!, b.sections[section] ?? []);
    if (d.missing.length > 0 || d.extra.length > 0) differences.push({ section, ...d });
  }
  let identicalPdfs = 0;
  for (const [key, sha] of a.pdfs) if (b.pdfs.get(key) === sha) identicalPdfs += 1;
  const [vc, vx] = [await verifyAll(control.sql), await verifyAll(chaos.sql)];
  const breaks = (r: typeof vc) => r.breaks.map((x) => `[${x.kind}] ${x.message}`);
  const verify = { control: breaks(vc), chaos: breaks(vx) };
  if (verify.control.length > 0 || verify.chaos.length > 0) differences.push({ section: 'verifyAll breaks', missing: verify.control, extra: verify.chaos });
  return { differences, rows, identicalPdfs, statements: a.pdfs.size, verify };
}

/** How many rows differ in all (each missing or extra row counts once). */
export function differenceCount(c: Comparison): number {
  return c.differences.reduce((n, d) => n + d.missing.length + d.extra.length, 0);
}
