import { describe, expect, it } from 'vitest';
import { Big } from '../../lib/money';
import { GlBalance, glDetailLine, glSummaryLines, scaledAmount, scaledMoney } from '../../lib/reports/gl-export';
import { mappingFromForm, resolveGlAccount, unmappedCode, validateGlMapping, type GlMappingEntry } from '../../lib/reports/gl-mapping';
import {
  assertRollsForward,
  columnAmount,
  pageRollForward,
  parsePeriod,
  parseRollForwardQuery,
  rollForwardColumn,
  rollForwardCsvLines,
  rollForwardTotals,
  type RollForwardRow,
} from '../../lib/reports/roll-forward';

const b = (v: string) => new Big(v);
const row = (
  clientId: number,
  name: string,
  currency: string,
  f: Record<'opening' | 'withheld' | 'fees' | 'released' | 'adjustments' | 'closing', string>,
): RollForwardRow => ({
  clientId,
  clientName: name,
  currency,
  opening: b(f.opening),
  withheld: b(f.withheld),
  fees: b(f.fees),
  released: b(f.released),
  adjustments: b(f.adjustments),
  closing: b(f.closing),
});

describe('the roll-forward columns', () => {
  it('puts each reserve line in exactly one column by its entry kind', () => {
    expect(rollForwardColumn('funding')).toBe('withheld');
    expect(rollForwardColumn('fee_settlement')).toBe('fees');
    expect(rollForwardColumn('release')).toBe('released');
    for (const kind of ['chargeback', 'short_pay', 'credit_note', 'debtor_merge', 'anything_new']) expect(rollForwardColumn(kind)).toBe('adjustments');
  });

  it('counts a reversal in the column of the entry it reverses', () => {
    expect(rollForwardColumn('reversal', 'funding')).toBe('withheld');
    expect(rollForwardColumn('reversal', 'release')).toBe('released');
    expect(rollForwardColumn('reversal', 'chargeback')).toBe('adjustments');
    expect(rollForwardColumn('reversal', null)).toBe('adjustments');
  });

  it('signs each column so that opening + withheld − fees − released + adjustments = closing, line by line', () => {
    // ledger amounts: debits positive; a reserve credit (withholding) is negative
    const lines: [string, string | null, string][] = [
      ['funding', null, '-2000.00'],
      ['fee_settlement', null, '100.00'],
      ['release', null, '1500.00'],
      ['chargeback', null, '300.00'],
      ['reversal', 'chargeback', '-300.00'],
      ['reversal', 'fee_settlement', '-100.00'],
    ];
    const f = { opening: b('50.00'), withheld: b('0'), fees: b('0'), released: b('0'), adjustments: b('0') };
    let held = f.opening;
    for (const [kind, reversed, amount] of lines) {
      const column = rollForwardColumn(kind, reversed);
      f[column] = f[column].plus(columnAmount(column, b(amount)));
      held = held.minus(amount);
    }
    expect({ withheld: f.withheld.toFixed(2), fees: f.fees.toFixed(2), released: f.released.toFixed(2), adjustments: f.adjustments.toFixed(2) }).toEqual({
      withheld: '2000.00',
      fees: '0.00',
      released: '1500.00',
      adjustments: '0.00',
    });
    expect(() => assertRollsForward({ ...f, closing: held, currency: 'USD' }, 'a test')).not.toThrow();
    expect(() => assertRollsForward({ ...f, closing: held.plus('0.01'), currency: 'USD' }, 'client 7')).toThrow(/does not tie to the ledger/);
  });
});

describe('the period and query', () => {
  it('names the field in plain words', () => {
    expect(() => parsePeriod({ to: '2026-01-31' })).toThrow('From is required');
    expect(() => parsePeriod({ from: '2026-02-30', to: '2026-03-01' })).toThrow('From must be a real date written YYYY-MM-DD, such as 2026-03-31');
    expect(() => parsePeriod({ from: '2026-02-01', to: '2026-01-31' })).toThrow('To (2026-01-31) must not be before From (2026-02-01)');
    expect(parsePeriod({ from: '2026-02-01', to: '2026-02-01' })).toEqual({ from: '2026-02-01', to: '2026-02-01' });
    expect(() => parseRollForwardQuery(new URLSearchParams('from=2026-01-01&to=2026-01-31&clientId=abc'))).toThrow('Client must be a client id');
    expect(() => parseRollForwardQuery(new URLSearchParams('from=2026-01-01&to=2026-01-31&format=xls'))).toThrow('Format must be json, csv or pdf');
    expect(parseRollForwardQuery(new URLSearchParams('from=2026-01-01&to=2026-01-31&clientId=12'))).toMatchObject({ clientId: 12, format: 'json' });
  });
});

