import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type Tx } from '../../db/client';
import { requestApproval } from '../../lib/approvals';
import type { Actor } from '../../lib/auth/actor';
import { chargebackInvoice, openDispute } from '../../lib/collections/disputes';
import { runConcentrationCheck } from '../../lib/concentration';
import { Big, moneyOut } from '../../lib/money';
import { agingBy } from '../../lib/reports/aging';
import { DASHBOARD_CONNECTIONS, dashboard, type AgingBucket, type Dashboard } from '../../lib/reports/dashboard';
import { aCollection, aUser } from '../support/builders';
import type { TestDatabase } from '../support/db';
import { VOLUME_ACCRUAL_DAYS, VOLUME_AS_OF, createVolumeDatabase } from '../support/volume';

/**
 * Issues 11 and 13, the dashboard at volume: 100,000 invoices (about a quarter paid and settled),
 * five days of fee accrual over every open one, disputes, chargebacks and part payments. Every
 * figure is checked against values computed independently from the journal lines, and every
 * statement the dashboard runs is EXPLAINed (ANALYZE, JSON): none may read journal lines (whose
 * number grows with every day of accrual) or run a correlated subplan, and none may read invoice
 * rows except a bounded few through an index (issue 13: aging, exposure and counts come from the
 * invoices' roll-ups). Speed is printed, not asserted: the plans are what keep it fast at any
 * volume, and a busy CI machine must not fail the test.
 */
const AS_OF = VOLUME_AS_OF;

let t: TestDatabase;
/** a superuser connection for building the data and reading plans (the app role may not ANALYZE) */
let setup: Database;
let collections: Actor;

beforeAll(async () => {
  // The run's shared 100,000-invoice database with its days of accrual (tests/support/volume.ts), cloned.
  t = await createVolumeDatabase();
  setup = createDatabase(t.url, { max: 4 });
  // A few invoices through the collections commands: disputed, charged back, partly paid.
  collections = await aUser(setup, 'collections');
  const open = await setup.sql<{ id: string; client_id: string; currency: string; outstanding: string }[]>`
    select id, client_id, currency, outstanding from invoices where status = 'funded' order by id limit 9`;
  for (const inv of open.slice(0, 3)) {
    await setup.transaction((tx) => openDispute(tx, Number(inv.id), { amount: '500.00', reason: 'Goods damaged' }, collections));
  }
  for (const inv of open.slice(3, 5)) {
    await setup.transaction((tx) => chargebackInvoice(tx, Number(inv.id), { date: AS_OF }, collections));
  }
  for (const inv of open.slice(5, 9)) {
    await aCollection(setup, { id: inv.id, clientId: inv.client_id, currency: inv.currency }, '250.00', AS_OF);
  }
  for (let n = 1; n <= 3; n++) {
    await setup.transaction((tx) => requestApproval(tx, { kind: 'adjustment', targetId: n, summary: `Adjustment ${n}` }, collections));
  }
  // A low portfolio limit, so the concentration check opens alerts the dashboard lists.
  await setup.sql`
    insert into settings (key, value) values ('concentration.portfolio_limit', '"0.002"'::jsonb)
    on conflict (key) do update set value = excluded.value`;
  await runConcentrationCheck(setup);
  await setup.sql`vacuum analyze`;
  const [size] = await setup.sql<{ lines: number; accrual: number; open: number; settled: number; all: number }[]>`
    select (select count(*)::int from journal_lines) as lines, (select count(*)::int from journal_lines where accrual) as accrual,
           (select count(*)::int from invoices where status in ('funded', 'disputed')) as open,
           (select count(*)::int from invoices where status = 'settled') as settled, (select count(*)::int from invoices) as all`;
  console.log(
    `[dashboard at volume] ${size!.all.toLocaleString('en-US')} invoices (${size!.open.toLocaleString('en-US')} open, ${size!.settled.toLocaleString('en-US')} settled); ` +
      `${VOLUME_ACCRUAL_DAYS} days of accrual; journal_lines: ${size!.lines.toLocaleString('en-US')} (${size!.accrual.toLocaleString('en-US')} accrual lines)`,
  );
}, 900_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

const days = (from: string, to: string) =>
  (Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10)) - Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10))) / 86_400_000;
