import type { Database } from '../../db/client';
import { followAuditChain, verifyAll, type Break, type ChainPoint } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { postedFeeSql } from '../../lib/ledger/accrual';
import { Big, ZERO } from '../../lib/money';
import { reserveReport } from '../../lib/releases';
import { verifyRollups } from '../../lib/reports/rollups';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { invoiceList, invoicePage } from '../../lib/invoices/list';
import { parseListRequest } from '../../lib/lists/keyset';
import { INVOICE_STATUSES } from '../../db/schema/invoices';
import { DAYS, FIRST_DAY } from './commands';
import { addDays } from '../../lib/dates';
import { debtorName, escrowCapOf, survivor, type World } from './world';

/**
 * What must hold after every step, whatever the sequence: checked against the database (set-based,
 * scoped to the seed's clients and the entries it posted) and against the reference model.
 */
export interface Mark {
  entryId: string;
  chain: ChainPoint;
  /** the shared (non-client) accounts' balances when the seed started */
  shared: Map<string, Big>;
}

export async function mark(database: Database): Promise<Mark> {
  const [e] = await database.sql<{ id: string }[]>`select coalesce(max(id), 0)::text as id from journal_entries`;
  const [a] = await database.sql<{ id: string; hash: string }[]>`select id::text, hash from audit_events order by id desc limit 1`;
  const shared = await database.sql<{ id: string; balance: string }[]>`select id, balance from ledger_accounts where client_id is null`;
  return {
    entryId: e!.id,
    chain: a ? { lastId: a.id, lastHash: a.hash } : { lastId: '0', lastHash: '0'.repeat(64) },
    shared: new Map(shared.map((r) => [r.id, new Big(r.balance)])),
  };
}

/**
 * Every check below in one statement (one round trip per step), fed with what the reference
 * model expects; each row is a break, in words.
 */