describe('paging, totals and the CSV', () => {
  const zeros = { opening: '0', withheld: '0', fees: '0', released: '0', adjustments: '0', closing: '0' };
  const rows = [
    row(3, 'Acme', 'EUR', { ...zeros, withheld: '10.00', closing: '10.00' }),
    row(3, 'Acme', 'USD', { ...zeros, opening: '5.00', closing: '5.00' }),
    row(1, 'Beta, "the" Co', 'USD', { ...zeros, opening: '100.00', fees: '1.50', released: '20.00', adjustments: '-3.25', closing: '75.25' }),
    row(2, 'Zeta', 'USD', { ...zeros, withheld: '1.00', closing: '1.00' }),
  ];

  it('pages by client, keeping a client’s currencies together', () => {
    const first = pageRollForward(rows, { limit: 1 });
    expect(first.rows.map((r) => `${r.clientId}${r.currency}`)).toEqual(['3EUR', '3USD']);
    const second = pageRollForward(rows, { limit: 2, cursor: first.nextCursor });
    expect(second.rows.map((r) => r.clientId)).toEqual([1, 2]);
    expect(second.nextCursor).toBeNull();
    expect(() => pageRollForward(rows, { cursor: 'nonsense' })).toThrow(/cursor/);
  });

  it('sums the portfolio per currency', () => {
    const totals = rollForwardTotals(rows);
    expect(totals.map((t) => [t.currency, t.clients, t.opening.toFixed(2), t.closing.toFixed(2)])).toEqual([
      ['EUR', 1, '0.00', '10.00'],
      ['USD', 3, '105.00', '81.25'],
    ]);
  });

  it('writes a row per client and currency, then the totals, quoting names', () => {
    const lines = rollForwardCsvLines({ rows, totals: rollForwardTotals(rows) });
    expect(lines[0]).toBe('Client id,Client,Currency,Opening,Withheld,Fees,Released,Adjustments,Closing\r\n');
    expect(lines[3]).toBe('1,"Beta, ""the"" Co",USD,100.00,0.00,1.50,20.00,-3.25,75.25\r\n');
    expect(lines.at(-1)).toBe(',Portfolio total,USD,105.00,1.00,1.50,20.00,-3.25,81.25\r\n');
  });
});

