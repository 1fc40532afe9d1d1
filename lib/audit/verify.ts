import type { Database, RawSql } from '../../db/client';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { postedFeeSql } from '../ledger/accrual';
import { Big, moneyOut } from '../money';
import { anchorOptions, compareWithAnchor, currentDatabaseName, nextAnchor, readLatestAnchor, type AnchorOptions, type AnchorReport } from './anchor';
import { recordAudit } from './index';
import { GENESIS_HASH, eventHash, hashedFields, type AuditEventRow } from './hash';
import { verifyRollups } from '../reports/rollups';
import { verifyDebtorRollups } from '../debtors/rollups';
import { POSTED_STATUSES } from '../releases/list';

export interface Break {
  kind:
    | 'audit_chain'
    | 'audit_hash'
    | 'audit_anchor'
    | 'unbalanced_entry'
    | 'entry_without_lines'
    | 'account_balance'
    | 'currency_mismatch'
    | 'missing_guard'
    | 'invoice_outstanding'
    | 'fee_accrued'
    | 'accrual_detail'
    | 'liability_in_debit'
    | 'reserve_movement'
    | 'reserve_rollforward'
    | 'release_unmatched'
    | 'payout_unmatched'
    | 'cash_in_transit'
    | 'escrow'
    | 'rollup'
    | 'debtor_rollup';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  auditEvents: number;
  entries: number;
  lines: number;
  accounts: number;
  breaks: Break[];
  /** with verifyAndAnchor: the anchor compared with and the one written (lib/audit/anchor.ts) */
  anchor?: AnchorReport;
}

export interface ChainPoint {
  /** the id of the last event checked ('0' before the first) */
  lastId: string;
  /** its hash (the genesis hash before the first) */
  lastHash: string;
}

/**
 * Walks the audit chain in id order, in pages, recomputing every hash — from the start, or
 * from a point already checked (`from`), so a long chain can be followed as it grows.
 */
export async function verifyAuditChain(sql: RawSql, breaks: Break[], options: { pageSize?: number; from?: ChainPoint } = {}): Promise<number> {
  return (await followAuditChain(sql, breaks, options)).count;
}

export async function followAuditChain(
  sql: RawSql,
  breaks: Break[],
  options: { pageSize?: number; from?: ChainPoint } = {},
): Promise<ChainPoint & { count: number }> {
  const pageSize = options.pageSize ?? 5000;
  let prev = options.from?.lastHash ?? GENESIS_HASH;
  let lastId = options.from?.lastId ?? '0';
  let count = 0;
  for (;;) {
    const rows = await sql<AuditEventRow[]>`
      select id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
             actor_user_id, actor, role, action, target_type, target_id, before, after, request_id, source, ip, prev_hash, hash
        from audit_events where id > ${lastId} order by id limit ${pageSize}`;
    if (rows.length === 0) break;
    for (const r of rows) {
      count += 1;
      if (r.prev_hash !== prev) {
        breaks.push({
          kind: 'audit_chain',
          message: `audit event ${r.id}: its prev_hash ${r.prev_hash.slice(0, 12)}… does not match the hash of the event before it (${prev.slice(0, 12)}…): an event was removed, inserted or reordered`,
        });
      }
      const computed = eventHash(r.prev_hash, hashedFields(r));
      if (computed !== r.hash) {
        breaks.push({
          kind: 'audit_hash',
          message: `audit event ${r.id} (${r.action} on ${r.target_type} ${r.target_id ?? ''}): its content does not match its hash — the row was changed after it was written`,
        });
      }
      prev = r.hash;
      lastId = r.id;
    }
  }
  return { count, lastId, lastHash: prev };
}