export async function checkStep(database: Database, world: World, since: Mark, chain: ChainPoint): Promise<{ breaks: string[]; chain: ChainPoint }> {
  const ids = world.clients.map((c) => c.id);
  const sql = database.sql;
  const currencies = [...world.expectedCash.keys()];
  const funded = world.invoices.filter((i) => i.fundingDate);
  const sharedIds = [...since.shared.keys()];
  const rows = await sql<{ message: string }[]>`
    with seed_lines as (
      select l.* from journal_lines l where l.entry_id > ${since.entryId}::bigint
    ),
    client_accounts as (
      select * from ledger_accounts where client_id = any(${ids}::bigint[])
    ),
    reserve_lines as (
      select l.* from journal_lines l join client_accounts a on a.id = l.account_id and a.code = 'reserve' where not l.accrual
    ),
    expected_cash(currency, amount) as (
      select * from unnest(${currencies}::text[], ${currencies.map((c) => world.expectedCash.get(c)!.toString())}::numeric[])
    ),
    moved_cash as (
      select a.currency, sum(l.amount) as amount from seed_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'cash' group by a.currency
    ),
    expected_paid(client_id, name, paid, withheld) as (
      select * from unnest(${ids}::bigint[], ${world.clients.map((c) => c.name)}::text[],
                           ${world.clients.map((c) => (world.paidOut.get(c.id) ?? ZERO).toString())}::numeric[],
                           ${world.clients.map((c) => (world.withheld.get(c.id) ?? ZERO).toString())}::numeric[])
    ),
    expected_escrow(client_id, name, held, cap) as (
      select * from unnest(${ids}::bigint[], ${world.clients.map((c) => c.name)}::text[],
                           ${world.clients.map((c) => (world.escrow.get(c.id) ?? ZERO).toString())}::numeric[],
                           ${world.clients.map((c) => escrowCapOf(c.profile)?.toString() ?? null) as never}::numeric[])
    ),
    expected_invoices(id, name, outstanding, status) as (
      select * from unnest(${world.invoices.map((i) => i.id)}::bigint[], ${world.invoices.map((i) => i.name)}::text[],
                           ${world.invoices.map((i) => (i.fundingDate ? i.outstanding.toString() : null)) as never}::numeric[],
                           ${world.invoices.map((i) => (i.status === 'pending_funding' ? 'verified' : i.status))}::text[])
    ),
    expected_debtors(id, name, debtor, debtor_name) as (
      select * from unnest(${world.invoices.map((i) => i.id)}::bigint[], ${world.invoices.map((i) => i.name)}::text[],
                           ${world.invoices.map((i) => survivor(world, i.debtor))}::bigint[], ${world.invoices.map((i) => debtorName(world, survivor(world, i.debtor)))}::text[])
    ),
    seed_debtors(id, name, merged_into) as (
      select * from unnest(${world.debtors}::bigint[], ${world.debtors.map((d) => debtorName(world, d))}::text[],
                           ${world.debtors.map((d) => world.merged.get(d) ?? null) as never}::bigint[])
    ),
    expected_merges(id, name, status) as (
      select * from unnest(${world.merges.map((m) => m.id)}::bigint[], ${world.merges.map((m) => m.name)}::text[], ${world.merges.map((m) => m.status)}::text[])
    ),
    shared_start(id, balance) as (
      select * from unnest(${sharedIds}::bigint[], ${sharedIds.map((id) => since.shared.get(id)!.toString())}::numeric[])
    )
    -- 1. No reserve or client payable in debit; no tranche, invoice reserve or invoice's share of a tranche in debit.
    select a.code || ' account of client ' || a.client_id || ' (' || a.currency || ') is in debit by ' || a.balance as message
      from client_accounts a where a.code in ('reserve', 'client_payable', 'escrow') and a.balance > 0
    union all
    select 'the reserve of ' || case when l.tranche_id is not null then 'tranche ' || l.tranche_id else 'invoice ' || l.invoice_id end || ' is in debit by ' || sum(l.amount)
      from reserve_lines l where l.tranche_id is not null or l.invoice_id is not null
     group by case when l.tranche_id is not null then 'tranche ' || l.tranche_id else 'invoice ' || l.invoice_id end having sum(l.amount) > 0
    union all
    select 'the reserve of invoice ' || l.invoice_id || ' (its share of tranche ' || l.tranche_id || ') is in debit by ' || sum(l.amount)
      from reserve_lines l where l.tranche_id is not null and l.invoice_id is not null
     group by l.invoice_id, l.tranche_id having sum(l.amount) > 0
    -- 2. Stored balances = their lines: the seed's accounts in full, the shared ones by what changed since the seed began.
    union all
    select 'account ' || a.id || ' (' || a.code || ') stores ' || a.balance || ' but its lines sum to ' || coalesce(s.total, 0)
      from client_accounts a left join (select account_id, sum(amount) as total from journal_lines where account_id in (select id from client_accounts) group by account_id) s on s.account_id = a.id
     where a.balance <> coalesce(s.total, 0)
    union all
    select 'account ' || a.id || ' (' || a.code || ') moved by ' || (a.balance - coalesce(st.balance, 0)) || ' but its new lines sum to ' || coalesce(d.total, 0)
      from ledger_accounts a
      left join shared_start st on st.id = a.id
      left join (select account_id, sum(amount) as total from seed_lines group by account_id) d on d.account_id = a.id
     where a.client_id is null and a.balance - coalesce(st.balance, 0) <> coalesce(d.total, 0)
    -- 3. No money created or destroyed: cash moved = receipts − advances − rebates − refunds as the commands reported them.
    union all
    select 'cash in ' || coalesce(e.currency, m.currency) || ' moved by ' || coalesce(m.amount, 0) || ' but the commands account for ' || coalesce(e.amount, 0) || ' (money created or destroyed)'
      from expected_cash e full join moved_cash m on m.currency = e.currency
     where coalesce(m.amount, 0) <> coalesce(e.amount, 0)
    union all
    select 'journal entry ' || entry_id || ' does not balance in ' || currency from seed_lines group by entry_id, currency having sum(amount) <> 0
    -- 4. Rebates: released as reported (issue 14: approved and every payout step after), never more than
    --    withheld, each release posted once; paid through batches: each reaches cash at most once net of
    --    returns (once exactly when marked paid), and cash in transit holds exactly the releases sent and not settled.
    union all
    select e.name || ': releases marked released total ' || coalesce(p.total, 0) || ' but the commands reported ' || e.paid || ' released'
      from expected_paid e left join (select client_id, sum(approved_amount) as total from releases
                                       where status in ('approved', 'in_batch', 'sent', 'paid', 'returned') group by client_id) p on p.client_id = e.client_id
     where coalesce(p.total, 0) <> e.paid
    union all
    select e.name || ': ' || e.paid || ' paid out in rebates but only ' || e.withheld || ' was ever withheld (a reserve paid twice)' from expected_paid e where e.paid > e.withheld
    union all
    select 'release ' || r.id || ' (' || r.status || ') was posted ' || x.releases || ' time(s), moved ' || -x.cash || ' out of cash and holds '
           || -x.transit || ' in transit, for ' || coalesce(r.approved_amount, 0) || ' released'
      from releases r
      join lateral (select count(distinct e.id) filter (where e.kind in ('release', 'escrow_release')) as releases,
                           coalesce(sum(l.amount) filter (where a.code = 'cash' and e.kind <> 'release'), 0) as cash,
                           coalesce(sum(l.amount) filter (where a.code = 'cash_in_transit'), 0) as transit
                      from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
                     where e.release_id = r.id) x on true
     where r.client_id = any(${ids}::bigint[])
       and (x.releases > 1
            or x.cash not in (0, -coalesce(r.approved_amount, 0))
            or (r.status = 'paid') <> (x.cash <> 0)
            or (r.status = 'sent') <> (x.transit <> 0)
            or (r.status = 'sent' and x.transit <> -r.approved_amount))
    union all
    select 'cash in transit (' || r.currency || ') of the seed''s releases is ' || -coalesce(t.transit, 0) || ' but its releases sent and not settled come to ' || coalesce(sum(r.approved_amount) filter (where r.status = 'sent'), 0)
      from releases r
      left join (select a.currency, sum(l.amount) as transit
                   from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'cash_in_transit'
                   join journal_entries e on e.id = l.entry_id and e.client_id = any(${ids}::bigint[])
                  group by a.currency) t on t.currency = r.currency
     where r.client_id = any(${ids}::bigint[])
     group by r.currency, t.transit
    having -coalesce(t.transit, 0) <> coalesce(sum(r.approved_amount) filter (where r.status = 'sent'), 0)
    -- 9. Escrow (issue 16 item 3): each client's escrow as the model says, never above its cap (never
    --    negative: check 1), and each rebate's entry puts exactly its release's escrow share into escrow and
    --    the paid share into the payable (together what it released); each escrow release posted once.
    union all
    select e.name || ': escrow holds ' || coalesce(-a.balance, 0) || ', the model expects ' || e.held
      from expected_escrow e left join client_accounts a on a.client_id = e.client_id and a.code = 'escrow'
     where coalesce(-a.balance, 0) <> e.held
    union all
    select e.name || ': escrow holds ' || -a.balance || ', above its cap ' || e.cap
      from expected_escrow e join client_accounts a on a.client_id = e.client_id and a.code = 'escrow' where e.cap is not null and -a.balance > e.cap
    union all
    select 'release ' || r.id || ' put ' || x.escrow || ' into escrow and ' || x.payable || ' into the payable, for ' || coalesce(r.escrow_amount, 0) || ' and ' || coalesce(r.approved_amount, 0)
      from releases r
      join lateral (select coalesce(-sum(l.amount) filter (where a.code = 'escrow'), 0) as escrow, coalesce(-sum(l.amount) filter (where a.code = 'client_payable'), 0) as payable
                      from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
                     where e.release_id = r.id and e.kind = 'release') x on true
     where r.client_id = any(${ids}::bigint[]) and r.kind = 'reserve' and r.status in ('approved', 'in_batch', 'sent', 'paid', 'returned')
       and (x.escrow <> r.escrow_amount or x.payable <> r.approved_amount)
    -- 5. Each invoice: outstanding = the model's = its receivable lines; status as the model says; nothing before it was bought.
    union all
    select e.name || ': outstanding ' || i.outstanding || ', the model expects ' || e.outstanding
      from expected_invoices e join invoices i on i.id = e.id where e.outstanding is not null and i.outstanding <> e.outstanding
    union all
    select e.name || ': outstanding ' || i.outstanding || ' but its receivable lines sum to ' || coalesce(r.total, 0)
      from expected_invoices e join invoices i on i.id = e.id
      left join (select l.invoice_id, sum(l.amount) as total from journal_lines l join client_accounts a on a.id = l.account_id and a.code = 'receivable' where not l.accrual group by l.invoice_id) r on r.invoice_id = i.id
     where i.funding_date is not null and i.outstanding <> coalesce(r.total, 0)
    union all
    select e.name || ': status ' || i.status || ', the model expects ' || e.status
      from expected_invoices e join invoices i on i.id = e.id where ${world.strict}::boolean and i.status <> e.status
    union all
    select e.name || ' vanished' from expected_invoices e where not exists (select 1 from invoices i where i.id = e.id)
    union all
    select 'invoice ' || i.number || ' was funded on ' || i.funding_date || ' but has a ledger line dated ' || min(l.effective_date)
      from invoices i join journal_lines l on l.invoice_id = i.id and not l.accrual
     where i.id = any(${funded.map((i) => i.id)}::bigint[])
     group by i.id, i.number, i.funding_date having min(l.effective_date) < i.funding_date
    -- 8. Debtor merges (issue 13): each invoice with the debtor the model says (merges followed); a merged
    --    debtor holds no invoice; merged as the model says, by one approved merge, applied once.
    union all
    select e.name || ' is with debtor ' || i.debtor_id || ', the model expects ' || e.debtor_name || ' (' || e.debtor || ')'
      from expected_debtors e join invoices i on i.id = e.id where i.debtor_id <> e.debtor
    union all
    select s.name || ' was merged into debtor ' || d.merged_into_id || ' but still holds ' || count(i.id) || ' invoice(s)'
      from seed_debtors s join debtors d on d.id = s.id join invoices i on i.debtor_id = d.id
     where d.merged_into_id is not null group by s.name, d.merged_into_id
    union all
    select s.name || ' is merged into ' || coalesce(d.merged_into_id::text, 'nothing') || ' by its row, into ' || coalesce(m.into_debtor_id::text, 'nothing') ||
           ' by its approved merge(s), into ' || coalesce(s.merged_into::text, 'nothing') || ' by the model'
      from seed_debtors s join debtors d on d.id = s.id
      left join (select debtor_id, min(into_debtor_id) as into_debtor_id from debtor_merges where status = 'approved' group by debtor_id) m on m.debtor_id = s.id
     where d.merged_into_id is distinct from m.into_debtor_id or d.merged_into_id is distinct from s.merged_into
    union all
    select s.name || ' was merged ' || count(*) || ' times' from seed_debtors s join debtor_merges m on m.debtor_id = s.id and m.status = 'approved'
     group by s.name having count(*) > 1
    union all
    select e.name || ' is ' || m.status || ', the model says ' || e.status from expected_merges e join debtor_merges m on m.id = e.id where m.status <> e.status
    union all
    select e.name || ' was decided ' || count(*) || ' times in the audit trail' from expected_merges e
      join audit_events a on a.target_type = 'debtor_merge' and a.target_id = e.id::text and a.action in ('debtor_merge.approve', 'debtor_merge.reject')
     group by e.name having count(*) > 1
    -- 7. Fees (issue 13): each invoice's fee to date as its accrual state says (what screens and freezes read) = its accrual
    --    detail + the fees_receivable lines tagged with it in accrual entries; each accrual entry's fees_receivable line = its detail.
    union all
    select i.number || ': fee to date ' || x.state || ' by its accrual state, but its accrual detail and lines sum to ' || (coalesce(d.total, 0) + coalesce(t.total, 0))
      from (select f.invoice_id, ${postedFeeSql(sql, sql`ac.accrued_through`)} as state
              from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
             where f.invoice_id = any(${funded.map((i) => i.id)}::bigint[])) x
      join invoices i on i.id = x.invoice_id
      left join (select d.invoice_id, sum(d.amount) as total from fee_accrual_lines d
                  where d.entry_id > ${since.entryId}::bigint and d.invoice_id = any(${funded.map((i) => i.id)}::bigint[]) group by d.invoice_id) d on d.invoice_id = x.invoice_id
      left join (select l.invoice_id, sum(l.amount) as total from seed_lines l
                   join client_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
                   join journal_entries e on e.id = l.entry_id and e.kind = 'accrual'
                  where l.invoice_id is not null group by l.invoice_id) t on t.invoice_id = x.invoice_id
     where x.state <> coalesce(d.total, 0) + coalesce(t.total, 0)
    union all
    select 'accrual entry ' || coalesce(l.entry_id, d.entry_id) || ' posts ' || coalesce(l.total, 0) || ' to fees receivable in ' || coalesce(l.n, 0) || ' line(s), but its detail sums to ' || coalesce(d.total, 0)
      from (select l.entry_id, count(*) as n, sum(l.amount) as total from seed_lines l
              join client_accounts a on a.id = l.account_id and a.code = 'fees_receivable' where l.accrual and l.invoice_id is null group by l.entry_id) l
      full join (select d.entry_id, sum(d.amount) as total from fee_accrual_lines d
                   join journal_entries e on e.id = d.entry_id and e.client_id = any(${ids}::bigint[])
                  where d.entry_id > ${since.entryId}::bigint group by d.entry_id) d on d.entry_id = l.entry_id
     where coalesce(l.n, 0) <> 1 or coalesce(l.total, 0) <> coalesce(d.total, 0)
    -- 8. Intake flags (issue 16 item 5): no invoice is funded while a flag of a kind that holds funding is open on it.
    union all
    select i.number || ' is funded with its intake flag "' || f.kind || '" not cleared'
      from invoice_flags f join invoices i on i.id = f.invoice_id
     where f.cleared_at is null and i.funding_date is not null and i.client_id = any(${ids}::bigint[])
       and f.kind = any(coalesce((select array(select jsonb_array_elements_text(s.value)) from settings s where s.key = 'intake.holding_flags'),
                                 array['future_issue_date']))`;
  const breaks = rows.map((r) => r.message);
  // 6. The audit chain, followed from where the last step left it.
  const chainBreaks: Break[] = [];
  const next = await followAuditChain(sql, chainBreaks, { from: chain });
  for (const b of chainBreaks) breaks.push(`audit: ${b.message}`);
  return { breaks, chain: { lastId: next.lastId, lastHash: next.lastHash } };
}

