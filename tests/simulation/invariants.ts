import type { Database } from '../../db/client';
import { followAuditChain, verifyAll, type Break, type ChainPoint } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { Big, ZERO } from '../../lib/money';
import { reserveReport } from '../../lib/releases';
import { DAYS, FIRST_DAY } from './commands';
import { addDays } from '../../lib/dates';
import type { World } from './world';

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

const money = (v: Big | string) => new Big(v).toFixed(2);

export async function checkStep(database: Database, world: World, since: Mark, chain: ChainPoint): Promise<{ breaks: string[]; chain: ChainPoint }> {
  const breaks: string[] = [];
  const ids = world.clients.map((c) => c.id);
  const sql = database.sql;

  // 1. No reserve, client_payable (liabilities: credit balances) in debit; no invoice's or
  //    tranche's reserve below zero.
  const debit = await sql<{ id: string; code: string; client_id: string; currency: string; balance: string }[]>`
    select id, code, client_id, currency, balance from ledger_accounts
     where client_id = any(${ids}::bigint[]) and code in ('reserve', 'client_payable') and balance > 0`;
  for (const d of debit) breaks.push(`${d.code} account of client ${d.client_id} (${d.currency}) is in debit by ${money(d.balance)}`);
  // A reserve sub-ledger is a tranche (every line tagged with it) or an invoice's own reserve
  // (lines tagged with the invoice and no tranche); within a tranche, no invoice's share either.
  const sub = await sql<{ what: string; total: string }[]>`
    select case when l.tranche_id is not null then 'tranche ' || l.tranche_id else 'invoice ' || l.invoice_id end as what, sum(l.amount) as total
      from journal_lines l join ledger_accounts a on a.id = l.account_id
     where a.code = 'reserve' and a.client_id = any(${ids}::bigint[]) and not l.accrual and (l.tranche_id is not null or l.invoice_id is not null)
     group by 1 having sum(l.amount) > 0
    union all
    select 'invoice ' || l.invoice_id || ' (its share of tranche ' || l.tranche_id || ')', sum(l.amount)
      from journal_lines l join ledger_accounts a on a.id = l.account_id
     where a.code = 'reserve' and a.client_id = any(${ids}::bigint[]) and not l.accrual and l.tranche_id is not null and l.invoice_id is not null
     group by l.invoice_id, l.tranche_id having sum(l.amount) > 0`;
  for (const s of sub) breaks.push(`the reserve of ${s.what} is in debit by ${money(s.total)}`);

  // 2. Stored balances equal the sum of their lines: the seed's accounts in full; the shared ones
  //    (cash, fee income …) by what changed since the seed started.
  const drift = await sql<{ id: string; code: string; balance: string; total: string }[]>`
    select a.id, a.code, a.balance, coalesce(s.total, 0) as total
      from ledger_accounts a
      left join lateral (select sum(l.amount) as total from journal_lines l where l.account_id = a.id) s on true
     where a.client_id = any(${ids}::bigint[])`;
  for (const d of drift) if (!new Big(d.balance).eq(d.total)) breaks.push(`account ${d.id} (${d.code}) stores ${d.balance} but its lines sum to ${d.total}`);
  const shared = await sql<{ id: string; code: string; balance: string; delta: string }[]>`
    select a.id, a.code, a.balance, coalesce(d.total, 0) as delta
      from ledger_accounts a
      left join (select account_id, sum(amount) as total from journal_lines where entry_id > ${since.entryId}::bigint group by account_id) d on d.account_id = a.id
     where a.client_id is null`;
  for (const d of shared) {
    const moved = new Big(d.balance).minus(since.shared.get(d.id) ?? ZERO);
    if (!moved.eq(d.delta)) breaks.push(`account ${d.id} (${d.code}) moved by ${money(moved)} but its new lines sum to ${money(d.delta)}`);
  }
  // 3. No money created or destroyed: cash moved by this seed's entries = receipts − advances − payouts − refunds.
  const cash = await sql<{ currency: string; total: string }[]>`
    select a.currency, sum(l.amount) as total from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'cash'
     where l.entry_id > ${since.entryId}::bigint group by a.currency`;
  const moved = new Map(cash.map((c) => [c.currency, new Big(c.total)]));
  for (const currency of new Set([...moved.keys(), ...world.expectedCash.keys()])) {
    const got = moved.get(currency) ?? ZERO;
    const want = world.expectedCash.get(currency) ?? ZERO;
    if (!got.eq(want)) breaks.push(`cash in ${currency} moved by ${money(got)} but the commands account for ${money(want)} (money created or destroyed)`);
  }
  // Every entry balances per currency (the trigger refuses otherwise; checked as a second line).
  const unbalanced = await sql<{ entry_id: string }[]>`
    select entry_id from journal_lines where entry_id > ${since.entryId}::bigint group by entry_id, currency having sum(amount) <> 0 limit 5`;
  for (const u of unbalanced) breaks.push(`journal entry ${u.entry_id} does not balance`);

  // 4. Rebates: what the commands reported paid = what the releases table says paid, never more
  //    than was withheld, each release posted and paid at most once.
  const paid = await sql<{ client_id: string; total: string }[]>`
    select client_id, sum(approved_amount) as total from releases where client_id = any(${ids}::bigint[]) and status = 'paid' group by client_id`;
  const paidBy = new Map(paid.map((p) => [Number(p.client_id), new Big(p.total)]));
  for (const c of world.clients) {
    const db = paidBy.get(c.id) ?? ZERO;
    const reported = world.paidOut.get(c.id) ?? ZERO;
    const withheld = world.withheld.get(c.id) ?? ZERO;
    if (!db.eq(reported)) breaks.push(`${c.name}: releases marked paid total ${money(db)} but the commands reported ${money(reported)} paid`);
    if (reported.gt(withheld)) breaks.push(`${c.name}: ${money(reported)} paid out in rebates but only ${money(withheld)} was ever withheld (a reserve paid twice)`);
  }
  const postings = await sql<{ id: string; status: string; approved_amount: string | null; releases: number; payouts: number; payout: string | null }[]>`
    select r.id, r.status, r.approved_amount, count(distinct e.id) filter (where e.kind = 'release')::int as releases, count(distinct e.id) filter (where e.kind = 'payout')::int as payouts,
           sum(l.amount) filter (where e.kind = 'payout' and a.code = 'client_payable') as payout
      from releases r
      left join journal_entries e on e.release_id = r.id
      left join journal_lines l on l.entry_id = e.id
      left join ledger_accounts a on a.id = l.account_id
     where r.client_id = any(${ids}::bigint[])
     group by r.id`;
  for (const p of postings) {
    if (p.releases > 1 || p.payouts > 1) breaks.push(`release ${p.id} was posted ${p.releases} and paid ${p.payouts} times`);
    if (p.status === 'paid' && (p.payout === null ? !new Big(p.approved_amount ?? 0).eq(0) : !new Big(p.payout).eq(p.approved_amount ?? '0'))) {
      breaks.push(`release ${p.id} is paid ${p.approved_amount} but its payout entry moved ${p.payout ?? 'nothing'}`);
    }
    if (p.status !== 'paid' && p.payout !== null) breaks.push(`release ${p.id} is ${p.status} but a payout was posted`);
  }

  // 5. Each invoice: the model's outstanding and status = the table's = its receivable lines.
  const invIds = world.invoices.map((i) => i.id);
  const invoices = await sql<{ id: string; status: string; outstanding: string; funding_date: string | null; ledger: string }[]>`
    select i.id, i.status, i.outstanding, i.funding_date,
           coalesce((select sum(l.amount) from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                      where l.invoice_id = i.id and not l.accrual), 0) as ledger
      from invoices i where i.id = any(${invIds}::bigint[])`;
  const byId = new Map(invoices.map((i) => [Number(i.id), i]));
  for (const inv of world.invoices) {
    const row = byId.get(inv.id);
    if (!row) {
      breaks.push(`${inv.name} vanished`);
      continue;
    }
    if (inv.fundingDate) {
      if (!new Big(row.outstanding).eq(inv.outstanding)) breaks.push(`${inv.name}: outstanding ${money(row.outstanding)}, the model expects ${money(inv.outstanding)}`);
      if (!new Big(row.ledger).eq(row.outstanding)) breaks.push(`${inv.name}: outstanding ${money(row.outstanding)} but its receivable lines sum to ${money(row.ledger)}`);
    }
    const modelStatus = inv.status === 'pending_funding' ? 'verified' : inv.status;
    if (world.strict && row.status !== modelStatus) breaks.push(`${inv.name}: status ${row.status}, the model expects ${modelStatus}`);
  }

  // Nothing moves an invoice's receivable or reserve before the invoice was bought.
  const early = await sql<{ id: string; number: string; funding_date: string; first: string }[]>`
    select i.id, i.number, i.funding_date, min(l.effective_date) as first
      from invoices i join journal_lines l on l.invoice_id = i.id and not l.accrual
     where i.id = any(${invIds}::bigint[]) and i.funding_date is not null
     group by i.id having min(l.effective_date) < i.funding_date`;
  for (const e of early) breaks.push(`invoice ${e.number} was funded on ${e.funding_date} but has a ledger line dated ${e.first}`);

  // 7. The audit chain, followed from where the last step left it.
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