const GUARDS = [
  ['journal_entries', 'journal_entries_append_only'],
  ['journal_entries', 'journal_entries_no_truncate'],
  ['journal_lines', 'journal_lines_append_only'],
  ['journal_lines', 'journal_lines_no_truncate'],
  ['journal_lines', 'journal_lines_balanced'],
  ['audit_events', 'audit_events_append_only'],
  ['audit_events', 'audit_events_no_truncate'],
  ['journal_entries', 'journal_entries_references'],
  ['ledger_accounts', 'ledger_accounts_keep'],
  ['clients', 'clients_keep'],
  ['invoices', 'invoices_keep'],
  ['users', 'users_keep'],
  ['fee_accrual_lines', 'fee_accrual_lines_append_only'],
  ['fee_accrual_lines', 'fee_accrual_lines_no_truncate'],
  ['fee_accrual_lines', 'fee_accrual_lines_tied'],
  ['journal_lines', 'journal_lines_accrual_tied'],
  // issue 14 (0027): what was sent to the bank is kept, and a generated file never changes
  ['payout_batches', 'payout_batches_keep'],
  ['payout_batch_items', 'payout_batch_items_keep'],
  ['payout_batches', 'payout_batches_file_frozen'],
] as const;

/** The ledger's invariants (SPEC 3), each as one set-based query. */
export async function verifyLedger(sql: RawSql, breaks: Break[]): Promise<{ entries: number; lines: number; accounts: number }> {
  const unbalanced = await sql<{ entry_id: string; currency: string; total: string }[]>`
    select entry_id, currency, sum(amount) as total from journal_lines group by entry_id, currency having sum(amount) <> 0
     order by entry_id limit 100`;
  for (const u of unbalanced) {
    breaks.push({ kind: 'unbalanced_entry', message: `journal entry ${u.entry_id} does not balance in ${u.currency}: its lines sum to ${u.total}` });
  }
  const empty = await sql<{ id: string }[]>`
    select e.id from journal_entries e left join (select distinct entry_id from journal_lines) l on l.entry_id = e.id
     where l.entry_id is null order by e.id limit 100`;
  for (const e of empty) breaks.push({ kind: 'entry_without_lines', message: `journal entry ${e.id} has no lines` });
  const mismatched = await sql<{ id: string; code: string; currency: string; client_id: string | null; balance: string; total: string }[]>`
    select a.id, a.code, a.currency, a.client_id, a.balance, coalesce(s.total, 0) as total
      from ledger_accounts a
      left join (select account_id, sum(amount) as total from journal_lines group by account_id) s on s.account_id = a.id
     where a.balance <> coalesce(s.total, 0) order by a.id limit 100`;
  for (const m of mismatched) {
    breaks.push({
      kind: 'account_balance',
      message: `account ${m.id} (${m.code} ${m.currency}${m.client_id ? ` client ${m.client_id}` : ''}): stored balance ${m.balance} but its lines sum to ${m.total}`,
    });
  }
  const currency = await sql<{ id: string; entry_id: string }[]>`
    select l.id, l.entry_id from journal_lines l join ledger_accounts a on a.id = l.account_id where a.currency <> l.currency limit 100`;
  for (const c of currency) breaks.push({ kind: 'currency_mismatch', message: `journal line ${c.id} of entry ${c.entry_id} is not in its account's currency` });
  const drift = await sql<{ id: string; number: string; outstanding: string; ledger: string }[]>`
    select i.id, i.number, i.outstanding, coalesce(r.total, 0) as ledger
      from invoices i
      left join (select l.invoice_id, sum(l.amount) as total from journal_lines l
                   join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                  where l.invoice_id is not null group by l.invoice_id) r on r.invoice_id = i.id
     where i.funding_date is not null and i.outstanding is distinct from coalesce(r.total, 0)
     order by i.id limit 100`;
  for (const d of drift) {
    breaks.push({
      kind: 'invoice_outstanding',
      message: `invoice ${d.id} (${d.number}): outstanding ${d.outstanding} but its receivable lines sum to ${d.ledger}`,
    });
  }
  // Every funded invoice's fee to date as its accrual state says (postedFeeSql: what every screen
  // and command reads) against what was posted for it: its accrual detail, plus the
  // fees_receivable lines tagged with it in accrual entries (a freeze's adjustment; the
  // per-invoice accrual lines of a database from before issue 13).
  const accruals = await sql<{ invoice_id: string; state: string; ledger: string }[]>`
    select x.invoice_id, x.state, x.ledger from (
      select f.invoice_id, ${postedFeeSql(sql, sql`ac.accrued_through`)} as state, coalesce(d.total, 0) + coalesce(s.total, 0) as ledger
        from fee_accruals f
        left join accrual_clients ac on ac.client_id = f.client_id
        left join (select invoice_id, sum(amount) as total from fee_accrual_lines group by invoice_id) d on d.invoice_id = f.invoice_id
        left join (select l.invoice_id, sum(l.amount) as total from journal_lines l
                     join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
                     join journal_entries e on e.id = l.entry_id and e.kind = 'accrual'
                    where l.invoice_id is not null group by l.invoice_id) s on s.invoice_id = f.invoice_id
    ) x where x.state <> x.ledger order by x.invoice_id limit 100`;
  for (const a of accruals) {
    breaks.push({
      kind: 'fee_accrued',
      message: `invoice ${a.invoice_id}: its accrual state says ${a.state} was posted to fees receivable, but its accrual detail and lines sum to ${a.ledger}`,
    });
  }
  // The accrual detail (issue 13) against the journal: each accrual entry's aggregate
  // fees_receivable line (accrual, no invoice) equals the sum of its detail, one such line per
  // entry; detail rows belong to an accrual entry of their date, of their invoice's client and currency.
  const detail = await sql<{ entry_id: string; line: string | null; lines: number; detail: string | null; owned: boolean | null }[]>`
    with e as (select id, client_id, split_part(idempotency_key, ':', 4) as currency, effective_date from journal_entries where kind = 'accrual'),
         d as (select fl.entry_id, sum(fl.amount) as total,
                       bool_and(e.id is not null and f.client_id = e.client_id and f.currency = e.currency and fl.effective_date = e.effective_date) as owned
                 from fee_accrual_lines fl left join e on e.id = fl.entry_id left join fee_accruals f on f.invoice_id = fl.invoice_id
                group by fl.entry_id),
         l as (select l.entry_id, count(*)::int as n, sum(l.amount) as total from journal_lines l
                join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
               where l.accrual and l.invoice_id is null group by l.entry_id)
    select coalesce(d.entry_id, l.entry_id) as entry_id, l.total as line, coalesce(l.n, 0) as lines, d.total as detail, d.owned
      from d full join l on l.entry_id = d.entry_id
     where coalesce(l.n, 0) <> 1 or d.total is null or d.total <> l.total or not d.owned
     order by 1 limit 100`;
  for (const d of detail) {
    breaks.push({
      kind: 'accrual_detail',
      message:
        d.owned === false
          ? `accrual entry ${d.entry_id}: fee accrual detail of another date, or of an invoice of another client or currency, or of no accrual entry`
          : `accrual entry ${d.entry_id}: ${d.lines} aggregate fees receivable line(s) totalling ${d.line ?? 'nothing'}, but its invoices' detail sums to ${d.detail ?? 'nothing'}`,
    });
  }
  const triggers = await sql<{ tgname: string }[]>`select tgname from pg_trigger where not tgisinternal and tgenabled <> 'D'`;
  const present = new Set(triggers.map((t) => t.tgname));
  for (const [table, name] of GUARDS) {
    if (!present.has(name))
      breaks.push({ kind: 'missing_guard', message: `trigger ${name} on ${table} is missing or disabled: the table is no longer append-only` });
  }
  const [constraint] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_constraint where conname = 'ledger_accounts_liability_not_in_debit' and conrelid = 'ledger_accounts'::regclass`;
  if (constraint!.n === 0) {
    breaks.push({
      kind: 'missing_guard',
      message: 'constraint ledger_accounts_liability_not_in_debit on ledger_accounts is missing: a reserve or client payable may go into debit',
    });
  }
  await verifyReserves(sql, breaks);
  // Issue 13: the roll-ups the dashboard, the aging report and the portal read equal a recount.
  await verifyRollups(sql, breaks);
  const [counts] = await sql<{ entries: string; lines: string; accounts: string }[]>`
    select (select count(*) from journal_entries) as entries, (select count(*) from journal_lines) as lines,
           (select count(*) from ledger_accounts) as accounts`;
  return { entries: Number(counts!.entries), lines: Number(counts!.lines), accounts: Number(counts!.accounts) };
}

/**
 * Entry kinds that move a client's reserve, and which way (SPEC 5.1–5.3): funding withholds
 * (credits); a fee settlement, a chargeback, short pay or credit note, and a release draw on it
 * (debit). A reversal moves it back the other way, under its original's kind.
 */
const RESERVE_KINDS = {
  funding: 'credit',
  fee_settlement: 'debit',
  short_pay: 'debit',
  chargeback: 'debit',
  credit_note: 'debit',
  release: 'debit',
} as const;
const CHARGE_KINDS = ['short_pay', 'chargeback', 'credit_note'];

/**
 * The reserve's own invariants, beyond each balance equalling its lines (verifyLedger): no
 * reserve or client payable in debit; only the entry kinds that may move a reserve do, each in
 * its direction; per client and currency, what was released never exceeds the roll-forward of
 * what was withheld at funding less fees settled and chargebacks drawn from it; and each
 * release entry is the posting of an approved release, for its amount, once. Together with the
 * balance check, a forged "balanced" payout that drains a reserve — whatever its stored balance
 * was edited to — is named.
 */
export async function verifyReserves(sql: RawSql, breaks: Break[]): Promise<void> {
  // (a) Liabilities in debit (stored balance, debits positive).
  const inDebit = await sql<{ id: string; code: string; currency: string; client_id: string | null; name: string | null; balance: string }[]>`
    select a.id, a.code, a.currency, a.client_id, c.name, a.balance
      from ledger_accounts a left join clients c on c.id = a.client_id
     where a.code in ('reserve', 'client_payable', 'escrow') and a.balance > 0 order by a.id limit 100`;
  for (const a of inDebit) {
    breaks.push({
      kind: 'liability_in_debit',
      message: `account ${a.id} (${a.code} ${a.currency}${a.client_id ? ` client ${a.client_id} ${a.name ?? ''}`.trimEnd() : ''}) is in debit by ${moneyOut(a.balance, a.currency)}: more was paid out of it than it ever held`,
    });
  }

  // Every entry's net movement of each client's reserve, under its kind (a reversal under its original's).
  const moves = await sql<{ entry_id: string; kind: string; reversal: boolean; client_id: string; currency: string; amount: string }[]>`
    select l.entry_id, coalesce(o.kind, e.kind) as kind, e.reverses_entry_id is not null as reversal, a.client_id, a.currency, sum(l.amount) as amount
      from journal_lines l
      join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
      join journal_entries e on e.id = l.entry_id
      left join journal_entries o on o.id = e.reverses_entry_id
     group by l.entry_id, coalesce(o.kind, e.kind), e.reverses_entry_id, a.client_id, a.currency
    having sum(l.amount) <> 0
     order by l.entry_id`;
  let reported = 0;
  for (const m of moves) {
    const expected = (RESERVE_KINDS as Record<string, 'credit' | 'debit'>)[m.kind];
    const debit = !m.amount.startsWith('-');
    const way = m.reversal ? (debit ? 'credit' : 'debit') : debit ? 'debit' : 'credit';
    const what = `journal entry ${m.entry_id} (${m.reversal ? `reversal of a ${m.kind}` : m.kind}) ${debit ? 'debits' : 'credits'} client ${m.client_id}'s ${m.currency} reserve by ${moneyOut(new Big(m.amount).abs(), m.currency)}`;
    if (!expected) {
      if (reported++ < 100) breaks.push({ kind: 'reserve_movement', message: `${what}: a ${m.kind} entry never moves a reserve` });
    } else if (way !== expected) {
      if (reported++ < 100) breaks.push({ kind: 'reserve_movement', message: `${what}: a ${m.kind} only ever ${expected}s it` });
    }
  }

  // (b) The roll-forward per client and currency, by entry kind.
  const rollForward = await sql<
    {
      client_id: string;
      name: string | null;
      currency: string;
      withheld: string;
      fees: string;
      charges: string;
      released: string;
      other: string;
      available: string;
    }[]
  >`
    with m as (
      select a.client_id, a.currency, coalesce(o.kind, e.kind) as kind, l.amount
        from journal_lines l
        join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
        join journal_entries e on e.id = l.entry_id
        left join journal_entries o on o.id = e.reverses_entry_id),
    r as (
      select client_id, currency,
             -coalesce(sum(amount) filter (where kind = 'funding'), 0) as withheld,
             coalesce(sum(amount) filter (where kind = 'fee_settlement'), 0) as fees,
             coalesce(sum(amount) filter (where kind = any(${CHARGE_KINDS}::text[])), 0) as charges,
             coalesce(sum(amount) filter (where kind = 'release'), 0) as released,
             coalesce(sum(amount) filter (where kind <> all(${Object.keys(RESERVE_KINDS)}::text[])), 0) as other
        from m group by client_id, currency)
    select r.client_id, c.name, r.currency, r.withheld, r.fees, r.charges, r.released, r.other,
           r.withheld - r.fees - r.charges as available
      from r left join clients c on c.id = r.client_id
     where r.released > r.withheld - r.fees - r.charges or r.withheld - r.fees - r.charges - r.released - r.other < 0
     order by r.client_id, r.currency limit 100`;
  for (const r of rollForward) {
    const m = (x: string) => moneyOut(x, r.currency);
    const other = !new Big(r.other).eq(0) ? `; entries of other kinds drew ${m(r.other)} more` : '';
    breaks.push({
      kind: 'reserve_rollforward',
      message:
        `client ${r.client_id}${r.name ? ` (${r.name})` : ''} ${r.currency}: released ${m(r.released)} from the reserve but only ${m(r.available)} was there to release — ` +
        `withheld at funding ${m(r.withheld)} − fees settled ${m(r.fees)} − chargebacks and short pays ${m(r.charges)}${other}`,
    });
  }

  // Each release entry posts an approved release of the same client, for its approved amount, once.
  const releases = await sql<
    {
      entry_id: string;
      release_id: string | null;
      client_id: string | null;
      r_id: string | null;
      r_client: string | null;
      status: string | null;
      approved: string | null;
      credited: string;
      postings: number;
    }[]
  >`
    with e as (select id, release_id, client_id from journal_entries where kind in ('release', 'escrow_release') and reverses_entry_id is null),
    p as (select l.entry_id, -sum(l.amount) as credited
            from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'client_payable'
           where l.entry_id in (select id from e) group by l.entry_id)
    select e.id as entry_id, e.release_id, e.client_id, r.id as r_id, r.client_id as r_client, r.status,
           coalesce(r.approved_amount, r.amount) as approved, coalesce(p.credited, 0) as credited,
           (count(*) over (partition by e.release_id))::int as postings
      from e left join releases r on r.id = e.release_id left join p on p.entry_id = e.id
     order by e.id`;
  reported = 0;
  for (const r of releases) {
    let problem: string | null = null;
    if (!r.r_id) problem = r.release_id ? `names release ${r.release_id}, which does not exist` : 'names no release';
    else if (r.r_client !== r.client_id) problem = `is for client ${r.client_id} but release ${r.r_id} is client ${r.r_client}'s`;
    else if (!POSTED_STATUSES.has(r.status ?? '')) problem = `posts release ${r.r_id}, which is ${r.status}`;
    else if (r.postings > 1) problem = `is one of ${r.postings} postings of release ${r.r_id}`;
    else if (r.approved === null || !new Big(r.approved).eq(r.credited))
      problem = `pays ${r.credited} to the client for release ${r.r_id}, approved for ${r.approved ?? 'nothing'}`;
    if (problem && reported++ < 100) breaks.push({ kind: 'release_unmatched', message: `release entry ${r.entry_id} ${problem}` });
  }
}