/** What a cycle would release is never negative nor more than is held (at the end of a seed: it costs a full read). */
export async function checkReleasable(database: Database, world: World): Promise<string[]> {
  const breaks: string[] = [];
  for (const c of world.clients) {
    const report = await reserveReport(database, c.id, addDays(FIRST_DAY, DAYS), systemActor('simulation'));
    for (const b of report.balances) {
      if (new Big(b.releasable).lt(0) || new Big(b.releasable).gt(b.held)) breaks.push(`${c.name}: releasable ${b.releasable} with ${b.held} held`);
    }
    // the portal's report (its sources grouped by state, not listed) gives the same figures
    const grouped = await reserveReport(database, c.id, addDays(FIRST_DAY, DAYS), systemActor('simulation'), { detail: false });
    const figures = (r: typeof report) => JSON.stringify(r.balances.map(({ breakdown: _, ...rest }) => rest));
    if (figures(grouped) !== figures(report))
      breaks.push(`${c.name}: the portal's reserve figures ${figures(grouped)} differ from the report's ${figures(report)}`);
  }
  return breaks;
}

/** `audit:verify` in full: its breaks that were not there before the seed started. */
export async function newVerifyBreaks(database: Database, before: Set<string>): Promise<string[]> {
  const report = await verifyAll(database.sql);
  return report.breaks.map((b) => `audit:verify [${b.kind}] ${b.message}`).filter((m) => !before.has(m));
}

