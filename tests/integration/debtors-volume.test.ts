import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type Tx } from '../../db/client';
import { systemActor, type Actor } from '../../lib/auth/actor';
import { CLIENTS_LIST, clientRowDetails, clientsListQuery, type RawClientRow } from '../../lib/clients/lists';
import { recentReserveMovements } from '../../lib/clients/reserve-movements';
import { openDispute } from '../../lib/collections/disputes';
import { addDays } from '../../lib/dates';
import { listNoas } from '../../lib/debtors';
import { getDebtorDetail } from '../../lib/debtors/detail';
import { DEBTORS_LIST, debtorsQuery } from '../../lib/debtors/lists';
import {
  CLIENT_INVOICES_LIST,
  DEBTOR_INVOICES_LIST,
  DEBTOR_PAYMENTS_LIST,
  clientInvoicesQuery,
  debtorInvoicesQuery,
  debtorPaymentsQuery,
} from '../../lib/debtors/page-lists';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { generatePortfolio } from '../../lib/demo/generate';
import { runAccrual } from '../../lib/fees/accrual';
import { keysetPage, parseListRequest, type ListDefinition, type ListQuery, type ListRequest } from '../../lib/lists/keyset';
import { statementDrift } from '../../lib/statements/drift';
import type { StatementView } from '../../lib/statements';
import { aUser } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13 at volume: one debtor with 100,000 invoices across 1,000 clients (about 30% paid and
 * settled) beside a book of 20,000 more over 500 clients and 200 debtors, five days of fee accrual
 * over every open invoice. Every statement the clients and debtors lists, the debtor page and the
 * client page send is EXPLAINed (ANALYZE, JSON): none may scan invoices, payments or the journal
 * sequentially, and none may read more than a page's worth of rows from them — what they cost
 * does not grow with the book or its history. Speed is printed, not asserted (a busy CI box).
 */
const AS_OF = '2026-04-20';
const ACCRUAL_DAYS = 5;
/** Never scanned sequentially on these screens. */
const BIG = ['invoices', 'journal_lines', 'journal_entries', 'payment_applications', 'fee_accruals'];
/** Never read past a page's worth of rows (payments may be scanned under a LIMIT when nearly all are the debtor's). */
const BOUNDED = [...BIG, 'payments'];

let t: TestDatabase;
let setup: Database;
let actor: Actor;
let bigDebtor: number;
let busyClient: number;