/**
 * Issue 14 / SPEC 5.3: each release's status matches its payout postings, and no release reaches
 * cash twice net of returns. Per release, over its entries of kinds payout_sent, payout_settled,
 * payout_return (and `payout`, the single pay-at-approval entry of releases paid before issue 14):
 *   approved   — never sent (or every send returned and it was not batched again: then `returned`)
 *   in_batch   — every earlier send returned; nothing in cash or in transit
 *   sent       — one send more than returns; the amount in transit, nothing in cash
 *   paid       — settled: the amount in cash once, nothing in transit
 *   returned   — at least one return, as many as sends; nothing in cash or in transit
 * and the posted statuses have their release entry; other statuses no payout entry. Each
 * currency's cash_in_transit holds exactly the releases sent and not settled.
 */
export async function verifyPayouts(sql: RawSql, breaks: Break[]): Promise<void> {
  const rows = await sql<{ id: string; status: string; problem: string }[]>`
    with pe as (
      select e.release_id,
             count(distinct e.id) filter (where e.kind = 'payout_sent')::int as sent,
             count(distinct e.id) filter (where e.kind = 'payout_settled')::int as settled,
             count(distinct e.id) filter (where e.kind = 'payout_return')::int as returns,
             count(distinct e.id) filter (where e.kind = 'payout')::int as legacy,
             coalesce(sum(l.amount) filter (where a.code = 'cash'), 0) as cash,
             coalesce(sum(l.amount) filter (where a.code = 'cash_in_transit'), 0) as transit
        from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
       where e.kind in ('payout', 'payout_sent', 'payout_settled', 'payout_return') and e.release_id is not null
       group by e.release_id),
    r as (
      select r.id, r.status, coalesce(r.approved_amount, 0) as amt,
             coalesce(pe.sent, 0) as sent, coalesce(pe.settled, 0) as settled, coalesce(pe.returns, 0) as returns, coalesce(pe.legacy, 0) as legacy,
             coalesce(pe.cash, 0) as cash, coalesce(pe.transit, 0) as transit, pe.release_id is not null as has_payout,
             exists (select 1 from journal_entries x where x.kind in ('release', 'escrow_release') and x.release_id = r.id) as has_release
        from releases r left join pe on pe.release_id = r.id
       where r.status in ('approved', 'in_batch', 'sent', 'paid', 'returned') or pe.release_id is not null)
    select * from (
      select id::text as id, status, case
        when status not in ('approved', 'in_batch', 'sent', 'paid', 'returned') then 'has payout entries but was never approved'
        when not has_release then 'has no release entry (reserve → client payable)'
        when cash not in (0, -amt) then 'moved ' || (-cash)::text || ' out of cash for a release of ' || amt::text || ' (at most once, net of returns)'
        when status = 'paid' and cash <> -amt then 'is paid but its settlement is not in cash'
        when status <> 'paid' and cash <> 0 then 'is ' || status || ' but ' || (-cash)::text || ' of it left cash'
        when status = 'sent' and transit <> -amt then 'is sent but ' || (-transit)::text || ' of it is in transit'
        when status <> 'sent' and transit <> 0 then 'is ' || status || ' but ' || (-transit)::text || ' of it is still in transit'
        when status = 'approved' and sent > 0 then 'is approved but was sent to the bank'
        when status = 'in_batch' and sent <> returns then 'is in a batch not yet sent but a send of it is outstanding'
        when status = 'sent' and sent <> returns + 1 then 'is sent ' || sent || ' times with ' || returns || ' returns'
        when status = 'paid' and not ((legacy = 1 and sent = 0) or (sent = returns + 1 and settled >= 1)) then 'is paid but its sends, settlements and returns do not say so'
        when status = 'returned' and (returns = 0 or sent <> returns) then 'is returned but its returns (' || returns || ') do not match its sends (' || sent || ')'
      end as problem
        from r) x
     where problem is not null
     order by id limit 100`;
  for (const r of rows) breaks.push({ kind: 'payout_unmatched', message: `release ${r.id} (${r.status}) ${r.problem}` });
  const transit = await sql<{ currency: string; balance: string; expected: string }[]>`
    with s as (select currency, -sum(approved_amount) as expected from releases where status = 'sent' group by currency)
    select coalesce(a.currency, s.currency) as currency, coalesce(a.balance, 0)::text as balance, coalesce(s.expected, 0)::text as expected
      from (select currency, balance from ledger_accounts where code = 'cash_in_transit' and client_id is null) a full join s on s.currency = a.currency
     where coalesce(a.balance, 0) <> coalesce(s.expected, 0)`;
  for (const c of transit) {
    breaks.push({
      kind: 'cash_in_transit',
      message: `cash in transit ${c.currency} is ${moneyOut(c.balance, c.currency)} but the releases sent and not settled come to ${moneyOut(c.expected, c.currency)}`,
    });
  }
}