describe('the general-ledger mapping', () => {
  const mapping: GlMappingEntry[] = [
    { account: 'reserve', currency: '*', code: '2100', name: 'Client reserves' },
    { account: 'reserve', currency: 'EUR', code: '2101', name: '' },
  ];

  it('resolves a currency’s own row, then the any-currency row, then the flagged default', () => {
    expect(resolveGlAccount(mapping, 'reserve', 'EUR')).toEqual({ code: '2101', name: 'Reserve held for the client', mapped: true });
    expect(resolveGlAccount(mapping, 'reserve', 'USD')).toEqual({ code: '2100', name: 'Client reserves', mapped: true });
    expect(resolveGlAccount(mapping, 'cash', 'USD')).toMatchObject({ code: 'UNMAPPED-CASH-USD', mapped: false });
    expect(unmappedCode('fee_income', 'GBP')).toBe('UNMAPPED-FEE_INCOME-GBP');
  });

  it('validates rows, naming the field', () => {
    expect(validateGlMapping([{ account: 'reserve', currency: 'usd', code: ' 2100 ', name: 'R' }])).toEqual([
      { account: 'reserve', currency: 'USD', code: '2100', name: 'R' },
    ]);
    const fail = (input: unknown) => {
      try {
        validateGlMapping(input);
      } catch (e) {
        return (e as { details: Record<string, string> }).details;
      }
      return null;
    };
    expect(fail([{ account: 'reserve', currency: 'USD', code: '' }])).toEqual({
      code__reserve__USD: 'GL code for Reserve held for the client (USD) is required',
    });
    expect(fail([{ account: 'bank', code: '1' }])).toMatchObject({ '0.account': expect.stringContaining('Row 1 account must be one of') });
    expect(fail([{ account: 'cash', code: '=SUM(A1)' }])).toMatchObject({ code__cash__ANY: expect.stringContaining('may hold letters, digits') });
    expect(fail([{ account: 'cash', code: 'UNMAPPED-1' }])).toMatchObject({ code__cash__ANY: expect.stringContaining('must not start with UNMAPPED') });
    expect(fail([{ account: 'cash', code: '1'.repeat(41) }])).toMatchObject({ code__cash__ANY: expect.stringContaining('at most 40') });
    expect(
      fail([
        { account: 'cash', currency: 'USD', code: '1000' },
        { account: 'cash', currency: 'USD', code: '1001' },
      ]),
    ).toMatchObject({ code__cash__USD: expect.stringContaining('given twice') });
    expect(fail('x')).toEqual({ _: expect.stringContaining('must be a list') });
  });

  it('reads the Settings form: blank rows unmapped, a name without a code refused', () => {
    expect(mappingFromForm({ code__reserve__ANY: '2100', name__reserve__ANY: 'Reserves', code__cash__USD: '', name__cash__USD: '', other: 'x' })).toEqual([
      { account: 'reserve', currency: '*', code: '2100', name: 'Reserves' },
    ]);
    expect(() => mappingFromForm({ code__cash__USD: '', name__cash__USD: 'Bank' })).toThrow('GL code for Cash at bank (USD) is required');
  });
});

describe('the general-ledger CSV', () => {
  const mapping: GlMappingEntry[] = [{ account: 'reserve', currency: '*', code: '2100', name: 'Reserves' }];

  it('summary: GL accounts per day, each day balanced per currency, totals at the end', () => {
    const lines = glSummaryLines(mapping, [
      { date: '2026-01-01', account: 'receivable', currency: 'USD', debit: '100.00', credit: '0' },
      { date: '2026-01-01', account: 'reserve', currency: 'USD', debit: '0', credit: '20.00' },
      { date: '2026-01-01', account: 'client_payable', currency: 'USD', debit: '80.00', credit: '160.00' },
    ]);
    expect(lines).toEqual([
      'Date,GL code,GL account,Currency,Debit,Credit,Holdback accounts\r\n',
      '2026-01-01,2100,Reserves,USD,0.00,20.00,reserve\r\n',
      '2026-01-01,UNMAPPED-CLIENT_PAYABLE-USD,Not mapped: Payable to the client (USD),USD,80.00,160.00,client_payable\r\n',
      '2026-01-01,UNMAPPED-RECEIVABLE-USD,Not mapped: Purchased receivables (USD),USD,100.00,0.00,receivable\r\n',
      'Total,,Debits equal credits,USD,180.00,180.00,\r\n',
    ]);
    expect(() => glSummaryLines(mapping, [{ date: '2026-01-02', account: 'cash', currency: 'EUR', debit: '1.00', credit: '0' }])).toThrow(
      'does not balance in EUR for 2026-01-02',
    );
  });

  it('detail: a line per journal line, its amount as debit or credit', () => {
    const line = glDetailLine(mapping, {
      lineId: '1',
      entryId: '9',
      date: '2026-01-01',
      kind: 'funding',
      account: 'reserve',
      currency: 'JPY',
      amount: '-2000',
      clientId: '4',
      client: 'Acme',
      invoice: 'INV-1',
      reference: '',
      memo: 'Purchase of invoice INV-1',
    });
    expect(line).toBe('9,2026-01-01,funding,reserve,2100,Reserves,JPY,,2000,4,Acme,INV-1,,Purchase of invoice INV-1\r\n');
    const balance = new GlBalance();
    balance.add('USD', 100000n, 0n);
    expect(() => balance.check('journal entry 9')).toThrow('does not balance in USD for journal entry 9: debits 10.00, credits 0.00');
    expect([scaledAmount('-2000.5000'), scaledAmount('12'), scaledMoney(scaledAmount('-1.2300'), 'USD'), scaledMoney(20000000n, 'JPY')]).toEqual([
      -20005000n,
      120000n,
      '-1.23',
      '2000',
    ]);
  });
});
