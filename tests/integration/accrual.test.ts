import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementTermsSchema, type FeeSchedule } from '../../lib/agreements/terms';
import { systemActor } from '../../lib/auth/actor';
import { verifyAll } from '../../lib/audit/verify';
import { addDays, daysBetween } from '../../lib/dates';
import { runAccrual, accrualSummary } from '../../lib/fees/accrual';
import { accruedFee } from '../../lib/fees/schedule';
import { freezeFee, settleInvoice } from '../../lib/fees/settlement';
import { getInvoice } from '../../lib/invoices';
import { currentBalances } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { aClient, aCollection, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
const job = systemActor('job:fee-accrual');
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const accrue = (asOf: string, chunkSize?: number) => runAccrual(t.database, { asOf, by: job, chunkSize });
const accruedOf = async (invoiceId: string) => (await getInvoice(t.database, Number(invoiceId), systemActor('test'))).feesAccrued;
/** What the daily runs posted for an invoice, date by date: its rows of the accrual detail. */
const detailOf = (invoiceId: string) =>
  t.database.sql<{ effective_date: string; amount: string }[]>`
    select effective_date, amount from fee_accrual_lines where invoice_id = ${invoiceId} order by effective_date`;
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;

describe('the daily accrual (SPEC 4)', () => {
  it('worked example 1: 10,000 at 12% actual/360 accrues 100.00 over 30 days, a posting a day, and settles from the reserve', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const run = await accrue('2026-01-31');
    expect(run.dates[0]).toBe('2026-01-01');
    expect(await accruedOf(invoice.id)).toBe('100.00');
    // the difference per invoice and date is its accrual detail (issue 13: the journal gets one line per client and day)
    const lines = await detailOf(invoice.id);
    expect(lines.length).toBe(30);
    expect(lines[0]).toEqual({ effective_date: '2026-01-02', amount: '3.3300' });
    expect(lines[1]).toEqual({ effective_date: '2026-01-03', amount: '3.3400' });
    expect(lines.reduce((s, l) => s.plus(l.amount), new Big(0)).toString()).toBe('100');
    // paid in full on 2026-01-31: fee frozen at 100.00 and settled from the reserve
    await aCollection(t.database, invoice, '10000.00', '2026-01-31');
    const frozen = await t.database.transaction((tx) => settleInvoice(tx, Number(invoice.id), '2026-01-31', team.collections));
    expect(frozen).toMatchObject({ fee: '100.00', adjustment: '0.00', settledFromReserve: '100.00', unsettled: '0.00' });
    expect(await getInvoice(t.database, Number(invoice.id), team.funding)).toMatchObject({
      status: 'settled',
      reserve: '1900.00',
      outstanding: '0.00',
      feesAccrued: '100.00',
      settledDate: '2026-01-31',
    });
    const balances = Object.fromEntries(
      (await currentBalances(t.database, { clientId: Number(client.id) })).map((b) => [b.account, formatMoney(b.balance, 'USD')]),
    );
    expect(balances).toMatchObject({ reserve: '1900.00', fees_receivable: '0.00', receivable: '0.00' });
    // frozen: later accruals post nothing for it
    await accrue('2026-02-28');
    expect(await accruedOf(invoice.id)).toBe('100.00');
  });

  it('a second run for the same date, or two at once, posts nothing twice', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '7777.77', fundingDate: '2026-03-01' });
    const [a, b] = await Promise.all([accrue('2026-03-20', 1), accrue('2026-03-20', 1)]);
    const again = await accrue('2026-03-20');
    expect(accrualSummary(again)).toMatchObject({ posted: '0.00', invoices: 0 });
    const expected = formatMoney(new Big('7777.77').times(19).times('0.12').div(360), 'USD');
    expect(await accruedOf(invoice.id)).toBe(expected);
    const total = [...a.posted.values(), ...b.posted.values()].reduce((s, v) => s.plus(v), new Big(0));
    expect(total.gte(expected)).toBe(true); // both runs together posted this invoice's fee exactly once
    expect((await detailOf(invoice.id)).filter((d) => d.effective_date === '2026-03-20')).toHaveLength(1);
  });

  it('catches up missed days, each posted on its own date', async () => {
    const client = await aClient(t.database, team, {
      agreement: { fees: { kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 10 } },
    });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-04-01' });
    await accrue('2026-04-05');
    expect(await accruedOf(invoice.id)).toBe('300.00');
    // the worker was down; the next run catches up to day 45
    const run = await accrue('2026-05-16');
    expect(run.dates).toContain('2026-05-02');
    expect(await accruedOf(invoice.id)).toBe('500.00');
    const steps = await detailOf(invoice.id);
    expect(steps).toEqual([
      { effective_date: '2026-04-01', amount: '300.0000' },
      { effective_date: '2026-05-02', amount: '100.0000' },
      { effective_date: '2026-05-12', amount: '100.0000' },
    ]);
  });

  it('daily_rate on outstanding: a 50% payment halfway lowers the base (hand-computed 75.00)', async () => {
    const client = await aClient(t.database, team, { agreement: { fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'outstanding' } } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-06-01' });
    await accrue('2026-06-10');
    await aCollection(t.database, invoice, '5000.00', '2026-06-16'); // day 15
    await accrue('2026-07-01'); // day 30
    // 0.12/360 × (10,000 × 15 + 5,000 × 15) = 75.00
    expect(await accruedOf(invoice.id)).toBe('75.00');
  });

  it('a payment recorded late with an earlier date corrects the fee when it freezes; the minimum fee tops it up', async () => {
    const client = await aClient(t.database, team, { agreement: { ...NAYA, minimumFee: '150.00' } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-07-01' });
    await accrue('2026-07-11'); // 10 days: 33.33
    expect(await accruedOf(invoice.id)).toBe('33.33');
    await aCollection(t.database, invoice, '10000.00', '2026-07-06');
    const frozen = await t.database.transaction((tx) => settleInvoice(tx, Number(invoice.id), '2026-07-06', team.collections));
    // 5 days = 16.67, raised to the 150.00 minimum: +116.67
    expect(frozen).toMatchObject({ fee: '150.00', adjustment: '116.67', settledFromReserve: '150.00' });
    expect(await accruedOf(invoice.id)).toBe('150.00');
    const again = await t.database.transaction((tx) =>
      freezeFee(tx, Number(invoice.id), { date: '2026-07-20', settleFromReserve: true, reason: 'settled' }, team.collections),
    );
    expect(again.frozenOn).toBe('2026-07-06');
  });

  it('the set-based SQL posts exactly what the pure fee engine computes, for random invoices', async () => {
    const arb = fc.record({
      fees: fc.oneof(
        fc.record({
          kind: fc.constant('daily_rate' as const),
          rate: fc.integer({ min: 1, max: 400_000 }).map((n) => new Big(n).div(1_000_000).toString()),
          dayCount: fc.constantFrom('actual/360' as const, 'actual/365' as const),
          base: fc.constantFrom('face' as const, 'advance' as const, 'outstanding' as const),
        }),
        fc.record({
          kind: fc.constant('tiered' as const),
          initialRate: fc.integer({ min: 0, max: 9_000 }).map((n) => new Big(n).div(100_000).toString()),
          initialDays: fc.integer({ min: 1, max: 60 }),
          stepRate: fc.integer({ min: 0, max: 3_000 }).map((n) => new Big(n).div(100_000).toString()),
          stepDays: fc.integer({ min: 1, max: 20 }),
        }),
      ),
      face: fc.integer({ min: 100, max: 50_000_000 }).map((n) => new Big(n).div(100).toFixed(2)),
      offset: fc.integer({ min: 0, max: 40 }),
      pay: fc.option(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 90 })), { nil: undefined }),
    });
    const cases = fc.sample(arb, { numRuns: 24, seed: 20261123 });
    const debtor = await aDebtor(t.database, team, { creditLimit: '1000000000.00' });
    const made: { invoiceId: string; fees: FeeSchedule; face: string; advance: string; fundingDate: string; credit?: { day: number; amount: string } }[] = [];
    for (const c of cases) {
      const terms = agreementTermsSchema.parse({ fees: c.fees });
      const client = await aClient(t.database, team, { agreement: { fees: c.fees } });
      const fundingDate = addDays('2026-08-01', c.offset);
      const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: c.face, fundingDate });
      const view = await getInvoice(t.database, Number(invoice.id), team.funding);
      let credit: { day: number; amount: string } | undefined;
      if (c.pay) {
        const amount = new Big(c.face).times(c.pay[1]).div(100).round(2, Big.roundDown).toFixed(2);
        if (new Big(amount).gt(0)) {
          credit = { day: c.pay[0], amount };
          await aCollection(t.database, invoice, amount, addDays(fundingDate, c.pay[0]));
        }
      }
      made.push({ invoiceId: invoice.id, fees: terms.fees, face: c.face, advance: view.advance, fundingDate, credit });
    }
    const asOf = '2026-10-15';
    await accrue(asOf, 3);
    for (const m of made) {
      const d = daysBetween(m.fundingDate, asOf);
      const credits = m.credit ? [{ day: m.credit.day, amount: new Big(m.credit.amount) }] : [];
      const expected = accruedFee(m.fees, { face: new Big(m.face), advance: new Big(m.advance), credits }, d, 'USD');
      expect({ invoice: m.invoiceId, fees: m.fees, accrued: await accruedOf(m.invoiceId) }).toEqual({
        invoice: m.invoiceId,
        fees: m.fees,
        accrued: formatMoney(expected, 'USD'),
      });
    }
  });

  it('leaves every invariant intact', async () => {
    const report = await verifyAll(t.database.sql);
    expect(report.breaks).toEqual([]);
  });
});
