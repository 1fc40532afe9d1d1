import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientView } from '../../lib/clients';
import { createDebtor, type DebtorView } from '../../lib/debtors';
import { fundBatch } from '../../lib/funding';
import { keysetPage, parseListRequest, type ListPage } from '../../lib/lists/keyset';
import { AGING_LISTS, agingItem, agingListQuery, type AgingListItem, type AgingSide } from '../../lib/reports/aging-list';
import { foldRollups } from '../../lib/reports/rollups';
import { aClient, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, Collections → Aging by client and by debtor (lib/reports/aging-list.ts): a ref without
 * unfolded deltas is read as its one roll-up row in the page's order (migration 0026's index), a
 * ref with deltas is summed — and a page mixes both. Every page, forwards and back, in both
 * orders and with ties on the total, must equal a recount of the open invoices: refs folded, refs
 * with deltas beside folded ones (one jumping to the top, one tying with folded refs), then folded.
 */
const AS_OF = '2026-04-20';
const tag = randomBytes(3).toString('hex');
let t: TestDatabase;
let team: Team;
const clients: ClientView[] = [];
const debtors: DebtorView[] = [];

async function fund(client: ClientView, debtor: DebtorView, faceValue: string) {
  const invoice = await anInvoice(t.database, team, { client, debtor, issueDate: '2026-04-01', faceValue });
  await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-04-02' }, team.funding));
}

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  for (let n = 1; n <= 5; n++) clients.push(await aClient(t.database, team, { name: `Ranked ${n} ${tag}`, currency: 'USD' }));
  for (let n = 1; n <= 4; n++) {
    debtors.push(await t.database.transaction((tx) => createDebtor(tx, { name: `Ranked debtor ${n} ${tag}`, creditLimit: '1000000.00' }, team.underwriter)));
  }
  // clients: 3000, 2000, 2000 (a tie), 1000, 500; debtors: 3000, 2500 (1000 + 1500), 2000, 1000 (500 + 500)
  const made: [number, number, string][] = [
    [0, 0, '3000.00'],
    [1, 2, '2000.00'],
    [2, 1, '1000.00'],
    [2, 3, '500.00'],
    [2, 1, '500.00'],
    [3, 1, '1000.00'],
    [4, 3, '500.00'],
  ];
  for (const [c, d, amount] of made) await fund(clients[c]!, debtors[d]!, amount);
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

/** The list by walking every page of `limit` rows forwards, then the same pages backwards from the last. */
async function walk(side: AgingSide, order: 'asc' | 'desc', limit: number): Promise<{ forwards: string[]; backwards: string[]; totals: number[] }> {
  const def = AGING_LISTS[side];
  const page = (cursor?: string): Promise<ListPage<AgingListItem>> => {
    const request = parseListRequest(def, { sort: 'total', order, limit: String(limit), ...(cursor ? { cursor } : {}) });
    return keysetPage(t.database.sql, def, request, agingListQuery(t.database.sql, side, request, 'USD', AS_OF), agingItem(side));
  };
  const row = (r: AgingListItem) => `${r.id}=${r.total}`;
  const pages: ListPage<AgingListItem>[] = [await page()];
  while (pages.at(-1)!.nextCursor) pages.push(await page(pages.at(-1)!.nextCursor!));
  const backwards: string[][] = [];
  let at = pages.at(-1)!;
  while (at.prevCursor) {
    at = await page(at.prevCursor);
    backwards.unshift(at.items.map(row));
  }
  return {
    forwards: pages.flatMap((p) => p.items.map(row)),
    backwards: [...backwards.flat(), ...pages.at(-1)!.items.map(row)],
    totals: pages.map((p) => p.total),
  };
}

/** What the list must be: each ref's open invoices' outstanding in USD, largest first, ties by id the same way. */
async function recount(side: AgingSide, order: 'asc' | 'desc'): Promise<string[]> {
  const column = t.admin.sql.unsafe(side === 'client' ? 'client_id' : 'debtor_id');
  const rows = await t.admin.sql<{ id: string; total: string }[]>`
    select ${column}::text as id, to_char(sum(outstanding), 'FM999999990.00') as total from invoices
     where status in ('funded', 'disputed') and currency = 'USD' and ${column} = any(${(side === 'client' ? clients : debtors).map((x) => x.id)}::bigint[])
     group by ${column} having sum(outstanding) > 0`;
  const sorted = [...rows].sort((a, b) => Number(a.total) - Number(b.total) || Number(a.id) - Number(b.id));
  return (order === 'asc' ? sorted : sorted.reverse()).map((r) => `${r.id}=${r.total}`);
}

async function expectEveryPage(step: string) {
  for (const side of ['client', 'debtor'] as const) {
    for (const order of ['desc', 'asc'] as const) {
      const expected = await recount(side, order);
      for (const limit of [1, 2, 50]) {
        const got = await walk(side, order, limit);
        const what = `${step}: ${side}, ${order}, ${limit} a page`;
        expect(got.forwards, what).toEqual(expected);
        expect(got.backwards, what).toEqual(expected);
        expect(new Set(got.totals), what).toEqual(new Set([expected.length]));
      }
    }
  }
}

describe('Collections → Aging ranked from the roll-ups', () => {
  it('every page equals a recount: deltas only, folded, folded refs beside refs with deltas, folded again', async () => {
    await expectEveryPage('deltas only');
    expect((await foldRollups(t.database)).busy).toBe(false);
    await expectEveryPage('folded');
    // deltas beside folded rows: client 4 jumps from 1,000 to 3,500 (first), client 5 from 500 to 2,000 (a tie with two folded clients)
    await fund(clients[3]!, debtors[0]!, '2500.00');
    await fund(clients[4]!, debtors[3]!, '1500.00');
    const [pending] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from rollup_deltas where grain in (2, 6)`;
    expect(pending!.n).toBeGreaterThan(0);
    expect((await recount('client', 'desc')).slice(0, 5)).toEqual([
      `${clients[3]!.id}=3500.00`,
      `${clients[0]!.id}=3000.00`,
      `${clients[4]!.id}=2000.00`,
      `${clients[2]!.id}=2000.00`,
      `${clients[1]!.id}=2000.00`,
    ]);
    await expectEveryPage('folded and deltas together');
    expect((await foldRollups(t.database)).busy).toBe(false);
    await expectEveryPage('folded again');
  });
});
