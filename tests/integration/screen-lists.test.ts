import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Break } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import type { ClientView } from '../../lib/clients';
import { createDebtor, type DebtorView } from '../../lib/debtors';
import { runAccrual } from '../../lib/fees/accrual';
import { fundBatch } from '../../lib/funding';
import { invoiceList, invoiceListParams, invoicePage } from '../../lib/invoices/list';
import { csvStream, keysetPage, parseListRequest, type ListPage, type ListRequest } from '../../lib/lists/keyset';
import {
  AGING_CSV,
  AGING_LISTS,
  agingCurrencies,
  agingItem,
  agingListQuery,
  agingTotals,
  type AgingListItem,
  type AgingSide,
} from '../../lib/reports/aging-list';
import {
  FEE_INCOME_LIST,
  feeIncomeByMonth,
  feeIncomeContext,
  feeIncomeCurrencies,
  feeIncomeItem,
  feeIncomeQuery,
  periodOf,
  type FeeIncomeFilters,
  type FeeIncomeItem,
} from '../../lib/reports/fee-income';
import { ROLLUP_GRAIN, foldRollups, verifyRollups } from '../../lib/reports/rollups';
import { aClient, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13: the lists behind Collections → Aging (lib/reports/aging-list.ts), Reports' fee income
 * (lib/reports/fee-income.ts, the monthly roll-ups of migration 0023) and the portal's invoices:
 * their values against a recount of the invoices and the journal, pages forwards and back, sorts,
 * filters, before and after a fold of the roll-ups, and a client user's scope.
 */
const AS_OF = '2026-04-20';
const tag = randomBytes(3).toString('hex');
let t: TestDatabase;
let team: Team;
let alpha: ClientView;
let bravo: ClientView;
let euro: ClientView;
let d1: DebtorView;
let d2: DebtorView;
let d3: DebtorView;

const debtor = (name: string) => t.database.transaction((tx) => createDebtor(tx, { name, creditLimit: '1000000.00' }, team.underwriter));

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  alpha = await aClient(t.database, team, { name: `Alpha ${tag}`, currency: 'USD' });
  bravo = await aClient(t.database, team, { name: `Bravo ${tag}`, currency: 'USD' });
  euro = await aClient(t.database, team, { name: `Euro ${tag}`, currency: 'EUR' });
  d1 = await debtor(`Delta One ${tag}`);
  d2 = await debtor(`Delta Two ${tag}`);
  d3 = await debtor(`Delta Three ${tag}`);
  // As of 2026-04-20: 10 days (0–30), 105 days (90+), 50 days (31–60), 69 days (61–90); one EUR.
  const made = [
    [alpha, d1, '2026-04-10', '1000.00'],
    [alpha, d2, '2026-01-05', '2000.00'],
    [bravo, d1, '2026-03-01', '3000.00'],
    [bravo, d3, '2026-02-10', '1500.00'],
    [euro, d1, '2026-03-15', '5000.00'],
  ] as const;
  const byClient = new Map<string, string[]>();
  for (const [client, d, issueDate, faceValue] of made) {
    const invoice = await anInvoice(t.database, team, { client, debtor: d, issueDate, faceValue });
    byClient.set(client.id, [...(byClient.get(client.id) ?? []), invoice.id]);
  }
  for (const client of [alpha, bravo, euro]) {
    await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: byClient.get(client.id)!, fundingDate: '2026-03-02' }, team.funding));
  }
  // Fee income: the funding's fees, then accrual from the funding date to AS_OF (March and April).
  await t.admin.sql`insert into accrual_clients (client_id, accrued_through) select id, '2026-03-01'::date from clients
                    on conflict (client_id) do update set accrued_through = excluded.accrued_through`;
  await runAccrual(t.database, { asOf: AS_OF, by: systemActor('test:fee-accrual') });
});

afterAll(async () => {
  await t?.drop();
});

async function rollupBreaks(): Promise<Break[]> {
  const breaks: Break[] = [];
  await verifyRollups(t.database.sql, breaks);
  return breaks;
}

