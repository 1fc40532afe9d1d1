import { describe, expect, it } from 'vitest';
import { agreementTermsSchema } from '../../lib/agreements/terms';
import { validateEntry } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { fundingEntries, fundingSplit, planFunding, purchaseLines, type ReservePools } from '../../lib/reserves/funding-split';

const usd = (b: Big) => formatMoney(b, 'USD');

describe('the funding split (SPEC 5.1)', () => {
  it('NAYA: 10,000 at 80% advances 8,000 and holds 2,000 (worked example 1)', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20' });
    const s = fundingSplit(new Big('10000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.reserve), usd(s.fees)]).toEqual(['8000.00', '2000.00', '0.00']);
  });

  it('NAYA with a 50.00 service fee taken from the advance: 7,950.00', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' });
    const s = fundingSplit(new Big('10000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.reserve), usd(s.fees)]).toEqual(['7950.00', '2000.00', '50.00']);
  });

  it('InstaPay: 1,000 at 90% with a flat 3% from the reserve: 900 / 30 / 70 (worked example 2)', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } });
    const s = fundingSplit(new Big('1000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.flatFee), usd(s.reserve)]).toEqual(['900.00', '30.00', '70.00']);
  });

  it('a flat fee from the advance comes off the advance', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'advance' } });
    const s = fundingSplit(new Big('1000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.reserve), usd(s.fees)]).toEqual(['870.00', '100.00', '30.00']);
  });

  it('rounds each part half-up and the parts add back to the face value', () => {
    const terms = agreementTermsSchema.parse({
      advanceRate: '0.85',
      reserveRate: '0.15',
      serviceFee: '12.34',
      fees: { kind: 'flat', rate: '0.0275', deductFrom: 'reserve' },
    });
    const face = new Big('1234.57');
    const s = fundingSplit(face, 'USD', terms);
    expect(usd(s.advance)).toBe('1037.04'); // 1049.3845 → 1049.38, less 12.34
    expect(usd(s.flatFee)).toBe('33.95'); // 33.950675 → 33.95
    expect(s.advance.plus(s.reserve).plus(s.fees).eq(face)).toBe(true);
  });

  it('refuses fees larger than the part they come from', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20', serviceFee: '900.00' });
    expect(() => fundingSplit(new Big('1000.00'), 'USD', terms)).toThrow(/exceed the advance/);
  });

  it('books a batch as one purchase entry of balanced per-invoice lines and one disbursement', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' });
    const plan = planFunding(
      [
        { id: 7, number: 'A-1', currency: 'USD', face: new Big('10000.00') },
        { id: 8, number: 'A-2', currency: 'USD', face: new Big('5000.00') },
      ],
      terms,
      '2026-01-01',
      noPools,
    );
    const [purchase, wire] = fundingEntries({ planned: plan.invoices, clientId: 3, fundingDate: '2026-01-01', batchId: 12 });
    validateEntry(purchase!);
    validateEntry(wire!);
    expect(purchase!.idempotencyKey).toBe('funding:batch:12:USD');
    expect(purchase!.lines.map((l) => `${l.account} ${usd(l.amount)} ${l.invoiceId}`)).toEqual([
      'receivable 10000.00 7',
      'client_payable -7950.00 7',
      'reserve -2000.00 7',
      'fee_income -50.00 7',
      'receivable 5000.00 8',
      'client_payable -3950.00 8',
      'reserve -1000.00 8',
      'fee_income -50.00 8',
    ]);
    expect(wire!.lines.map((l) => `${l.account} ${usd(l.amount)}`)).toEqual(['client_payable 11900.00', 'cash -11900.00']);
    expect(usd(plan.totals.advance)).toBe('11900.00');
  });
});

const noPools: ReservePools = { capped: new Map(), fixed: new Map() };
const invoice = (id: number, face: string) => ({ id, number: `N-${id}`, currency: 'USD', face: new Big(face) });

