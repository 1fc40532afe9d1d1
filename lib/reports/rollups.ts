import type { Database, RawSql, Tx } from '../../db/client';
import type { Break } from '../audit/verify';
import { addMonths, todayIn } from '../dates';

/**
 * Issue 13: kept roll-ups (migration 0021). The dashboard, the aging report and the portal sum a
 * few hundred or thousand of these rows instead of passing over every invoice, account or line.
 *
 * - Statement-level triggers on invoices and ledger_accounts turn each INSERT/UPDATE statement's
 *   changes into a few aggregated delta rows (old rows −1, new rows +1, per grain) appended to
 *   rollup_deltas in the same transaction: no row is locked, so parallel fundings, payments and
 *   postings never queue on a hot roll-up row, nor deadlock against the ledger's account locks.
 * - `foldRollups` (the `rollups` job, every 10 s) moves the committed deltas into rollups in one
 *   short transaction and drops keys that fell to zero.
 * - Readers sum rollups + rollup_deltas in ONE statement (one snapshot): exact whether or not a
 *   fold has run; a fold only keeps the deltas few.
 * - `verifyRollups` (audit:verify) recounts every grain from the invoices and the accounts.
 * - The same fold, in the same transaction, moves the debtor roll-ups' deltas (migration 0022:
 *   debtor_exposure_deltas, debtor_open_due_deltas; readers read the *_now views) — one fold
 *   mechanism for every roll-up (`foldDebtorRollups` below; verified by lib/debtors/rollups.ts).
 *
 * Each row: `items` counts, `amount` sums (what of, per grain below).
 */
export const ROLLUP_GRAIN = {
  /** (currency, issue_date): open invoices (funded, disputed), their outstanding — dashboard aging */
  agingByDate: 1,
  /**
   * (debtor ref_id, currency): open invoices, their outstanding — top debtor exposure; and in
   * settled_invoices / days_beyond_terms the invoices with a settled date and their
   * settled_date − due_date summed (a debtor's average days late)
   */
  debtorExposure: 2,
  /** (tag = status, currency): every invoice, its outstanding — counts per status */
  status: 3,
  /** (debtor ref_id, currency, issue_date): open invoices still owing (outstanding > 0) — aging by debtor */
  debtorAging: 4,
  /** (client ref_id, currency, issue_date): open invoices still owing — aging by client */
  clientAging: 5,
  /** (client ref_id, currency): open invoices still owing — clients ranked by what they are owed */
  clientExposure: 6,
  /** (tag = account code, currency): ledger accounts, their kept balances summed — dashboard totals */
  accountTotals: 7,
  /** (client ref_id = the entry's client, currency, issue_date = first of the month): fee_income lines, the income (migration 0023) — Reports */
  clientFeeIncome: 8,
  /** (currency, issue_date = first of the month): fee_income lines, the income — the Reports chart */
  feeIncome: 9,
  /** issue 15 (0033): (debtor ref_id, currency, issue_date = the due date): owing invoices — aging by days past due, by debtor */
  debtorPastDue: 10,
  /** issue 15 (0033): (client ref_id, currency, issue_date = the due date): owing invoices — aging by days past due, by client */
  clientPastDue: 11,
  /** issue 15 (0033): (currency, issue_date = the due date): open invoices, their outstanding — aging by days past due, the totals */
  agingByDueDate: 12,
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
  /** delta rows of the debtor roll-ups (migration 0022) moved into debtor_exposure and debtor_open_due */
  debtorDeltas?: number;
}

/**
 * The debtor roll-ups' share of a fold (migration 0022), in the fold's transaction and under its
 * lock: the committed deltas into debtor_exposure (per debtor, client, currency) and debtor_open_due
 * (per debtor, due date; a date that fell to zero is removed), then debtor_figures recomputed for
 * the debtors touched — only a fold writes these three tables, so nothing here waits on a command.
 */