async function agingPage(side: AgingSide, params: Record<string, string>, code = 'USD'): Promise<ListPage<AgingListItem>> {
  const def = AGING_LISTS[side];
  const request = parseListRequest(def, params);
  return keysetPage(t.database.sql, def, request, agingListQuery(t.database.sql, side, request, code, AS_OF), agingItem(side));
}

const brief = (page: ListPage<AgingListItem>) =>
  page.items.map((r) => [r.name.replace(` ${tag}`, ''), r.invoices, ...Object.values(r.buckets), r.total].join(' '));

describe('the aging report (Collections → Aging)', () => {
  it('lists each debtor and client of a currency with its buckets, as a recount of the open invoices says, before and after a fold', async () => {
    for (const step of ['pending deltas', 'folded']) {
      if (step === 'folded') expect((await foldRollups(t.database)).busy).toBe(false);
      expect(await rollupBreaks(), step).toEqual([]);
      expect(brief(await agingPage('debtor', {})), step).toEqual([
        'Delta One 2 1000.00 3000.00 0.00 0.00 4000.00',
        'Delta Two 1 0.00 0.00 0.00 2000.00 2000.00',
        'Delta Three 1 0.00 0.00 1500.00 0.00 1500.00',
      ]);
      expect(brief(await agingPage('client', {})), step).toEqual(['Bravo 2 0.00 3000.00 1500.00 0.00 4500.00', 'Alpha 2 1000.00 0.00 0.00 2000.00 3000.00']);
      expect(brief(await agingPage('debtor', {}, 'EUR')), step).toEqual(['Delta One 1 0.00 5000.00 0.00 0.00 5000.00']);
      // the totals row: every open invoice of the currency
      expect(await agingTotals(t.database.sql, 'USD', AS_OF), step).toEqual({
        invoices: 4,
        buckets: { '0–30': '1000.00', '31–60': '3000.00', '61–90': '1500.00', '90+': '2000.00' },
        total: '7500.00',
      });
    }
    // and the same figures from the invoices themselves
    const recount = await t.admin.sql<{ debtor_id: string; total: string }[]>`
      select debtor_id::text, to_char(sum(outstanding), 'FM999999990.00') as total from invoices
       where status in ('funded', 'disputed') and currency = 'USD' group by debtor_id order by sum(outstanding) desc`;
    expect((await agingPage('debtor', {})).items.map((r) => ({ debtor_id: r.id, total: r.total }))).toEqual(recount.map((r) => ({ ...r })));
    expect(await agingCurrencies(t.database.sql)).toEqual(['EUR', 'USD']);
  });

  it('sorts by 90+ and by name, filters by name, and links each row to its page', async () => {
    expect(brief(await agingPage('debtor', { sort: 'over90', order: 'desc' }))[0]).toBe('Delta Two 1 0.00 0.00 0.00 2000.00 2000.00');
    expect((await agingPage('debtor', { sort: 'name', order: 'asc' })).items.map((r) => r.id)).toEqual([d1.id, d3.id, d2.id]);
    const named = await agingPage('client', { name: 'bravo' });
    expect(named.items.map((r) => [r.id, r.url])).toEqual([[bravo.id, `/clients/${bravo.id}`]]);
    expect(named.total).toBe(1);
    expect((await agingPage('debtor', { name: 'two' })).items.map((r) => r.url)).toEqual([`/debtors/${d2.id}`]);
  });

  it('pages forwards and back, one row at a time, with the total', async () => {
    const first = await agingPage('debtor', { limit: '1' });
    expect([first.items.map((r) => r.id), first.total, first.start, first.prevCursor]).toEqual([[d1.id], 3, 1, null]);
    const second = await agingPage('debtor', { limit: '1', cursor: first.nextCursor! });
    expect([second.items.map((r) => r.id), second.start]).toEqual([[d2.id], 2]);
    const third = await agingPage('debtor', { limit: '1', cursor: second.nextCursor! });
    expect([third.items.map((r) => r.id), third.start, third.nextCursor]).toEqual([[d3.id], 3, null]);
    const back = await agingPage('debtor', { limit: '1', cursor: third.prevCursor! });
    expect([back.items.map((r) => r.id), back.start]).toEqual([[d2.id], 2]);
    // a cursor of one side is refused by the other
    await expect(agingPage('client', { limit: '1', cursor: first.nextCursor! })).rejects.toMatchObject({ status: 400 });
  });

  it('exports the whole filtered set as CSV, in the list order', async () => {
    const def = AGING_LISTS.client;
    const request = parseListRequest(def, { sort: 'name', order: 'asc' });
    const map = agingItem('client');
    const stream = csvStream(
      t.database.sql,
      def,
      request,
      agingListQuery(t.database.sql, 'client', request, 'USD', AS_OF),
      AGING_CSV('client').map((c) => ({ header: c.header, value: (r: Parameters<typeof map>[0]) => c.value(map(r)) })),
      { batch: 1 },
    );
    const text = await new Response(stream).text();
    expect(text.split('\r\n')).toEqual([
      'Client,Client id,Currency,Invoices,0–30,31–60,61–90,90+,Total',
      `Alpha ${tag},${alpha.id},USD,2,1000.00,0.00,0.00,2000.00,3000.00`,
      `Bravo ${tag},${bravo.id},USD,2,0.00,3000.00,1500.00,0.00,4500.00`,
      '',
    ]);
    // by total (the default): the walk's own query, not the page's (whose LIMIT is inside it)
    const byTotal = parseListRequest(def, {});
    const totalText = await new Response(
      csvStream(
        t.database.sql,
        def,
        byTotal,
        agingListQuery(t.database.sql, 'client', byTotal, 'USD', AS_OF, 'issued', { walk: true }),
        AGING_CSV('client').map((c) => ({ header: c.header, value: (r: Parameters<typeof map>[0]) => c.value(map(r)) })),
        { batch: 1 },
      ),
    ).text();
    expect(totalText.split('\r\n').map((l) => l.split(',')[1])).toEqual(['Client id', bravo.id, alpha.id, undefined]);
  });
});