export async function verifyBreakSet(database: Database): Promise<Set<string>> {
  const report = await verifyAll(database.sql);
  return new Set(report.breaks.map((b) => `audit:verify [${b.kind}] ${b.message}`));
}

/**
 * Issue 13's kept counts, whole-database (so judged against `known`, what earlier seeds left):
 * the roll-ups (dashboard, aging, debtor and client figures) equal their recount — audit:verify's
 * own checks, verifyRollups and verifyDebtorRollups, folded or not — and the invoices list's kept
 * counts (migration 0018) equal a count of the invoices, per status and currency and per client
 * and status. Then one filter of the list, in turn by `step`, through the list engine itself: its
 * reported `total` is exact and equals count(*).
 */
export async function checkCounts(database: Database, world: World, step: number): Promise<string[]> {
  const sql = database.sql;
  // Read-only and independent: side by side on the pool (a step waits for the slowest, not the sum).
  const [rollups, debtors, kept, listed] = await Promise.all([
    collect((found) => verifyRollups(sql, found)),
    collect((found) => verifyDebtorRollups(sql, found)),
    keptListCounts(database, world),
    listTotal(database, world, step),
  ]);
  return [...[...rollups, ...debtors].map((b) => `audit:verify [${b.kind}] ${b.message}`), ...kept, ...listed];
}

