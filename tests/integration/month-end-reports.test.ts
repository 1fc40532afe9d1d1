import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { openDispute, resolveDispute } from '../../lib/collections/disputes';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { fundBatch } from '../../lib/funding';
import { approveFundingBatch } from '../../lib/funding/approve-batch';
import { balancesAsOf } from '../../lib/ledger/balances';
import { Big } from '../../lib/money';
import { loanTapeStream } from '../../lib/reports/month-end/loan-tape';
import { parseMonthEndParams } from '../../lib/reports/month-end/params';
import { fundsEmployedReport, ineligiblesReport, trendsReport } from '../../lib/reports/month-end/reports';
import { createApiKey } from '../../lib/users';
import { systemActor } from '../../lib/auth/actor';
import { runAccrual } from '../../lib/fees/accrual';
import { feeIncomeByMonth } from '../../lib/reports/fee-income';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 16 item 6: the month-end reports on a small portfolio built with the real commands
 * (funding, payments applied, a dispute opened and later resolved by a credit note), as of
 * 2026-04-30 with some movements after it (a payment, the credit note, a funding), each figure
 * to the cent and tied to the ledger's balances as of the date.
 *
 * Alpha (USD) — as of 2026-04-30, past due = more than 90 days since the invoice date:
 *   A1 D1 issued 2026-01-05  3,000.00  115 days: past due
 *   A2 D1 issued 2026-04-01  2,000.00  D1's balance 60% past due (> 50%): cross-aged
 *   A3 D2 issued 2026-03-15  4,000.00  disputed since 2026-04-10 (credit note 2026-05-15)
 *   A4 D2 issued 2026-04-05  8,000.00  D2 (limit 5,000.00) holds 10,000.00 eligible so far: over limit 4,000.00
 *   A5 D3 issued 2026-04-10  1,000.00  paid 2026-04-20: closed
 *   A7 D3 issued 2026-03-01  1,500.00  500.00 paid 2026-04-15, 1,000.00 on 2026-05-10: 1,000.00 open on the date
 *   A6 D3 funded 2026-05-05  1,200.00  after the date
 * Bravo (USD):
 *   B1 D2 issued 2026-04-02  2,000.00  over limit 1,000.00 (its share: 2,000 of the 10,000)
 */
const AS_OF = '2026-04-30';
let t: TestDatabase;
let team: Team;
let key: string;
let clientKey: string;
const databaseUrlBefore = process.env.DATABASE_URL;
let ids: { alpha: string; bravo: string; a3: string; a7: string };

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  team = await aTeam(t.database);
  const alpha = await aClient(t.database, team, { name: 'Alpha Month' });
  const bravo = await aClient(t.database, team, { name: 'Bravo Month' });
  const d1 = await aDebtor(t.database, team);
  const d2 = await aDebtor(t.database, team, { creditLimit: '5000.00' });
  const d3 = await aDebtor(t.database, team);
  const inv = (client: typeof alpha, debtor: typeof d1, number: string, issueDate: string, faceValue: string) =>
    anInvoice(t.database, team, { client, debtor, number, issueDate, faceValue });
  // A batch held by a limit check is approved by someone else, as people do.
  const fund = async (client: typeof alpha, invoiceIds: string[], fundingDate: string) => {
    const batch = await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds, fundingDate }, team.funding));
    if (batch.status === 'pending_approval') await t.database.transaction((tx) => approveFundingBatch(tx, Number(batch.id), team.approver));
  };
  const a1 = await inv(alpha, d1, 'ME-A1', '2026-01-05', '3000.00');
  await fund(alpha, [a1.id], '2026-01-10');
  const a7 = await inv(alpha, d3, 'ME-A7', '2026-03-01', '1500.00');
  const a3 = await inv(alpha, d2, 'ME-A3', '2026-03-15', '4000.00');
  await fund(alpha, [a7.id, a3.id], '2026-03-20');
  const a2 = await inv(alpha, d1, 'ME-A2', '2026-04-01', '2000.00');
  const a4 = await inv(alpha, d2, 'ME-A4', '2026-04-05', '8000.00');
  const a5 = await inv(alpha, d3, 'ME-A5', '2026-04-10', '1000.00');
  await fund(alpha, [a2.id, a4.id, a5.id], '2026-04-12');
  const b1 = await inv(bravo, d2, 'ME-B1', '2026-04-02', '2000.00');
  await fund(bravo, [b1.id], '2026-04-12');
  const pay = async (invoiceId: string, amount: string, receivedDate: string) => {
    const p = await t.database.transaction((tx) =>
      receivePayment(tx, { amount, currency: 'USD', receivedDate, payerName: 'Payer', reference: 'month end' }, team.collections),
    );
    await t.database.transaction((tx) => applyPayment(tx, Number(p.id), { allocations: [{ invoiceId, amount }] }, team.collections));
  };
  const dispute = await t.database.transaction((tx) =>
    openDispute(tx, Number(a3.id), { amount: '4000.00', reason: 'goods damaged', date: '2026-04-10' }, team.collections),
  );
  await pay(a7.id, '500.00', '2026-04-15');
  await pay(a5.id, '1000.00', '2026-04-20');
  const a6 = await inv(alpha, d3, 'ME-A6', '2026-05-01', '1200.00');
  await fund(alpha, [a6.id], '2026-05-05');
  await pay(a7.id, '1000.00', '2026-05-10');
  await t.database.transaction((tx) =>
    resolveDispute(tx, Number(a3.id), Number(dispute.id), { outcome: 'credit_note', amount: '4000.00', date: '2026-05-15' }, team.collections),
  );
  ids = { alpha: alpha.id, bravo: bravo.id, a3: a3.id, a7: a7.id };
  key = (await t.database.transaction((x) => createApiKey(x, team.controller.userId!, 'month end', team.controller))).key;
  const clientUser = await aUser(t.database, 'client', { clientId: Number(alpha.id) });
  clientKey = (await t.database.transaction((x) => createApiKey(x, clientUser.userId!, 'month end client', clientUser))).key;
}, 180_000);

