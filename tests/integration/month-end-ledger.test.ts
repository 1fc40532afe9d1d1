import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { closeDatabase } from '../../db/client';
import { closeQueues } from '../../jobs/queues';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { chargebackInvoice } from '../../lib/collections/disputes';
import { addDays } from '../../lib/dates';
import { balancesAsOf, reverse } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { approveRelease, runReleaseCycle } from '../../lib/releases';
import { glExportCsv, glMappingRows, readGlMapping, saveGlMapping, unmappedInUse } from '../../lib/reports/gl-export';
import { reserveRollForward, rollForwardRowOut, rollForwardTotalOut, type RollForward } from '../../lib/reports/roll-forward';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;
const prefixBefore = process.env.QUEUE_PREFIX;
const prefix = `holdback-glx-${randomBytes(4).toString('hex')}`;

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const pay = async (invoiceId: string, amount: string, date: string, currency = 'USD') => {
  const p = await tx((x) => receivePayment(x, { amount, currency, receivedDate: date }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId, amount }] }, team.collections));
};
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;

let naya: { id: string };
let euro: { id: string };
let chargebackEntry: number;
let feeEntry: number;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  process.env.DATABASE_URL = t.url;
  process.env.QUEUE_PREFIX = prefix;
  // A USD client: A (10,000) funded 1 Jan, paid 31 Jan, its 1,900.00 released 13 Feb; B (5,000)
  // funded 10 Jan and charged back 20 Feb (the charge reversed 25 Feb); C's fee settlement reversed.
  const client = await aClient(t.database, team, { name: 'Naya Freight', agreement: NAYA });
  naya = client;
  const debtor = await aDebtor(t.database, team);
  const a = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
  const b = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '5000.00', fundingDate: '2026-01-10' });
  await pay(a.id, '10000.00', '2026-01-31');
  const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
  await tx((x) => approveRelease(x, Number(run.releases[0]!.id), {}, team.approver));
  await tx((x) => chargebackInvoice(x, Number(b.id), { date: '2026-02-20' }, team.collections));
  const [cb] = await t.database.sql<{ id: string }[]>`select id from journal_entries where kind = 'chargeback' and invoice_id = ${b.id}`;
  chargebackEntry = Number(cb!.id);
  await tx((x) => reverse(x, chargebackEntry, { effectiveDate: '2026-02-25' }, team.controller));
  const [fee] = await t.database.sql<{ id: string }[]>`select id from journal_entries where kind = 'fee_settlement' and invoice_id = ${a.id}`;
  feeEntry = Number(fee!.id);
  await tx((x) => reverse(x, feeEntry, { effectiveDate: '2026-02-26', memo: 'fee waived' }, team.controller));
  // A EUR client funded in February: its own currency in the totals.
  euro = await aClient(t.database, team, { name: 'Euro Parts', currency: 'EUR', agreement: NAYA });
  await aFundedInvoice(t.database, team, { client: euro as never, debtor, faceValue: '2500.00', fundingDate: '2026-02-02' });
});
afterAll(async () => {
  await closeDatabase();
  await closeQueues();
  if (prefixBefore === undefined) delete process.env.QUEUE_PREFIX;
  else process.env.QUEUE_PREFIX = prefixBefore;
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

/** The reserve the ledger holds per client and currency at the end of a date (balancesAsOf). */
async function ledgerReserves(asOf: string): Promise<Map<string, string>> {
  const rows = await balancesAsOf(t.database, { asOf, accounts: ['reserve'] });
  return new Map(rows.filter((r) => r.clientId !== null).map((r) => [`${r.clientId}|${r.currency}`, formatMoney(r.balance, r.currency)]));
}

/** Every row ties: opening = the ledger at from − 1, closing = the ledger at to, and the identity. */
async function expectTied(report: RollForward) {
  const opening = await ledgerReserves(addDays(report.from, -1));
  const closing = await ledgerReserves(report.to);
  for (const r of report.rows) {
    const key = `${r.clientId}|${r.currency}`;
    const o = rollForwardRowOut(r);
    expect(o.opening, `opening ${key}`).toBe(opening.get(key) ?? formatMoney(r.opening.times(0), r.currency));
    expect(o.closing, `closing ${key}`).toBe(closing.get(key));
    expect(r.opening.plus(r.withheld).minus(r.fees).minus(r.released).plus(r.adjustments).eq(r.closing)).toBe(true);
  }
}

describe('the reserve roll-forward', () => {
  it('January: nothing held before; 3,000.00 withheld, the 100.00 fee settled; closing 2,900.00 — tied to the ledger', async () => {
    const report = await reserveRollForward(t.database.sql, { from: '2026-01-01', to: '2026-01-31' });
    await expectTied(report);
    expect(report.rows.map(rollForwardRowOut)).toEqual([
      {
        clientId: euro.id,
        clientName: 'Euro Parts',
        currency: 'EUR',
        opening: '0.00',
        withheld: '0.00',
        fees: '0.00',
        released: '0.00',
        adjustments: '0.00',
        closing: '0.00',
      },
      {
        clientId: naya.id,
        clientName: 'Naya Freight',
        currency: 'USD',
        opening: '0.00',
        withheld: '3000.00',
        fees: '100.00',
        released: '0.00',
        adjustments: '0.00',
        closing: '2900.00',
      },
    ]);
  });

  it('February: the release, the chargeback drawn and reversed, the fee reversal — each line in one column, tied to the ledger', async () => {
    const report = await reserveRollForward(t.database.sql, { from: '2026-02-01', to: '2026-02-28' });
    await expectTied(report);
    const usd = report.rows.find((r) => r.currency === 'USD')!;
    // What each kind moved, read straight from the lines (a reversal under its original's kind).
    const [moved] = await t.database.sql<{ fees: string; charges: string; released: string }[]>`
      select coalesce(sum(l.amount) filter (where coalesce(o.kind, e.kind) = 'fee_settlement'), 0)::text as fees,
             coalesce(-sum(l.amount) filter (where coalesce(o.kind, e.kind) = 'chargeback'), 0)::text as charges,
             coalesce(sum(l.amount) filter (where coalesce(o.kind, e.kind) = 'release'), 0)::text as released
        from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve' and a.client_id = ${naya.id}
        join journal_entries e on e.id = l.entry_id left join journal_entries o on o.id = e.reverses_entry_id
       where l.effective_date between '2026-02-01' and '2026-02-28'`;
    expect(rollForwardRowOut(usd)).toMatchObject({ opening: '2900.00', withheld: '0.00', released: '1900.00' });
    // A's 100.00 fee settlement reversed on 26 Feb (B's fee frozen at the chargeback stays receivable: the charge took its whole reserve).
    expect(rollForwardRowOut(usd).fees).toBe('-100.00');
    expect(formatMoney(usd.fees, 'USD')).toBe(formatMoney(new Big(moved!.fees), 'USD'));
    // The chargeback drew on the reserve and its reversal put it back: the adjustments net to nothing.
    expect(rollForwardRowOut(usd).adjustments).toBe('0.00');
    expect(formatMoney(new Big(moved!.charges), 'USD')).toBe('0.00');
    expect(formatMoney(usd.released, 'USD')).toBe(formatMoney(new Big(moved!.released), 'USD'));
    expect(rollForwardRowOut(usd).closing).toBe('1100.00');
    const eur = report.rows.find((r) => r.currency === 'EUR')!;
    expect(rollForwardRowOut(eur)).toMatchObject({ opening: '0.00', withheld: '500.00', closing: '500.00' });
    expect(report.totals.map(rollForwardTotalOut)).toEqual([
      { currency: 'EUR', clients: 1, opening: '0.00', withheld: '500.00', fees: '0.00', released: '0.00', adjustments: '0.00', closing: '500.00' },
      { currency: 'USD', clients: 1, opening: '2900.00', withheld: '0.00', fees: '-100.00', released: '1900.00', adjustments: '0.00', closing: '1100.00' },
    ]);
  });

  it('a period cut between the chargeback and its reversal shows the draw as an adjustment; one client only with clientId', async () => {
    const report = await reserveRollForward(t.database.sql, { from: '2026-02-14', to: '2026-02-22', clientId: Number(naya.id) });
    await expectTied(report);
    expect(report.rows).toHaveLength(1);
    const usd = rollForwardRowOut(report.rows[0]!);
    expect(usd.opening).toBe('1000.00');
    // the chargeback drew B's 1,000.00 from the reserve on 20 Feb; its reversal falls after the period
    expect(usd).toMatchObject({ withheld: '0.00', fees: '0.00', released: '0.00', adjustments: '-1000.00', closing: '0.00' });
  });

  it('any period, day by day, ties to the ledger for every client', async () => {
    for (const [from, to] of [
      ['2025-12-01', '2025-12-31'],
      ['2026-01-05', '2026-02-13'],
      ['2026-02-13', '2026-02-13'],
      ['2026-02-26', '2026-03-31'],
      ['2026-01-01', '2026-12-31'],
    ] as const) {
      await expectTied(await reserveRollForward(t.database.sql, { from, to }));
    }
  });
});

async function csvOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** Debits and credits per currency of the detail's lines (by entry) and the summary's (by day). */
function balanced(csv: string, groupColumn: number, currencyColumn: number, debitColumn: number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of csv.trim().split('\r\n').slice(1)) {
    const cells = line.split(',');
    if (cells[0] === 'Total') continue;
    const key = `${cells[groupColumn]}|${cells[currencyColumn]}`;
    const cents = (v: string | undefined) => (v ? Math.round(Number(v) * 100) : 0);
    sums.set(key, (sums.get(key) ?? 0) + cents(cells[debitColumn]) - cents(cells[debitColumn + 1]));
  }
  return sums;
}

describe('the general-ledger export', () => {
  it('an unmapped ledger: every account under UNMAPPED-…, flagged; the mapping validated, saved and audited', async () => {
    expect(await readGlMapping(t.database)).toEqual([]);
    const unmapped = unmappedInUse(await glMappingRows(t.database));
    expect(unmapped.map((r) => `${r.account}|${r.currency}`)).toContain('reserve|USD');
    expect(unmapped.find((r) => r.account === 'reserve' && r.currency === 'USD')!.resolved.code).toBe('UNMAPPED-RESERVE-USD');

    await expect(tx((x) => saveGlMapping(x, [{ account: 'reserve', currency: 'USD', code: '' }], team.controller))).rejects.toMatchObject({
      code: 'invalid_input',
      details: { code__reserve__USD: 'GL code for Reserve held for the client (USD) is required' },
    });
    await expect(tx((x) => saveGlMapping(x, [{ account: 'reserve', currency: '*', code: '2100' }], team.funding))).rejects.toMatchObject({ code: 'forbidden' });
    await tx((x) =>
      saveGlMapping(
        x,
        [
          { account: 'reserve', currency: '*', code: '2100', name: 'Client reserves' },
          { account: 'reserve', currency: 'EUR', code: '2101', name: 'Client reserves EUR' },
          { account: 'cash', currency: '*', code: '1000', name: 'Bank' },
          { account: 'receivable', currency: '*', code: '1200', name: 'Purchased receivables' },
          { account: 'client_payable', currency: '*', code: '2200', name: 'Due to clients' },
        ],
        team.controller,
      ),
    );
    const [audit] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'settings.gl_mapping'`;
    expect(audit!.n).toBe(1);
    const rows = await glMappingRows(t.database);
    expect(rows.find((r) => r.account === 'reserve' && r.currency === 'USD')!.resolved).toEqual({ code: '2100', name: 'Client reserves', mapped: true });
    expect(rows.find((r) => r.account === 'reserve' && r.currency === 'EUR')!.resolved.code).toBe('2101');
    expect(unmappedInUse(rows).map((r) => r.account)).not.toContain('reserve');
  });

  it('summary: per GL account, currency and day, each day balancing per currency; the totals check', async () => {
    const csv = await csvOf(await glExportCsv(t.database.sql, { from: '2026-01-01', to: '2026-02-28', mode: 'summary' }));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Date,GL code,GL account,Currency,Debit,Credit,Holdback accounts');
    expect(lines).toContain('2026-01-01,2100,Client reserves,USD,0.00,2000.00,reserve');
    expect(lines.some((l) => l.startsWith('2026-02-02,2101,Client reserves EUR,EUR,0.00,500.00'))).toBe(true);
    expect(lines.some((l) => l.includes('UNMAPPED-FEES_RECEIVABLE-USD'))).toBe(true);
    for (const [key, net] of balanced(csv, 0, 3, 4)) expect(net, key).toBe(0);
    const totals = lines.filter((l) => l.startsWith('Total'));
    expect(totals.map((l) => l.split(',')[3])).toEqual(['EUR', 'USD']);
    for (const total of totals) expect(total.split(',')[4]).toBe(total.split(',')[5]);
    // the totals equal the ledger's own sums of the period
    const [ledger] = await t.database.sql<{ debit: string }[]>`
      select sum(amount) filter (where amount > 0)::text as debit from journal_lines where currency = 'USD' and effective_date between '2026-01-01' and '2026-02-28'`;
    expect(totals.find((l) => l.includes(',USD,'))!.split(',')[4]).toBe(formatMoney(new Big(ledger!.debit), 'USD'));
  });

  it('detail: one line per journal line with its GL code, each entry balancing per currency; the same totals', async () => {
    const csv = await csvOf(await glExportCsv(t.database.sql, { from: '2026-01-01', to: '2026-02-28', mode: 'detail' }));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Entry id,Date,Kind,Holdback account,GL code,GL account,Currency,Debit,Credit,Client id,Client,Invoice,Reference,Memo');
    const [count] = await t.database.sql<
      { n: number }[]
    >`select count(*)::int as n from journal_lines where effective_date between '2026-01-01' and '2026-02-28'`;
    expect(lines.filter((l) => !l.startsWith('Total')).length - 1).toBe(count!.n);
    for (const [key, net] of balanced(csv, 0, 6, 7)) expect(net, key).toBe(0);
    expect(lines.some((l) => l.includes(`,reversal,reserve,2100,Client reserves,USD,`) && l.includes(`reverses entry ${chargebackEntry}`))).toBe(true);
    expect(lines.some((l) => l.includes(',Naya Freight,'))).toBe(true);
    const summary = await csvOf(await glExportCsv(t.database.sql, { from: '2026-01-01', to: '2026-02-28', mode: 'summary' }));
    const totals = (text: string) =>
      text
        .trim()
        .split('\r\n')
        .filter((l) => l.startsWith('Total'))
        .map((l) => l.split(',').filter((c) => /^\d+\.\d{2}$|^[A-Z]{3}$/.test(c)));
    expect(totals(csv)).toEqual(totals(summary));
  });
});

describe('the API', () => {
  const keyFor = async (actor: { userId: number | null }) => (await tx((x) => createApiKey(x, actor.userId!, 'test', actor as never))).key;
  const get = async (route: 'roll-forward' | 'gl-export', query: string, key: string) => {
    const mod =
      route === 'roll-forward' ? await import('../../app/api/v1/reports/roll-forward/route') : await import('../../app/api/v1/reports/gl-export/route');
    return mod.GET(new Request(`http://holdback.test/api/v1/reports/${route}?${query}`, { headers: { authorization: `Bearer ${key}` } }), {
      params: Promise.resolve({}),
    } as never);
  };

  it('GET /reports/roll-forward: per client and currency and the totals, as decimal strings; csv and pdf', async () => {
    const key = await keyFor(team.controller);
    const res = await get('roll-forward', 'from=2026-01-01&to=2026-01-31', key);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Record<string, string>[]; totals: Record<string, unknown>[]; nextCursor: string | null };
    expect(body.items.find((i) => i.currency === 'USD')).toMatchObject({
      clientId: naya.id,
      opening: '0.00',
      withheld: '3000.00',
      fees: '100.00',
      closing: '2900.00',
    });
    expect(body.totals).toContainEqual(expect.objectContaining({ currency: 'USD', closing: '2900.00' }));
    expect(body.nextCursor).toBeNull();

    const paged = (await (await get('roll-forward', 'from=2026-01-01&to=2026-01-31&limit=1', key)).json()) as typeof body;
    expect(paged.items).toHaveLength(1);
    expect(paged.totals).toHaveLength(2);
    const rest = (await (await get('roll-forward', `from=2026-01-01&to=2026-01-31&limit=1&cursor=${paged.nextCursor}`, key)).json()) as typeof body;
    expect([...paged.items, ...rest.items].map((i) => i.clientId)).toEqual(body.items.map((i) => i.clientId));

    const one = (await (await get('roll-forward', `from=2026-01-01&to=2026-01-31&clientId=${naya.id}`, key)).json()) as typeof body;
    expect(one.items.map((i) => i.clientId)).toEqual([naya.id]);

    const csv = await get('roll-forward', 'from=2026-01-01&to=2026-01-31&format=csv', key);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text).toContain(`${naya.id},Naya Freight,USD,0.00,3000.00,100.00,0.00,0.00,2900.00`);
    expect(text).toContain(',Portfolio total,USD,0.00,3000.00,100.00,0.00,0.00,2900.00');
    const pdf = await get('roll-forward', 'from=2026-01-01&to=2026-01-31&format=pdf', key);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('bad dates → 400 naming the field in plain words; a client user and a non-finance role are refused', async () => {
    const key = await keyFor(team.controller);
    const missing = await get('roll-forward', 'to=2026-01-31', key);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('From is required');
    const wrong = await get('roll-forward', 'from=2026-02-30&to=2026-03-31', key);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('From must be a real date written YYYY-MM-DD, such as 2026-03-31');
    const backwards = await get('gl-export', 'from=2026-02-01&to=2026-01-31', key);
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: { message: string } }).error.message).toContain('To (2026-01-31) must not be before From (2026-02-01)');
    const mode = await get('gl-export', 'from=2026-01-01&to=2026-01-31&mode=full', key);
    expect(mode.status).toBe(400);
    expect(((await mode.json()) as { error: { message: string } }).error.message).toBe('Mode must be summary or detail');

    const clientUser = await aUser(t.database, 'client', { clientId: Number(naya.id) });
    const clientKey = await keyFor(clientUser);
    expect((await get('roll-forward', 'from=2026-01-01&to=2026-01-31', clientKey)).status).toBe(403);
    expect((await get('gl-export', 'from=2026-01-01&to=2026-01-31', clientKey)).status).toBe(403);
    expect((await get('gl-export', 'from=2026-01-01&to=2026-01-31', await keyFor(team.funding))).status).toBe(403);
    // a staff role that reads reports may read the roll-forward
    expect((await get('roll-forward', 'from=2026-01-01&to=2026-01-31', await keyFor(team.funding))).status).toBe(200);
  });

  it('GET /reports/gl-export: text/csv in both modes, named by mode and period', async () => {
    const key = await keyFor(team.controller);
    for (const mode of ['summary', 'detail']) {
      const res = await get('gl-export', `from=2026-01-01&to=2026-02-28&mode=${mode}`, key);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(res.headers.get('content-disposition')).toContain(`gl-export-${mode}-2026-01-01-to-2026-02-28.csv`);
      expect((await res.text()).split('\r\n').some((l) => l.startsWith('Total,'))).toBe(true);
    }
  });
});
