import type { Database } from '../db/client';
import { systemActor } from '../lib/auth/actor';
import { addDays } from '../lib/dates';
import { generatePortfolio } from '../lib/demo/generate';
import { runAccrual } from '../lib/fees/accrual';
import { dashboard, dashboardStatements } from '../lib/reports/dashboard';

/**
 * `npm run bench -- dashboard [--dashboard-invoices N] [--dashboard-accrual-days D]`: the SPEC 8
 * dashboard over a generated portfolio (default 100,000 invoices, about a quarter paid and
 * settled) with D days of fee accrual history (default 30: a fees_receivable line per open invoice
 * per day). Prints each statement's EXECUTION time and what it scans, a whole view's time (median
 * of 7, warm), beside what Postgres takes to read every open invoice's outstanding once — the
 * floor of any aging computed from the invoices, which the dashboard did until issue 13 (it now
 * sums the invoices' kept roll-ups, lib/reports/rollups.ts). Then the statements it replaced,
 * measured on the same ledger.
 */
export const AS_OF = '2026-04-20';

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const stamp = () => new Date().toISOString().slice(11, 19);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const taken: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    taken.push(performance.now() - start);
  }
  taken.sort((a, b) => a - b);
  return taken[Math.floor(times / 2)]!;
}

/**
 * `owner` generates the portfolio and refreshes statistics (ANALYZE needs a table's owner); the
 * dashboard is measured on `app`, what the web server connects as (the same when not given).
 */
export async function benchDashboard(owner: Database, flags: Record<string, string | true>, app: Database = owner): Promise<void> {
  const database = app;
  const invoices = Number(flags['dashboard-invoices'] ?? 100_000);
  const accrualDays = Number(flags['dashboard-accrual-days'] ?? 30);
  const generated = await generatePortfolio(owner, {
    invoices,
    clients: Math.max(1, Math.ceil(invoices / 100)),
    fundedFrom: '2026-01-05',
    days: 100,
    releaseMix: { asOf: AS_OF, settledShare: 0.3 },
    log: (line) => console.log(`  [${stamp()}] ${line}`),
  });
  console.log(`portfolio: ${fmt(generated.invoices, 0)} invoices (${fmt(generated.settled, 0)} settled) generated in ${fmt(generated.seconds)} s`);
  const accrualStart = performance.now();
  await owner.sql`
    insert into accrual_clients (client_id, accrued_through)
    select id, ${addDays(AS_OF, -accrualDays)}::date from clients
    on conflict (client_id) do update set accrued_through = excluded.accrued_through`;
  const accrued = await runAccrual(database, {
    asOf: AS_OF,
    by: systemActor('bench:fee-accrual'),
    onProgress: (p) => {
      if (p.chunk === p.chunks && p.day % 10 === 0) console.log(`  [${stamp()}] accrued ${p.day} of ${p.days} days`);
    },
  });
  console.log(`accrual history: ${accrued.dates.length} days, ${fmt(accrued.postings, 0)} invoice-days in ${fmt((performance.now() - accrualStart) / 1000)} s`);
  await owner.sql`vacuum analyze`;
  const [size] = await database.sql<{ open: number; all: number; lines: number; accrual: number }[]>`
    select (select count(*)::int from invoices where status in ('funded', 'disputed')) as open, (select count(*)::int from invoices) as all,
           (select count(*)::int from journal_lines) as lines, (select count(*)::int from journal_lines where accrual) as accrual`;

  console.log(
    `dashboard: ${fmt(size!.all, 0)} invoices (${fmt(size!.open, 0)} open), ${fmt(size!.lines, 0)} journal lines (${fmt(size!.accrual, 0)} accrual lines), as of ${AS_OF}`,
  );
  for (const [name, statement] of Object.entries(dashboardStatements(database, AS_OF))) {
    const [row] = await database.sql<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[]>`explain (analyze, buffers, format json) ${statement}`;
    const plan = row!['QUERY PLAN'][0];
    const scans = nodesOf(plan.Plan)
      .filter((n) => n['Relation Name'])
      .map((n) => `${n['Node Type']} on ${n['Relation Name']}`);
    const subplans = nodesOf(plan.Plan).filter((n) => n['Parent Relationship'] === 'SubPlan').length;
    console.log(
      `  ${name.padEnd(14)} ${fmt(plan['Execution Time'], 1).padStart(9)} ms   ${scans.join(', ')}${subplans ? `   (${subplans} correlated SubPlan!)` : ''}`,
    );
  }
  const view = await median(7, () => dashboard(database, AS_OF));
  const floor = await median(
    7,
    () => database.sql`select currency, count(*), sum(outstanding) from invoices where status in ('funded', 'disputed') group by currency`,
  );
  console.log(`  a whole view (5 statements, 2 connections, no transaction): ${fmt(view, 0)} ms, median of 7 (target < 1,000 ms at 100,000 invoices)`);
  console.log(`  one pass over the open invoices (count, sum per currency; what any aging from the invoices costs): ${fmt(floor, 0)} ms`);
  console.log(`  ratio: ${fmt(view / floor)}× that pass (the roll-ups read no invoice)`);

  // What it replaced: the open invoices' receivable summed per invoice from journal lines — a
  // subquery per invoice the partial invoice index cannot serve (it leaves accrual lines out, the
  // subquery did not), so each one scans the ledger — and the debtor exposure over every line.
  const sample = 5;
  const [old] = await database.sql<{ 'QUERY PLAN': [{ 'Execution Time': number }] }[]>`
    explain (analyze, format json)
    select i.id, coalesce((select sum(l.amount) from journal_lines l join ledger_accounts a on a.id = l.account_id
                            where l.invoice_id = i.id and a.code = 'receivable'), 0) as outstanding
      from invoices i where i.status in ('funded', 'disputed') order by i.id limit ${sample}`;
  const perInvoice = old!['QUERY PLAN'][0]['Execution Time'] / sample;
  const [debtors] = await database.sql<{ 'QUERY PLAN': [{ 'Execution Time': number }] }[]>`
    explain (analyze, format json)
    select d.id, d.name, l.currency, sum(l.amount) as outstanding, d.credit_limit
      from journal_lines l
      join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
      join invoices i on i.id = l.invoice_id
      join debtors d on d.id = i.debtor_id
     group by d.id, d.name, l.currency, d.credit_limit
    having sum(l.amount) > 0
     order by sum(l.amount) desc limit 5`;
  const hours = (perInvoice * size!.open) / 3_600_000;
  console.log(
    `  before (the statements replaced, same ledger): aging ${fmt(perInvoice, 0)} ms per open invoice (measured on ${sample}) ≈ ${hours >= 1 ? `${fmt(hours, 1)} h` : `${fmt(hours * 60, 1)} min`} for ${fmt(size!.open, 0)}; top debtors ${fmt(debtors!['QUERY PLAN'][0]['Execution Time'] / 1000)} s (every journal line)`,
  );
}
