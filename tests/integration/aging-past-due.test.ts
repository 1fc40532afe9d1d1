import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Break } from '../../lib/audit/verify';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { fundBatch } from '../../lib/funding';
import { keysetPage, parseListRequest, type ListPage } from '../../lib/lists/keyset';
import { AGING_LISTS, agingItem, agingListQuery, agingTotals, type AgingListItem, type AgingSide } from '../../lib/reports/aging-list';
import { pastDueHref } from '../../lib/reports/dashboard-links';
import { foldRollups, verifyRollups } from '../../lib/reports/rollups';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 15 item 5: aging by days past due beside aging by invoice date (Collections → Aging,
 * `basis=due`), from the roll-ups keyed by the due date (grains 10–12, migration 0033): each
 * debtor's, client's and the currency's buckets — Not due, 1–30, 31–60, 61–90, 90+ days past due —
 * equal what the invoices say, with deltas pending and after a fold, after a payment, and
 * audit:verify recounts the new grains.
 */
const AS_OF = '2026-04-20';
const tag = randomBytes(3).toString('hex');
let t: TestDatabase;
let team: Team;
let ids: { first: string; second: string };

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  const alpha = await aClient(t.database, team, { name: `Alpha ${tag}` });
  const bravo = await aClient(t.database, team, { name: `Bravo ${tag}` });
  const first = await aDebtor(t.database, team);
  const second = await aDebtor(t.database, team);
  ids = { first: first.id, second: second.id };
  // The builder's due date is 59 days after the issue date; days past due as of AS_OF in the comment.
  const made = [
    [alpha, first, '2026-03-12', '1000.00'], // due 2026-05-10: not due
    [alpha, first, '2026-02-10', '2000.00'], // due 2026-04-10: 10 days past due
    [alpha, second, '2026-01-01', '3000.00'], // due 2026-03-01: 50
    [bravo, second, '2025-12-04', '4000.00'], // due 2026-02-01: 78
    [bravo, first, '2025-10-03', '5000.00'], // due 2025-12-01: 140
  ] as const;
  const byClient = new Map<string, string[]>();
  for (const [client, debtor, issueDate, faceValue] of made) {
    const invoice = await anInvoice(t.database, team, { client, debtor, issueDate, faceValue });
    byClient.set(client.id, [...(byClient.get(client.id) ?? []), invoice.id]);
  }
  for (const client of [alpha, bravo]) {
    await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: byClient.get(client.id)!, fundingDate: '2026-03-15' }, team.funding));
  }
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

async function rollupBreaks(): Promise<Break[]> {
  const breaks: Break[] = [];
  await verifyRollups(t.database.sql, breaks);
  return breaks;
}

async function page(side: AgingSide, basis: 'issued' | 'due', params: Record<string, string> = {}): Promise<ListPage<AgingListItem>> {
  const def = AGING_LISTS[side];
  const request = parseListRequest(def, params);
  return keysetPage(t.database.sql, def, request, agingListQuery(t.database.sql, side, request, 'USD', AS_OF, basis), agingItem(side, basis));
}

const brief = (p: ListPage<AgingListItem>) => p.items.map((r) => [r.name.replace(` ${tag}`, ''), r.invoices, ...Object.values(r.buckets), r.total].join(' '));

describe('aging by days past due (issue 15 item 5)', () => {
  it('buckets each client and the currency by days past due, beside the buckets by invoice date, before and after a fold', async () => {
    for (const step of ['pending deltas', 'folded']) {
      if (step === 'folded') expect((await foldRollups(t.database)).busy).toBe(false);
      expect(await rollupBreaks(), step).toEqual([]);
      // Not due, 1–30, 31–60, 61–90, 90+
      expect(brief(await page('client', 'due')), step).toEqual([
        'Bravo 2 0.00 0.00 0.00 4000.00 5000.00 9000.00',
        'Alpha 3 1000.00 2000.00 3000.00 0.00 0.00 6000.00',
      ]);
      // the same invoices by days since the invoice date (ages 39, 69, 109 | 137, 199): 0–30, 31–60, 61–90, 90+
      expect(brief(await page('client', 'issued')), step).toEqual(['Bravo 2 0.00 0.00 0.00 9000.00 9000.00', 'Alpha 3 0.00 1000.00 2000.00 3000.00 6000.00']);
      expect(await agingTotals(t.database.sql, 'USD', AS_OF, 'due'), step).toEqual({
        invoices: 5,
        buckets: { 'Not due': '1000.00', '1–30': '2000.00', '31–60': '3000.00', '61–90': '4000.00', '90+': '5000.00' },
        total: '15000.00',
      });
    }
  });

  it('by debtor, sorted by 90+ days past due; a payment moves the figures', async () => {
    const byDebtor = await page('debtor', 'due', { sort: 'over90', order: 'desc' });
    expect(byDebtor.items.map((r) => [r.id, r.buckets['90+'], r.total])).toEqual([
      [ids.first, '5000.00', '8000.00'],
      [ids.second, '0.00', '7000.00'],
    ]);
    // 1,500.00 paid on the invoice 140 days past due: its debtor's 90+ falls, the totals follow.
    const [old] = await t.database.sql<{ id: string }[]>`select id::text from invoices where face_value = 5000 and debtor_id = ${ids.first}`;
    const payment = await t.database.transaction((tx) =>
      receivePayment(tx, { amount: '1500.00', currency: 'USD', receivedDate: '2026-04-01', payerName: 'Someone', reference: 'partial' }, team.collections),
    );
    await t.database.transaction((tx) => applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId: old!.id, amount: '1500.00' }] }, team.collections));
    const after = await page('debtor', 'due', { sort: 'over90', order: 'desc' });
    expect(after.items.map((r) => [r.id, r.buckets['90+'], r.total])).toEqual([
      [ids.first, '3500.00', '6500.00'],
      [ids.second, '0.00', '7000.00'],
    ]);
    expect((await agingTotals(t.database.sql, 'USD', AS_OF, 'due')).buckets['90+']).toBe('3500.00');
    expect(await rollupBreaks()).toEqual([]);
  });

  it('a bucket links to the open invoices due in its dates', () => {
    expect(pastDueHref('USD', 'Not due', AS_OF)).toBe('/invoices?status=open&currency=USD&dueFrom=2026-04-21');
    expect(pastDueHref('USD', '1–30', AS_OF)).toBe('/invoices?status=open&currency=USD&dueFrom=2026-03-21&dueTo=2026-04-19');
    expect(pastDueHref('USD', '90+', AS_OF)).toBe('/invoices?status=open&currency=USD&dueTo=2026-01-19');
  });

  it('audit:verify names a roll-up by due date that drifted from the invoices', async () => {
    await t.admin.sql`insert into rollups (grain, currency, ref_id, issue_date, tag, items, amount) values (12, 'USD', null, '2026-01-01', null, 1, 10)`;
    const breaks = await rollupBreaks();
    expect(breaks.map((b) => b.message)).toEqual([
      expect.stringContaining('the roll-up of open invoices by due date (USD, 2026-01-01) is off by 1 invoices and 10'),
    ]);
    await t.admin.sql`delete from rollups where grain = 12 and issue_date = '2026-01-01'`;
  });
});