describe('reserve policies at funding (SPEC 5.4)', () => {
  it('rolling: the reserveRate of each face goes into a tranche maturing holdDays later (worked example 3)', () => {
    const terms = agreementTermsSchema.parse({
      advanceRate: '0.90',
      reserveRate: '0.10',
      fees: { kind: 'flat', rate: '0', deductFrom: 'reserve' },
      reservePolicy: { kind: 'rolling', holdDays: 180 },
    });
    const plan = planFunding([invoice(1, '60000.00'), invoice(2, '40000.00')], terms, '2026-01-01', noPools);
    expect(plan.tranches).toEqual([{ kind: 'rolling', currency: 'USD', amount: new Big('10000'), maturesOn: '2026-06-30' }]);
    expect(usd(plan.totals.reserve)).toBe('10000.00');
    const lines = purchaseLines(plan.invoices[0]!, 1, 77);
    expect(lines.find((l) => l.account === 'reserve')).toMatchObject({ trancheId: 77, invoiceId: 1 });
  });

  it('capped: withholding stops at the cap and the rest is advanced', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.10', reservePolicy: { kind: 'capped', holdDays: 90, cap: '50000.00' } });
    const pools: ReservePools = { capped: new Map([['USD', new Big('48500')]]), fixed: new Map() };
    const plan = planFunding([invoice(1, '10000.00'), invoice(2, '10000.00'), invoice(3, '10000.00')], terms, '2026-03-01', pools);
    expect(plan.invoices.map((p) => [usd(p.advance), usd(p.reserve)])).toEqual([
      ['9000.00', '1000.00'],
      ['9500.00', '500.00'],
      ['10000.00', '0.00'],
    ]);
    expect(usd(plan.tranches[0]!.amount)).toBe('1500.00');
    expect(plan.tranches[0]!.maturesOn).toBe('2026-05-30');
  });

  it('fixed: builds buildRate of face out of the advance until the target is reached', () => {
    const terms = agreementTermsSchema.parse({
      advanceRate: '0.80',
      reserveRate: '0.20',
      reservePolicy: { kind: 'fixed', target: '1200.00', buildRate: '0.05' },
    });
    const plan = planFunding([invoice(1, '10000.00'), invoice(2, '10000.00'), invoice(3, '10000.00')], terms, '2026-01-01', noPools);
    expect(plan.invoices.map((p) => [usd(p.advance), usd(p.reserve), usd(p.fixedBuild)])).toEqual([
      ['7500.00', '2500.00', '500.00'],
      ['7500.00', '2500.00', '500.00'],
      ['7800.00', '2200.00', '200.00'],
    ]);
    expect(plan.tranches).toEqual([{ kind: 'fixed', currency: 'USD', amount: new Big('1200'), maturesOn: null }]);
    const [entry] = fundingEntries({ planned: [plan.invoices[0]!], clientId: 1, fundingDate: '2026-01-01', batchId: 1, trancheIds: new Map([['USD', 9]]) });
    validateEntry(entry!);
    expect(entry!.lines.filter((l) => l.account === 'reserve').map((l) => [usd(l.amount), l.invoiceId ?? null, l.trancheId ?? null])).toEqual([
      ['-2000.00', 1, null],
      ['-500.00', null, 9],
    ]);
  });

  it('per_invoice and percent_of_open keep the plain split and no tranche', () => {
    for (const reservePolicy of [{ kind: 'per_invoice' as const }, { kind: 'percent_of_open' as const, rate: '0.10' }]) {
      const terms = agreementTermsSchema.parse({ reservePolicy });
      const plan = planFunding([invoice(1, '10000.00')], terms, '2026-01-01', noPools);
      expect(plan.tranches).toEqual([]);
      expect([usd(plan.invoices[0]!.advance), usd(plan.invoices[0]!.reserve)]).toEqual(['8000.00', '2000.00']);
    }
  });
});

describe('agreement terms', () => {
  it('takes the defaults of API.md', () => {
    const t = agreementTermsSchema.parse({});
    expect(t).toMatchObject({
      model: 'recourse',
      advanceRate: '0.80',
      reserveRate: '0.20',
      fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
      reservePolicy: { kind: 'per_invoice' },
      releaseSchedule: { cadence: 'biweekly' },
      recourseDays: 90,
      concentrationLimit: '1.00',
    });
  });

  it('refuses rates that do not add up and names the field', () => {
    const r = agreementTermsSchema.safeParse({ advanceRate: '0.80', reserveRate: '0.30' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['reserveRate']);
  });

  it('refuses a rate above 1 and an unknown fee kind', () => {
    expect(agreementTermsSchema.safeParse({ advanceRate: '1.2', reserveRate: '0' }).success).toBe(false);
    expect(agreementTermsSchema.safeParse({ fees: { kind: 'weekly' } }).success).toBe(false);
  });
});
