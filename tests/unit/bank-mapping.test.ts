import { describe, expect, it } from 'vitest';
import { parseBankFile } from '../../lib/collections/bank-files';
import {
  guessAmountFormat,
  guessDateFormat,
  guessDelimiter,
  guessMapping,
  normalizeAmount,
  parseMappedCsv,
  previewCsv,
  readMappedAmount,
  readMappedDate,
  readPreview,
  type BankCsvMapping,
} from '../../lib/collections/bank-files/mapping';

/** A US bank's export: its own column names, MM/DD/YYYY dates and 8,000.00 amounts (quoted: they hold a comma). */
const US_FILE = [
  'Posting Date,Description,Credit Amount,Originator,Ref No',
  '01/15/2026,INV NW-1001,"8,000.00",Globex Retail,B-001',
  '01/16/2026,"Payment, invoices NW-1002","12,493.50",Initech Stores,B-002',
  '01/16/2026,Monthly fee,-25.00,,B-003',
  '',
  '02/01/2026,Wire,"1,000,000.00",Acme Corp,B-004',
].join('\r\n');

const US_MAPPING: BankCsvMapping = {
  delimiter: ',',
  columns: { date: 'Posting Date', amount: 'Credit Amount', reference: 'Description', payer: 'Originator', bankReference: 'Ref No' },
  currency: 'USD',
  dateFormat: 'MM/DD/YYYY',
  amountFormat: '8,000.00',
};

/** A German bank's export: semicolons, DD.MM.YYYY and 8.000,00, a currency column. */
const DE_FILE = [
  'Buchungstag;Verwendungszweck;Betrag;Währung;Auftraggeber',
  '15.01.2026;RE 4711;8.000,00;EUR;Globex GmbH',
  '31.01.2026;RE 4712;950,5;eur;Initech AG',
].join('\n');

const DE_MAPPING: BankCsvMapping = {
  delimiter: ';',
  columns: { date: 'Buchungstag', amount: 'Betrag', reference: 'Verwendungszweck', payer: 'Auftraggeber', currency: 'Währung' },
  dateFormat: 'DD.MM.YYYY',
  amountFormat: '8.000,00',
};

describe('reading dates in the format a mapping names', () => {
  it('reads each of the four formats into YYYY-MM-DD, with or without leading zeros', () => {
    expect(readMappedDate('2026-01-31', 'YYYY-MM-DD')).toEqual({ ok: true, value: '2026-01-31' });
    expect(readMappedDate('01/31/2026', 'MM/DD/YYYY')).toEqual({ ok: true, value: '2026-01-31' });
    expect(readMappedDate('1/5/2026', 'MM/DD/YYYY')).toEqual({ ok: true, value: '2026-01-05' });
    expect(readMappedDate('31/01/2026', 'DD/MM/YYYY')).toEqual({ ok: true, value: '2026-01-31' });
    expect(readMappedDate('5/1/2026', 'DD/MM/YYYY')).toEqual({ ok: true, value: '2026-01-05' });
    expect(readMappedDate(' 31.01.2026 ', 'DD.MM.YYYY')).toEqual({ ok: true, value: '2026-01-31' });
  });

  it('refuses a date in another format, and one that is no day of the calendar, in plain words', () => {
    expect(readMappedDate('2026-01-31', 'MM/DD/YYYY')).toEqual({ ok: false, problem: 'date "2026-01-31" is not a date written MM/DD/YYYY' });
    expect(readMappedDate('31/01/2026', 'MM/DD/YYYY')).toEqual({
      ok: false,
      problem: 'date "31/01/2026" is not a day of the calendar when read as MM/DD/YYYY',
    });
    expect(readMappedDate('02/30/2026', 'MM/DD/YYYY')).toMatchObject({ ok: false });
    expect(readMappedDate('31.01.26', 'DD.MM.YYYY')).toEqual({ ok: false, problem: 'date "31.01.26" is not a date written DD.MM.YYYY' });
    expect(readMappedDate('', 'YYYY-MM-DD')).toEqual({ ok: false, problem: 'the date is empty' });
  });
});