async function collect(check: (found: Break[]) => Promise<unknown>): Promise<Break[]> {
  const found: Break[] = [];
  await check(found);
  return found;
}

/** The counts the list reads (invoice_status_counts, invoice_client_counts) against a count of the invoices. */
async function keptListCounts(database: Database, world: World): Promise<string[]> {
  const ids = world.clients.map((c) => c.id);
  const rows = await database.sql<{ message: string }[]>`
    with kept as (select status, currency, sum(n) as n from invoice_status_counts group by status, currency),
    counted as (select status, currency, count(*) as n from invoices group by status, currency),
    kept_client as (select client_id, status, sum(n) as n from invoice_client_counts where client_id = any(${ids}::bigint[]) group by client_id, status),
    counted_client as (select client_id, status, count(*) as n from invoices where client_id = any(${ids}::bigint[]) group by client_id, status)
    select 'the invoices list keeps ' || coalesce(k.n, 0) || ' ' || coalesce(k.status, c.status) || ' invoice(s) in ' || coalesce(k.currency, c.currency) ||
           ' but there are ' || coalesce(c.n, 0) as message
      from kept k full join counted c on c.status = k.status and c.currency = k.currency where coalesce(k.n, 0) <> coalesce(c.n, 0)
    union all
    select 'the invoices list keeps ' || coalesce(k.n, 0) || ' ' || coalesce(k.status, c.status) || ' invoice(s) of client ' || coalesce(k.client_id, c.client_id) ||
           ' but there are ' || coalesce(c.n, 0)
      from kept_client k full join counted_client c on c.client_id = k.client_id and c.status = k.status where coalesce(k.n, 0) <> coalesce(c.n, 0)
    union all
    -- issue 15's cash receipts journal reads the invoice's client, debtor and currency kept on each
    -- application (migration 0033): they must stay the invoice's, through debtor merges too
    select 'payment application ' || pa.id || ' keeps client ' || pa.client_id || ', debtor ' || pa.debtor_id || ', ' || pa.currency ||
           ' but its invoice ' || i.number || ' is client ' || i.client_id || ', debtor ' || i.debtor_id || ', ' || i.currency
      from payment_applications pa join invoices i on i.id = pa.invoice_id
     where i.client_id = any(${ids}::bigint[]) and (pa.client_id, pa.debtor_id, pa.currency) is distinct from (i.client_id, i.debtor_id, i.currency)`;
  return rows.map((r) => r.message);
}