/** Fee income by client and month the old way: every fee_income line of the ledger. */
async function recountIncome(code: string) {
  return t.admin.sql<{ client_id: string; month: string; income: string }[]>`
    select e.client_id::text, to_char(l.effective_date, 'YYYY-MM') as month, to_char(-sum(l.amount), 'FM999999990.00') as income
      from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'fee_income'
      join journal_entries e on e.id = l.entry_id
     where l.currency = ${code} and e.client_id is not null
     group by 1, 2 order by 1, 2`;
}

describe('fee income by client and month (Reports)', () => {
  const page = async (params: Record<string, string>, code = 'USD') => {
    const request = parseListRequest(FEE_INCOME_LIST, params);
    return keysetPage(t.database.sql, FEE_INCOME_LIST, request, feeIncomeQuery(t.database.sql, request, code, AS_OF), feeIncomeItem(code));
  };

  it('equals the fee_income lines of the ledger, month by month, from the roll-ups, before and after a fold', async () => {
    const recount = await recountIncome('USD');
    expect(recount.length).toBeGreaterThanOrEqual(2);
    expect(new Set(recount.map((r) => r.month))).toEqual(new Set(['2026-03', '2026-04']));
    for (const step of ['as posted', 'folded']) {
      if (step === 'folded') await foldRollups(t.database);
      expect(await rollupBreaks(), step).toEqual([]);
      const listed = await page({ sort: 'name', order: 'asc' });
      const flat = listed.items.flatMap((i) => Object.entries(i.months).map(([month, income]) => ({ client_id: i.clientId, month, income })));
      expect(
        flat.sort((a, b) => (a.client_id + a.month < b.client_id + b.month ? -1 : 1)),
        step,
      ).toEqual(recount.map((r) => ({ ...r })));
      expect(listed.items.map((i) => i.clientName)).toEqual([`Alpha ${tag}`, `Bravo ${tag}`]);
      const months = await feeIncomeByMonth(t.database.sql, {}, 'USD', AS_OF);
      expect(months.length).toBe(12);
      expect(months.at(-1)!.month).toBe('2026-04');
      const april = recount.filter((r) => r.month === '2026-04').reduce((s, r) => s + Math.round(Number(r.income) * 100), 0);
      expect(Math.round(Number(months.at(-1)!.income) * 100)).toBe(april);
    }
    expect(await feeIncomeCurrencies(t.database.sql)).toEqual(['EUR', 'USD']);
    expect((await page({}, 'EUR')).items.map((i) => i.clientId)).toEqual([euro.id]);
  });

  it('a period of months: the default twelve to this one, a month range, and a range written backwards refused on To month', async () => {
    expect(periodOf({}, AS_OF)).toMatchObject({ from: '2025-05', to: '2026-04' });
    expect(periodOf({ from: '2026-01' }, AS_OF)).toMatchObject({ from: '2026-01', to: '2026-12' });
    const march = await page({ from: '2026-03', to: '2026-03' });
    expect(march.items.every((i) => Object.keys(i.months).join() === '2026-03')).toBe(true);
    expect(march.items.length).toBe(2);
    expect((await page({ from: '2025-01', to: '2025-12' })).items).toEqual([]);
    expect(() => parseListRequest(FEE_INCOME_LIST, { from: '2026-04', to: '2026-03' })).toThrow('To month must not be before From month');
    expect(() => parseListRequest(FEE_INCOME_LIST, { from: '2026-13' })).toThrow('From month must be a month written as YYYY-MM');
    expect(() => parseListRequest(FEE_INCOME_LIST, { from: '2020-01', to: '2026-01' })).toThrow('at most 24 months');
  });

  it('pages by total and by name, forwards and back', async () => {
    const all = await page({});
    const totals = all.items.map((i) => Number(i.total));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const first = await page({ limit: '1', sort: 'name', order: 'asc' });
    expect([first.items[0]!.clientId, first.total]).toEqual([alpha.id, 2]);
    const second = await page({ limit: '1', sort: 'name', order: 'asc', cursor: first.nextCursor! });
    expect([second.items[0]!.clientId, second.nextCursor, second.start]).toEqual([bravo.id, null, 2]);
    const back = await page({ limit: '1', sort: 'name', order: 'asc', cursor: second.prevCursor! });
    expect(back.items[0]!.clientId).toBe(alpha.id);
    expect((await page({ name: 'brav' })).items.map((i) => i.clientId)).toEqual([bravo.id]);
  });

  it('folded months and deltas of the same month together: a delta cancelling a folded month, a folded month of zero, a month only in deltas', async () => {
    // Roll-up rows as the fold and the journal trigger leave them, in a currency nothing else uses (CHF, grain 8: client × month).
    const g = ROLLUP_GRAIN.clientFeeIncome;
    await t.admin.sql`insert into rollups (grain, currency, ref_id, issue_date, items, amount) values
      (${g}, 'CHF', ${alpha.id}, '2026-03-01', 3, 10.00), (${g}, 'CHF', ${alpha.id}, '2026-04-01', 1, 5.00),
      (${g}, 'CHF', ${bravo.id}, '2026-03-01', 1, 7.00), (${g}, 'CHF', ${euro.id}, '2026-03-01', 2, 0.00)`;
    await t.admin.sql`insert into rollup_deltas (grain, currency, ref_id, issue_date, items, amount) values
      (${g}, 'CHF', ${alpha.id}, '2026-04-01', 1, 2.50), (${g}, 'CHF', ${alpha.id}, '2026-02-01', 1, 1.00),
      (${g}, 'CHF', ${bravo.id}, '2026-03-01', 1, -7.00)`;
    try {
      // Alpha: 1.00 + 10.00 + 7.50; Bravo's only month nets to zero and Euro's folded month is zero: neither has income.
      const listed = await page({ from: '2026-01', to: '2026-04' }, 'CHF');
      expect(listed.items.map((i) => [i.clientId, i.total, i.months])).toEqual([
        [alpha.id, '18.50', { '2026-02': '1.00', '2026-03': '10.00', '2026-04': '7.50' }],
      ]);
      expect(listed.total).toBe(1);
      expect((await page({ from: '2026-01', to: '2026-04', sort: 'name', order: 'asc' }, 'CHF')).items.map((i) => i.total)).toEqual(['18.50']);
      // The period's ends: only March and April (the delta-only February is outside)
      expect((await page({ from: '2026-03', to: '2026-04' }, 'CHF')).items.map((i) => i.total)).toEqual(['17.50']);
    } finally {
      await t.admin.sql`delete from rollups where currency = 'CHF' and grain = ${g}`;
      await t.admin.sql`delete from rollup_deltas where currency = 'CHF' and grain = ${g}`;
    }
  });

  it('ranked for its default period by the fold (migration 0043): every page, both orders, forwards and back, equals the summed list — with deltas not yet folded, and after their fold', async () => {
    const g = ROLLUP_GRAIN.clientFeeIncome;
    const sql = t.database.sql;
    /** the whole list a row a page, as the ranked or the summed query reads it, then back from its end */
    const walk = async (order: 'asc' | 'desc', ranked: boolean) => {
      const pageAt = (cursor: string | null): Promise<ListPage<FeeIncomeItem>> => {
        const request: ListRequest<FeeIncomeFilters> = parseListRequest(FEE_INCOME_LIST, { order, limit: '1', ...(cursor ? { cursor } : {}) });
        return keysetPage(sql, FEE_INCOME_LIST, request, feeIncomeQuery(sql, request, 'GBP', AS_OF, ranked), feeIncomeItem('GBP'));
      };
      const rows: [string, string, Record<string, string>][] = [];
      const totals: number[] = [];
      let last: ListPage<{ clientId: string }> | null = null;
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const p = await pageAt(cursor);
        rows.push(...p.items.map((i) => [i.clientId, i.total, i.months] as [string, string, Record<string, string>]));
        totals.push(p.total);
        cursor = p.nextCursor;
        last = p;
      }
      const back: string[] = [];
      for (let cursor = last!.prevCursor; cursor;) {
        const p = await pageAt(cursor);
        back.unshift(...p.items.map((i) => i.clientId));
        cursor = p.prevCursor;
      }
      return { rows, totals, back };
    };
    const same = async (expected: [string, string][]) => {
      for (const order of ['desc', 'asc'] as const) {
        const summed = await walk(order, false);
        const ranked = await walk(order, true);
        expect(ranked, order).toEqual(summed);
        const ordered = order === 'desc' ? expected : [...expected].reverse();
        expect(
          ranked.rows.map(([id, total]) => [id, total]),
          order,
        ).toEqual(ordered);
        expect(new Set(ranked.totals), order).toEqual(new Set([expected.length]));
        expect(ranked.back, order).toEqual(ordered.slice(0, -1).map(([id]) => id));
      }
    };
    // Folded months in a currency nothing else uses (GBP), in and out of the twelve months to April 2026
    await t.admin.sql`insert into rollups (grain, currency, ref_id, issue_date, items, amount) values
      (${g}, 'GBP', ${alpha.id}, '2026-03-01', 2, 40.00), (${g}, 'GBP', ${alpha.id}, '2026-04-01', 1, 5.00),
      (${g}, 'GBP', ${bravo.id}, '2025-05-01', 1, 30.00), (${g}, 'GBP', ${bravo.id}, '2025-04-01', 1, 99.00),
      (${g}, 'GBP', ${euro.id}, '2026-01-01', 1, 30.00)`;
    try {
      const request = parseListRequest(FEE_INCOME_LIST, { currency: 'GBP' });
      expect((await feeIncomeContext(sql, request, AS_OF)).ranked).toBe(false);
      await foldRollups(t.database, { today: AS_OF });
      // the fold ranked the twelve months to April and to March; a period of other months is summed
      expect(await feeIncomeContext(sql, request, AS_OF)).toMatchObject({ code: 'GBP', ranked: true });
      expect((await feeIncomeContext(sql, parseListRequest(FEE_INCOME_LIST, { from: '2026-01', to: '2026-04' }), AS_OF)).ranked).toBe(false);
      expect((await t.admin.sql`select period_to::text from fee_income_rank_periods order by 1`).map((r) => r.period_to)).toEqual(['2026-03-01', '2026-04-01']);
      // Bravo's 2025-04 is outside the period; the tie at 30.00 goes to the higher id first (descending)
      const [hi, lo] = Number(bravo.id) > Number(euro.id) ? [bravo.id, euro.id] : [euro.id, bravo.id];
      await same([
        [alpha.id, '45.00'],
        [hi, '30.00'],
        [lo, '30.00'],
      ]);
      // Not yet folded: Alpha's March cancelled and April grown, Euro's only month cancelled, Bravo's a new month
      await t.admin.sql`insert into rollup_deltas (grain, currency, ref_id, issue_date, items, amount) values
        (${g}, 'GBP', ${alpha.id}, '2026-03-01', -2, -40.00), (${g}, 'GBP', ${alpha.id}, '2026-04-01', 1, 2.50),
        (${g}, 'GBP', ${euro.id}, '2026-01-01', -1, -30.00), (${g}, 'GBP', ${bravo.id}, '2026-02-01', 1, 1.25)`;
      await same([
        [bravo.id, '31.25'],
        [alpha.id, '7.50'],
      ]);
      // folded: the ranking of the clients the fold touched summed again; the same list
      await foldRollups(t.database, { today: AS_OF });
      await same([
        [bravo.id, '31.25'],
        [alpha.id, '7.50'],
      ]);
      const ranks = await t.admin.sql<{ ref_id: string; total: string }[]>`
        select k.ref_id::text, k.total::text from fee_income_ranks k where k.currency = 'GBP' and k.period_to = '2026-04-01' order by k.total desc`;
      expect(ranks.map((r) => [r.ref_id, r.total])).toEqual([
        [bravo.id, '31.2500'],
        [alpha.id, '7.5000'],
      ]);
      // audit:verify re-sums every ranked period: a tampered rank is named
      const rankBreaks = async () => (await rollupBreaks()).filter((b) => b.message.includes('ranking'));
      expect(await rankBreaks()).toEqual([]);
      await t.admin.sql`update fee_income_ranks set total = total + 1 where currency = 'GBP' and ref_id = ${alpha.id} and period_to = '2026-04-01'`;
      expect((await rankBreaks()).map((b) => b.message)).toEqual([
        `Reports' fee income ranking for the twelve months to 2026-04 (GBP, client ${alpha.id}) holds 8.5000 where the folded months sum to 7.5000`,
      ]);
    } finally {
      await t.admin.sql`delete from rollups where currency = 'GBP' and grain = ${g}`;
      await t.admin.sql`delete from rollup_deltas where currency = 'GBP' and grain = ${g}`;
      await t.admin.sql`delete from fee_income_ranks where currency = 'GBP'`;
    }
  });
});

