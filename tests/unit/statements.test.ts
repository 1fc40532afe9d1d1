import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../emails';
import { Big, formatMoney } from '../../lib/money';
import { recipientsFor } from '../../lib/notifications/preferences';
import { buildStatement, categoryOf, describeMovement, statementFigures, type CurrencyInput, type ReserveLineInput } from '../../lib/statements/model';
import { describePeriod, firstBusinessDayOfMonth, isFirstBusinessDayOfMonth, parsePeriod, previousMonth } from '../../lib/statements/period';
import { renderStatementPdf } from '../../lib/statements/render';

const ZERO_FEES = {
  atFunding: new Big(0),
  accrued: new Big(0),
  otherCharged: new Big(0),
  settled: new Big(0),
  outstanding: new Big(0),
  accruedOnOpen: new Big(0),
  due: new Big(0),
};
let nextId = 1;
const line = (date: string, kind: string, ledgerAmount: string, extra: Partial<ReserveLineInput> = {}): ReserveLineInput => ({
  date,
  entryId: nextId,
  lineId: nextId++,
  kind,
  memo: '',
  invoiceNumber: 'A-1001',
  trancheId: null,
  releaseId: null,
  ledgerAmount: new Big(ledgerAmount),
  ...extra,
});
const usd = (opening: string, lines: ReserveLineInput[], ledgerClosing: string, extra: Partial<CurrencyInput> = {}): CurrencyInput => ({
  currency: 'USD',
  opening: new Big(opening),
  ledgerClosing: new Big(ledgerClosing),
  lines,
  fees: ZERO_FEES,
  releases: [],
  ...extra,
});
const statement = (currencies: CurrencyInput[]) =>
  buildStatement({ factorName: 'Holdback Capital', client: { id: 1, name: 'Acme Freight LLC' }, period: { from: '2026-01-01', to: '2026-01-31' }, currencies });