/**
 * Issue 16 item 3: each client's escrow account holds exactly what its releases say — the escrow
 * shares of its posted rebates less its posted escrow releases — and each release entry credits
 * the escrow with its release's escrow share (escrow releases debit it with their amount).
 */
export async function verifyEscrow(sql: RawSql, breaks: Break[]): Promise<void> {
  const rows = await sql<{ client_id: string; currency: string; balance: string; expected: string }[]>`
    with r as (
      select client_id, currency,
             sum(case when kind = 'escrow' then -approved_amount else escrow_amount end) as expected
        from releases
       where status in ('approved', 'in_batch', 'sent', 'paid', 'returned') and (kind = 'escrow' or escrow_amount <> 0)
       group by client_id, currency),
    a as (select client_id, currency, -balance as balance from ledger_accounts where code = 'escrow')
    select coalesce(a.client_id, r.client_id)::text as client_id, coalesce(a.currency, r.currency) as currency,
           coalesce(a.balance, 0)::text as balance, coalesce(r.expected, 0)::text as expected
      from a full join r on r.client_id = a.client_id and r.currency = a.currency
     where coalesce(a.balance, 0) <> coalesce(r.expected, 0)
     order by 1, 2 limit 100`;
  for (const r of rows) {
    breaks.push({
      kind: 'escrow',
      message: `client ${r.client_id}'s escrow ${r.currency} holds ${moneyOut(r.balance, r.currency)} but its releases come to ${moneyOut(r.expected, r.currency)} (escrow shares less escrow releases)`,
    });
  }
  const lines = await sql<{ entry_id: string; release_id: string; moved: string; expected: string }[]>`
    select e.id::text as entry_id, e.release_id::text as release_id, coalesce(-sum(l.amount) filter (where a.code = 'escrow'), 0)::text as moved,
           (case when e.kind = 'escrow_release' then -r.approved_amount else r.escrow_amount end)::text as expected
      from journal_entries e join releases r on r.id = e.release_id
      join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
     where e.kind in ('release', 'escrow_release') and e.reverses_entry_id is null and (r.kind = 'escrow' or r.escrow_amount <> 0)
     group by e.id, e.kind, r.approved_amount, r.escrow_amount
    having coalesce(-sum(l.amount) filter (where a.code = 'escrow'), 0) <> (case when e.kind = 'escrow_release' then -r.approved_amount else r.escrow_amount end)
     limit 100`;
  for (const l of lines) {
    breaks.push({ kind: 'escrow', message: `entry ${l.entry_id} moves ${l.moved} into escrow for release ${l.release_id}, which says ${l.expected}` });
  }
}