describe("the portal's invoices (a client user's keyset page)", () => {
  it('lists only its own client, whatever client the URL names, with the status filter and sorts', async () => {
    const user = await aUser(t.database, 'client', { clientId: Number(alpha.id) });
    const mine = await invoicePage(t.database.sql, user, parseListRequest(invoiceList, invoiceListParams({ sort: 'issueDate', order: 'asc' })), AS_OF);
    expect(mine.items.map((i) => [i.client.id, i.debtor.id, i.issueDate])).toEqual([
      [alpha.id, d2.id, '2026-01-05'],
      [alpha.id, d1.id, '2026-04-10'],
    ]);
    expect(mine.total).toBe(2);
    const other = await invoicePage(t.database.sql, user, parseListRequest(invoiceList, { clientId: bravo.id }), AS_OF);
    expect(other.items).toEqual([]);
    const settled = await invoicePage(t.database.sql, user, parseListRequest(invoiceList, { status: 'settled' }), AS_OF);
    expect(settled.items).toEqual([]);
    const open = await invoicePage(t.database.sql, user, parseListRequest(invoiceList, invoiceListParams({ status: 'open', limit: '1' })), AS_OF);
    expect([open.items.length, open.total, open.nextCursor !== null]).toEqual([1, 2, true]);
  });
});
