import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseBankFile, payerFromText } from '../../lib/collections/bank-files';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/bank', name), 'utf8');
const lines = (...rows: string[]) => rows.join('\n') + '\n';

/** A camt.053 statement whose entries start on line 7, one entry per line. */
const camt = (entries: string[], namespace = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02') =>
  lines(
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="${namespace}">`,
    '<BkToCstmrStmt>',
    '<GrpHdr><MsgId>M-1</MsgId><CreDtTm>2026-01-15T18:30:00</CreDtTm></GrpHdr>',
    '<Stmt>',
    '<Id>S-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>',
    ...entries,
    '</Stmt>',
    '</BkToCstmrStmt>',
    '</Document>',
  );
const entry = (amt: string, more = '<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-15</Dt></BookgDt>', ref = '') =>
  `<Ntry>${amt}${more}${ref ? `<AcctSvcrRef>${ref}</AcctSvcrRef>` : ''}</Ntry>`;

describe('detecting the format of a bank file', () => {
  it('reads XML as camt.053, a first record "01," as BAI2 and anything else as CSV', () => {
    expect(detectFormat(fixture('camt053-001-02.xml'))).toBe('camt053');
    expect(detectFormat('\uFEFF  \r\n<?xml version="1.0"?><Document/>')).toBe('camt053');
    expect(detectFormat(fixture('bai2-two-accounts.bai'))).toBe('bai2');
    expect(detectFormat('\n01,021000021,HOLDBACKFACT,260116,0615,1,,,2/')).toBe('bai2');
    expect(detectFormat(fixture('payments.csv'))).toBe('csv');
    expect(detectFormat('amount,date\n')).toBe('csv');
  });

  it('lets the caller name the format', () => {
    const { format, errors } = parseBankFile('amount,date\n', { format: 'bai2' });
    expect(format).toBe('bai2');
    expect(errors[0]).toEqual({ line: 1, message: expect.stringContaining('"am" is not a BAI2 record code') });
  });
});

describe('reading a camt.053 statement', () => {
  it('reads each booked credit of a camt.053.001.02 statement, splitting a batched entry; the debit is an outgoing line', () => {
    const { format, payments, errors, debits, debitProblems } = parseBankFile(fixture('camt053-001-02.xml'));
    expect(format).toBe('camt053');
    expect(errors).toEqual([]);
    expect(debitProblems).toEqual([]);
    expect(debits).toEqual([
      {
        line: 83,
        amount: '1250.00',
        currency: 'EUR',
        bookingDate: '2026-01-15',
        bankReference: '2026011500012346',
        references: ['2026011500012346', 'RENT JANUARY 2026'],
        description: 'RENT JANUARY 2026',
      },
    ]);
    expect(payments).toEqual([
      {
        line: 50,
        amount: '50000.00',
        currency: 'EUR',
        receivedDate: '2026-01-15',
        payerName: 'Globex Retail GmbH',
        reference: 'INV 2026-0041 INV 2026-0042 THANK YOU',
        bankReference: '2026011500012345',
        externalRef: 'camt053:2026011500012345',
      },
      {
        line: 98,
        amount: '12480.50',
        currency: 'EUR',
        receivedDate: '2026-01-15',
        payerName: 'Initech Stores AG',
        reference: 'INV-2026-0107 RF18539007547034',
        bankReference: 'COB2026011500077',
        externalRef: 'camt053:COB2026011500077',
      },
      // the batched credit of 31000.00: one payment per TxDtls, each on its own line
      {
        line: 143,
        amount: '10000.00',
        currency: 'EUR',
        receivedDate: '2026-01-15',
        payerName: 'Umbrella Corp Europe',
        reference: 'INVOICE 2026-0051 AND 2026-0052',
        bankReference: 'SCT-88120-01',
        externalRef: 'camt053:SCT-88120-01',
      },
      {
        line: 155,
        amount: '15500.00',
        currency: 'EUR',
        receivedDate: '2026-01-15',
        payerName: 'Hooli Europe BV',
        reference: '2026-0060',
        bankReference: 'SCT-88120-02',
        externalRef: 'camt053:SCT-88120-02',
      },
      {
        line: 165,
        amount: '5500.00',
        currency: 'EUR',
        receivedDate: '2026-01-15',
        payerName: 'Vandelay Industries',
        reference: 'SAMMLER POS 3 VANDELAY',
        bankReference: '2026011500012399',
        externalRef: 'camt053:2026011500012399',
      },
      // no transaction details: the entry's own text, the date part of BookgDt/DtTm, NtryRef
      {
        line: 176,
        amount: '750.00',
        currency: 'EUR',
        receivedDate: '2026-01-15',
        payerName: '',
        reference: 'GUTSCHRIFT VANDELAY IMPORT EXPORT RE 2026-0070',
        bankReference: '5',
        externalRef: 'camt053:5',
      },
    ]);
  });

  it('reads a camt.053.001.08 statement: Sts/Cd, Dbtr/Pty/Nm, TxDtls/Amt', () => {
    const { payments, errors, debits } = parseBankFile(fixture('camt053-001-08.xml'));
    expect(errors).toEqual([]);
    expect(debits).toEqual([
      {
        line: 81,
        amount: '35.00',
        currency: 'USD',
        bookingDate: '2026-02-02',
        bankReference: 'FEE20260202',
        references: ['FEE20260202', '000003', 'INCOMING WIRE FEE'],
        description: 'INCOMING WIRE FEE',
      },
    ]);
    expect(payments).toEqual([
      {
        line: 22,
        amount: '18250.00',
        currency: 'USD',
        receivedDate: '2026-02-02',
        payerName: 'Acme Wholesale Inc.',
        reference: 'PMT INV 88-1042 88-1043',
        bankReference: 'FW2026020200418811',
        externalRef: 'camt053:FW2026020200418811',
      },
      {
        line: 65,
        amount: '4000.00',
        currency: 'USD',
        receivedDate: '2026-02-02',
        payerName: 'Stark Supply LLC',
        reference: 'SS-5501',
        bankReference: 'ACH2026020200007-1',
        externalRef: 'camt053:ACH2026020200007-1',
      },
      {
        line: 72,
        amount: '3400.25',
        currency: 'USD',
        receivedDate: '2026-02-02',
        payerName: 'Wayne Enterprises',
        reference: 'WE-7781 WE-7782',
        bankReference: 'ACH2026020200007-2',
        externalRef: 'camt053:ACH2026020200007-2',
      },
    ]);
  });

  it('reads namespace prefixes, CRLF line breaks and currencies without cents', () => {
    const text = [
      '<?xml version="1.0"?>',
      '<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.13">',
      ' <ns2:BkToCstmrStmt><ns2:Stmt>',
      '  <ns2:Ntry><ns2:Amt Ccy="JPY">1500000</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd><ns2:BookgDt><ns2:Dt>2026-03-02</ns2:Dt></ns2:BookgDt><ns2:AcctSvcrRef>MUFG-1</ns2:AcctSvcrRef></ns2:Ntry>',
      '  <ns2:Ntry><ns2:Amt Ccy="JPY">2000.00</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd><ns2:BookgDt><ns2:Dt>2026-03-02</ns2:Dt></ns2:BookgDt></ns2:Ntry>',
      ' </ns2:Stmt></ns2:BkToCstmrStmt>',
      '</ns2:Document>',
    ].join('\r\n');
    const { payments, errors } = parseBankFile(text);
    expect(errors).toEqual([]);
    expect(payments.map((p) => [p.line, p.amount, p.currency, p.bankReference])).toEqual([
      [4, '1500000', 'JPY', 'MUFG-1'],
      [5, '2000', 'JPY', ''],
    ]);
  });

  it('reports broken XML on the line the parser names, and reads nothing else', () => {
    const text = camt([entry('<Amt Ccy="EUR">100.00</Amt>'), '<Ntry><Amt Ccy="EUR">5.00</Amt>', entry('<Amt Ccy="EUR">7.00</Amt>')]);
    const { payments, errors } = parseBankFile(text);
    expect(payments).toEqual([]);
    expect(errors).toEqual([
      { line: 10, message: "the file is not valid XML: Expected closing tag 'Ntry' (opened in line 8, col 1) instead of closing tag 'Stmt'." },
    ]);
  });

  it('reports each bad entry on its line and still reads the good ones', () => {
    const text = camt([
      entry('<Amt Ccy="EUR">1.250,00</Amt>'),
      entry('<Amt>300.00</Amt>'),
      entry('<Amt Ccy="EUR">300.00</Amt>', '<CdtDbtInd>CRDT</CdtDbtInd>'),
      entry('<Amt Ccy="EUR">410.00</Amt>', undefined, 'GOOD-1'),
      entry('<Amt Ccy="EUR">1e3</Amt>', '<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-02-30</Dt></BookgDt>'),
      entry('<Amt Ccy="EUR">10.005</Amt>', '<BookgDt><Dt>2026-01-15</Dt></BookgDt>'),
      entry('<Amt Ccy="EUR">0.00</Amt>'),
      entry('<Amt Ccy="eur">5.00</Amt>'),
      entry('<Amt Ccy="EUR">-5.00</Amt>', '<CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-01-15</Dt></BookgDt>'),
      entry('<Amt Ccy="EUR">20.50</Amt>', undefined, 'GOOD-2'),
    ]);
    const { payments, errors, debits, debitProblems } = parseBankFile(text);
    // a debit that cannot be read is said, but is never an error of the file
    expect(debits).toEqual([]);
    expect(debitProblems).toEqual([
      { line: 15, message: 'amount "-5.00" is negative; a camt.053 amount is never signed (CdtDbtInd DBIT says the money went out)' },
    ]);
    expect(errors).toEqual([
      { line: 7, message: 'amount "1.250,00" is not a decimal number; write it like 1250.00 (digits and one point, no thousands separators, no exponent)' },
      { line: 8, message: 'the amount has no currency (the Ccy attribute of Amt)' },
      { line: 9, message: 'the entry has no booking date (BookgDt)' },
      { line: 11, message: 'amount "1e3" is not a decimal number; write it like 1250.00 (digits and one point, no thousands separators, no exponent)' },
      { line: 11, message: 'booking date "2026-02-30" is not a date written YYYY-MM-DD' },
      { line: 12, message: 'the entry has no credit/debit indicator (CdtDbtInd)' },
      { line: 12, message: 'amount "10.005" has more decimal places than EUR allows (2)' },
      { line: 13, message: 'amount "0.00" must be more than zero' },
      { line: 14, message: 'currency "eur" of the amount is not a currency code such as EUR' },
    ]);
    expect(payments.map((p) => [p.line, p.amount, p.bankReference])).toEqual([
      [10, '410.00', 'GOOD-1'],
      [16, '20.50', 'GOOD-2'],
    ]);
  });

  it('refuses a batched entry whose transactions do not add up to it, or only some of which give amounts', () => {
    const tx = (amount: string | null, id: string) =>
      `<TxDtls><Refs><TxId>${id}</TxId></Refs>${amount === null ? '' : `<AmtDtls><TxAmt><Amt Ccy="EUR">${amount}</Amt></TxAmt></AmtDtls>`}</TxDtls>`;
    const text = camt([
      entry(
        '<Amt Ccy="EUR">100.00</Amt>',
        `<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-15</Dt></BookgDt><NtryDtls>${tx('60.00', 'A')}${tx('30.00', 'B')}</NtryDtls>`,
      ),
      entry(
        '<Amt Ccy="EUR">100.00</Amt>',
        `<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-15</Dt></BookgDt><NtryDtls>${tx('60.00', 'C')}${tx(null, 'D')}</NtryDtls>`,
      ),
      entry(
        '<Amt Ccy="EUR">100.00</Amt>',
        `<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-15</Dt></BookgDt><NtryDtls>${tx(null, 'E')}${tx(null, 'F')}</NtryDtls>`,
        'BATCH-3',
      ),
    ]);
    const { payments, errors } = parseBankFile(text);
    expect(errors).toEqual([
      { line: 7, message: 'the 2 transactions of the entry add up to 90.00 EUR, not the entry amount 100.00; the entry is not imported' },
      { line: 8, message: 'the entry has 2 transactions (TxDtls) but only 1 give an amount, so it cannot be split into payments' },
    ]);
    // transactions without amounts: the entry is one payment
    expect(payments).toEqual([expect.objectContaining({ line: 9, amount: '100.00', bankReference: 'BATCH-3' })]);
  });

  it('says which file it is when it is another ISO 20022 message or not a statement', () => {
    expect(parseBankFile(camt([], 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08')).errors).toEqual([
      { line: 2, message: 'the file is an ISO 20022 camt.054.001.08 message, not a camt.053 bank statement; ask the bank for a camt.053 statement' },
    ]);
    expect(parseBankFile(camt([], 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.01')).errors).toEqual([
      { line: 2, message: 'camt.053.001.01 is not a version this importer reads (001.02 to 001.13)' },
    ]);
    expect(parseBankFile('<?xml version="1.0"?>\n<Invoice><Id>1</Id></Invoice>\n').errors).toEqual([
      { line: 2, message: 'the XML is not a camt.053 bank statement: expected <Document> holding <BkToCstmrStmt>, found <Invoice>' },
    ]);
  });

  it('refuses a DOCTYPE (no entity expansion from an uploaded file)', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">]>\n<Document><BkToCstmrStmt/></Document>\n';
    expect(parseBankFile(text).errors).toEqual([{ line: 2, message: 'the file declares a DOCTYPE, which a camt.053 statement never has; it is refused' }]);
  });

  it('reads a statement without entries as no payments and no errors', () => {
    expect(parseBankFile(camt([]))).toEqual({ format: 'camt053', payments: [], errors: [], debits: [], debitProblems: [] });
  });
});

describe('reading a BAI2 file', () => {
  it('reads the credits of two accounts with 88 continuations; the check paid is an outgoing line', () => {
    const { format, payments, errors, debits, debitProblems } = parseBankFile(fixture('bai2-two-accounts.bai'));
    expect(format).toBe('bai2');
    expect(errors).toEqual([]);
    expect(debitProblems).toEqual([]);
    expect(debits).toEqual([
      {
        line: 9,
        amount: '1250.00',
        currency: 'USD',
        bookingDate: '2026-01-15',
        bankReference: '0000001234',
        references: ['0000001234', '1234', 'CHECK PAID'],
        description: 'CHECK PAID',
      },
    ]);
    expect(payments.map(({ externalRef: _, ...p }) => p)).toEqual([
      {
        line: 5,
        amount: '50000.00',
        currency: 'USD',
        receivedDate: '2026-01-15',
        payerName: 'GLOBEX RETAIL INC',
        reference: 'WIRE IN ORIG:GLOBEX RETAIL INC ID:1234567890 OBI:INV A-1001 A-1002 REF GLBX7781',
        bankReference: '20260115B6B7HU2R000123',
      },
      {
        line: 7,
        amount: '12493.50',
        currency: 'USD',
        receivedDate: '2026-01-15',
        payerName: 'INITECH STORES',
        reference:
          'ORIG CO NAME:INITECH STORES ORIG ID:9876543210 DESC DATE:260115 CO ENTRY DESCR:PAYMENTS SEC:CCD TRACE#:091000019876543 IND ID:A-2001 A-2002',
        bankReference: '092600123456789',
      },
      // funds type V carries a value date and time before the references
      {
        line: 10,
        amount: '2500.00',
        currency: 'USD',
        receivedDate: '2026-01-15',
        payerName: 'VANDELAY INDUSTRIES',
        reference: 'LOCKBOX DEPOSIT B/O VANDELAY INDUSTRIES',
        bankReference: 'DEP889120',
      },
      // the second account is in CAD; the 16 ends with '/' and its text is in two 88s
      {
        line: 13,
        amount: '8800.00',
        currency: 'CAD',
        receivedDate: '2026-01-15',
        payerName: 'HOOLI CANADA ULC',
        reference: 'WIRE IN B/O HOOLI CANADA ULC OBI:INVOICES A-3001 AND A-3002',
        bankReference: '20260115CADW0000456',
      },
      {
        line: 16,
        amount: '1000.00',
        currency: 'CAD',
        receivedDate: '2026-01-15',
        payerName: 'WAYNE ENTERPRISES',
        reference: 'ACH CREDIT ORIG CO NAME:WAYNE ENTERPRISES',
        bankReference: '',
      },
      {
        line: 17,
        amount: '1000.00',
        currency: 'CAD',
        receivedDate: '2026-01-15',
        payerName: 'WAYNE ENTERPRISES',
        reference: 'ACH CREDIT ORIG CO NAME:WAYNE ENTERPRISES',
        bankReference: '',
      },
    ]);
    expect(payments.slice(0, 4).map((p) => p.externalRef)).toEqual([
      'bai2:20260115B6B7HU2R000123',
      'bai2:092600123456789',
      'bai2:DEP889120',
      'bai2:20260115CADW0000456',
    ]);
    expect(payments[4]!.externalRef).toMatch(/^bai2:[0-9a-f]{64}$/);
    expect(payments[5]!.externalRef).toMatch(/^bai2:[0-9a-f]{64}$/);
    expect(payments[4]!.externalRef).not.toBe(payments[5]!.externalRef);
  });

  it('reads a 16 whose fixed fields continue in an 88, and amounts in the currency’s smallest unit', () => {
    const text = lines(
      '01,SENDER,RECEIVER,260301,0600,7,,,2/',
      '02,RECEIVER,SENDER,1,260228,,,2/',
      '03,111,JPY,010,100,,/',
      '16,195,1500000,S,1000000,500000,0/',
      '88,FT26059ABC,INV-9,ORIGINATOR:NIPPON TRADING',
      '88,KK OBI:INV-9',
      '49,1500100,5/',
      '03,222,KWD/',
      '16,206,250125,D,2,0,200000,1,50125,KWREF-1,,BOOK TRANSFER',
      '49,250125,3/',
      '98,1750225,2,10/',
      '99,1750225,1,12/',
    );
    const { payments, errors } = parseBankFile(text);
    expect(errors).toEqual([]);
    expect(payments.map(({ externalRef: _, ...p }) => p)).toEqual([
      {
        line: 4,
        amount: '1500000',
        currency: 'JPY',
        receivedDate: '2026-02-28',
        payerName: 'NIPPON TRADING KK',
        reference: 'ORIGINATOR:NIPPON TRADING KK OBI:INV-9',
        bankReference: 'FT26059ABC',
      },
      { line: 9, amount: '250.125', currency: 'KWD', receivedDate: '2026-02-28', payerName: '', reference: 'BOOK TRANSFER', bankReference: 'KWREF-1' },
    ]);
  });

  it('reports a 16 with an amount that is not a number on its line and reads the rest', () => {
    const text = fixture('bai2-two-accounts.bai').replace('16,165,1249350,', '16,165,12493.50,');
    const { payments, errors } = parseBankFile(text);
    expect(errors).toEqual([{ line: 7, message: 'amount "12493.50" is not a whole number (BAI2 amounts are in cents, without a decimal point)' }]);
    expect(payments.map((p) => p.line)).toEqual([5, 10, 13, 16, 17]);
  });

  it('reports 16 records before any 03 account record', () => {
    const text = lines(
      '01,SENDER,RECEIVER,260301,0600,7,,,2/',
      '02,RECEIVER,SENDER,1,260228,,,2/',
      '16,195,100000,0,REF-1,,ORIG:ACME',
      '16,195,200000,0,REF-2,,ORIG:ACME',
      '49,300000,3/',
      '98,300000,0,5/',
      '99,300000,1,7/',
    );
    const { payments, errors } = parseBankFile(text);
    expect(payments).toEqual([]);
    expect(errors).toEqual([
      { line: 3, message: 'BAI2 record 16 before any 03 account record' },
      { line: 4, message: 'BAI2 record 16 before any 03 account record' },
      { line: 5, message: 'BAI2 record 49 (account trailer) without an open 03 account record' },
    ]);
  });

  it('checks the control total and the record count of each account trailer (49)', () => {
    const text = fixture('bai2-two-accounts.bai')
      .replace('49,49623050,9/', '49,49623000,9/')
      .replace('98,53863050,2,18/', '98,53863000,2,18/')
      .replace('99,53863050,1,20/', '99,53863000,1,20/')
      .replace('49,4240000,7/', '49,4240000,6/');
    const { payments, errors } = parseBankFile(text);
    expect(errors).toEqual([
      {
        line: 11,
        message: "the account trailer (49) of account 000123456789 gives a control total of 49623000, but the account's 03 and 16 amounts add up to 49623050",
      },
      { line: 18, message: 'the account trailer (49) of account 000987654321 counts 6 records, but the account has 7 (its 03, 16, 88 and 49 records)' },
    ]);
    expect(payments).toHaveLength(6);
  });

  it('checks the group (98) and file (99) trailers and reports a file cut short', () => {
    const full = fixture('bai2-two-accounts.bai');
    expect(parseBankFile(full.replace('98,53863050,2,18/', '98,53863050,3,17/')).errors).toEqual([
      { line: 19, message: 'the group trailer (98) counts 3 accounts, but the group has 2' },
      { line: 19, message: 'the group trailer (98) counts 17 records, but the group has 18 (its 02 to 98 records)' },
    ]);
    expect(parseBankFile(full.replace('99,53863050,1,20/', '99,53863051,1,20/')).errors).toEqual([
      { line: 20, message: 'the file trailer (99) gives a control total of 53863051, but the group trailers (98) add up to 53863050' },
    ]);
    const cut = full.split('\r\n').slice(0, 15).join('\r\n');
    const { payments, errors } = parseBankFile(cut);
    expect(errors).toEqual([
      { line: 2, message: 'the group that starts here has no group trailer (98) before the end of the file' },
      { line: 12, message: 'the account 000987654321 has no account trailer (49) before the end of the file' },
      { line: 15, message: 'the file ends without a file trailer (99); it may have been cut short, ask the bank to send it again' },
    ]);
    expect(payments.map((p) => p.line)).toEqual([5, 7, 10, 13]);
  });

  it('reports lines that are not BAI2 records, bad dates, type codes and funds types', () => {
    const text = lines(
      '01,SENDER,RECEIVER,260301,0600,7,,,2/',
      '02,RECEIVER,SENDER,1,261301,,,2/',
      '03,111,USD/',
      '16,195,100000,0,A-1,,ORIG:ACME',
      '17,195,100000,0,A-2,,ORIG:ACME',
      '16,19X,100000,0,A-3,,',
      '16,195,100000,Q,A-4,,',
      '16,195,0,0,A-5,,',
      '49,300000,6/',
      '98,300000,1,8/',
      '99,300000,1,10/',
    );
    const { payments, errors } = parseBankFile(text);
    expect(payments).toEqual([]);
    expect(errors).toEqual([
      { line: 2, message: 'the as-of date "261301" of the group header (02) is not a date written YYMMDD' },
      { line: 4, message: 'the transaction has no date: the group header (02) on line 2 has no valid as-of date' },
      { line: 5, message: '"17" is not a BAI2 record code; a line starts with 01, 02, 03, 16, 88, 49, 98 or 99' },
      { line: 6, message: 'type code "19X" of the transaction (16) is not a three-digit BAI2 type code' },
      { line: 7, message: 'funds type "Q" is not a BAI2 funds type; the funds type must be one of 0, 1, 2, V, S, D or Z' },
      { line: 7, message: 'the transaction has no date: the group header (02) on line 2 has no valid as-of date' },
      { line: 8, message: 'amount "0" must be more than zero' },
      { line: 8, message: 'the transaction has no date: the group header (02) on line 2 has no valid as-of date' },
    ]);
  });

  it('reports an 88 with no record before it', () => {
    const text = lines('88,STRAY TEXT', '01,SENDER,RECEIVER,260301,0600,7,,,2/', '99,0,0,2/');
    expect(parseBankFile(text, { format: 'bai2' }).errors).toEqual([
      { line: 1, message: 'BAI2 record 88 (continuation) with no record before it to continue' },
    ]);
  });
});

describe('reading a CSV export', () => {
  it('reads a bank CSV with a BOM, CRLF, quoted fields, a field over two lines and other columns', () => {
    const { format, payments, errors } = parseBankFile(fixture('payments.csv'));
    expect(format).toBe('csv');
    expect(errors).toEqual([]);
    expect(payments.map(({ externalRef: _, ...p }) => p)).toEqual([
      {
        line: 2,
        amount: '50000.00',
        currency: 'USD',
        receivedDate: '2026-01-15',
        payerName: 'Globex Retail, Inc.',
        reference: 'INV A-1001 / A-1002',
        bankReference: 'TRX-0001',
      },
      {
        line: 3,
        amount: '12493.50',
        currency: 'USD',
        receivedDate: '2026-01-15',
        payerName: 'Initech Stores',
        reference: 'Payment for invoices A-2001, A-2002',
        bankReference: 'TRX-0002',
      },
      { line: 5, amount: '1500000', currency: 'JPY', receivedDate: '2026-01-16', payerName: 'Umbrella KK', reference: 'INV "U-77"', bankReference: 'TRX-0003' },
      {
        line: 6,
        amount: '250.125',
        currency: 'KWD',
        receivedDate: '2026-01-16',
        payerName: 'Gulf Trading WLL',
        reference: 'GT-9001',
        bankReference: 'TRX-0004',
      },
      { line: 7, amount: '1000.00', currency: 'USD', receivedDate: '2026-01-16', payerName: 'Wayne Enterprises', reference: 'ACH CREDIT', bankReference: '' },
      { line: 8, amount: '1000.00', currency: 'USD', receivedDate: '2026-01-16', payerName: 'Wayne Enterprises', reference: 'ACH CREDIT', bankReference: '' },
      { line: 10, amount: '99.90', currency: 'USD', receivedDate: '2026-01-17', payerName: '', reference: '', bankReference: 'TRX-0007' },
    ]);
    expect(payments.map((p) => p.externalRef)).toEqual([
      'csv:TRX-0001',
      'csv:TRX-0002',
      'csv:TRX-0003',
      'csv:TRX-0004',
      expect.stringMatching(/^csv:[0-9a-f]{64}$/),
      expect.stringMatching(/^csv:[0-9a-f]{64}$/),
      'csv:TRX-0007',
    ]);
  });

  it('accepts the column aliases and uses the default currency', () => {
    const { payments, errors } = parseBankFile(lines('Received_Date,NAME,Memo,AMOUNT,id', '2026-04-01,Acme,INV 7,10,W-1', '2026-04-01,Acme,INV 8,10.5,W-2'), {
      defaultCurrency: 'GBP',
    });
    expect(errors).toEqual([]);
    expect(payments.map((p) => [p.line, p.amount, p.currency, p.payerName, p.reference, p.externalRef])).toEqual([
      [2, '10.00', 'GBP', 'Acme', 'INV 7', 'csv:W-1'],
      [3, '10.50', 'GBP', 'Acme', 'INV 8', 'csv:W-2'],
    ]);
  });

  it('reports bad dates and amounts on their lines and reads the good rows', () => {
    const { payments, errors, debits, debitProblems } = parseBankFile(
      lines(
        'date,payer,reference,amount,currency',
        '15/01/2026,Acme,INV 1,100.00,USD',
        '2026-01-15,Acme,INV 2,1e5,USD',
        '2026-01-15,Acme,INV 3,"12,5",EUR',
        '2026-01-15,Acme,INV 4,250.00,USD',
        '2026-02-29,Acme,INV 5,-40.00,USD',
        '2026-01-15,Acme,INV 6,1.005,USD',
        '2026-01-15,Acme,INV 7,,US',
        ',Acme,INV 8,0,USD',
        '2026-01-16,Acme,INV 9,12.30,',
      ),
    );
    expect(errors).toEqual([
      { line: 2, message: 'date "15/01/2026" is not a date written YYYY-MM-DD' },
      { line: 3, message: 'amount "1e5" is not a decimal number; write it like 1250.00 (digits and one point, no thousands separators, no exponent)' },
      { line: 4, message: 'amount "12,5" is not a decimal number; write it like 1250.00 (digits and one point, no thousands separators, no exponent)' },
      { line: 7, message: 'amount "1.005" has more decimal places than USD allows (2)' },
      { line: 8, message: 'currency "US" is not a currency code such as USD' },
      { line: 8, message: 'the amount is empty' },
      { line: 9, message: 'amount "0" must be more than zero' },
      { line: 9, message: 'the date is empty' },
      { line: 10, message: 'the currency is empty' },
    ]);
    expect(payments.map((p) => [p.line, p.reference, p.amount])).toEqual([[5, 'INV 4', '250.00']]);
    // a negative amount is an outgoing line: its problems are said, never errors of the file
    expect(debits).toEqual([]);
    expect(debitProblems).toEqual([{ line: 6, message: 'date "2026-02-29" is not a date written YYYY-MM-DD' }]);
  });

  it('names each missing column, and refuses an empty file or one without rows', () => {
    expect(parseBankFile(lines('payer,reference', 'Acme,INV 1')).errors).toEqual([
      { line: 1, message: 'the column amount is missing from the header row' },
      { line: 1, message: 'the column date (or received_date, booking_date) is missing from the header row' },
      { line: 1, message: 'the column currency is missing from the header row' },
    ]);
    expect(parseBankFile(lines('date;amount;currency', '2026-01-01;5,00;EUR')).errors).toEqual([
      { line: 1, message: 'the columns are separated by ";", not commas; save the file as CSV (comma delimited)' },
    ]);
    expect(parseBankFile('').errors).toEqual([{ line: 1, message: 'the file is empty; it needs a header row and one row per payment' }]);
    expect(parseBankFile(lines('date,amount,currency')).errors).toEqual([{ line: 1, message: 'the file has a header row but no payments' }]);
  });
});

describe('keys for de-duplication', () => {
  it('gives the same keys when the same file is parsed again', () => {
    for (const name of ['camt053-001-02.xml', 'camt053-001-08.xml', 'bai2-two-accounts.bai', 'payments.csv']) {
      const first = parseBankFile(fixture(name)).payments.map((p) => p.externalRef);
      const again = parseBankFile(fixture(name)).payments.map((p) => p.externalRef);
      expect(again).toEqual(first);
      expect(new Set(first).size).toBe(first.length);
    }
  });

  it('keeps a payment’s key when other lines of the file move', () => {
    const a = parseBankFile(lines('date,payer,reference,amount,currency', '2026-01-15,Acme,INV 1,100.00,USD'));
    const b = parseBankFile(lines('date,payer,reference,amount,currency', '', '2026-01-14,Other,X,5.00,USD', '2026-01-15,Acme,INV 1,100.00,USD'));
    expect(b.payments[1]!.externalRef).toBe(a.payments[0]!.externalRef);
    expect(b.payments[1]!.line).not.toBe(a.payments[0]!.line);
  });

  it('tells two identical-looking payments in one file apart, with or without a bank reference', () => {
    const noRef = parseBankFile(lines('date,payer,reference,amount,currency', '2026-01-15,Acme,INV 1,100.00,USD', '2026-01-15,Acme,INV 1,100.00,USD'));
    expect(noRef.payments[0]!.externalRef).not.toBe(noRef.payments[1]!.externalRef);
    const sameRef = parseBankFile(
      lines('date,amount,currency,bank_reference', '2026-01-15,100.00,USD,R-1', '2026-01-15,100.00,USD,R-1', '2026-01-15,100.00,USD,R-1'),
    );
    expect(sameRef.payments.map((p) => p.externalRef)).toEqual(['csv:R-1', 'csv:R-1#2', 'csv:R-1#3']);
  });
});

describe('finding the payer in BAI2 text', () => {
  it.each([
    ['ORIG CO NAME:ACME SUPPLY ORIG ID:1234567890 DESC DATE:260115', 'ACME SUPPLY'],
    ['WIRE IN ORIGINATOR: Globex Retail Inc; OBI: INV 1', 'Globex Retail Inc'],
    ['ORG=/0012345678 STARK SUPPLY LLC BNF=HOLDBACK', 'STARK SUPPLY LLC'],
    ['DEPOSIT B/O VANDELAY INDUSTRIES', 'VANDELAY INDUSTRIES'],
    ['OBI:INV 1001 1002', ''],
    ['', ''],
  ])('%j → %j', (text, payer) => {
    expect(payerFromText(text)).toBe(payer);
  });
});

describe('outgoing lines (debits)', () => {
  it('camt.053: a payout batch booked as one sum is one debit with the batch’s MsgId, PmtInfId and each end-to-end id', () => {
    const { payments, errors, debits, debitProblems } = parseBankFile(fixture('camt053-001-08-payouts.xml'));
    expect(errors).toEqual([]);
    expect(payments.map((p) => [p.line, p.amount, p.payerName])).toEqual([[113, '31500.00', 'Umbrella Corp Europe']]);
    expect(debits).toEqual([
      {
        line: 22,
        amount: '18420.55',
        currency: 'EUR',
        bookingDate: '2026-02-13',
        bankReference: '2026021300098765',
        references: [
          '2026021300098765',
          '0001',
          'HB-PAYOUT-7-20260212',
          'HB-BATCH-7',
          '2026021300098765-1',
          'HB-R-1041',
          '2026021300098765-2',
          'HB-R-1044',
          'REBATE RELEASE 1041 REBATE RELEASE 1044',
          'SEPA SAMMLER-UEBERWEISUNG 2 POSTEN',
        ],
        description: 'REBATE RELEASE 1041 REBATE RELEASE 1044',
      },
      // a booking date and time; EndToEndId NOTPROVIDED is no reference
      {
        line: 73,
        amount: '980.00',
        currency: 'EUR',
        bookingDate: '2026-02-13',
        bankReference: '2026021300098801',
        references: ['2026021300098801', 'HB-BATCH-9', 'UEBERWEISUNG'],
        description: 'UEBERWEISUNG',
      },
      {
        line: 90,
        amount: '12.50',
        currency: 'EUR',
        bookingDate: '2026-02-13',
        bankReference: 'FEE-2026-02',
        references: ['FEE-2026-02', 'KONTOFUEHRUNGSGEBUEHR 02/2026'],
        description: 'KONTOFUEHRUNGSGEBUEHR 02/2026',
      },
      // the pending 5000.00 (line 99) is not booked: no line at all
    ]);
    expect(debitProblems).toEqual([{ line: 107, message: 'the entry has no booking date (BookgDt)' }]);
  });

  /** A one-account BAI2 file whose trailers (counts, control totals) add up. */
  const bai2 = (records: string[], currency = 'USD') => {
    const amounts = records.filter((r) => r.startsWith('16,')).map((r) => BigInt(r.split(',')[2]!));
    const total = amounts.reduce((a, b) => a + b, 0n).toString();
    const accountRecords = records.length + 2;
    return lines(
      '01,021000021,HOLDBACKFACT,260213,0610,1,80,10,2/',
      `02,HOLDBACKFACT,021000021,1,260212,2400,${currency},2/`,
      `03,000123456789,${currency}/`,
      ...records,
      `49,${total},${accountRecords}/`,
      `98,${total},1,${accountRecords + 2}/`,
      `99,${total},1,${accountRecords + 4}/`,
    );
  };

  it('BAI2: type codes 400–699 are debits with the bank and customer references and the text; the file’s totals still count them', () => {
    const text = bai2([
      '16,195,5000000,0,20260212B6B7HU2R000901,,WIRE IN ORIG:GLOBEX RETAIL INC',
      '16,469,2105000,0,260212000045,HB-BATCH-12,ACH ORIG SETTLEMENT CO ID:1234567890',
      '88,CO ENTRY DESCR:REBATE BATCH 0000012 TRACE#:021000020000001',
      '16,495,98000,0,20260212MMQFMP2N004411,,WIRE OUT BNF:NORTHWIND STAFFING',
      '16,698,2500,0,FEE0212,,ACH ORIGINATION FEE',
      '16,475,0,0,0000001299,1299,CHECK PAID/',
      '16,703,100000,0,LN00012,,LOAN PAYMENT',
    ]);
    const { payments, errors, debits, debitProblems } = parseBankFile(text);
    expect(errors).toEqual([]);
    expect(payments.map((p) => [p.line, p.amount])).toEqual([[4, '50000.00']]);
    expect(debits).toEqual([
      {
        line: 5,
        amount: '21050.00',
        currency: 'USD',
        bookingDate: '2026-02-12',
        bankReference: '260212000045',
        references: ['260212000045', 'HB-BATCH-12', 'ACH ORIG SETTLEMENT CO ID:1234567890 CO ENTRY DESCR:REBATE BATCH 0000012 TRACE#:021000020000001'],
        description: 'ACH ORIG SETTLEMENT CO ID:1234567890 CO ENTRY DESCR:REBATE BATCH 0000012 TRACE#:021000020000001',
      },
      {
        line: 7,
        amount: '980.00',
        currency: 'USD',
        bookingDate: '2026-02-12',
        bankReference: '20260212MMQFMP2N004411',
        references: ['20260212MMQFMP2N004411', 'WIRE OUT BNF:NORTHWIND STAFFING'],
        description: 'WIRE OUT BNF:NORTHWIND STAFFING',
      },
      {
        line: 8,
        amount: '25.00',
        currency: 'USD',
        bookingDate: '2026-02-12',
        bankReference: 'FEE0212',
        references: ['FEE0212', 'ACH ORIGINATION FEE'],
        description: 'ACH ORIGINATION FEE',
      },
      // 703 (a loan code) is neither a credit nor a debit line; it only counts toward the totals
    ]);
    expect(debitProblems).toEqual([{ line: 9, message: 'amount "0" must be more than zero' }]);
  });

  it('BAI2: a debit without a usable currency or date is said, and a debit amount that is no number still spoils the totals', () => {
    const bad = bai2(['16,495,98000,0,W1,,WIRE OUT'], 'XYZ');
    expect(parseBankFile(bad).debitProblems).toEqual([{ line: 4, message: 'the debit has no currency: the currency code on line 3 is not valid' }]);
    const noDate = bai2(['16,495,98000,0,W1,,WIRE OUT']).replace('260212,2400', '261312,2400');
    expect(parseBankFile(noDate).debitProblems).toEqual([{ line: 4, message: 'the debit has no date: the group header (02) has no valid as-of date' }]);
    const garbled = bai2(['16,495,98000,0,W1,,WIRE OUT']).replace('16,495,98000', '16,495,98X00');
    expect(parseBankFile(garbled).errors).toEqual(
      expect.arrayContaining([{ line: 4, message: 'amount "98X00" is not a whole number (BAI2 amounts are in cents, without a decimal point)' }]),
    );
  });

  it('CSV: a negative amount is a debit line; its problems are said, never errors of the file', () => {
    const { payments, errors, debits, debitProblems } = parseBankFile(
      lines(
        'Booking Date,Payer Name,Description,Amount,Currency,Transaction ID',
        '2026-02-12,Globex Retail,INV A-1001,50000.00,USD,TRX-0100',
        '2026-02-13,Holdback payouts,HB-BATCH-12 REBATE,-21050.00,USD,TRX-0101',
        '2026-02-13,,MONTHLY FEE,-25,usd,',
        '2026-02-13,,FEE,-0.00,USD,TRX-0103',
        '2026-02-13,,FEE,-1.005,USD,TRX-0104',
        '2026-02-13,,FEE,--5,USD,TRX-0105',
        '2026-02-13,,REFUND,-1500000,JPY,TRX-0106',
      ),
    );
    expect(errors).toEqual([]);
    expect(payments.map((p) => [p.line, p.amount])).toEqual([[2, '50000.00']]);
    expect(debits).toEqual([
      {
        line: 3,
        amount: '21050.00',
        currency: 'USD',
        bookingDate: '2026-02-13',
        bankReference: 'TRX-0101',
        references: ['TRX-0101', 'HB-BATCH-12 REBATE', 'Holdback payouts'],
        description: 'HB-BATCH-12 REBATE',
      },
      { line: 4, amount: '25.00', currency: 'USD', bookingDate: '2026-02-13', bankReference: '', references: ['MONTHLY FEE'], description: 'MONTHLY FEE' },
      {
        line: 8,
        amount: '1500000',
        currency: 'JPY',
        bookingDate: '2026-02-13',
        bankReference: 'TRX-0106',
        references: ['TRX-0106', 'REFUND'],
        description: 'REFUND',
      },
    ]);
    expect(debitProblems).toEqual([
      { line: 5, message: 'amount "-0.00" must be more than zero' },
      { line: 6, message: 'amount "-1.005" has more decimal places than USD allows (2)' },
      {
        line: 7,
        message: 'amount "--5" is not a decimal number; write it like 1250.00 or -1250.00 (digits and one point, no thousands separators, no exponent)',
      },
    ]);
  });

  it('a file of debits only is read, not refused as "no payments"', () => {
    const { payments, errors, debits } = parseBankFile(lines('date,amount,currency,reference', '2026-02-13,-100.00,EUR,HB-BATCH-3'));
    expect(errors).toEqual([]);
    expect(payments).toEqual([]);
    expect(debits.map((d) => [d.line, d.amount, d.references])).toEqual([[2, '100.00', ['HB-BATCH-3']]]);
  });
});