async function foldDebtorRollups(tx: Tx): Promise<number> {
  const [pairs] = await tx.sql<{ n: string; touched: string[] }[]>`
    with d as (delete from debtor_exposure_deltas returning *),
    g as (select debtor_id, client_id, currency, sum(invoices) as invoices, sum(open_invoices) as open_invoices, sum(exposure) as exposure,
                 sum(settled_invoices) as settled_invoices, sum(settled_days) as settled_days, sum(settled_days_late) as settled_days_late,
                 sum(reduced) as reduced, sum(collected) as collected, sum(defaulted_face) as defaulted_face,
                 sum(defaulted_collected) as defaulted_collected
            from d group by debtor_id, client_id, currency),
    up as (insert into debtor_exposure as e (debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days,
                                             settled_days_late, reduced, collected, defaulted_face, defaulted_collected)
           select * from g
           on conflict (debtor_id, client_id, currency) do update set
             invoices = e.invoices + excluded.invoices, open_invoices = e.open_invoices + excluded.open_invoices, exposure = e.exposure + excluded.exposure,
             settled_invoices = e.settled_invoices + excluded.settled_invoices, settled_days = e.settled_days + excluded.settled_days,
             settled_days_late = e.settled_days_late + excluded.settled_days_late, reduced = e.reduced + excluded.reduced,
             collected = e.collected + excluded.collected, defaulted_face = e.defaulted_face + excluded.defaulted_face,
             defaulted_collected = e.defaulted_collected + excluded.defaulted_collected
           returning e.debtor_id)
    select (select count(*) from d) as n, array(select distinct debtor_id::text from up) as touched`;
  const [due] = await tx.sql<{ n: string; zero: string[] }[]>`
    with d as (delete from debtor_open_due_deltas returning *),
    up as (insert into debtor_open_due as o (debtor_id, due_date, open_invoices)
           select debtor_id, due_date, sum(open_invoices) from d group by debtor_id, due_date having sum(open_invoices) <> 0
           on conflict (debtor_id, due_date) do update set open_invoices = o.open_invoices + excluded.open_invoices
           returning o.ctid, o.open_invoices)
    select (select count(*) from d) as n, array(select ctid::text from up where open_invoices = 0) as zero`;
  if (due!.zero.length > 0) await tx.sql`delete from debtor_open_due where ctid = any(${due!.zero}::tid[])`;
  // A statement of its own: it reads debtor_exposure as the fold left it.
  if (pairs!.touched.length > 0) await tx.sql`select holdback_debtor_figures_refresh(${pairs!.touched}::bigint[])`;
  return Number(pairs!.n) + Number(due!.n);
}

/**
 * Moves every committed delta into rollups, in one short transaction that waits on no command:
 * the deltas it deletes are rows nobody else locks (commands only append), and only a fold writes
 * rollups (one at a time: a transaction-level advisory lock, skipped if held). Deltas appended
 * meanwhile are not yet visible to it and wait for the next fold.
 */
export async function foldRollups(database: Database, options: { today?: string } = {}): Promise<FoldResult> {
  const today = options.today ?? todayIn();
  return database.transaction(async (tx) => {
    const [lock] = await tx.sql<{ got: boolean }[]>`select pg_try_advisory_xact_lock(hashtext('holdback.rollups')) as got`;
    if (!lock!.got) return { folded: 0, keys: 0, removed: 0, busy: true };
    const [moved] = await tx.sql<{ folded: string; keys: string; zero: string[]; income_refs: string[] }[]>`
      with d as (delete from rollup_deltas returning *),
      g as (select grain, currency, ref_id, issue_date, tag, sum(items) as items, sum(amount) as amount,
                   sum(settled_invoices) as settled_invoices, sum(days_beyond_terms) as days_beyond_terms, count(*) as n
              from d group by grain, currency, ref_id, issue_date, tag),
      up as (insert into rollups as r (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
             select grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms from g
             on conflict on constraint rollups_key
             do update set items = r.items + excluded.items, amount = r.amount + excluded.amount,
                           settled_invoices = r.settled_invoices + excluded.settled_invoices,
                           days_beyond_terms = r.days_beyond_terms + excluded.days_beyond_terms
             returning r.ctid, r.items, r.amount, r.settled_invoices, r.days_beyond_terms)
      select (select coalesce(sum(n), 0) from g) as folded, (select count(*) from up) as keys,
             array(select ctid::text from up where items = 0 and amount = 0 and settled_invoices = 0 and days_beyond_terms = 0) as zero,
             array(select distinct ref_id::text from g where grain = ${ROLLUP_GRAIN.clientFeeIncome} and ref_id is not null) as income_refs`;
    const zero = moved!.zero;
    if (zero.length > 0) await tx.sql`delete from rollups where ctid = any(${zero}::tid[])`;
    await keepFeeIncomeRanks(tx, moved!.income_refs, today);
    const debtors = await foldDebtorRollups(tx);
    return { folded: Number(moved!.folded), keys: Number(moved!.keys), removed: zero.length, busy: false, debtorDeltas: debtors };
  });
}

