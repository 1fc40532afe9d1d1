import { describe, expect, it } from 'vitest';
import { csvRecords, parseSchedule } from '../../lib/invoices/csv';

const HEADER = 'number,debtor,face_value,currency,issue_date,due_date';
const file = (...lines: string[]) => lines.join('\n') + '\n';

describe('reading RFC 4180 records', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = [...csvRecords('a,"b, c","say ""hi""","two\r\nlines"\r\nd,e,f,g\r\n')];
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"', 'two\r\nlines'] },
      { line: 3, fields: ['d', 'e', 'f', 'g'] },
    ]);
  });

  it('drops a UTF-8 byte order mark and accepts LF, CRLF and a missing final line break', () => {
    expect([...csvRecords('\uFEFFa,b\nc,d\r\ne,f')]).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect([...csvRecords('a,,\n,b')]).toEqual([
      { line: 1, fields: ['a', '', ''] },
      { line: 2, fields: ['', 'b'] },
    ]);
  });

  it('reports a quote inside an unquoted field, text after a closing quote and a quote never closed', () => {
    const records = [...csvRecords('ok,1\nab"c,2\n"x"y,3\n"open,4\nmore\n')];
    expect(records[0]).toEqual({ line: 1, fields: ['ok', '1'] });
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringContaining('inside an unquoted field') });
    expect(records[2]).toMatchObject({ line: 3, error: expect.stringContaining('follows a closing quote') });
    expect(records[3]).toMatchObject({ line: 4, error: expect.stringContaining('opened on line 4 is never closed') });
    expect(records).toHaveLength(4);
  });
});

