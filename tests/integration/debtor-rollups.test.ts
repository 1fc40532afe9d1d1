import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import type { ClientView } from '../../lib/clients';
import { clientRowDetails } from '../../lib/clients/lists';
import { listDebtors, listNoas, type DebtorView } from '../../lib/debtors';
import { DEBTORS_LIST, debtorsQuery, mapDebtorRow, type DebtorListFilters, type DebtorListRow } from '../../lib/debtors/lists';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { keysetPage, parseListRequest, type ListPage, type ListRequest } from '../../lib/lists/keyset';
import { Big, moneyOut } from '../../lib/money';
import { foldRollups } from '../../lib/reports/rollups';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13 (migration 0022): the debtor roll-ups are appended deltas folded by the `rollups` job.
 * The debtors list sorted by a rolled-up figure (exposure, open invoices) is exact at every moment
 * — debtors with pending deltas recomputed, the rest read folded in index order — and reads a
 * page's worth of debtor_figures through its index, whatever the number of debtors.
 */
let t: TestDatabase;
let team: Team;
let usd: ClientView;
let usd2: ClientView;
let eur: ClientView;
const debtors: DebtorView[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  usd = await aClient(t.database, team, { currency: 'USD' });
  usd2 = await aClient(t.database, team, { currency: 'USD' });
  eur = await aClient(t.database, team, { currency: 'EUR' });
  for (const limit of ['9000.00', '30000.00', '5000.00', '100000.00', '12000.00', '1.00', '40000.00'])
    debtors.push(await aDebtor(t.database, team, { creditLimit: limit }));
});

afterAll(async () => {
  await t?.drop();
});

/** Every page of the debtors list (limit 2), walked by its cursors. */
async function walk(filters: DebtorListFilters & { sort: string; order: string }): Promise<{ rows: DebtorListRow[]; totals: number[] }> {
  const rows: DebtorListRow[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const request: ListRequest<DebtorListFilters> = parseListRequest(DEBTORS_LIST, { ...filters, limit: '2', ...(cursor ? { cursor } : {}) });
    const page: ListPage<DebtorListRow> = await keysetPage(t.database.sql, DEBTORS_LIST, request, debtorsQuery(t.database.sql, request), mapDebtorRow);
    rows.push(...page.items);
    totals.push(page.total);
    cursor = page.nextCursor;
  } while (cursor);
  return { rows, totals };
}

