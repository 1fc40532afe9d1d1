import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { addDays, todayIn } from '../../lib/dates';
import { generatePortfolio } from '../../lib/demo/generate';
import { invoiceList, invoiceListParams, invoicePage } from '../../lib/invoices/list';
import { parseListRequest } from '../../lib/lists/keyset';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, the invoices list at volume: 100,000 generated invoices of 1,000 clients (about 60%
 * paid and settled, a few in other currencies, disputed, charged back or not yet funded). Every
 * statement a page sends — its rows and its count — for the default order, every sort in both
 * orders, a page 20 Nexts deep, a Previous, the filters and their common combinations, and a
 * client user's own list, is EXPLAINed (ANALYZE): no sequential scan of invoices or journal_lines,
 * and no Sort of more than a few thousand rows (a top-N of one client's, one debtor's or one rare
 * status's invoices is fine; a sort of the whole set is not). Speed is printed, not asserted.
 */
const INVOICES = 100_000;
const today = todayIn();
/** the most rows a Sort node may take in: a client's, a debtor's or a rare status's invoices, never the set */
const SORT_LIMIT = 3_000;

let t: TestDatabase;
let setup: Database;
const staff: Actor = { userId: 1, label: 'controller@test', role: 'controller', clientId: null, source: 'console', requestId: 'volume', ip: null };
let clientUser: Actor;
let some: { client: string; debtor: string; bigDebtor: string };

beforeAll(async () => {
  t = await createTestDatabase();
  setup = createDatabase(t.url, { max: 4 });
  const started = performance.now();
  await generatePortfolio(setup, {
    invoices: INVOICES,
    clients: 1_000,
    fundedFrom: addDays(today, -150),
    days: 150,
    releaseMix: { asOf: addDays(today, -1), settledShare: 0.6 },
  });
  // What a real book also has (a speed data set: the ledger is not kept in step with these).
  await setup.sql`update invoices set currency = case when id % 50 = 7 then 'EUR' else 'GBP' end where id % 50 = 7 or id % 200 = 11`;
  await setup.sql`update invoices set status = 'disputed' where status = 'funded' and id % 300 = 5`;
  await setup.sql`update invoices set status = 'charged_back', outstanding = 0 where status = 'funded' and id % 1000 = 17`;
  await setup.sql`update invoices set status = case when id % 2 = 0 then 'submitted' else 'verified' end, funding_date = null, outstanding = null, advance = null
                   where id > (select max(id) - 2000 from invoices)`;
  await setup.sql`vacuum analyze`;
  const [c] = await setup.sql<{ client: string; debtor: string; big: string }[]>`
    select (select client_id::text from invoices where id = (select max(id) - 5000 from invoices)) as client,
           (select debtor_id::text from invoices where id = (select max(id) - 7000 from invoices)) as debtor,
           (select debtor_id::text from invoices group by debtor_id order by count(*) desc limit 1) as big`;
  some = { client: c!.client, debtor: c!.debtor, bigDebtor: c!.big };
  clientUser = { ...staff, role: 'client', clientId: Number(some.client), label: 'client@test' };
  const [size] = await setup.sql<
    { status: string; n: number }[]
  >`select string_agg(status || ' ' || n, ', ' order by n desc) as status from (select status, count(*)::int as n from invoices group by status) s`;
  console.log(
    `[invoices list at volume] ${INVOICES.toLocaleString('en-US')} invoices (${size!.status}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}, 900_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Sort Method'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** Runs one page of the list on a pool that records every statement, then EXPLAINs each (ANALYZE). */
async function plansOf(actor: Actor, params: Record<string, string>) {
  const sent: { query: string; params: unknown[] }[] = [];
  const capture = postgres(t.appUrl, {
    max: 2,
    fetch_types: false,
    onnotice: () => {},
    debug: (_connection, query, parameters) => void sent.push({ query, params: parameters as unknown[] }),
  });
  let page;
  try {
    page = await invoicePage(capture, actor, parseListRequest(invoiceList, invoiceListParams(params)), today);
  } finally {
    await capture.end({ timeout: 5 });
  }
  const plans: { query: string; ms: number; nodes: PlanNode[] }[] = [];
  // The engine's own estimate is an EXPLAIN already (it runs nothing).
  for (const s of sent.filter((q) => !/^\s*explain/i.test(q.query))) {
    const [row] = await setup.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[]>(
      `explain (analyze, format json) ${s.query}`,
      s.params as never[],
    );
    const plan = row!['QUERY PLAN'][0];
    plans.push({ query: s.query.replace(/\s+/g, ' ').trim(), ms: plan['Execution Time'], nodes: nodesOf(plan.Plan) });
  }
  return { page, plans };
}

/** The cursor after `n` Nexts from the first page. */
async function deep(params: Record<string, string>, n: number): Promise<string> {
  let cursor: string | null = null;
  for (let i = 0; i < n; i++) {
    const page = await invoicePage(setup.sql, staff, parseListRequest(invoiceList, invoiceListParams({ ...params, ...(cursor ? { cursor } : {}) })), today);
    cursor = page.nextCursor;
    expect(cursor).not.toBeNull();
  }
  return cursor!;
}

const report: string[] = [];

async function expectIndexed(name: string, actor: Actor, params: Record<string, string>) {
  const { page, plans } = await plansOf(actor, params);
  expect(plans.length, name).toBeGreaterThanOrEqual(1);
  for (const p of plans) {
    const scans = p.nodes.filter((n) => n['Relation Name']);
    const seq = scans.filter((n) => n['Node Type'] === 'Seq Scan' && ['invoices', 'journal_lines'].includes(n['Relation Name']!));
    expect
      .soft(
        seq.map((n) => `${n['Node Type']} on ${n['Relation Name']}`),
        `${name}: ${p.query}`,
      )
      .toEqual([]);
    expect(
      scans.filter((n) => n['Relation Name'] === 'journal_lines'),
      name,
    ).toEqual([]);
    // A Sort takes in all its input: only ever a small set (an Incremental Sort sorts one group at a time).
    for (const sort of p.nodes.filter((n) => n['Node Type'] === 'Sort')) {
      const input = (sort.Plans?.[0]?.['Actual Rows'] ?? 0) * (sort.Plans?.[0]?.['Actual Loops'] ?? 1);
      expect.soft(input, `${name}: a Sort of ${input} rows in ${p.query}`).toBeLessThanOrEqual(SORT_LIMIT);
    }
    report.push(
      `  ${p.ms.toFixed(1).padStart(7)} ms  ${name.padEnd(44)} ${scans.map((n) => `${n['Node Type']} on ${n['Relation Name']}`).join(', ')}${
        p.nodes.some((n) => n['Node Type'].includes('Sort'))
          ? ' + ' +
            p.nodes
              .filter((n) => n['Node Type'].includes('Sort'))
              .map((n) => n['Node Type'])
              .join(', ')
          : ''
      }`,
    );
  }
  return page!;
}

describe('the invoices list at 100,000 invoices', () => {
  it('serves the default page and every sort, both orders, from an index under a LIMIT', async () => {
    const first = await expectIndexed('default (newest first)', staff, {});
    expect(first.items).toHaveLength(50);
    expect(first.totalApproximate).toBe(false);
    expect(first.total).toBe(INVOICES);
    for (const sort of Object.keys(invoiceList.sorts)) {
      for (const order of ['asc', 'desc']) {
        const page = await expectIndexed(`sort ${sort} ${order}`, staff, { sort, order });
        expect(page.items).toHaveLength(50);
      }
    }
  });

  it('serves a page 20 Nexts deep, and Previous, as cheaply as the first', async () => {
    const cases: Record<string, string>[] = [
      {},
      { sort: 'client', order: 'asc' },
      { sort: 'dueDate', order: 'desc', status: 'open' },
      { sort: 'faceValue', order: 'desc' },
    ];
    for (const params of cases) {
      const cursor = await deep(params, 20);
      const page = await expectIndexed(`20 pages deep ${JSON.stringify(params)}`, staff, { ...params, cursor });
      expect(page.start).toBe(1001);
      await expectIndexed(`Previous from there ${JSON.stringify(params)}`, staff, { ...params, cursor: page.prevCursor! });
    }
  });

  it('serves every filter and the common combinations, with a sort', async () => {
    const cases: [string, Record<string, string>][] = [
      ['status funded', { status: 'funded' }],
      ['status open', { status: 'open' }],
      ['status disputed', { status: 'disputed' }],
      ['status submitted', { status: 'submitted' }],
      ['client', { clientId: some.client }],
      ['debtor', { debtorId: some.debtor }],
      ['the busiest debtor', { debtorId: some.bigDebtor }],
      ['currency GBP', { currency: 'GBP' }],
      ['currency USD', { currency: 'USD' }],
      ['issued last month', { from: addDays(today, -60), to: addDays(today, -30) }],
      ['issued since', { from: addDays(today, -10) }],
      ['due in a week', { dueFrom: today, dueTo: addDays(today, 7) }],
      ['funded in a range', { fundedFrom: addDays(today, -120), fundedTo: addDays(today, -100) }],
      ['30+ days past due', { minDaysPastDue: '30' }],
      ['0–10 days past due', { maxDaysPastDue: '10' }],
      ['amount range', { minAmount: '20000', maxAmount: '20500' }],
      ['number starts with', { number: 'g-5001' }],
      ['open of a client', { status: 'open', clientId: some.client }],
      ['open of a debtor', { status: 'open', debtorId: some.debtor }],
      ['open GBP', { status: 'open', currency: 'GBP' }],
      ['open by days past due', { status: 'open', sort: 'daysPastDue', order: 'desc' }],
      ['open by outstanding', { status: 'open', sort: 'outstanding', order: 'desc' }],
      ['open by client', { status: 'open', sort: 'client', order: 'asc' }],
      ['open by debtor', { status: 'open', sort: 'debtor', order: 'asc' }],
      ['60+ past due by outstanding', { minDaysPastDue: '60', sort: 'outstanding', order: 'desc' }],
      ['a client by due date', { clientId: some.client, sort: 'dueDate', order: 'asc' }],
      ['a client by debtor', { clientId: some.client, sort: 'debtor', order: 'asc' }],
      ['a debtor by face value', { debtorId: some.debtor, sort: 'faceValue', order: 'desc' }],
      ['a debtor by client', { debtorId: some.debtor, sort: 'client', order: 'asc' }],
      ['GBP by face value', { currency: 'GBP', sort: 'faceValue', order: 'desc' }],
      ['issued last month by issue date', { from: addDays(today, -60), to: addDays(today, -30), sort: 'issueDate', order: 'desc' }],
      ['issued last month by face value', { from: addDays(today, -60), to: addDays(today, -30), sort: 'faceValue', order: 'desc' }],
      ['settled by funding date', { status: 'settled', sort: 'fundingDate', order: 'desc' }],
      ['settled, latest due first', { status: 'settled', sort: 'dueDate', order: 'desc' }],
      ['open, oldest issued first', { status: 'open', sort: 'issueDate', order: 'asc' }],
      ['open by face value', { status: 'open', sort: 'faceValue', order: 'desc' }],
      ['number by number', { number: 'G-5', sort: 'number', order: 'asc' }],
    ];
    for (const [name, params] of cases) {
      const page = await expectIndexed(name, staff, params);
      expect(page.items.length, name).toBeGreaterThan(0);
    }
  });

  it("serves a client user's own list, filtered and sorted", async () => {
    const cases: Record<string, string>[] = [
      {},
      { status: 'open' },
      { sort: 'dueDate', order: 'asc' },
      { sort: 'debtor', order: 'asc' },
      { minDaysPastDue: '1' },
    ];
    for (const params of cases) {
      const page = await expectIndexed(`client user ${JSON.stringify(params)}`, clientUser, params);
      expect(page.items.every((i) => i.clientId === some.client)).toBe(true);
    }
    console.log(`[invoices list at volume] plans (EXPLAIN ANALYZE, each statement of each page):\n${report.join('\n')}`);
  });
});
