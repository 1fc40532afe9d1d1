import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type RawSql } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { auditActions, auditList } from '../../lib/audit/list';
import { cashReceiptList } from '../../lib/collections/cash-receipts';
import { inboxList, paymentList } from '../../lib/collections/payment-list';
import { alertList } from '../../lib/concentration/list';
import { fundingList } from '../../lib/funding/list';
import { countStatement, keysetPage, pageStatement, parseListRequest } from '../../lib/lists/keyset';
import type { ListSpec } from '../../lib/lists/respond';
import { outboxList } from '../../lib/notifications/outbox-list';
import { cycleList, releaseList } from '../../lib/releases/list';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, the lists at volume: 200,000 payments, 300,000 audit events, 200,000 releases over
 * 1,000 cycles, 50,000 funding batches, 100,000 emails and 20,000 concentration alerts, written
 * set-based. For every list, its default page, every sort in both orders, the next page (a
 * cursor), and the filters people use are EXPLAINed: no plan reads a list's table (nor invoices
 * or journal lines) with a sequential scan, and where an index leads with the filter and the sort
 * (or the sort alone), the rows come in the index's order (no Sort node): the page is an index
 * scan that stops after its rows, whatever the table's size. The count behind "of N" (exact up to
 * 10,000 rows, then the planner's estimate) is EXPLAINed too. Times are printed, not asserted: the
 * plans are what keep it fast, and a busy CI machine must not fail the test.
 */
let t: TestDatabase;
/** a superuser connection for building the data and reading plans */
let setup: Database;
const AUDIT_ACTIONS = [
  'invoice.create',
  'invoice.verify',
  'funding.fund',
  'payment.receive',
  'payment.import',
  'release.approve',
  'fee.accrue',
  'auth.sign_in',
  'client.create',
  'debtor.update',
  'dispute.open',
  'email.sent',
];
const BIG_TABLES = [
  'payments',
  'payment_applications',
  'audit_events',
  'invoices',
  'journal_lines',
  'funding_batches',
  'funding_batch_invoices',
  'releases',
  'email_outbox',
  'concentration_alerts',
];
/** a Sort may order a filter's few rows found through an index (a debtor's payments), never a big part of a table */
const SMALL_SORT = 5_000;

