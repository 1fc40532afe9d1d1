import type { Database, RawSql } from '../../db/client';
import type { Break } from '../audit/verify';

/**
 * Issue 13: the invoices' kept roll-ups (migration 0021). The dashboard and the aging report sum
 * a few hundred or thousand of these rows instead of passing over every open invoice.
 *
 * - A statement-level trigger on invoices turns each INSERT/UPDATE statement's changes into a few
 *   aggregated delta rows (old rows −1, new rows +1, per grain) appended to invoice_rollup_deltas
 *   in the same transaction: no row is locked, so parallel fundings and payments never queue on
 *   a hot roll-up row, nor deadlock against the ledger's account locks.
 * - `foldInvoiceRollups` (the `invoice-rollups` job, every 10 s) moves the committed deltas into
 *   invoice_rollups in one transaction and drops keys that fell to zero.
 * - Readers sum invoice_rollups + invoice_rollup_deltas in ONE statement (one snapshot): exact
 *   whether or not a fold has run; a fold only keeps the deltas few.
 * - `verifyInvoiceRollups` (audit:verify) recounts every grain from the invoices.
 */
export const ROLLUP_GRAIN = {
  /** (currency, issue_date): open invoices (funded, disputed), count and outstanding — dashboard aging */
  agingByDate: 1,
  /**
   * (debtor ref_id, currency): open invoices — top debtor exposure; and in settled_invoices /
   * days_beyond_terms the invoices with a settled date and their settled_date − due_date summed
   * (a debtor's average days late)
   */
  debtorExposure: 2,
  /** (status, currency): every invoice — counts per status */
  status: 3,
  /** (debtor ref_id, currency, issue_date): open invoices still owing (outstanding > 0) — aging by debtor */
  debtorAging: 4,
  /** (client ref_id, currency, issue_date): open invoices still owing — aging by client */
  clientAging: 5,
  /** (client ref_id, currency): open invoices still owing — clients ranked by what they are owed */
  clientExposure: 6,
} as const;
export type RollupGrain = (typeof ROLLUP_GRAIN)[keyof typeof ROLLUP_GRAIN];

/** Invoices that are open: funded and not yet paid, charged back or written off. */
export const OPEN_STATUSES = ['funded', 'disputed'] as const;

export interface FoldResult {
  /** delta rows moved into the roll-ups */
  folded: number;
  /** roll-up keys changed */
  keys: number;
  /** keys that fell to zero and were removed */
  removed: number;
  /** another fold was running: nothing done */
  busy: boolean;
}

/**
 * Moves every committed delta into invoice_rollups, in one short transaction that waits on no
 * command: the deltas it deletes are rows nobody else locks (commands only append), and only a
 * fold writes invoice_rollups (one at a time: a transaction-level advisory lock, skipped if held).
 * Deltas appended meanwhile are not yet visible to it and wait for the next fold.
 */
export async function foldInvoiceRollups(database: Database): Promise<FoldResult> {
  return database.transaction(async (tx) => {
    const [lock] = await tx.sql<{ got: boolean }[]>`select pg_try_advisory_xact_lock(hashtext('holdback.invoice_rollups')) as got`;
    if (!lock!.got) return { folded: 0, keys: 0, removed: 0, busy: true };
    const [moved] = await tx.sql<{ folded: string; keys: string; zero: string[] }[]>`
      with d as (delete from invoice_rollup_deltas returning *),
      g as (select grain, currency, ref_id, issue_date, status, sum(invoices) as invoices, sum(outstanding) as outstanding,
                   sum(settled_invoices) as settled_invoices, sum(days_beyond_terms) as days_beyond_terms, count(*) as n
              from d group by grain, currency, ref_id, issue_date, status),
      up as (insert into invoice_rollups as r (grain, currency, ref_id, issue_date, status, invoices, outstanding, settled_invoices, days_beyond_terms)
             select grain, currency, ref_id, issue_date, status, invoices, outstanding, settled_invoices, days_beyond_terms from g
             on conflict on constraint invoice_rollups_key
             do update set invoices = r.invoices + excluded.invoices, outstanding = r.outstanding + excluded.outstanding,
                           settled_invoices = r.settled_invoices + excluded.settled_invoices,
                           days_beyond_terms = r.days_beyond_terms + excluded.days_beyond_terms
             returning r.ctid, r.invoices, r.outstanding, r.settled_invoices, r.days_beyond_terms)
      select (select coalesce(sum(n), 0) from g) as folded, (select count(*) from up) as keys,
             array(select ctid::text from up where invoices = 0 and outstanding = 0 and settled_invoices = 0 and days_beyond_terms = 0) as zero`;
    const zero = moved!.zero;
    if (zero.length > 0) await tx.sql`delete from invoice_rollups where ctid = any(${zero}::tid[])`;
    return { folded: Number(moved!.folded), keys: Number(moved!.keys), removed: zero.length, busy: false };
  });
}