export async function verifyAll(sql: RawSql): Promise<VerifyReport> {
  const breaks: Break[] = [];
  const auditEvents = await verifyAuditChain(sql, breaks);
  const ledger = await verifyLedger(sql, breaks);
  await verifyPayouts(sql, breaks);
  await verifyEscrow(sql, breaks);
  await verifyDebtorRollups(sql, breaks);
  return { ok: breaks.length === 0, auditEvents, ...ledger, breaks };
}

/**
 * audit:verify and the console's verify: every check of verifyAll, and the chain against the
 * latest anchor kept outside the database (lib/audit/anchor.ts) — fewer events, the anchored
 * event gone or changed is a break. When the chain is intact a new anchor is appended (and
 * emailed); a first run with no anchor says so and writes one.
 */
export async function verifyAndAnchor(database: Database, options: AnchorOptions = anchorOptions()): Promise<VerifyReport> {
  const sql = database.sql;
  const breaks: Break[] = [];
  const name = await currentDatabaseName(sql);
  const previous = await readLatestAnchor(options.file, name);
  const chain = await followAuditChain(sql, breaks);
  if (previous) breaks.push(...(await compareWithAnchor(sql, previous)));
  const chainBroken = breaks.length > 0;
  const ledger = await verifyLedger(sql, breaks);
  await verifyPayouts(sql, breaks);
  await verifyEscrow(sql, breaks);
  const anchor = await nextAnchor(database, options, {
    database: name,
    previous,
    tip: { events: chain.count, lastId: chain.lastId, tipHash: chain.lastHash },
    chainBroken,
  });
  return { ok: breaks.length === 0, auditEvents: chain.count, ...ledger, breaks, anchor };
}