/**
 * The periods Reports' fee income is ranked for (migration 0043), as the first day of each
 * period's last month: the twelve months to `today`'s month, and to the month before — so a page
 * whose "today" was read just before midnight of a month's end still finds its period kept.
 */
export function rankedFeeIncomePeriods(today: string): string[] {
  const current = `${today.slice(0, 7)}-01`;
  return [addMonths(current, -1), current];
}

/** The first month of the twelve-month period ending with `periodTo`'s month (both first days). */
export function feeIncomePeriodStart(periodTo: string): string {
  return addMonths(periodTo, -11);
}

/**
 * The fold's share for Reports (migration 0043), in its transaction after the deltas are folded:
 * the periods of `rankedFeeIncomePeriods` are kept and the others dropped; a period not yet ranked
 * is ranked in full from the folded rows of grain 8 (10,000 clients × 12 months: once a month);
 * in a ranked period the clients whose income this fold moved (`refs`) are summed again.
 */
async function keepFeeIncomeRanks(tx: Tx, refs: string[], today: string): Promise<void> {
  const periods = rankedFeeIncomePeriods(today);
  const grain = ROLLUP_GRAIN.clientFeeIncome;
  // the ranked periods (a row or two); a period past is dropped by its key, when there is one
  const held = (await tx.sql<{ period_to: string }[]>`select period_to::text from fee_income_rank_periods`).map((k) => k.period_to);
  const stale = held.filter((p) => !periods.includes(p));
  if (stale.length > 0) {
    await tx.sql`delete from fee_income_ranks where period_to = any(${stale}::date[])`;
    await tx.sql`delete from fee_income_rank_periods where period_to = any(${stale}::date[])`;
  }
  const ranked = held.filter((p) => periods.includes(p));
  for (const period of periods.filter((p) => !ranked.includes(p))) {
    await tx.sql`delete from fee_income_ranks where period_to = ${period}::date`;
    await tx.sql`
      insert into fee_income_ranks (currency, period_to, ref_id, total)
      select currency, ${period}::date, ref_id, sum(amount) from rollups
       where grain = ${grain} and ref_id is not null and issue_date between ${feeIncomePeriodStart(period)}::date and ${period}::date
       group by currency, ref_id having bool_or(amount <> 0)`;
    await tx.sql`insert into fee_income_rank_periods (period_to) values (${period}::date)`;
  }
  if (ranked.length === 0 || refs.length === 0) return;
  await tx.sql`delete from fee_income_ranks where period_to = any(${ranked}::date[]) and ref_id = any(${refs}::bigint[])`;
  await tx.sql`
    insert into fee_income_ranks (currency, period_to, ref_id, total)
    select r.currency, p.period_to, r.ref_id, sum(r.amount)
      from unnest(${ranked}::date[]) as p(period_to)
      join rollups r on r.grain = ${grain} and r.ref_id = any(${refs}::bigint[])
                    and r.issue_date between (p.period_to - interval '11 months')::date and p.period_to
     group by r.currency, p.period_to, r.ref_id having bool_or(r.amount <> 0)`;
}

/**
 * CTEs ending in `top` (ref_id, currency, total): the `limit` largest totals of a ranked grain
 * (2: debtors, 6: clients) as they are now — folded rows plus deltas (a CTE `d` holding the
 * grain's deltas must come first) — reading only `limit` + (keys with deltas) rows of the
 * roll-ups, in order, through rollups_ranked, never the whole grain. Exact: a key outside the
 * candidates has no delta (its total is its folded amount) and at least `limit` keys without
 * deltas rank before it.
 */