describe('reading amounts with the separators a mapping names', () => {
  it('turns each written form into plain digits and a point, exactly (no number in between)', () => {
    expect(normalizeAmount('8,000.00', { thousands: ',', decimal: '.' })).toBe('8000.00');
    expect(normalizeAmount('8.000,00', { thousands: '.', decimal: ',' })).toBe('8000.00');
    expect(normalizeAmount('8\u00a0000,00', { thousands: ' ', decimal: ',' })).toBe('8000.00');
    expect(normalizeAmount("1'234'567.89", { thousands: "'", decimal: '.' })).toBe('1234567.89');
    expect(normalizeAmount('8000', { thousands: ',', decimal: '.' })).toBe('8000');
    expect(normalizeAmount('950,5', { thousands: '.', decimal: ',' })).toBe('950.5');
    // 16 digits before the point stay exact (a JavaScript number would not)
    expect(normalizeAmount('9,999,999,999,999,999.99', { thousands: ',', decimal: '.' })).toBe('9999999999999999.99');
  });

  it('refuses thousands groups that are not of three digits, and the other convention', () => {
    expect(normalizeAmount('8,00.00', { thousands: ',', decimal: '.' })).toBeNull();
    expect(normalizeAmount('8.000,00', { thousands: ',', decimal: '.' })).toBeNull();
    expect(normalizeAmount('8,000.00', { thousands: '.', decimal: ',' })).toBeNull();
    expect(normalizeAmount('1e5', { thousands: '', decimal: '.' })).toBeNull();
  });

  it('reads the sign, the currency’s decimals and the limits, quoting the amount as the file wrote it', () => {
    expect(readMappedAmount('8,000.00', 'USD', '8,000.00')).toEqual({ ok: true, value: { amount: '8000.00', debit: false } });
    expect(readMappedAmount('-12.500,5', 'EUR', '8.000,00')).toEqual({ ok: true, value: { amount: '12500.50', debit: true } });
    expect(readMappedAmount('+1.500', 'JPY', '8.000,00')).toEqual({ ok: true, value: { amount: '1500', debit: false } });
    expect(readMappedAmount('8.000,00', 'USD', '8,000.00')).toEqual({ ok: false, problem: 'amount "8.000,00" is not an amount written like 8,000.00' });
    expect(readMappedAmount('1,000.005', 'USD', '8,000.00')).toEqual({ ok: false, problem: 'amount "1,000.005" has more decimal places than USD allows (2)' });
    expect(readMappedAmount('0,00', 'EUR', '8.000,00')).toEqual({ ok: false, problem: 'amount "0,00" must be more than zero' });
    expect(readMappedAmount('', 'EUR', '8.000,00')).toEqual({ ok: false, problem: 'the amount is empty' });
  });
});