describe('parsing a schedule of accounts', () => {
  it("turns each row into an invoice with money in the currency's minor units", () => {
    const { rows, errors } = parseSchedule(
      file(
        HEADER,
        'A-1001,Globex Retail,10000,USD,2026-01-05,2026-02-04',
        ' A-1002 , 7 ,250.5,KWD,2026-01-06,2026-01-06',
        'A-1003,7,1250,JPY,2026-01-06,2026-01-07',
      ),
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        number: 'A-1001',
        debtor: 'Globex Retail',
        debtorIs: 'id_or_name',
        faceValue: '10000.00',
        currency: 'USD',
        issueDate: '2026-01-05',
        dueDate: '2026-02-04',
      },
      { line: 3, number: 'A-1002', debtor: '7', debtorIs: 'id_or_name', faceValue: '250.500', currency: 'KWD', issueDate: '2026-01-06', dueDate: '2026-01-06' },
      { line: 4, number: 'A-1003', debtor: '7', debtorIs: 'id_or_name', faceValue: '1250', currency: 'JPY', issueDate: '2026-01-06', dueDate: '2026-01-07' },
    ]);
  });

  it('refuses more decimals than the currency allows', () => {
    const { rows, errors } = parseSchedule(
      file(HEADER, 'J-1,1,250.5,JPY,2026-01-06,2026-01-06', 'K-1,1,1.2345,KWD,2026-01-06,2026-01-06', 'U-1,1,1.005,USD,2026-01-06,2026-01-06'),
    );
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      { line: 2, message: 'faceValue "250.5" has more than 0 decimal places' },
      { line: 3, message: 'faceValue "1.2345" has more than 3 decimal places' },
      { line: 4, message: 'faceValue "1.005" has more than 2 decimal places' },
    ]);
  });

  it('accepts header names in any case, with spaces or underscores, and the aliases', () => {
    const { rows, errors } = parseSchedule(
      file('Invoice Number,DEBTOR_NAME,Amount,Currency,Issue Date,dueDate,PO', '"A,1",Initech Stores,99.90,usd,2026-03-01,2026-03-31,PO-7'),
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        number: 'A,1',
        debtor: 'Initech Stores',
        debtorIs: 'name',
        faceValue: '99.90',
        currency: 'USD',
        issueDate: '2026-03-01',
        dueDate: '2026-03-31',
      },
    ]);
    expect(parseSchedule(file('invoice,debtor_id,face value,currency,issue_date,due_date', 'B-1,42,1,EUR,2026-03-01,2026-03-31')).rows[0]).toMatchObject({
      number: 'B-1',
      debtor: '42',
      debtorIs: 'id',
    });
  });

  it('uses the default currency when the column is missing or a row leaves it empty', () => {
    const noColumn = parseSchedule(file('number,debtor,face_value,issue_date,due_date', 'A-1,Globex Retail,10.00,2026-01-01,2026-01-31'), {
      defaultCurrency: 'EUR',
    });
    expect(noColumn.errors).toEqual([]);
    expect(noColumn.rows[0]).toMatchObject({ currency: 'EUR', faceValue: '10.00' });
    const emptyCell = parseSchedule(file(HEADER, 'A-1,Globex Retail,10,,2026-01-01,2026-01-31'), { defaultCurrency: 'USD' });
    expect(emptyCell.rows[0]).toMatchObject({ currency: 'USD', faceValue: '10.00' });
  });

  it('names each missing required column in one error on line 1', () => {
    const { rows, errors } = parseSchedule(file('number,face_value,issue_date', 'A-1,10.00,2026-01-01'));
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      { line: 1, message: 'the column debtor (or debtor_id, debtor_name) is missing from the header row' },
      { line: 1, message: 'the column due_date is missing from the header row' },
      { line: 1, message: 'the column currency is missing from the header row' },
    ]);
  });

  it('refuses two columns for the same field', () => {
    const { errors } = parseSchedule(file('number,debtor,amount,face_value,currency,issue_date,due_date'));
    expect(errors).toEqual([{ line: 1, message: 'the columns "amount" and "face_value" both give the faceValue; keep one of them' }]);
  });

  it('says so when the columns are separated by semicolons or tabs', () => {
    expect(parseSchedule('number;debtor;amount\nA-1;1;5,00\n').errors).toEqual([
      { line: 1, message: 'the columns are separated by ";", not commas; save the file as CSV (comma delimited)' },
    ]);
    expect(parseSchedule('number\tdebtor\tamount\n').errors).toEqual([
      { line: 1, message: 'the columns are separated by tabs, not commas; save the file as CSV (comma delimited)' },
    ]);
  });

  it('refuses an empty file and a header without rows', () => {
    expect(parseSchedule('').errors).toEqual([{ line: 1, message: expect.stringContaining('the file is empty') }]);
    expect(parseSchedule('\uFEFF\r\n\r\n').errors).toEqual([{ line: 1, message: expect.stringContaining('the file is empty') }]);
    expect(parseSchedule(file(HEADER, '', '')).errors).toEqual([{ line: 1, message: 'the file has a header row but no invoices' }]);
  });

  it('ignores empty lines but counts them in the line numbers', () => {
    const { rows, errors } = parseSchedule(
      ['', HEADER, '', 'A-1,1,5.00,USD,2026-01-01,2026-01-02', ',,,,,', '   ', 'A-2,1,6.00,USD,2026-01-01,2026-01-02'].join('\r\n'),
    );
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.line, r.number])).toEqual([
      [4, 'A-1'],
      [7, 'A-2'],
    ]);
  });

  it('gives the physical line a row starts on when an earlier field spans lines', () => {
    const { rows, errors } = parseSchedule(
      file(
        `${HEADER},notes`,
        'A-1,1,5.00,USD,2026-01-01,2026-01-02,"first\r\nsecond\nthird"',
        'A-2,1,oops,USD,2026-01-01,2026-01-02,',
        '"A-3\nB",1,5.00,USD,2026-01-01,2026-01-02,',
      ),
    );
    expect(rows).toEqual([expect.objectContaining({ line: 2, number: 'A-1' })]);
    expect(errors).toEqual([
      { line: 5, message: 'faceValue "oops" is not a plain decimal number (digits and one point, no exponent)' },
      { line: 6, message: 'the invoice number "A-3\\nB" holds a line break or another control character' },
    ]);
  });

  it('reports every bad value of every line, naming the field', () => {
    const { rows, errors } = parseSchedule(
      file(
        HEADER,
        'A-1,Globex Retail,1e5,USD,2026-01-01,2026-01-31',
        ',,0,US,01/02/2026,2026-02-30',
        'A-3,Globex Retail,-5.00,USD,2026-02-01,2026-01-31',
        'A-4,Globex Retail,"10,000.00",USD,2026-02-01,2026-03-01',
        'A-5,Globex Retail,12345678901234567.00,USD,2026-02-01,2026-03-01',
        'A-6,Globex Retail,0.00,USD,2026-02-01,2026-03-01',
      ),
    );
    expect(rows).toEqual([]);
    expect(errors).toEqual([
      { line: 2, message: 'faceValue "1e5" is not a plain decimal number (digits and one point, no exponent)' },
      { line: 3, message: 'the invoice number is empty' },
      { line: 3, message: 'the debtor is empty' },
      { line: 3, message: 'currency "US" is not an ISO 4217 currency code such as USD' },
      { line: 3, message: 'issueDate "01/02/2026" must be a date written YYYY-MM-DD' },
      { line: 3, message: 'dueDate "2026-02-30" must be a date written YYYY-MM-DD' },
      { line: 4, message: 'faceValue "-5.00" must not be negative' },
      { line: 4, message: 'dueDate 2026-01-31 is before issueDate 2026-02-01' },
      { line: 5, message: 'faceValue "10,000.00" is not a plain decimal number (digits and one point, no exponent)' },
      { line: 6, message: 'faceValue "12345678901234567.00" is too large: at most 15 digits before the decimal point' },
      { line: 7, message: 'faceValue "0.00" must be more than zero' },
    ]);
  });

  it('refuses a debtor_id that is not an id', () => {
    const { errors } = parseSchedule(file('number,debtor_id,face_value,currency,issue_date,due_date', 'A-1,Globex Retail,5.00,USD,2026-01-01,2026-01-02'));
    expect(errors).toEqual([{ line: 2, message: 'debtor_id "Globex Retail" is not a debtor id' }]);
  });

  it('reports a row with a quoting mistake on its line and reads the rows around it', () => {
    const { rows, errors } = parseSchedule(
      file(HEADER, 'A-1,1,5.00,USD,2026-01-01,2026-01-02', 'A-"2",1,5.00,USD,2026-01-01,2026-01-02', 'A-3,1,5.00,USD,2026-01-01,2026-01-02'),
    );
    expect(rows.map((r) => r.number)).toEqual(['A-1', 'A-3']);
    expect(errors).toEqual([{ line: 3, message: expect.stringContaining('this row cannot be read') }]);
  });

  it('takes at most the row limit and says so on the first line over it', () => {
    const data = Array.from({ length: 4 }, (_, i) => `A-${i},1,5.00,USD,2026-01-01,2026-01-02`);
    const { rows, errors } = parseSchedule(file(HEADER, ...data), { maxRows: 3 });
    expect(rows).toHaveLength(3);
    expect(errors).toEqual([{ line: 5, message: 'the file has more than 3 invoices; split it into files of at most 3 rows' }]);
  });

  it('reads a 50,000-row file, the default limit, quickly', () => {
    const data = Array.from({ length: 50_000 }, (_, i) => `N-${i},Globex Retail,${i + 1}.25,USD,2026-01-01,2026-02-01`);
    const started = Date.now();
    const { rows, errors } = parseSchedule(file(HEADER, ...data));
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(50_000);
    expect(rows[49_999]).toMatchObject({ line: 50_001, faceValue: '50000.25' });
    expect(Date.now() - started).toBeLessThan(30_000); // a guard against quadratic parsing, not a benchmark
    const over = parseSchedule(file(HEADER, ...data, 'X-1,Globex Retail,1.00,USD,2026-01-01,2026-02-01'));
    expect(over.errors).toEqual([{ line: 50_002, message: expect.stringContaining('more than 50000 invoices') }]);
  }, 120_000); // two 50,000-row parses take ~5 s on a loaded 2-core machine: vitest's 5 s default is not the bound, the 30 s guard above is
});