describe('statement periods', () => {
  it('the monthly run covers the month before', () => {
    expect(previousMonth('2026-02-02')).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(previousMonth('2026-03-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousMonth('2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(previousMonth('2027-01-01')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('runs on the first business day of the month: a weekend 1st moves to Monday', () => {
    expect(firstBusinessDayOfMonth('2026-01-20')).toBe('2026-01-01'); // Thursday
    expect(firstBusinessDayOfMonth('2026-02-14')).toBe('2026-02-02'); // the 1st is a Sunday
    expect(firstBusinessDayOfMonth('2026-08-31')).toBe('2026-08-03'); // the 1st is a Saturday
    expect(isFirstBusinessDayOfMonth('2026-08-03')).toBe(true);
    expect(isFirstBusinessDayOfMonth('2026-08-01')).toBe(false);
    expect(isFirstBusinessDayOfMonth('2026-08-04')).toBe(false);
  });

  it('names a calendar month in words, any other period by its dates', () => {
    expect(describePeriod({ from: '2026-02-01', to: '2026-02-28' })).toBe('February 2026');
    expect(describePeriod({ from: '2026-02-01', to: '2026-02-27' })).toBe('2026-02-01 to 2026-02-27');
  });

  it('validates a period: real dates, in order, at most a year, ended before today', () => {
    expect(parsePeriod({ from: '2026-01-01', to: '2026-01-31' }, '2026-02-01')).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(() => parsePeriod({ from: '2026-01-01', to: '2026-01-31' }, '2026-01-31')).toThrow(/period that has ended/);
    expect(() => parsePeriod({ from: '2026-02-30', to: '2026-03-01' })).toThrow(/from must be a date written YYYY-MM-DD/);
    expect(() => parsePeriod({ from: '2026-03-01', to: '2026-02-01' })).toThrow(/to: must not be before from/);
    expect(() => parsePeriod({ from: '2025-01-01', to: '2026-01-31' })).toThrow(/at most 366 days/);
    expect(() => parsePeriod({ to: '2026-01-31' })).toThrow(/from is required/);
  });
});

describe('the statement model', () => {
  it('closing = opening + every movement, with a running balance per line (SPEC 5.1–5.3 postings)', () => {
    const s = statement([
      usd(
        '500.00',
        [
          line('2026-01-01', 'funding', '-2000.00'),
          line('2026-01-31', 'fee_settlement', '100.00'),
          line('2026-01-31', 'release', '400.00', { releaseId: 9, invoiceNumber: null }),
        ],
        '2000.00',
      ),
    ]);
    const c = s.currencies[0]!;
    expect(c.movements.map((m) => [m.category, m.description, m.reference, formatMoney(m.amount, 'USD'), formatMoney(m.balance, 'USD')])).toEqual([
      ['withheld', 'Reserve withheld at purchase', 'A-1001', '2000.00', '2500.00'],
      ['fees', 'Fee settled from the reserve', 'A-1001', '-100.00', '2400.00'],
      ['released', 'Reserve released (release 9)', null, '-400.00', '2000.00'],
    ]);
    expect(formatMoney(c.closing, 'USD')).toBe('2000.00');
    expect(statementFigures(s)).toEqual([
      {
        currency: 'USD',
        opening: '500.00',
        closing: '2000.00',
        withheld: '2000.00',
        fees: '-100.00',
        charges: '0.00',
        released: '-400.00',
        adjustments: '0.00',
        movements: 3,
        feesCharged: '0.00',
        feesOutstanding: '0.00',
        feesAccruedOnOpen: '0.00',
        feesDue: '0.00',
        releasesPaid: '0.00',
      },
    ]);
    expect(formatMoney(c.totals.added, 'USD')).toBe('2000.00');
    expect(formatMoney(c.totals.taken, 'USD')).toBe('-500.00');
  });

  it('refuses to issue a statement that does not tie to the ledger', () => {
    expect(() => statement([usd('0.00', [line('2026-01-02', 'funding', '-2000.00')], '1999.99')])).toThrow(
      /does not tie to the ledger: opening 0\.00 \+ movements 2000\.00 = 2000\.00, but the ledger holds 1999\.99 on 2026-01-31/,
    );
    expect(() => statement([usd('0.00', [line('2026-02-01', 'funding', '-1.00')], '1.00')])).toThrow(/outside 2026-01-01 – 2026-01-31/);
  });

  it('orders movements as the ledger does (date, entry, line) and currencies by code', () => {
    const late = line('2026-01-20', 'funding', '-10.00');
    const early = line('2026-01-05', 'funding', '-5.00');
    const s = statement([{ ...usd('0', [], '0'), currency: 'EUR' }, usd('0', [late, early], '15.00')]);
    expect(s.currencies.map((c) => c.currency)).toEqual(['EUR', 'USD']);
    expect(s.currencies[1]!.movements.map((m) => m.date)).toEqual(['2026-01-05', '2026-01-20']);
  });

  it('names movements in the client’s words; unknown kinds keep their memo', () => {
    expect(categoryOf('chargeback')).toBe('charges');
    expect(categoryOf('short_pay')).toBe('charges');
    expect(categoryOf('reversal')).toBe('adjustments');
    expect(describeMovement({ kind: 'chargeback', memo: 'Invoice A-1 charged back to the client (recourse)', releaseId: null })).toBe(
      'Invoice A-1 charged back to the client (recourse)',
    );
    expect(describeMovement({ kind: 'manual_adjustment', memo: '', releaseId: null })).toBe('manual adjustment');
    expect(describeMovement({ kind: 'reversal', memo: 'wrong amount', releaseId: null })).toBe('Reversal: wrong amount');
  });

  it('adds fees charged from its parts and sums the releases paid', () => {
    const s = statement([
      usd('0', [], '0', {
        fees: {
          atFunding: new Big('50.00'),
          accrued: new Big('12.34'),
          otherCharged: new Big('0.66'),
          settled: new Big('10.00'),
          outstanding: new Big('53.00'),
          accruedOnOpen: new Big('40.00'),
          due: new Big('13.00'),
        },
        releases: [
          { id: '3', date: '2026-01-20', paid: new Big('100.00') },
          { id: '2', date: '2026-01-10', paid: new Big('0.01') },
        ],
      }),
    ]);
    const c = s.currencies[0]!;
    expect(formatMoney(c.fees.charged, 'USD')).toBe('63.00');
    expect(c.releases.map((r) => r.id)).toEqual(['2', '3']);
    expect(formatMoney(c.releasedTotal, 'USD')).toBe('100.01');
  });
});

describe('the statement PDF', () => {
  it('is a PDF, and the same figures give the same bytes', async () => {
    const build = () => statement([usd('0', [line('2026-01-02', 'funding', '-2000.00', { entryId: 1, lineId: 1 })], '2000.00')]);
    const a = await renderStatementPdf(build());
    const b = await renderStatementPdf(build());
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(a).digest('hex')).toBe(createHash('sha256').update(b).digest('hex'));
  });

  it('renders a long statement on several pages', async () => {
    const lines = Array.from({ length: 150 }, () => line('2026-01-15', 'funding', '-1.00'));
    const pdf = await renderStatementPdf(statement([usd('0', lines, '150.00')]));
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });
});

describe('contact email preferences', () => {
  it('everyone is emailed unless they opted out; each address once', () => {
    const contacts = [
      { name: 'A', email: 'ap@acme.test' },
      { name: 'B', email: 'owner@acme.test', notifyStatements: false, notifyRebates: true },
      { name: 'C', email: 'AP@acme.test' },
      { name: 'D', email: 'cfo@acme.test', notifyStatements: true, notifyRebates: false },
    ];
    expect(recipientsFor(contacts, 'statements').map((c) => c.email)).toEqual(['ap@acme.test', 'cfo@acme.test']);
    expect(recipientsFor(contacts, 'rebates').map((c) => c.email)).toEqual(['ap@acme.test', 'owner@acme.test']);
    expect(recipientsFor(null, 'rebates')).toEqual([]);
  });

  it('the statement-ready email escapes what people typed', () => {
    const email = renderEmail('statement_ready', {
      clientName: '<Acme & Co>',
      statementId: '12',
      periodLabel: 'January 2026',
      from: '2026-01-01',
      to: '2026-01-31',
      balances: [{ currency: 'USD', opening: '0.00', closing: '1,900.00' }],
      url: 'http://localhost:3000/portal',
    });
    expect(email.subject).toBe('Your reserve statement for January 2026 is ready');
    expect(email.html).toContain('&lt;Acme &amp; Co&gt;');
    expect(email.html).toContain('<strong>1,900.00</strong>');
    expect(email.text).toContain('USD: held at the start 0.00, held at the end 1,900.00');
    expect(email.text).toContain('http://localhost:3000/portal');
  });
});