export function topExposure(tx: Tx, grain: 2 | 6, limit: number) {
  return tx.sql`
    top_delta as (select ref_id, currency, sum(amount) as amount from d where grain = ${grain} group by ref_id, currency),
    top_base as (
      select ref_id, currency, amount from rollups where grain = ${grain} and amount > 0
       order by amount desc, ref_id, currency limit ${limit} + (select count(*) from top_delta)),
    top_keys as (
      select ref_id, currency, amount as folded from top_base
      union all
      select t.ref_id, t.currency, coalesce(r.amount, 0)
        from top_delta t left join rollups r on r.grain = ${grain} and r.ref_id = t.ref_id and r.currency = t.currency
       where not exists (select 1 from top_base b where b.ref_id = t.ref_id and b.currency = t.currency)),
    top as (
      select k.ref_id, k.currency, k.folded + coalesce(t.amount, 0) as total
        from top_keys k left join top_delta t on t.ref_id = k.ref_id and t.currency = k.currency
       where k.folded + coalesce(t.amount, 0) > 0
       order by total desc, k.ref_id, k.currency limit ${limit})`;
}

const GRAIN_NAMES: Record<number, string> = {
  1: 'open invoices by issue date',
  2: 'open and settled invoices by debtor',
  3: 'invoices by status',
  4: 'owing invoices by debtor and issue date',
  5: 'owing invoices by client and issue date',
  6: 'owing invoices by client',
  7: 'account balances by code',
  8: 'fee income by client and month',
  9: 'fee income by month',
  10: 'owing invoices by debtor and due date',
  11: 'owing invoices by client and due date',
  12: 'open invoices by due date',
};

const TRIGGERS = [
  ['invoices', 'invoices_rollups_insert'],
  ['invoices', 'invoices_rollups_update'],
  ['ledger_accounts', 'ledger_accounts_rollups_insert'],
  ['ledger_accounts', 'ledger_accounts_rollups_update'],
  ['journal_lines', 'journal_lines_fee_income_rollups'],
] as const;

/**
 * audit:verify: every grain of the roll-ups (folded + pending deltas) equals a recount of the
 * invoices and the accounts, written independently of the triggers (one plain GROUP BY per grain),
 * in one statement so both sides are one snapshot. Names up to 20 differing keys, and a roll-up
 * trigger that is missing or disabled.
 */