/** The list as the invoices define it: exposure = the largest open outstanding in one currency. */
async function expected(filters: DebtorListFilters & { sort: 'exposure' | 'openInvoices'; order: 'asc' | 'desc' }) {
  const rows = await t.admin.sql<{ id: string; credit_limit: string; invoices: number; open: number; exposures: Record<string, string> | null }[]>`
    select d.id::text, d.credit_limit::text, count(i.id)::int as invoices,
           (count(i.id) filter (where i.status in ('funded', 'disputed')))::int as open,
           (select jsonb_object_agg(currency, total) from (
              select currency, sum(outstanding)::text as total from invoices x
               where x.debtor_id = d.id and x.status in ('funded', 'disputed') group by currency) c) as exposures
      from debtors d left join invoices i on i.debtor_id = d.id
     where d.merged_into_id is null
     group by d.id`;
  const made = rows.map((r) => {
    const exposures = Object.entries(r.exposures ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const max = exposures.reduce((m, [, v]) => (new Big(v).gt(m) ? new Big(v) : m), new Big(0));
    return {
      id: r.id,
      openInvoices: r.open,
      invoices: r.invoices,
      exposure: exposures.map(([currency, amount]) => ({ currency, amount: moneyOut(amount, currency) })),
      max,
      overLimit: max.gt(r.credit_limit),
    };
  });
  const kept = made.filter(
    (r) =>
      (filters.hasOpenInvoices === undefined || r.openInvoices > 0 === (filters.hasOpenInvoices === 'true')) &&
      (filters.overLimit === undefined || r.overLimit === (filters.overLimit === 'true')),
  );
  const key = (r: (typeof made)[number]) => (filters.sort === 'exposure' ? r.max : new Big(r.openInvoices));
  kept.sort((a, b) => key(a).cmp(key(b)) || Number(BigInt(a.id) - BigInt(b.id)));
  if (filters.order === 'desc') kept.reverse();
  return kept.map(({ id, openInvoices, invoices, exposure, overLimit }) => ({ id, openInvoices, invoices, exposure, overLimit }));
}

async function expectListsExact(step: string) {
  for (const sort of ['exposure', 'openInvoices'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      for (const filters of [{}, { hasOpenInvoices: 'true' as const }, { overLimit: 'true' as const }, { overLimit: 'false' as const }]) {
        const label = `${step}: ${sort} ${order} ${JSON.stringify(filters)}`;
        const want = await expected({ ...filters, sort, order });
        const got = await walk({ ...filters, sort, order });
        expect(
          got.rows.map(({ id, openInvoices, invoices, exposure, overLimit }) => ({ id, openInvoices, invoices, exposure, overLimit })),
          label,
        ).toEqual(want);
        expect(new Set(got.totals), label).toEqual(new Set([want.length]));
      }
    }
  }
  expect(await verifyDebtorRollups(t.admin.sql, []), step).toBe(0);
  // The pickers read the same views: open invoices per debtor and per client, a client's debtors.
  const open = await t.admin.sql<{ id: string; n: number }[]>`
    select d.id::text as id, (count(i.id) filter (where i.status in ('funded', 'disputed')))::int as n
      from debtors d left join invoices i on i.debtor_id = d.id where d.merged_into_id is null group by d.id`;
  const picked = await t.database.transaction((tx) => listDebtors(tx));
  expect(new Map(picked.map((d) => [d.id, d.openInvoices])), step).toEqual(new Map(open.map((o) => [o.id, o.n])));
  const perClient = await t.admin.sql<{ id: string; n: number }[]>`
    select client_id::text as id, (count(*) filter (where status in ('funded', 'disputed')))::int as n from invoices group by client_id`;
  // The clients list's rows (lib/clients/lists.ts), every client at once.
  const rawClients = await t.admin.sql<{ id: string; name: string; status: string; currency: string; reserve_held: string; open_receivables: string }[]>`
    select id::text as id, name, status, currency, '0' as reserve_held, '0' as open_receivables from clients`;
  const clientsNow = await t.database.transaction((tx) => clientRowDetails(tx, rawClients));
  for (const c of perClient) expect(clientsNow.find((x) => x.id === c.id)?.openInvoices, `${step}: client ${c.id}`).toBe(c.n);
  const mine = await t.admin.sql<{ id: string }[]>`select distinct debtor_id::text as id from invoices where client_id = ${usd.id} order by 1`;
  const noas = await t.database.transaction((tx) => listNoas(tx, Number(usd.id)));
  expect(noas.map((n) => n.debtorId).sort(), step).toEqual(mine.map((m) => m.id));
}

async function pending(): Promise<number> {
  const [row] = await t.admin.sql<{ n: number }[]>`select count(distinct debtor_id)::int as n from debtor_exposure_deltas`;
  return row!.n;
}

describe('the debtor roll-ups on appended deltas', () => {
  it('keep the debtors list exact in every sort by a rolled-up figure, before and after each fold', async () => {
    const plan: [ClientView, number, string][] = [
      [usd, 0, '8000.00'],
      [usd2, 0, '2000.00'],
      [eur, 0, '6000.00'],
      [usd, 1, '15000.00'],
      [usd, 2, '4000.00'],
      [eur, 2, '9000.00'],
      [usd2, 3, '7000.00'],
      [usd, 4, '3000.00'],
    ];
    const ids: string[] = [];
    for (const [client, d, face] of plan) ids.push((await aFundedInvoice(t.database, team, { client, debtor: debtors[d]!, faceValue: face })).id);
    expect(await pending(), 'every command appended').toBeGreaterThan(0);
    await expectListsExact('all pending');
    await foldRollups(t.database);
    expect(await pending()).toBe(0);
    await expectListsExact('all folded');

    // A mix: some debtors folded, others with deltas that lift them past the leaders or sink them.
    ids.push((await aFundedInvoice(t.database, team, { client: usd, debtor: debtors[5]!, faceValue: '20000.00' })).id);
    await t.database.transaction(async (tx) => {
      const payment = await receivePayment(
        tx,
        { amount: '14000.00', currency: 'USD', receivedDate: '2026-04-10', payerName: 'Payer', reference: 'pay' },
        team.collections,
      );
      await applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId: ids[3]!, amount: '14000.00' }] }, team.collections);
    });
    // Invoices moving between debtors, as a merge moves them (the merge's own statement is this one).
    await t.database.sql`update invoices set debtor_id = ${debtors[6]!.id} where debtor_id = ${debtors[4]!.id}`;
    expect(await pending()).toBe(4);
    await expectListsExact('mixed');
    await foldRollups(t.database);
    await expectListsExact('mixed, folded');
  });

  it('read a page of 20,000 debtors sorted by exposure through debtor_figures_exposure_idx, the few with deltas recomputed', async () => {
    // Synthetic figures (a debtor's folded rows and its figures row agree, as after a fold), then
    // deltas for a few debtors that lift some past the leaders, sink leaders and cancel out.
    await t.admin.sql`delete from debtor_exposure_deltas`;
    await t.admin.sql`delete from debtor_open_due_deltas`;
    await t.admin.sql`insert into debtors (name, credit_limit) select 'Synthetic ' || g, 50000 from generate_series(1, 20000) g`;
    await t.admin.sql`
      insert into debtor_exposure (debtor_id, client_id, currency, invoices, open_invoices, exposure)
      select d.id, ${usd.id}, 'USD', 3, 2, (d.id * 7919 % 100000)::numeric / 4 from debtors d where d.name like 'Synthetic %'
      on conflict do nothing`;
    await t.admin.sql`select holdback_debtor_figures_refresh(array(select id from debtors where name like 'Synthetic %'))`;
    const [top] = await t.admin.sql<{ id: string; exposure: string }[]>`
      select f.debtor_id::text as id, f.exposure::text from debtor_figures f order by f.exposure desc, f.debtor_id desc limit 1`;
    const lifted = await t.admin.sql<{ id: string }[]>`select d.id::text from debtors d where d.name like 'Synthetic %' order by d.id limit 5 offset 100`;
    for (const [n, l] of lifted.entries())
      await t.admin
        .sql`insert into debtor_exposure_deltas (debtor_id, client_id, currency, exposure, open_invoices) values (${l.id}, ${usd.id}, 'USD', ${new Big(top!.exposure).plus(n * 10 + 1).toFixed(4)}, 1)`;
    await t.admin.sql`insert into debtor_exposure_deltas (debtor_id, client_id, currency, exposure) values (${top!.id}, ${usd.id}, 'USD', -1000)`;
    await t.admin
      .sql`insert into debtor_exposure_deltas (debtor_id, client_id, currency, exposure) values (${lifted[0]!.id}, ${eur.id}, 'EUR', 5), (${lifted[0]!.id}, ${eur.id}, 'EUR', -5)`;
    await t.admin.sql`analyze debtors, debtor_figures, debtor_exposure, debtor_exposure_deltas`;

    // What each synthetic debtor's figures are, from its folded rows and its deltas (summed per currency here).
    const now = async (order: 'asc' | 'desc') =>
      (
        await t.admin.sql<{ id: string }[]>`
          select d.id::text from debtors d
            join (select debtor_id, max(total) as exposure from (
                    select debtor_id, currency, sum(exposure) as total
                      from (select debtor_id, currency, exposure from debtor_exposure union all select debtor_id, currency, exposure from debtor_exposure_deltas) x
                     group by debtor_id, currency) c group by debtor_id) e on e.debtor_id = d.id
           where d.merged_into_id is null
           order by e.exposure ${t.admin.sql.unsafe(order)}, d.id ${t.admin.sql.unsafe(order)} limit 60`
      ).map((r) => r.id);
    const sent: { query: string; params: unknown[] }[] = [];
    const capture = postgres(t.url, { max: 1, onnotice: () => {}, debug: (_c, query, params) => void sent.push({ query, params: params as unknown[] }) });
    try {
      for (const order of ['desc', 'asc'] as const) {
        // The first three pages of 20, each the next after the cursor.
        let cursor: string | null = null;
        const got: string[] = [];
        for (let p = 0; p < 3; p++) {
          const request: ListRequest<DebtorListFilters> = parseListRequest(DEBTORS_LIST, {
            sort: 'exposure',
            order,
            limit: '20',
            ...(cursor ? { cursor } : {}),
          });
          sent.length = 0;
          const page: ListPage<DebtorListRow> = await keysetPage(capture, DEBTORS_LIST, request, debtorsQuery(capture, request), mapDebtorRow);
          got.push(...page.items.map((r) => r.id));
          // The page's statement reads debtor_figures in index order, a page's worth.
          const statement = sent.find((x) => x.query.includes('sort_value'))!;
          const [plan] = await t.admin.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
            `explain (analyze, format json) ${statement.query}`,
            statement.params as never[],
          );
          const nodes = nodesOf(plan!['QUERY PLAN'][0].Plan);
          const figures = nodes.filter((n) => n['Relation Name'] === 'debtor_figures');
          const label = `${order} page ${p + 1}`;
          expect(
            figures.map((n) => `${n['Node Type']} ${n['Index Name']}`),
            label,
          ).toEqual(['Index Scan debtor_figures_exposure_idx']);
          expect(figures[0]!['Actual Rows']! * (figures[0]!['Actual Loops'] ?? 1), label).toBeLessThanOrEqual(40);
          expect(
            nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] !== 'debtor_exposure_deltas').map((n) => n['Relation Name']),
            label,
          ).toEqual([]);
          cursor = page.nextCursor;
        }
        expect(got, order).toEqual(await now(order));
        if (order === 'desc') expect(got.slice(0, 5), 'the lifted debtors lead').toEqual(lifted.map((l) => l.id).reverse());
      }
    } finally {
      await capture.end({ timeout: 5 });
    }
  });
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