describe('previewing a bank CSV and guessing its mapping', () => {
  it('finds the delimiter, the header and the first rows, skipping blank lines', () => {
    expect(guessDelimiter(US_FILE)).toBe(',');
    expect(guessDelimiter(DE_FILE)).toBe(';');
    expect(guessDelimiter('a\tb\tc\n1\t2\t3')).toBe('\t');
    const preview = previewCsv(US_FILE, { rows: 4 });
    expect(preview.header).toEqual({ line: 1, names: ['Posting Date', 'Description', 'Credit Amount', 'Originator', 'Ref No'] });
    expect(preview.rows.map((r) => r.line)).toEqual([2, 3, 4, 6]);
    expect(preview.rows[1]!.fields).toEqual(['01/16/2026', 'Payment, invoices NW-1002', '12,493.50', 'Initech Stores', 'B-002']);
    expect(previewCsv('\n\n').error).toMatch(/the file is empty/);
  });

  it('guesses the columns by their usual names and the formats from the sample values', () => {
    const us = guessMapping(previewCsv(US_FILE));
    expect(us).toMatchObject({
      delimiter: ',',
      columns: { date: 'Posting Date', amount: 'Credit Amount', reference: 'Description', payer: 'Originator' },
      dateFormat: 'MM/DD/YYYY',
      amountFormat: '8,000.00',
    });
    const de = guessMapping(previewCsv(DE_FILE));
    expect(de).toMatchObject({
      delimiter: ';',
      columns: { date: 'Buchungstag', amount: 'Betrag', reference: 'Verwendungszweck', currency: 'Währung' },
      dateFormat: 'DD.MM.YYYY',
      amountFormat: '8.000,00',
    });
    expect(guessDateFormat(['01/12/2026', '13/12/2026'])).toBe('DD/MM/YYYY');
    expect(guessDateFormat(['01/12/2026', '12/13/2026'])).toBe('MM/DD/YYYY');
    expect(guessAmountFormat(['1.234,56'])).toBe('8.000,00');
    expect(guessAmountFormat(['1,234.56', '99'])).toBe('8,000.00');
  });

  it('shows what the mapping reads from each preview row, and the rows it cannot read', () => {
    const preview = previewCsv(US_FILE);
    expect(readPreview(preview, US_MAPPING).rows).toEqual([
      { line: 2, date: '2026-01-15', amount: '8000.00', currency: 'USD', debit: false, problems: [] },
      { line: 3, date: '2026-01-16', amount: '12493.50', currency: 'USD', debit: false, problems: [] },
      { line: 4, date: '2026-01-16', amount: '25.00', currency: 'USD', debit: true, problems: [] },
      { line: 6, date: '2026-02-01', amount: '1000000.00', currency: 'USD', debit: false, problems: [] },
    ]);
    const wrong = readPreview(preview, { ...US_MAPPING, dateFormat: 'DD/MM/YYYY' });
    expect(wrong.rows[0]).toEqual({
      line: 2,
      debit: false,
      problems: ['date "01/15/2026" is not a day of the calendar when read as DD/MM/YYYY'],
    });
    expect(readPreview(preview, { ...US_MAPPING, columns: { ...US_MAPPING.columns, date: 'Value Date' } }).headerProblems).toEqual([
      'the column "Value Date" (the date) is not in the header row; its columns are "Posting Date", "Description", "Credit Amount", "Originator", "Ref No"',
    ]);
  });
});