export async function verifyRollups(sql: RawSql, breaks: Break[]): Promise<void> {
  const open = OPEN_STATUSES as unknown as string[];
  const rows = await sql<
    {
      grain: number;
      currency: string;
      ref_id: string | null;
      issue_date: string | null;
      tag: string | null;
      items: string;
      amount: string;
      settled: string;
      days: string;
    }[]
  >`
    with kept as (
      select grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms from rollups
      union all
      select grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms from rollup_deltas),
    recount as (
      select 1 as grain, currency, null::bigint as ref_id, issue_date, null::text as tag, count(*) as items, sum(outstanding) as amount,
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
        from invoices where status = any(${open}::text[]) and outstanding > 0 group by client_id, currency
      union all
      select 10, currency, debtor_id, due_date, null, count(*), sum(outstanding), 0, 0
        from invoices where status = any(${open}::text[]) and outstanding > 0 group by debtor_id, currency, due_date
      union all
      select 11, currency, client_id, due_date, null, count(*), sum(outstanding), 0, 0
        from invoices where status = any(${open}::text[]) and outstanding > 0 group by client_id, currency, due_date
      union all
      select 12, currency, null, due_date, null, count(*), sum(outstanding), 0, 0
        from invoices where status = any(${open}::text[]) group by currency, due_date
      union all
      select 7, currency, null, null, code, count(*), sum(balance), 0, 0 from ledger_accounts group by code, currency
      union all
      select g.grain, l.currency, case when g.grain = 8 then e.client_id end, date_trunc('month', l.effective_date)::date, null,
             count(*), -sum(l.amount), 0, 0
        from journal_lines l
        join ledger_accounts a on a.id = l.account_id and a.code = 'fee_income'
        join journal_entries e on e.id = l.entry_id
        cross join (values (8), (9)) g(grain)
       group by g.grain, l.currency, case when g.grain = 8 then e.client_id end, date_trunc('month', l.effective_date)),
    diff as (
      select grain, currency, ref_id, issue_date, tag, sum(items) as items, sum(amount) as amount,
             sum(settled_invoices) as settled, sum(days_beyond_terms) as days
        from (select grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms from kept
              union all
              select grain, currency, ref_id, issue_date, tag, -items, -coalesce(amount, 0), -settled_invoices, -days_beyond_terms from recount) x
       group by grain, currency, ref_id, issue_date, tag
      having sum(items) <> 0 or sum(amount) <> 0 or sum(settled_invoices) <> 0 or sum(days_beyond_terms) <> 0)
    select grain, currency, ref_id, issue_date::text, tag, items::text, amount::text, settled::text, days::text from diff
     order by grain, currency, ref_id nulls first, issue_date nulls first, tag nulls first limit 20`;
  for (const r of rows) {
    const who = r.ref_id ? `${r.grain === 2 || r.grain === 4 || r.grain === 10 ? 'debtor' : 'client'} ${r.ref_id}` : null;
    const key = [r.currency, who, r.issue_date, r.tag].filter(Boolean).join(', ');
    const income = r.grain === 8 || r.grain === 9;
    const what = r.grain === 7 ? ['accounts', 'balance'] : income ? ['fee income lines', 'income'] : ['invoices', 'outstanding'];
    breaks.push({
      kind: 'rollup',
      message:
        `the roll-up of ${GRAIN_NAMES[r.grain] ?? `grain ${r.grain}`} (${key}) is off by ${r.items} ${what[0]} and ${r.amount} ${what[1]}` +
        (r.settled !== '0' || r.days !== '0' ? `, ${r.settled} settled invoices and ${r.days} days beyond terms` : '') +
        ` against a recount of the ${r.grain === 7 ? 'ledger accounts' : income ? 'journal lines' : 'invoices'} (${income ? 'the Reports page' : 'the dashboard and the aging report'} show${income ? 's' : ''} the roll-up)`,
    });
  }
  // Reports' ranking (migration 0043): each ranked period's rows equal the folded months summed again.
  const ranks = await sql<{ period_to: string; currency: string; ref_id: string; kept: string | null; summed: string | null }[]>`
    with summed as (
      select p.period_to, r.currency, r.ref_id, sum(r.amount) as total
        from fee_income_rank_periods p
        join rollups r on r.grain = ${ROLLUP_GRAIN.clientFeeIncome} and r.ref_id is not null
                      and r.issue_date between (p.period_to - interval '11 months')::date and p.period_to
       group by p.period_to, r.currency, r.ref_id having bool_or(r.amount <> 0))
    select coalesce(k.period_to, s.period_to)::text as period_to, coalesce(k.currency, s.currency) as currency,
           coalesce(k.ref_id, s.ref_id)::text as ref_id, k.total::text as kept, s.total::text as summed
      from (select * from fee_income_ranks where period_to in (select period_to from fee_income_rank_periods)) k
      full join summed s on s.period_to = k.period_to and s.currency = k.currency and s.ref_id = k.ref_id
     where k.total is distinct from s.total
     order by 1, 2, 3 limit 20`;
  for (const r of ranks) {
    breaks.push({
      kind: 'rollup',
      message: `Reports' fee income ranking for the twelve months to ${r.period_to.slice(0, 7)} (${r.currency.trim()}, client ${r.ref_id}) holds ${r.kept ?? 'nothing'} where the folded months sum to ${r.summed ?? 'nothing'}`,
    });
  }
  const present = await sql<{ tgname: string }[]>`
    select tgname from pg_trigger where not tgisinternal and tgenabled <> 'D' and tgname = any(${TRIGGERS.map(([, name]) => name)}::text[])`;
  for (const [table, name] of TRIGGERS) {
    if (!present.some((t) => t.tgname === name)) {
      breaks.push({ kind: 'missing_guard', message: `trigger ${name} on ${table} is missing or disabled: the dashboard's roll-ups no longer follow ${table}` });
    }
  }
}