const bucketOf = (age: number): AgingBucket['bucket'] => (age <= 30 ? '0–30' : age <= 60 ? '31–60' : age <= 90 ? '61–90' : '90+');

/** The dashboard's figures the slow, obvious way: from the journal lines, not from any kept figure. */
async function fromTheLedger(): Promise<Omit<Dashboard, 'asOf' | 'alerts'>> {
  const accounts = await setup.sql<{ code: string; currency: string; total: string }[]>`
    select a.code, a.currency, coalesce(sum(l.amount), 0) as total
      from ledger_accounts a left join journal_lines l on l.account_id = a.id
     group by a.code, a.currency`;
  const perInvoice = await setup.sql<{ id: string; debtor_id: string; currency: string; status: string; issue_date: string; receivable: string }[]>`
    select i.id, i.debtor_id, i.currency, i.status, i.issue_date::text, coalesce(r.total, 0) as receivable
      from invoices i
      left join (select l.invoice_id, sum(l.amount) as total
                   from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                  where l.invoice_id is not null group by l.invoice_id) r on r.invoice_id = i.id`;
  const debtorRows = await setup.sql<{ id: string; name: string; credit_limit: string }[]>`select id, name, credit_limit from debtors`;
  const [people] = await setup.sql<{ clients: number; active: number; approvals: number }[]>`
    select (select count(*)::int from clients) as clients, (select count(*)::int from clients where status = 'active') as active,
           (select count(*)::int from approval_requests where status = 'pending') + (select count(*)::int from releases where status = 'pending_approval') as approvals`;

  const currencies = [...new Set(accounts.map((a) => a.currency))].sort();
  const sum = (code: string, currency: string) =>
    accounts.filter((a) => a.code === code && a.currency === currency).reduce((s, a) => s.plus(a.total), new Big(0));
  const totals = currencies.map((currency) => {
    const reserve = sum('reserve', currency).times(-1);
    const receivable = sum('receivable', currency);
    return {
      currency,
      reserveHeld: moneyOut(reserve, currency),
      receivables: moneyOut(receivable, currency),
      fundsEmployed: moneyOut(receivable.minus(reserve), currency),
      feeIncome: moneyOut(sum('fee_income', currency).times(-1), currency),
    };
  });

  const aging = new Map<string, { bucket: AgingBucket['bucket']; currency: string; invoices: number; outstanding: Big }>();
  const exposure = new Map<string, { debtorId: string; currency: string; outstanding: Big }>();
  let open = 0;
  let submitted = 0;
  for (const i of perInvoice) {
    if (i.status === 'submitted') submitted += 1;
    const e = exposure.get(`${i.debtor_id}:${i.currency}`) ?? { debtorId: i.debtor_id, currency: i.currency, outstanding: new Big(0) };
    e.outstanding = e.outstanding.plus(i.receivable);
    exposure.set(`${i.debtor_id}:${i.currency}`, e);
    if (i.status !== 'funded' && i.status !== 'disputed') continue;
    open += 1;
    const bucket = bucketOf(days(i.issue_date, AS_OF));
    const a = aging.get(`${i.currency}:${bucket}`) ?? { bucket, currency: i.currency, invoices: 0, outstanding: new Big(0) };
    a.invoices += 1;
    a.outstanding = a.outstanding.plus(i.receivable);
    aging.set(`${i.currency}:${bucket}`, a);
  }
  const debtors = new Map(debtorRows.map((d) => [d.id, d]));
  const top = [...exposure.values()]
    .filter((e) => e.outstanding.gt(0))
    .sort((x, y) => y.outstanding.cmp(x.outstanding) || Number(x.debtorId) - Number(y.debtorId) || x.currency.localeCompare(y.currency))
    .slice(0, 5);
  return {
    totals,
    aging: [...aging.values()]
      .sort((x, y) => x.currency.localeCompare(y.currency) || x.bucket.localeCompare(y.bucket))
      .map((a) => ({ bucket: a.bucket, currency: a.currency, invoices: a.invoices, outstanding: moneyOut(a.outstanding, a.currency) })),
    topDebtors: top.map((e) => ({
      debtorId: e.debtorId,
      name: debtors.get(e.debtorId)!.name,
      currency: e.currency,
      outstanding: moneyOut(e.outstanding, e.currency),
      creditLimit: moneyOut(debtors.get(e.debtorId)!.credit_limit, e.currency),
    })),
    counts: { clients: people!.clients, activeClients: people!.active, openInvoices: open, awaitingVerification: submitted },
    approvalsWaiting: people!.approvals,
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

describe('the dashboard at 100,000 invoices', () => {
  it('answers every figure exactly as the journal lines do', async () => {
    const expected = await fromTheLedger();
    const d = await dashboard(t.database, AS_OF);
    expect(d.asOf).toBe(AS_OF);
    expect(d.totals).toEqual(expected.totals);
    expect(d.aging).toEqual(expected.aging);
    expect(d.topDebtors).toEqual(expected.topDebtors);
    expect(d.counts).toEqual(expected.counts);
    expect(d.approvalsWaiting).toBe(expected.approvalsWaiting);
    expect(d.approvalsWaiting).toBeGreaterThanOrEqual(3);
    // The data exercises what it should: every bucket, disputed and settled invoices, alerts.
    expect(new Set(d.aging.map((a) => a.bucket))).toEqual(new Set(['0–30', '31–60', '61–90', '90+']));
    expect(d.counts.openInvoices).toBeGreaterThan(50_000);
    const openAlerts = await setup.sql<{ id: string }[]>`
      select id from concentration_alerts where status = 'open' order by (level = 'breach') desc, share desc, id`;
    expect(openAlerts.length).toBeGreaterThan(0);
    expect(d.alerts.map((a) => a.id)).toEqual(openAlerts.map((a) => a.id));
  });

  it('answers the aging report (collections) exactly as a pass over the invoices does', async () => {
    for (const by of ['debtor', 'client'] as const) {
      const key = setup.sql.unsafe(by === 'debtor' ? 'i.debtor_id' : 'i.client_id');
      const names = setup.sql.unsafe(by === 'debtor' ? 'debtors' : 'clients');
      // The report's definition before issue 13, straight from the invoices.
      const expected = await setup.sql<
        { id: string; name: string; currency: string; invoices: number; b1: string; b2: string; b3: string; b4: string; total: string }[]
      >`
        select a.id, g.name, a.currency, a.invoices, a.b1, a.b2, a.b3, a.b4, a.total
          from (select ${key} as id, i.currency, count(*)::int as invoices,
                       coalesce(sum(i.outstanding) filter (where ${AS_OF}::date - i.issue_date <= 30), 0) as b1,
                       coalesce(sum(i.outstanding) filter (where ${AS_OF}::date - i.issue_date between 31 and 60), 0) as b2,
                       coalesce(sum(i.outstanding) filter (where ${AS_OF}::date - i.issue_date between 61 and 90), 0) as b3,
                       coalesce(sum(i.outstanding) filter (where ${AS_OF}::date - i.issue_date > 90), 0) as b4,
                       sum(i.outstanding) as total
                  from invoices i where i.status in ('funded', 'disputed') and i.outstanding > 0
                 group by ${key}, i.currency order by sum(i.outstanding) desc, ${key}, i.currency limit 500) a
          join ${names} g on g.id = a.id
         order by a.total desc, a.id, a.currency`;
      const got = await agingBy(t.database, by, AS_OF);
      expect(got.length, by).toBe(500);
      expect(got, by).toEqual(
        expected.map((r) => ({
          id: r.id,
          name: r.name,
          currency: r.currency,
          invoices: r.invoices,
          buckets: {
            '0–30': moneyOut(r.b1, r.currency),
            '31–60': moneyOut(r.b2, r.currency),
            '61–90': moneyOut(r.b3, r.currency),
            '90+': moneyOut(r.b4, r.currency),
          },
          total: moneyOut(r.total, r.currency),
        })),
      );
    }
  });

  it('reads no journal line and runs no correlated subplan, on the pool with at most two connections and no transaction', async () => {
    // Every statement the dashboard sends, captured with its parameters from a pool of its own.
    const sent: { connection: number; query: string; params: unknown[] }[] = [];
    const capture = postgres(t.url, {
      max: 10,
      fetch_types: false,
      onnotice: () => {},
      debug: (connection, query, params) => void sent.push({ connection, query, params: params as unknown[] }),
    });
    try {
      await dashboard({ sql: capture, db: undefined as never } satisfies Tx, AS_OF);
    } finally {
      await capture.end({ timeout: 5 });
    }
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sent.filter((s) => /^\s*(begin|start transaction)/i.test(s.query))).toEqual([]);
    expect(new Set(sent.map((s) => s.connection)).size).toBeLessThanOrEqual(DASHBOARD_CONNECTIONS);

    const report: string[] = [];
    for (const s of sent) {
      const [row] = await setup.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[]>(
        `explain (analyze, buffers, format json) ${s.query}`,
        s.params as never[],
      );
      const plan = row!['QUERY PLAN'][0];
      const nodes = nodesOf(plan.Plan);
      const first = s.query.replace(/\s+/g, ' ').trim().slice(0, 70);
      // Journal lines grow by a line per open invoice per day: no dashboard statement may read them.
      expect(
        nodes.filter((n) => n['Relation Name'] === 'journal_lines' || n['Relation Name'] === 'journal_entries'),
        first,
      ).toEqual([]);
      // Issue 13: invoices only through an index, a bounded few rows (none today: the roll-ups answer).
      expect(
        nodes
          .filter((n) => n['Relation Name'] === 'invoices')
          .filter((n) => !/^Index (Only )?Scan$/.test(n['Node Type']) || (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1) > 500)
          .map((n) => `${n['Node Type']} on invoices, ${(n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1)} rows`),
        first,
      ).toEqual([]);
      // A SubPlan is re-run per outer row (the old per-invoice subquery); InitPlans run once.
      expect(
        nodes.filter((n) => n['Parent Relationship'] === 'SubPlan'),
        first,
      ).toEqual([]);
      const scans = nodes.filter((n) => n['Relation Name']).map((n) => `${n['Node Type']} on ${n['Relation Name']}`);
      const blocks = (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0);
      report.push(
        `  ${plan['Execution Time'].toFixed(1).padStart(8)} ms  ${String(blocks).padStart(6)} blocks  ${first}…\n${' '.repeat(30)}${scans.join(', ')}`,
      );
    }
    // What a person sees: one warm-up, then the median of five views.
    await dashboard(t.database, AS_OF);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await dashboard(t.database, AS_OF);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(
      `[dashboard at volume] plans of its ${sent.length} statements (EXPLAIN ANALYZE):\n${report.join('\n')}\n  a whole dashboard view: median ${times[2]!.toFixed(0)} ms of 5 (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)})`,
    );
  });

  it('cancels a statement past its deadline, so a stuck view does not keep a pooled connection', async () => {
    const stuck = () =>
      setup.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
         where datname = ${t.name} and state = 'active' and wait_event_type = 'Lock' and query like '%rollups%'`;
    await setup.transaction(async (tx) => {
      // Another transaction holds the roll-ups: the dashboard's statements wait for it.
      await tx.sql`lock table rollups in access exclusive mode`;
      await expect(dashboard(t.database, AS_OF, { deadlineMs: 300 })).rejects.toMatchObject({ code: 'dashboard_timeout', status: 503 });
      // Every waiting statement is cancelled on the server (the lock still held), none left behind.
      let left = (await stuck())[0]!.n;
      for (let i = 0; i < 50 && left > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = (await stuck())[0]!.n;
      }
      expect(left).toBe(0);
    });
    // And the pool serves the next view.
    expect((await dashboard(t.database, AS_OF)).asOf).toBe(AS_OF);
  });
});