/**
 * audit:verify: every grain of the roll-ups (folded + pending deltas) equals a recount of the
 * invoices, written independently of the trigger (one plain GROUP BY per grain), in one
 * statement so both sides are one snapshot. Names up to 20 differing keys.
 */
export async function verifyInvoiceRollups(sql: RawSql, breaks: Break[]): Promise<void> {
  const open = OPEN_STATUSES as unknown as string[];
  const rows = await sql<
    {
      grain: number;
      currency: string;
      ref_id: string | null;
      issue_date: string | null;
      status: string | null;
      invoices: string;
      outstanding: string;
      settled: string;
      days: string;
    }[]
  >`
    with kept as (
      select grain, currency, ref_id, issue_date, status, invoices, outstanding, settled_invoices, days_beyond_terms from invoice_rollups
      union all
      select grain, currency, ref_id, issue_date, status, invoices, outstanding, settled_invoices, days_beyond_terms from invoice_rollup_deltas),
    recount as (
      select 1 as grain, currency, null::bigint as ref_id, issue_date, null::text as status, count(*) as invoices, sum(outstanding) as outstanding,
             0::bigint as settled_invoices, 0::bigint as days_beyond_terms
        from invoices where status = any(${open}::text[]) group by currency, issue_date
      union all
      select 2, currency, debtor_id, null, null, count(*) filter (where status = any(${open}::text[])),
             coalesce(sum(outstanding) filter (where status = any(${open}::text[])), 0),
             count(*) filter (where settled_date is not null), coalesce(sum(settled_date - due_date), 0)
        from invoices group by debtor_id, currency
      union all
      select 3, currency, null, null, status, count(*), coalesce(sum(outstanding), 0), 0, 0 from invoices group by status, currency
      union all
      select 4, currency, debtor_id, issue_date, null, count(*), sum(outstanding), 0, 0
        from invoices where status = any(${open}::text[]) and outstanding > 0 group by debtor_id, currency, issue_date
      union all
      select 5, currency, client_id, issue_date, null, count(*), sum(outstanding), 0, 0
        from invoices where status = any(${open}::text[]) and outstanding > 0 group by client_id, currency, issue_date
      union all
      select 6, currency, client_id, null, null, count(*), sum(outstanding), 0, 0
        from invoices where status = any(${open}::text[]) and outstanding > 0 group by client_id, currency),
    diff as (
      select grain, currency, ref_id, issue_date, status, sum(invoices) as invoices, sum(outstanding) as outstanding,
             sum(settled_invoices) as settled, sum(days_beyond_terms) as days
        from (select grain, currency, ref_id, issue_date, status, invoices, coalesce(outstanding, 0) as outstanding, settled_invoices, days_beyond_terms from kept
              union all
              select grain, currency, ref_id, issue_date, status, -invoices, -coalesce(outstanding, 0), -settled_invoices, -days_beyond_terms from recount) x
       group by grain, currency, ref_id, issue_date, status
      having sum(invoices) <> 0 or sum(outstanding) <> 0 or sum(settled_invoices) <> 0 or sum(days_beyond_terms) <> 0)
    select grain, currency, ref_id, issue_date::text, status, invoices::text, outstanding::text, settled::text, days::text from diff
     order by grain, currency, ref_id nulls first, issue_date nulls first, status nulls first limit 20`;
  const GRAIN_NAMES: Record<number, string> = {
    1: 'open invoices by issue date',
    2: 'open and settled invoices by debtor',
    3: 'invoices by status',
    4: 'owing invoices by debtor and issue date',
    5: 'owing invoices by client and issue date',
    6: 'owing invoices by client',
  };
  for (const r of rows) {
    const key = [r.currency, r.ref_id ? `${r.grain === 2 || r.grain === 4 ? 'debtor' : 'client'} ${r.ref_id}` : null, r.issue_date, r.status]
      .filter(Boolean)
      .join(', ');
    breaks.push({
      kind: 'invoice_rollup',
      message:
        `the dashboard's roll-up of ${GRAIN_NAMES[r.grain] ?? `grain ${r.grain}`} (${key}) is off by ${r.invoices} invoices and ${r.outstanding} outstanding` +
        (r.settled !== '0' || r.days !== '0' ? `, ${r.settled} settled invoices and ${r.days} days beyond terms` : '') +
        ' against a recount of the invoices',
    });
  }
  const triggers = await sql<{ tgname: string }[]>`
    select tgname from pg_trigger where tgrelid = 'invoices'::regclass and not tgisinternal and tgenabled <> 'D'
       and tgname in ('invoices_rollups_insert', 'invoices_rollups_update')`;
  for (const name of ['invoices_rollups_insert', 'invoices_rollups_update']) {
    if (!triggers.some((t) => t.tgname === name)) {
      breaks.push({ kind: 'missing_guard', message: `trigger ${name} on invoices is missing or disabled: the dashboard's roll-ups no longer follow the invoices` });
    }
  }
}