beforeAll(async () => {
  t = await createTestDatabase();
  setup = createDatabase(t.url, { max: 4 });
  const sql = setup.sql;
  const started = performance.now();
  await sql`insert into clients (name, currency, status, kyb) select 'Volume Client ' || g, 'USD', 'active', '{}'::jsonb from generate_series(1, 2000) g`;
  await sql`insert into debtors (name, credit_limit, risk_rating) select 'Volume Debtor ' || g, 1000000, 'B' from generate_series(1, 2000) g`;
  // Payments over three years: mostly applied, a few hundred left to apply; a debtor identified on most.
  await sql`
    with c as (select array_agg(id order by id) as ids from debtors)
    insert into payments (currency, amount, unapplied, received_date, payer_name, reference, source, status, debtor_id)
    select case when g % 20 = 0 then 'EUR' else 'USD' end, a.amount,
           case s.status when 'applied' then 0 when 'refunded' then 0 when 'partially_applied' then round(a.amount / 2, 2) else a.amount end,
           date '2023-06-01' + (g * 1096 / 200000), 'Payer ' || (g % 5000), 'REF-' || g, 'import', s.status,
           case when g % 10 = 0 then null else c.ids[1 + (g * 7919) % 2000] end
      from generate_series(1, 200000) g cross join c
      cross join lateral (select (100 + (g::bigint * 104729) % 90000)::numeric + (g % 100) / 100.0 as amount) a
      cross join lateral (select case when g % 400 = 0 then 'unapplied' when g % 400 = 1 then 'partially_applied' when g % 50 = 2 then 'refunded' else 'applied' end as status) s`;
  // Audit events: the chain's order is time then id, stamped in id order over three years.
  await sql`
    insert into audit_events (occurred_at, actor_user_id, actor, role, action, target_type, target_id, before, after, request_id, source, ip, prev_hash, hash)
    select timestamptz '2023-06-01 00:00:00+00' + (g * interval '5 minutes'), null,
           case when g % 7 = 0 then 'job:fee-accrual' else 'person' || (g % 40) || '@factor.test' end, 'admin',
           (${AUDIT_ACTIONS}::text[])[1 + g % 12],
           (array['invoice','invoice','funding_batch','payment','payment','release','client','user','client','debtor','dispute','email'])[1 + g % 12],
           (g % 50000)::text, null, '{"n": 1}'::jsonb, null, 'console', null, md5((g - 1)::text), md5(g::text)
      from generate_series(1, 300000) g`;
  await sql`
    insert into funding_batches (client_id, funding_date, status, currency, total_face, total_advance, total_reserve, total_fees, requested_by)
    select c.id, date '2023-06-01' + (g * 1096 / 50000), case when g % 33 = 0 then 'pending_approval' when g % 50 = 1 then 'rejected' else 'funded' end,
           'USD', f.face, round(f.face * 0.8, 2), f.face - round(f.face * 0.8, 2), round(f.face * 0.01, 2), 1
      from generate_series(1, 50000) g join clients c on c.id = (select min(id) from clients) + (g * 7) % 2000
      cross join lateral (select (5000 + (g::bigint * 104729) % 500000)::numeric as face) f`;
  // Two invoices in each batch (the list counts a batch's invoices through funding_batch_invoices' key).
  await sql`
    with made as (
      insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status)
      select b.client_id, (select min(id) from debtors) + (b.id * 7 + k) % 2000, 'V-' || b.id || '-' || k, 'USD', 1000, b.funding_date, b.funding_date + 30, 'funded'
        from funding_batches b cross join generate_series(1, 2) k
      returning id, number)
    insert into funding_batch_invoices (batch_id, invoice_id, face, advance, reserve, fees)
    select split_part(number, '-', 2)::bigint, id, 1000, 800, 200, 10 from made`;
  await sql`
    insert into release_cycles (as_of, kind, status, clients_due, clients_done, totals, created_by_label, created_at, finished_at)
    select date '2023-06-01' + g, case when g % 10 = 0 then 'ad_hoc' else 'scheduled' end, 'completed', 200, 200, '{}'::jsonb, 'job:release-cycle',
           timestamptz '2023-06-01 06:00:00+00' + g * interval '1 day', timestamptz '2023-06-01 06:05:00+00' + g * interval '1 day'
      from generate_series(1, 1000) g`;
  // 200 releases per cycle, each client once per date; the latest cycle's tenth clients still wait for approval.
  await sql`
    with k as (select id, as_of, row_number() over (order by id) as n from release_cycles), c as (select array_agg(id order by id) as ids from clients)
    insert into releases (cycle_id, client_id, currency, as_of, amount, approved_amount, status, release_mode)
    select k.id, c.ids[1 + (k.n * 200 + g) % 2000], 'USD', k.as_of, (g * 37 % 5000)::numeric, null,
           case when k.n = 1000 and g % 10 = 0 then 'pending_approval' when g % 4 = 0 then 'paid' when g % 29 = 0 then 'rejected' else 'nothing_due' end,
           (array['automatic','review','manual'])[1 + g % 3]
      from k cross join c cross join generate_series(1, 200) g`;
  await sql`
    insert into email_outbox (dedupe_key, "to", subject, template, html, text, status, attempts, next_attempt_at, created_at, sent_at)
    select null, 'ap@client-' || (g % 3000) || '.test', 'Mail ' || g,
           (array['rebate_advice','statement_ready','account_created','client_invite','concentration_alert','test_message','audit_anchor'])[1 + g % 7],
           '<p>x</p>', 'x', case when g % 100 = 0 then 'failed' when g % 100 = 1 then 'pending' else 'sent' end, 1,
           timestamptz '2023-06-01 00:00:00+00' + g * interval '15 minutes', timestamptz '2023-06-01 00:00:00+00' + g * interval '15 minutes',
           timestamptz '2023-06-01 00:01:00+00' + g * interval '15 minutes'
      from generate_series(1, 100000) g`;
  // Alerts: mostly resolved; the open ones each a distinct (scope, client, debtor, currency, level).
  await sql`
    with c as (select array_agg(id order by id) as ids from clients), d as (select array_agg(id order by id) as ids from debtors)
    insert into concentration_alerts (scope, client_id, debtor_id, currency, level, share, "limit", exposure, status, opened_at, resolved_at, last_seen_at)
    select case when g % 5 = 0 then 'portfolio' else 'client' end, case when g % 5 = 0 then null else c.ids[1 + g % 2000] end, d.ids[1 + (g / 5) % 2000], 'USD',
           case when g % 3 = 0 then 'breach' else 'near' end, ((g * 13) % 10000)::numeric / 10000, 0.25, g * 10,
           case when g > 19000 then 'open' else 'resolved' end,
           timestamptz '2023-06-01 00:00:00+00' + g * interval '1 hour', case when g > 19000 then null else timestamptz '2023-06-02 00:00:00+00' + g * interval '1 hour' end,
           timestamptz '2023-06-01 00:00:00+00' + g * interval '1 hour'
      from generate_series(1, 20000) g cross join c cross join d`;
  // Issue 15, the cash receipts journal: each payment with money applied, applied to one of the invoices.
  await sql`
    with inv as (select id, client_id, debtor_id, row_number() over (order by id) as n from invoices), k as (select count(*) as c from invoices)
    insert into payment_applications (payment_id, invoice_id, amount, applied_date, client_id, debtor_id, currency)
    select p.id, i.id, p.amount - p.unapplied, p.received_date, i.client_id, i.debtor_id, p.currency
      from payments p cross join k join inv i on i.n = 1 + p.id % k.c
     where p.status in ('applied', 'partially_applied')`;
  // The trigram indexes "contains" filters read are the migrations' (0017 payer and reference by
  // search_key(), 0019 client and debtor names).
  await sql`vacuum analyze`;
  console.log(`[lists at volume] data written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 900_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

interface Case {
  /** query parameters of the list's URL */
  params: Record<string, string>;
  /** an index leads with the filter and the sort (or the sort alone): the page must come in its order, with no Sort */
  ordered?: boolean;
}

async function planOf(statement: postgres.PendingQuery<postgres.Row[]>, analyze: boolean): Promise<{ plan: PlanNode; ms: number | null }> {
  const [row] = analyze
    ? await setup.sql<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[]>`explain (analyze, format json) ${statement}`
    : await setup.sql<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[]>`explain (format json) ${statement}`;
  return { plan: row!['QUERY PLAN'][0].Plan, ms: analyze ? row!['QUERY PLAN'][0]['Execution Time'] : null };
}

const report: string[] = [];

/** EXPLAINs a list's page and count for each case (and the page after the first), checking the scans and the order. */
async function checkPlans<F, R extends postgres.Row, O>(spec: ListSpec<F, R, O>, cases: Case[]) {
  const sql: RawSql = setup.sql;
  for (const c of cases) {
    const request = parseListRequest(spec.def, c.params);
    const query = spec.query(request);
    const label = `${spec.def.name}?${new URLSearchParams(c.params).toString()}`;
    const statements: [string, postgres.PendingQuery<postgres.Row[]>, boolean][] = [
      ['page', pageStatement(sql, spec.def, request, query), Boolean(c.ordered)],
      ['count', countStatement(sql, spec.def as never, query, { sort: request.sort, order: request.order }) as never, false],
    ];
    // the next page: the same statement past the first page's boundary
    const first = await keysetPage(sql, spec.def, request, query, spec.map);
    if (first.nextCursor) {
      const next = parseListRequest(spec.def, { ...c.params, cursor: first.nextCursor });
      statements.push(['next page', pageStatement(sql, spec.def, next, spec.query(next)), Boolean(c.ordered)]);
    }
    for (const [what, statement, ordered] of statements) {
      const { plan, ms } = await planOf(statement, true);
      const nodes = nodesOf(plan);
      const scans = nodes.filter((n) => n['Relation Name']);
      const seq = scans.filter((n) => n['Node Type'] === 'Seq Scan' && BIG_TABLES.includes(n['Relation Name']!));
      expect(
        seq.map((n) => `${n['Node Type']} on ${n['Relation Name']}`),
        `${label} (${what})`,
      ).toEqual([]);
      if (ordered) {
        expect(
          nodes
            .filter((n) => (n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort') && (n['Plan Rows'] ?? 0) > SMALL_SORT)
            .map((n) => `${n['Node Type']} of ${n['Plan Rows']} rows`),
          `${label} (${what}): rows in the index's order`,
        ).toEqual([]);
        expect(plan['Node Type'], `${label} (${what})`).toBe('Limit');
      }
      report.push(
        `  ${(ms ?? 0).toFixed(1).padStart(8)} ms  ${what.padEnd(9)} ${label}\n${' '.repeat(23)}${scans.map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']}`).join(', ')}`,
      );
    }
  }
}

/** Every sort of a list in both orders, alone: each must read an index in its order. */
function everySort(spec: { def: { sorts: Record<string, unknown> } }): Case[] {
  return Object.keys(spec.def.sorts).flatMap((sort) => (['asc', 'desc'] as const).map((order) => ({ params: { sort, order }, ordered: true })));
}

describe('the lists at volume', () => {
  it('payments and the inbox: every page an index scan in order', async () => {
    const [debtor] = await setup.sql<{ id: string }[]>`select debtor_id::text as id from payments where debtor_id is not null limit 1`;
    const spec = paymentList(setup.sql);
    await checkPlans(spec, [
      { params: {}, ordered: true },
      ...everySort(spec),
      { params: { status: 'unapplied' }, ordered: true },
      { params: { status: 'refunded', sort: 'amount' } },
      { params: { debtorId: debtor!.id }, ordered: true },
      { params: { from: '2025-01-01', to: '2025-01-31' }, ordered: true },
      { params: { currency: 'EUR' }, ordered: true },
      { params: { minAmount: '50000', maxAmount: '50100' } },
      { params: { minAmount: '50000', maxAmount: '50100', sort: 'amount' }, ordered: true },
      { params: { payer: 'Payer 4242' } },
      { params: { reference: 'REF-19999' } },
      { params: { debtorName: 'Volume Debtor 77' } },
    ]);
    await checkPlans(inboxList(setup.sql), [{ params: {}, ordered: true }, { params: { order: 'desc' }, ordered: true }, { params: { sort: 'amount' } }]);
  });

  it('cash receipts (issue 15): every page an index scan in order', async () => {
    const [pick] = await setup.sql<{ client: string; debtor: string; number: string }[]>`
      select pa.client_id::text as client, pa.debtor_id::text as debtor, i.number from payment_applications pa join invoices i on i.id = pa.invoice_id limit 1`;
    const spec = cashReceiptList(setup.sql);
    await checkPlans(spec, [
      { params: {}, ordered: true },
      ...everySort(spec),
      { params: { from: '2025-01-01', to: '2025-01-31' }, ordered: true },
      { params: { currency: 'EUR' }, ordered: true },
      { params: { clientId: pick!.client }, ordered: true },
      { params: { debtorId: pick!.debtor }, ordered: true },
      { params: { debtorId: pick!.debtor, sort: 'amount' } },
      { params: { clientName: 'Volume Client 77' } },
      { params: { debtorName: 'Volume Debtor 77' } },
      { params: { invoice: pick!.number.toLowerCase() } },
    ]);
  });

  it('audit events: the chain order by itself and after each filter that leads an index', async () => {
    await checkPlans(auditList(setup.sql), [
      { params: {}, ordered: true },
      { params: { order: 'asc' }, ordered: true },
      { params: { action: 'release.approve' }, ordered: true },
      { params: { action: 'payment.' } },
      { params: { actor: 'person7@factor.test' }, ordered: true },
      { params: { actor: 'job:fee-accrual', order: 'asc' }, ordered: true },
      { params: { targetType: 'invoice', targetId: '4242' }, ordered: true },
      { params: { targetType: 'release' } },
      { params: { from: '2024-02-01', to: '2024-02-29' }, ordered: true },
      { params: { action: 'fee.accrue', from: '2024-02-01', to: '2024-02-29' }, ordered: true },
    ]);
    // The filter's suggestions: one probe of the action index per distinct action, not a scan of the log.
    const started = performance.now();
    expect(await auditActions(setup)).toEqual([...AUDIT_ACTIONS].sort());
    report.push(`  ${(performance.now() - started).toFixed(1).padStart(8)} ms  actions   the audit log's distinct actions (loose index scan)`);
  });

  it('funding batches, releases, the approvals queue and release cycles', async () => {
    const [client] = await setup.sql<{ id: string }[]>`select client_id::text as id from releases limit 1`;
    const staff = systemActor('test');
    const fundings = fundingList(setup.sql, staff);
    await checkPlans(fundings, [
      { params: {}, ordered: true },
      ...everySort(fundings),
      { params: { status: 'pending_approval' }, ordered: true },
      { params: { clientId: client!.id }, ordered: true },
      { params: { from: '2024-01-01', to: '2024-03-31' }, ordered: true },
      { params: { clientName: 'Volume Client 123' } },
    ]);
    // a client user's own batches: the scope leads the index like the client filter
    await checkPlans(fundingList(setup.sql, { role: 'client', clientId: Number(client!.id) }), [{ params: {}, ordered: true }]);
    const releases = releaseList(setup.sql, staff);
    await checkPlans(releases, [
      { params: {}, ordered: true },
      ...everySort(releases),
      { params: { status: 'paid' }, ordered: true },
      { params: { clientId: client!.id }, ordered: true },
      { params: { from: '2025-01-01', to: '2025-01-31' }, ordered: true },
      { params: { minAmount: '4990' } },
      { params: { minAmount: '4990', sort: 'amount' }, ordered: true },
    ]);
    await checkPlans(releaseList(setup.sql, { role: 'client', clientId: Number(client!.id) }), [{ params: {}, ordered: true }]);
    await checkPlans(releaseList(setup.sql, staff, { pendingOnly: true }), [
      { params: {}, ordered: true },
      { params: { clientName: 'Volume Client 1' } },
      { params: { currency: 'USD', mode: 'review' } },
    ]);
    const cycles = cycleList(setup.sql);
    await checkPlans(cycles, [{ params: {}, ordered: true }, ...everySort(cycles), { params: { from: '2024-01-01', to: '2024-02-01' }, ordered: true }]);
  });

  it('the email outbox and concentration alerts', async () => {
    const outbox = outboxList(setup.sql);
    await checkPlans(outbox, [
      { params: {}, ordered: true },
      ...everySort(outbox),
      { params: { status: 'failed' }, ordered: true },
      { params: { status: 'pending', sort: 'next', order: 'asc' }, ordered: true },
      { params: { template: 'client_invite' }, ordered: true },
      { params: { to: 'ap@client-77.' } },
    ]);
    const [debtor] = await setup.sql<{ id: string }[]>`select debtor_id::text as id from concentration_alerts limit 1`;
    const alerts = alertList(setup.sql);
    await checkPlans(alerts, [
      { params: {}, ordered: true },
      ...everySort(alerts),
      { params: { status: 'open' }, ordered: true },
      { params: { debtorId: debtor!.id }, ordered: true },
      { params: { status: 'open', sort: 'share', order: 'desc' } },
    ]);
    console.log(`[lists at volume] plans (EXPLAIN ANALYZE):\n${report.join('\n')}`);
  });
});