/** One filter of the invoices list, in turn by `step`: the engine's reported total is exact and = count(*). */
async function listTotal(database: Database, world: World, step: number): Promise<string[]> {
  const sql = database.sql;
  const statuses = [undefined, 'open', ...INVOICE_STATUSES];
  const filters: { status?: string; clientId?: number }[] = [
    ...statuses.map((status) => ({ status })),
    ...world.clients.flatMap((c) => [{ clientId: c.id }, { clientId: c.id, status: 'open' }, { clientId: c.id, status: 'settled' }]),
  ];
  const f = filters[step % filters.length]!;
  const params: Record<string, string> = { limit: '1' };
  if (f.status) params.status = f.status;
  if (f.clientId) params.clientId = String(f.clientId);
  const wanted = f.status === 'open' ? ['funded', 'disputed'] : f.status ? [f.status] : null;
  const [page, [count]] = await Promise.all([
    invoicePage(sql, world.team.funding, parseListRequest(invoiceList, params)),
    sql<{ n: number }[]>`
      select count(*)::int as n from invoices
       where (${wanted}::text[] is null or status = any(${wanted}::text[])) and (${f.clientId ?? null}::bigint is null or client_id = ${f.clientId ?? null}::bigint)`,
  ]);
  if (page.total === count!.n && !page.totalApproximate) return [];
  const what = [f.status ? `status ${f.status}` : null, f.clientId ? `client ${f.clientId}` : null].filter(Boolean).join(', ') || 'no filter';
  return [`the invoices list (${what}) reports ${page.totalApproximate ? 'about ' : ''}${page.total} invoice(s); there are ${count!.n}`];
}

/** Every whole-database break there is now (what a failing seed leaves is not the next seed's doing). */
export async function globalBreakSet(database: Database, world: World): Promise<Set<string>> {
  const set = await verifyBreakSet(database);
  for (const b of await checkCounts(database, world, 0)) set.add(b);
  return set;
}