/**
 * The scheduled `audit-anchor` job: incremental. The chain still holds the latest anchor
 * unchanged, the events since chain onto it, and a new anchor is appended (and emailed). With no
 * anchor yet, the whole chain is followed first. Answers the breaks (then nothing is written).
 */
export async function anchorAuditChain(database: Database, options: AnchorOptions = anchorOptions()): Promise<{ breaks: Break[]; anchor: AnchorReport }> {
  const sql = database.sql;
  const breaks: Break[] = [];
  const name = await currentDatabaseName(sql);
  const previous = await readLatestAnchor(options.file, name);
  let tip: { events: number; lastId: string; tipHash: string };
  if (previous) {
    breaks.push(...(await compareWithAnchor(sql, previous)));
    const next = await followAuditChain(sql, breaks, { from: { lastId: previous.lastId, lastHash: previous.tipHash } });
    tip = { events: previous.events + next.count, lastId: next.lastId, tipHash: next.lastHash };
  } else {
    const chain = await followAuditChain(sql, breaks);
    tip = { events: chain.count, lastId: chain.lastId, tipHash: chain.lastHash };
  }
  const anchor = await nextAnchor(database, options, { database: name, previous, tip, chainBroken: breaks.length > 0 });
  return { breaks, anchor };
}

/** On demand from the console (admins, controllers, auditors): the same checks as audit:verify. */
export async function verifyOnDemand(database: Database, actor: Actor): Promise<VerifyReport> {
  requirePermission(actor, 'audit.verify');
  const report = await verifyAndAnchor(database);
  await database.transaction((tx) =>
    recordAudit(tx, actor, {
      action: 'audit.verify',
      targetType: 'audit_log',
      after: { ok: report.ok, events: report.auditEvents, entries: report.entries, breaks: report.breaks.length },
    }),
  );
  return report;
}