describe('parsing a bank CSV through a mapping', () => {
  it('reads MM/DD/YYYY dates and 8,000.00 amounts with a fixed currency; a negative amount is an outgoing line', () => {
    const result = parseMappedCsv(US_FILE, US_MAPPING);
    expect(result.errors).toEqual([]);
    expect(result.payments).toEqual([
      { line: 2, amount: '8000.00', currency: 'USD', receivedDate: '2026-01-15', payerName: 'Globex Retail', reference: 'INV NW-1001', bankReference: 'B-001' },
      {
        line: 3,
        amount: '12493.50',
        currency: 'USD',
        receivedDate: '2026-01-16',
        payerName: 'Initech Stores',
        reference: 'Payment, invoices NW-1002',
        bankReference: 'B-002',
      },
      { line: 6, amount: '1000000.00', currency: 'USD', receivedDate: '2026-02-01', payerName: 'Acme Corp', reference: 'Wire', bankReference: 'B-004' },
    ]);
    expect(result.debits).toEqual([
      {
        line: 4,
        amount: '25.00',
        currency: 'USD',
        bookingDate: '2026-01-16',
        bankReference: 'B-003',
        references: ['B-003', 'Monthly fee'],
        description: 'Monthly fee',
      },
    ]);
  });

  it('reads semicolons, DD.MM.YYYY and 8.000,00 with the currency from a column (any case)', () => {
    const result = parseMappedCsv(DE_FILE, DE_MAPPING);
    expect(result.errors).toEqual([]);
    expect(result.payments.map((p) => [p.line, p.receivedDate, p.amount, p.currency, p.payerName])).toEqual([
      [2, '2026-01-15', '8000.00', 'EUR', 'Globex GmbH'],
      [3, '2026-01-31', '950.50', 'EUR', 'Initech AG'],
    ]);
  });

  it('column names match trimmed and in any case; a column left unmapped is not read', () => {
    const result = parseMappedCsv(US_FILE, { ...US_MAPPING, columns: { date: ' posting date ', amount: 'CREDIT AMOUNT' } });
    expect(result.errors).toEqual([]);
    expect(result.payments[0]).toMatchObject({ amount: '8000.00', reference: '', payerName: '', bankReference: '' });
  });

  it('lists every bad line with its line number and the reason in plain words', () => {
    const file = [
      'Posting Date,Description,Credit Amount,Originator,Ref No',
      '01/15/2026,INV 1,"8,000.00",A,R1',
      '2026-01-16,INV 2,"1,000.00",B,R2',
      '01/17/2026,INV 3,"8.000,00",C,R3',
      '01/18/2026,INV 4,,D,R4',
      '13/45/2026,INV 5,abc,E,R5',
      '01/19/2026,"INV 6,"x,"100.00",F,R6',
    ].join('\n');
    const result = parseMappedCsv(file, US_MAPPING);
    expect(result.errors).toEqual([
      { line: 3, message: 'date "2026-01-16" is not a date written MM/DD/YYYY' },
      { line: 4, message: 'amount "8.000,00" is not an amount written like 8,000.00' },
      { line: 5, message: 'the amount is empty' },
      { line: 6, message: 'amount "abc" is not an amount written like 8,000.00' },
      { line: 6, message: 'date "13/45/2026" is not a day of the calendar when read as MM/DD/YYYY' },
      { line: 7, message: 'this row cannot be read: text follows a closing quote; put the whole field in quotes and double any " inside it' },
    ]);
    expect(result.payments.map((p) => p.line)).toEqual([2]);
  });

  it('refuses a header without a mapped column, and a file without a currency', () => {
    expect(parseMappedCsv(US_FILE, { ...US_MAPPING, columns: { ...US_MAPPING.columns, amount: 'Amount' } }).errors).toEqual([
      {
        line: 1,
        message:
          'the column "Amount" (the amount) is not in the header row; its columns are "Posting Date", "Description", "Credit Amount", "Originator", "Ref No"',
      },
    ]);
    const { currency: _none, ...noCurrency } = US_MAPPING;
    expect(parseMappedCsv(US_FILE, noCurrency).errors).toEqual([{ line: 1, message: 'no column gives the currency; choose the currency of the file' }]);
    // every missing column is named at once
    expect(parseMappedCsv('Posting Date,Credit Amount\n', US_MAPPING).errors.map((e) => [e.line, e.message.slice(0, 36)])).toEqual([
      [1, 'the column "Description" (the refere'],
      [1, 'the column "Originator" (the payer) '],
      [1, 'the column "Ref No" (the bank refere'],
    ]);
    expect(parseMappedCsv('', US_MAPPING).errors[0]!.message).toMatch(/the file is empty/);
  });

  it('parseBankFile with a mapping reads the file as CSV and keys its payments for de-duplication as the plain CSV does', () => {
    const first = parseBankFile(US_FILE, { mapping: US_MAPPING });
    expect(first.format).toBe('csv');
    expect(first.payments.map((p) => p.externalRef)).toEqual(['csv:B-001', 'csv:B-002', 'csv:B-004']);
    expect(parseBankFile(US_FILE, { mapping: US_MAPPING }).payments).toEqual(first.payments);
    // Without the mapping the same file is refused: its columns are not the plain CSV's.
    expect(parseBankFile(US_FILE).errors[0]!.message).toMatch(/the column amount is missing/);
  });
});