afterAll(async () => {
  await closeDatabase();
  process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

const params = (q: Record<string, string> = {}) => parseMonthEndParams(new URLSearchParams({ asOf: AS_OF, ...q }), '2026-11-30');

async function call(path: string, query: Record<string, string>, withKey: string = key) {
  const routes = {
    'funds-employed': () => import('../../app/api/v1/reports/funds-employed/route'),
    ineligibles: () => import('../../app/api/v1/reports/ineligibles/route'),
    trends: () => import('../../app/api/v1/reports/trends/route'),
    'loan-tape': () => import('../../app/api/v1/reports/loan-tape/route'),
    'fee-income': () => import('../../app/api/v1/reports/fee-income/route'),
  } as const;
  const mod = await routes[path as keyof typeof routes]();
  const qs = new URLSearchParams(query).toString();
  const res = await mod.GET(
    new Request(`http://holdback.test/api/v1/reports/${path}${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${withKey}` } }),
    { params: Promise.resolve({}) },
  );
  const type = res.headers.get('content-type') ?? '';
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  return {
    status: res.status,
    type,
    text,
    bytes,
    disposition: res.headers.get('content-disposition') ?? '',
    json: type.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

/** The client's account balance as of the date, as a person reads it (lib/ledger's own reader). */
async function ledger(clientId: string, account: 'receivable' | 'reserve' | 'client_payable' | 'client_due'): Promise<string> {
  const rows = await t.database.transaction((tx) => balancesAsOf(tx, { asOf: AS_OF, clientId: Number(clientId), accounts: [account] }));
  return rows.reduce((s, r) => s.plus(r.balance), new Big(0)).toFixed(2);
}

describe('month-end reports (issue 16 item 6)', () => {
  it('net funds employed: each part is the ledger balance as of the date; funds employed = receivables + due − reserve − payable', async () => {
    const r = await fundsEmployedReport(t.database.sql, params());
    expect(r.rows.map((x) => [x.clientName, x.currency, x.receivable])).toEqual([
      ['Alpha Month', 'USD', '18000.00'],
      ['Bravo Month', 'USD', '2000.00'],
    ]);
    for (const row of r.rows) {
      expect(row.receivable).toBe(await ledger(row.clientId, 'receivable'));
      expect(row.reserve).toBe(await ledger(row.clientId, 'reserve'));
      expect(row.clientPayable).toBe(await ledger(row.clientId, 'client_payable'));
      expect(row.clientDue).toBe(await ledger(row.clientId, 'client_due'));
      expect(row.fundsEmployed).toBe(new Big(row.receivable).plus(row.clientDue).minus(row.reserve).minus(row.clientPayable).toFixed(2));
    }
    // Bravo: one invoice of 2,000.00 at 80%: 400.00 held, 1,600.00 employed
    expect(r.rows[1]).toMatchObject({ reserve: '400.00', fundsEmployed: '1600.00' });
    expect(r.totals).toEqual([
      expect.objectContaining({
        currency: 'USD',
        receivable: '20000.00',
        fundsEmployed: new Big(r.rows[0]!.fundsEmployed).plus('1600.00').toFixed(2),
      }),
    ]);
    // the day before anything was funded: nothing employed
    expect((await fundsEmployedReport(t.database.sql, params({ asOf: '2026-01-09' }))).rows).toEqual([]);
  });

  it('ineligibles: each invoice once (past due, disputed, cross-aged), over limit shared by the debtor’s clients; open receivables tie to the ledger', async () => {
    const r = await ineligiblesReport(t.database.sql, params());
    const brief = r.rows.map((x) => [x.clientName, x.invoices, x.openReceivables, x.pastDue, x.disputed, x.crossAged, x.overLimit, x.ineligible, x.eligible]);
    expect(brief).toEqual([
      ['Alpha Month', 5, '18000.00', '3000.00', '4000.00', '2000.00', '4000.00', '13000.00', '5000.00'],
      ['Bravo Month', 1, '2000.00', '0.00', '0.00', '0.00', '1000.00', '1000.00', '1000.00'],
    ]);
    for (const row of r.rows) {
      expect(row.openReceivables).toBe(row.ledgerReceivable);
      expect(row.ledgerReceivable).toBe(await ledger(row.clientId, 'receivable'));
    }
    // availability: eligible × 80% − funds employed; both over-advanced
    const fe = await fundsEmployedReport(t.database.sql, params());
    const alphaFe = fe.rows[0]!.fundsEmployed;
    expect(r.rows[0]).toMatchObject({
      advanceRate: '0.8',
      borrowingBase: '4000.00',
      fundsEmployed: alphaFe,
      available: '0.00',
      overAdvanced: new Big(alphaFe).minus(4000).toFixed(2),
    });
    expect(r.rows[1]).toMatchObject({ borrowingBase: '800.00', fundsEmployed: '1600.00', available: '0.00', overAdvanced: '800.00' });
    expect(r.totals[0]).toMatchObject({ openReceivables: '20000.00', ineligible: '14000.00', eligible: '6000.00', overLimit: '5000.00' });
  });

  it('ineligibles follow their parameters: past due after 120 days, cross-age above 70%', async () => {
    const r = await ineligiblesReport(t.database.sql, params({ pastDueDays: '120', crossAgePercent: '70', clientId: ids.alpha }));
    // nothing past due (A1 is 115 days) → no cross-age; D2: 4,000 disputed, A4 8,000 + Bravo 2,000 over a 5,000 limit
    expect(r.rows.map((x) => [x.pastDue, x.disputed, x.crossAged, x.overLimit, x.eligible])).toEqual([['0.00', '4000.00', '0.00', '4000.00', '10000.00']]);
    const cross = await ineligiblesReport(t.database.sql, params({ crossAgePercent: '70', clientId: ids.alpha }));
    // D1 is 60% past due: not above 70%
    expect(cross.rows[0]).toMatchObject({ pastDue: '3000.00', crossAged: '0.00' });
  });

  it('ineligibles as of a later date: the dispute resolved by a credit note, A7 paid, A6 funded', async () => {
    const r = await ineligiblesReport(t.database.sql, params({ asOf: '2026-05-31', clientId: ids.alpha }));
    // open: A1 3,000 (146 days), A2 2,000, A4 8,000, A6 1,200 = 14,200; D1 60% past due → A2 cross-aged; D2: A4 8,000 + B1 2,000 over 5,000
    expect(r.rows.map((x) => [x.openReceivables, x.pastDue, x.disputed, x.crossAged, x.overLimit, x.eligible, x.ledgerReceivable])).toEqual([
      ['14200.00', '3000.00', '0.00', '2000.00', '4000.00', '5200.00', '14200.00'],
    ]);
  });

  it('DSO and dilution by month: receivables at each month end from the ledger, credit sales funded in the month', async () => {
    const r = await trendsReport(t.database.sql, params({ from: '2026-01', to: '2026-05' }));
    const portfolio = r.series.find((s) => s.clientId === null)!;
    expect(portfolio.points.map((p) => [p.month, p.receivables, p.creditSales, p.dso, p.reduced, p.collected, p.dilution])).toEqual([
      ['2026-01', '3000.00', '3000.00', '31.0', '0.00', '0.00', null],
      ['2026-02', '3000.00', '0.00', null, '0.00', '0.00', null],
      // 8,500 / 5,500 × 31 = 47.9
      ['2026-03', '8500.00', '5500.00', '47.9', '0.00', '0.00', null],
      // 20,000 / 13,000 × 30 = 46.2; two payments, no dilution
      ['2026-04', '20000.00', '13000.00', '46.2', '1500.00', '1500.00', '0.0000'],
      // 16,200 / 1,200 × 31 = 418.5; the 4,000 credit note of 5,000 taken off: 80%
      ['2026-05', '16200.00', '1200.00', '418.5', '5000.00', '1000.00', '0.8000'],
    ]);
    const bravo = r.series.find((s) => s.clientId === ids.bravo)!;
    expect(bravo.points.map((p) => [p.month, p.receivables, p.dso])).toEqual([
      ['2026-01', '0.00', null],
      ['2026-02', '0.00', null],
      ['2026-03', '0.00', null],
      ['2026-04', '2000.00', '30.0'],
      ['2026-05', '2000.00', null],
    ]);
    // the month ends tie to the ledger's receivable as of those dates
    for (const [month, end] of [
      ['2026-03', '2026-03-31'],
      ['2026-04', '2026-04-30'],
    ] as const) {
      const rows = await t.database.transaction((tx) => balancesAsOf(tx, { asOf: end, accounts: ['receivable'] }));
      expect(portfolio.points.find((p) => p.month === month)!.receivables).toBe(rows.reduce((s, x) => s.plus(x.balance), new Big(0)).toFixed(2));
    }
  });

  it('the loan tape: a row per invoice open on the date, streamed in batches, figures as of the date', async () => {
    const read = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
    // batches of 2 invoice ids: closed (A5) and later (A6) invoices fall in batches of their own
    const csv = await read(loanTapeStream(t.database.sql, AS_OF, { batch: 2 }));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Invoice number,Invoice id,Client,Client id,Debtor,Debtor id,Currency,Face value,Funded date,Advance,Reserve,Outstanding,Due date,Days past due,Status,Fees to date',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14]])).toEqual([
      ['ME-A1', '3000.00', '2026-01-10', '2400.00', '600.00', '3000.00', '2026-03-05', '56', 'funded'],
      ['ME-A7', '1500.00', '2026-03-20', '1200.00', '300.00', '1000.00', '2026-04-29', '1', 'funded'],
      ['ME-A3', '4000.00', '2026-03-20', '3200.00', '800.00', '4000.00', '2026-05-13', '0', 'disputed'],
      ['ME-A2', '2000.00', '2026-04-12', '1600.00', '400.00', '2000.00', '2026-05-30', '0', 'funded'],
      ['ME-A4', '8000.00', '2026-04-12', '6400.00', '1600.00', '8000.00', '2026-06-03', '0', 'funded'],
      ['ME-B1', '2000.00', '2026-04-12', '1600.00', '400.00', '2000.00', '2026-05-31', '0', 'funded'],
    ]);
    // the outstanding column sums to the ledger's receivables as of the date
    expect(rows.reduce((s, r) => s.plus(r[11]!), new Big(0)).toFixed(2)).toBe('20000.00');
    expect(await read(loanTapeStream(t.database.sql, AS_OF, { batch: 1000 }))).toBe(csv);
  });

  it('the API: JSON with decimal strings, CSV and PDF downloads, staff only, a bad date is a 400 naming it', async () => {
    const fe = await call('funds-employed', { asOf: AS_OF });
    expect(fe.status).toBe(200);
    expect((fe.json!.totals as { receivable: string }[])[0]!.receivable).toBe('20000.00');
    const inel = await call('ineligibles', { asOf: AS_OF, format: 'csv' });
    expect(inel.type).toContain('text/csv');
    expect(inel.disposition).toContain('ineligibles-2026-04-30.csv');
    expect(inel.text.split('\r\n')[0]).toContain('Client,Client id,Currency,Open invoices,Open receivables,Past due,Disputed,Cross-aged,Over limit');
    expect(inel.text).toContain('Alpha Month,');
    for (const path of ['funds-employed', 'ineligibles', 'trends']) {
      const pdf = await call(path, { asOf: AS_OF, from: '2026-01', to: '2026-05', format: 'pdf' });
      expect(pdf.status, path).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      expect(new TextDecoder().decode(pdf.bytes.slice(0, 5))).toBe('%PDF-');
    }
    const tape = await call('loan-tape', { asOf: AS_OF });
    expect(tape.status).toBe(200);
    expect(tape.disposition).toContain('loan-tape-2026-04-30.csv');
    expect(tape.text.trim().split('\r\n')).toHaveLength(7);
    const trends = await call('trends', { from: '2026-01', to: '2026-05', clientId: ids.bravo });
    expect((trends.json!.series as { clientName: string }[]).map((s) => s.clientName)).toEqual(['Portfolio', 'Bravo Month']);

    const bad = await call('ineligibles', { asOf: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { details: { asOf: 'As of must be a real date written YYYY-MM-DD, such as 2026-03-31' } } });
    const badMonth = await call('trends', { from: '2026-05', to: '2026-01' });
    expect(badMonth.status).toBe(400);
    expect(badMonth.json).toMatchObject({ error: { details: { to: 'To month must not be before From month' } } });
    const badDays = await call('ineligibles', { pastDueDays: 'ninety' });
    expect(badDays.status).toBe(400);
    expect(JSON.stringify(badDays.json)).toContain('Past due after (days) must be a whole number of days');
    expect((await call('loan-tape', { format: 'pdf' })).status).toBe(400);
    expect((await call('funds-employed', { format: 'xml' })).status).toBe(400);

    // a client user's key: 403 on every month-end report (staff who may open Reports only)
    for (const path of ['funds-employed', 'ineligibles', 'trends', 'loan-tape']) {
      expect((await call(path, { asOf: AS_OF }, clientKey)).status, path).toBe(403);
    }
  });

  // Last: the accrual posts fee income (the tests above read the ledger before it).
  it('fee income by client and month ties to the fee income ledger lines; its PDF lists every client', async () => {
    await runAccrual(t.database, { asOf: '2026-05-31', by: systemActor('test:fee-accrual') });
    const months = await feeIncomeByMonth(t.database.sql, { from: '2026-01', to: '2026-05' }, 'USD', '2026-11-30');
    const [ledgerIncome] = await t.database.sql<{ month: string; income: string }[]>`
      select coalesce(-sum(l.amount), 0)::text as income from journal_lines l join ledger_accounts a on a.id = l.account_id
       where a.code = 'fee_income' and a.currency = 'USD' and l.effective_date between '2026-01-01' and '2026-05-31'`;
    const total = months.reduce((s, m) => s.plus(m.income), new Big(0));
    expect(total.gt(0)).toBe(true);
    expect(total.toFixed(2)).toBe(new Big(ledgerIncome!.income).toFixed(2));
    const pdf = await call('fee-income', { from: '2026-01', to: '2026-05', currency: 'USD', format: 'pdf' });
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.disposition).toContain('fee-income-USD-2026-01-to-2026-05.pdf');
    // the loan tape's fees to date now read the accrual (A4: funded 2026-04-12, 18 days by 2026-04-30)
    const csv = await new Response(loanTapeStream(t.database.sql, AS_OF)).text();
    const a4 = csv
      .split('\r\n')
      .find((l) => l.startsWith('ME-A4,'))!
      .split(',');
    expect(new Big(a4[15]!).gt(0)).toBe(true);
  });
});