beforeAll(async () => {
  t = await createTestDatabase();
  setup = createDatabase(t.url, { max: 4 });
  const started = performance.now();
  await generatePortfolio(setup, {
    invoices: 100_000,
    clients: 1_000,
    debtors: 1,
    fundedFrom: '2026-01-05',
    days: 100,
    releaseMix: { asOf: AS_OF, settledShare: 0.3 },
  });
  await generatePortfolio(setup, {
    invoices: 20_000,
    clients: 500,
    debtors: 200,
    fundedFrom: '2026-01-05',
    days: 100,
    releaseMix: { asOf: AS_OF, settledShare: 0.3 },
  });
  const generated = (performance.now() - started) / 1000;
  await setup.sql`
    insert into accrual_clients (client_id, accrued_through)
    select id, ${addDays(AS_OF, -ACCRUAL_DAYS)}::date from clients
    on conflict (client_id) do update set accrued_through = excluded.accrued_through`;
  await runAccrual(setup, { asOf: AS_OF, by: systemActor('test:fee-accrual') });
  actor = await aUser(setup, 'underwriter');
  const collections = await aUser(setup, 'collections');
  const [big] = await setup.sql<{ id: string }[]>`select debtor_id::text as id from debtor_figures order by invoices desc limit 1`;
  bigDebtor = Number(big!.id);
  const [busy] = await setup.sql<
    { id: string }[]
  >`select client_id::text as id from debtor_exposure group by client_id order by sum(invoices) desc, client_id limit 1`;
  busyClient = Number(busy!.id);
  const open = await setup.sql<{ id: string }[]>`select id::text from invoices where debtor_id = ${bigDebtor} and status = 'funded' order by id limit 3`;
  for (const inv of open) await setup.transaction((tx) => openDispute(tx, Number(inv.id), { amount: '100.00', reason: 'Short shipped' }, collections));
  await setup.sql`vacuum analyze`;
  const [size] = await setup.sql<{ invoices: number; lines: number; big: number }[]>`
    select (select count(*)::int from invoices) as invoices, (select count(*)::int from journal_lines) as lines,
           (select count(*)::int from invoices where debtor_id = ${bigDebtor}) as big`;
  console.log(
    `[debtors at volume] ${size!.invoices.toLocaleString('en-US')} invoices (${size!.big.toLocaleString('en-US')} of one debtor) generated in ${generated.toFixed(0)} s; ` +
      `journal_lines: ${size!.lines.toLocaleString('en-US')} after ${ACCRUAL_DAYS} days of accrual`,
  );
}, 1_800_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

/** Runs `work` against a pool that records every statement, then EXPLAINs each; returns the report lines. */
async function explainAll(label: string, work: (tx: Tx) => Promise<unknown>): Promise<string[]> {
  const sent: { query: string; params: unknown[] }[] = [];
  const capture = postgres(t.url, {
    max: 4,
    onnotice: () => {},
    // the driver's own look-up of array types is not the page's; an EXPLAIN (a total estimated past its cap) reads no rows
    debug: (_c, query, params) => void (/pg_catalog\.pg_type|^\s*explain/i.test(query) || sent.push({ query, params: params as unknown[] })),
  });
  const started = performance.now();
  try {
    await work({ sql: capture, db: undefined as never } satisfies Tx);
  } finally {
    await capture.end({ timeout: 5 });
  }
  const took = performance.now() - started;
  const report = [`${label}: ${took.toFixed(0)} ms, ${sent.length} statements`];
  expect(sent.length, label).toBeGreaterThan(0);
  for (const s of sent) {
    const [row] = await setup.sql
      .unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[]>(`explain (analyze, format json) ${s.query}`, s.params as never[])
      .catch((error: unknown) => {
        throw new Error(`${label}: cannot EXPLAIN ${JSON.stringify(s.query.slice(0, 300))}: ${String(error)}`);
      });
    const plan = row!['QUERY PLAN'][0];
    const nodes = nodesOf(plan.Plan);
    const first = s.query.replace(/\s+/g, ' ').trim().slice(0, 80);
    const onBig = nodes.filter((n) => n['Relation Name'] && BIG.includes(n['Relation Name']));
    const bounded = nodes.filter((n) => n['Relation Name'] && BOUNDED.includes(n['Relation Name']));
    // No sequential scan of a table that grows with the book or its history...
    expect(
      onBig.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']),
      `${label}: ${first}`,
    ).toEqual([]);
    // ... and no more than a page's worth of its rows (a count is capped, an estimate reads none).
    for (const n of bounded) {
      expect((n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), `${label}: ${first} reads ${n['Relation Name']} via ${n['Index Name']}`).toBeLessThanOrEqual(
        2_100,
      );
    }
    report.push(
      `  ${plan['Execution Time'].toFixed(1).padStart(7)} ms  ${first}…\n             ${nodes
        .filter((n) => n['Relation Name'])
        .map((n) => `${n['Node Type']} ${n['Relation Name']}${n['Index Name'] ? `(${n['Index Name']})` : ''}`)
        .join(', ')}`,
    );
  }
  return report;
}

async function pages<F>(tx: Tx, def: ListDefinition<F>, params: Record<string, string>, query: (r: ListRequest<F>) => ListQuery) {
  const first = await keysetPage(tx.sql, def, parseListRequest(def, params), query(parseListRequest(def, params)));
  if (first.nextCursor) {
    const r = parseListRequest(def, { ...params, cursor: first.nextCursor });
    await keysetPage(tx.sql, def, r, query(r));
  }
  return first;
}

describe('the lists, the debtor page and the client page at volume', () => {
  it('keep every read to an index range of a page, whatever the volume', async () => {
    const report: string[] = [];
    for (const sort of Object.keys(CLIENTS_LIST.sorts)) {
      for (const order of ['asc', 'desc']) {
        report.push(
          ...(await explainAll(`clients ${sort} ${order}`, async (tx) => {
            const p = await pages(tx, CLIENTS_LIST, { sort, order }, (r) => clientsListQuery(tx.sql, r, actor));
            await clientRowDetails(tx, p.items as unknown as RawClientRow[]);
          })),
        );
      }
    }
    report.push(
      ...(await explainAll('clients filtered', async (tx) => {
        await pages(tx, CLIENTS_LIST, { name: 'Client 12', sort: 'reserveHeld', order: 'desc' }, (r) => clientsListQuery(tx.sql, r, actor));
        await pages(tx, CLIENTS_LIST, { status: 'active', currency: 'USD', sort: 'openReceivables' }, (r) => clientsListQuery(tx.sql, r, actor));
      })),
    );
    for (const sort of Object.keys(DEBTORS_LIST.sorts)) {
      for (const order of ['asc', 'desc']) {
        report.push(...(await explainAll(`debtors ${sort} ${order}`, (tx) => pages(tx, DEBTORS_LIST, { sort, order }, (r) => debtorsQuery(tx.sql, r)))));
      }
    }
    report.push(
      ...(await explainAll('debtors filtered', (tx) =>
        pages(tx, DEBTORS_LIST, { name: 'Debtor 1', overLimit: 'false', hasOpenInvoices: 'true', sort: 'exposure', order: 'desc' }, (r) =>
          debtorsQuery(tx.sql, r),
        ),
      )),
    );
    report.push(
      ...(await explainAll(`debtor page (${bigDebtor}, 100,000 invoices)`, async (tx) => {
        const detail = await getDebtorDetail(tx, bigDebtor, actor, { asOf: AS_OF, exposureLimit: 20 });
        expect(detail.invoices).toBe(100_000);
        await pages(tx, DEBTOR_INVOICES_LIST, {}, (r) => debtorInvoicesQuery(tx.sql, bigDebtor, r));
        await pages(tx, DEBTOR_INVOICES_LIST, { sort: 'dueDate', order: 'asc', status: 'open' }, (r) => debtorInvoicesQuery(tx.sql, bigDebtor, r));
        await pages(tx, DEBTOR_INVOICES_LIST, { status: 'disputed' }, (r) => debtorInvoicesQuery(tx.sql, bigDebtor, r));
        await pages(tx, DEBTOR_PAYMENTS_LIST, {}, () => debtorPaymentsQuery(tx.sql, bigDebtor));
      })),
    );
    // A year of monthly statements for the drift check (only their ids, dates and closings are read).
    const statements = Array.from({ length: 12 }, (_, n) => ({
      id: String(900_000 + n),
      to: addDays('2025-05-31', n * 30),
      currencies: [{ currency: 'USD', closing: '0.00' }],
    })) as unknown as StatementView[];
    report.push(
      ...(await explainAll(`client page (${busyClient})`, async (tx) => {
        await pages(tx, CLIENT_INVOICES_LIST, {}, (r) => clientInvoicesQuery(tx.sql, busyClient, r));
        expect((await recentReserveMovements(tx, busyClient, 50)).length).toBe(50);
        await statementDrift(tx, busyClient, statements);
        await listNoas(tx, busyClient);
        // its notice form's debtor typeahead: ten suggestions from the debtors list, never every debtor
        await keysetPage(
          tx.sql,
          DEBTORS_LIST,
          parseListRequest(DEBTORS_LIST, { name: 'Debtor 1', limit: '10' }),
          debtorsQuery(tx.sql, parseListRequest(DEBTORS_LIST, { name: 'Debtor 1', limit: '10' })),
        );
      })),
    );
    console.log(`[debtors at volume] plans (EXPLAIN ANALYZE):\n${report.join('\n')}`);
  });

  it('the debtor page of 100,000 invoices answers from its roll-ups, equal to its invoices', async () => {
    expect(await verifyDebtorRollups(setup.sql, [])).toBe(0);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await getDebtorDetail(t.database, bigDebtor, actor, { asOf: AS_OF, exposureLimit: 20 });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`[debtors at volume] the debtor page's figures: median ${times[2]!.toFixed(0)} ms of 5`);
  });
});
