import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { debtorStatement as statementEmail } from '../../emails/debtor-statement';
import { addDays } from '../../lib/dates';
import { formatSteps, sendIdOfDedupeKey, sendLabel, stepLabel } from '../../lib/debtor-statements/labels';
import {
  buildDebtorStatement,
  emailData,
  reminderStepFor,
  reminderWindows,
  remittanceRows,
  type DebtorStatementInput,
  type StatementInvoice,
} from '../../lib/debtor-statements/model';
import { renderDebtorStatementPdf } from '../../lib/debtor-statements/render';
import { parseReminderSteps, remittanceSchema } from '../../lib/debtor-statements/settings';

const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-debtor-statement-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const invoice = (o: Partial<StatementInvoice> & Pick<StatementInvoice, 'number' | 'dueDate' | 'faceValue' | 'openAmount'>): StatementInvoice => ({
  invoiceId: o.number.replace(/\D/g, ''),
  clientName: 'Acme Manufacturing',
  issueDate: addDays(o.dueDate, -30),
  currency: 'USD',
  disputed: false,
  ...o,
});

const base: DebtorStatementInput = {
  factorName: 'Northwind Factors',
  debtor: { id: '42', name: 'Globex Retail', apName: 'Pat Payables', apEmail: 'ap@globex.test' },
  asOf: '2026-03-31',
  kind: 'statement',
  step: null,
  remittance: {
    payee: 'Northwind Factors LLC',
    bankName: 'First Test Bank',
    routing: '021000021',
    account: '000123456789',
    address: 'PO Box 1200\nNewark, NJ 07101',
    note: 'Quote the invoice numbers',
  },
  notices: [
    { clientName: 'Acme Manufacturing', sentDate: '2026-01-05' },
    { clientName: 'Bolt Supplies', sentDate: null },
  ],
  invoices: [
    invoice({ number: 'A-1002', dueDate: '2026-04-10', faceValue: '5000.00', openAmount: '5000.00' }),
    invoice({ number: 'A-1001', dueDate: '2026-03-01', faceValue: '12500.00', openAmount: '8000.00' }),
    invoice({
      number: 'B-7',
      clientName: 'Bolt Supplies',
      dueDate: '2026-03-31',
      faceValue: '2000.00',
      openAmount: '2000.00',
      currency: 'EUR',
      disputed: true,
    }),
  ],
};

describe('the debtor statement (pure)', () => {
  it('lists the open invoices oldest due first with days past due to the statement date, paid = amount − open', () => {
    const s = buildDebtorStatement(base);
    expect(s.title).toBe('Statement of open invoices');
    expect(s.lines.map((l) => [l.number, l.dueDate, l.daysPastDue, l.daysLabel, l.amount, l.paid, l.open])).toEqual([
      ['A-1001', '2026-03-01', 30, '30', '12500.00', '4500.00', '8000.00'],
      ['B-7', '2026-03-31', 0, 'due today *', '2000.00', '0.00', '2000.00'],
      ['A-1002', '2026-04-10', -10, 'due in 10 days', '5000.00', '0.00', '5000.00'],
    ]);
  });

  it('totals each currency on its own — never added across currencies — with what of it is past due', () => {
    const s = buildDebtorStatement(base);
    expect(s.totals).toEqual([
      { currency: 'EUR', invoices: 1, amount: '2000.00', paid: '0.00', open: '2000.00', pastDue: '0.00' },
      { currency: 'USD', invoices: 2, amount: '17500.00', paid: '4500.00', open: '13000.00', pastDue: '8000.00' },
    ]);
    expect(s.notListed).toEqual([]);
    expect(s.intro).toBe('On 2026-03-31 you owe 2,000.00 EUR and 13,000.00 USD on the 3 invoices below, which were assigned to Northwind Factors.');
  });

  it('counts the invoices beyond the line cap in the totals and says how many were not listed', () => {
    const s = buildDebtorStatement({
      ...base,
      invoices: base.invoices.filter((i) => i.currency === 'USD'),
      all: [{ currency: 'USD', invoices: 5, faceValue: '30000.00', openAmount: '25000.50', pastDueAmount: '8000.00' }],
    });
    expect(s.totals).toEqual([{ currency: 'USD', invoices: 5, amount: '30000.00', paid: '4999.50', open: '25000.50', pastDue: '8000.00' }]);
    expect(s.notListed).toEqual([{ currency: 'USD', invoices: 3, open: '12000.50' }]);
  });

  it('prints the remittance instructions in the order a payer reads them, the address line by line', () => {
    expect(remittanceRows(base.remittance)).toEqual([
      ['Pay to', 'Northwind Factors LLC'],
      ['Bank', 'First Test Bank'],
      ['Routing number (ABA)', '021000021'],
      ['Account number', '000123456789'],
      ['Cheques to', 'PO Box 1200'],
      ['', 'Newark, NJ 07101'],
      ['Reference', 'Quote the invoice numbers'],
    ]);
    expect(remittanceRows({ payee: 'Northwind Factors', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' })).toEqual([
      ['Pay to', 'Northwind Factors'],
      ['IBAN', 'DE89 3704 0044 0532 0130 00'],
      ['BIC', 'COBADEFFXXX'],
    ]);
  });

  it('words a reminder by its step', () => {
    const due = buildDebtorStatement({ ...base, kind: 'reminder', step: 15, invoices: [base.invoices[1]!], asOf: '2026-03-16' });
    expect(due.title).toBe('Payment reminder');
    expect(due.stepLabel).toBe('15 days past due');
    expect(due.intro).toBe(
      'A reminder: the 1 invoice below is 15 days past due, 8,000.00 USD still open. Please pay now to the account below, or tell us why if you dispute it.',
    );
    const early = buildDebtorStatement({ ...base, kind: 'reminder', step: -7, invoices: [base.invoices[0]!], asOf: '2026-04-03' });
    expect(early.intro).toContain('falls due on 2026-04-10 (7 days before the due date)');
    expect([stepLabel(-1), stepLabel(0), stepLabel(1), stepLabel(30)]).toEqual([
      '1 day before the due date',
      'on the due date',
      '1 day past due',
      '30 days past due',
    ]);
    expect(sendLabel('reminder', 30)).toBe('Reminder, 30 days past due');
    expect(sendLabel('statement', null)).toBe('Statement');
  });
});

describe('reminder step selection', () => {
  const steps = [-7, 0, 15, 30];

  it('sends each step on its day: 7 days before, on the due date, 15 and 30 days after', () => {
    const due = '2026-05-20';
    expect(reminderStepFor(due, '2026-05-13', steps)).toBe(-7);
    expect(reminderStepFor(due, '2026-05-20', steps)).toBe(0);
    expect(reminderStepFor(due, '2026-06-04', steps)).toBe(15);
    expect(reminderStepFor(due, '2026-06-19', steps)).toBe(30);
    expect(reminderStepFor(due, '2026-05-12', steps)).toBeNull(); // 8 days before: no step yet
  });

  it('catches up a missed day within a week, only the latest step; after that, nothing', () => {
    const due = '2026-05-20';
    expect(reminderStepFor(due, '2026-05-22', steps)).toBe(0); // two days late, still the due-date reminder
    expect(reminderStepFor(due, '2026-05-26', steps)).toBe(0); // day 6
    expect(reminderStepFor(due, '2026-05-27', steps)).toBeNull(); // day 7: too late for the due-date one, 15 not reached
    expect(reminderStepFor(due, '2026-08-01', steps)).toBeNull(); // long past the last step
    // a step superseded by the next: on day 31 the 30-day reminder, never the 15-day one
    expect(reminderStepFor(due, '2026-06-20', steps)).toBe(30);
  });

  it('the due-date windows of one run give exactly what reminderStepFor gives, each due date in one window at most', () => {
    for (const asOf of ['2026-03-01', '2026-02-28', '2026-12-31']) {
      for (const s of [steps, [0], [-3, -1, 0, 1, 2, 60], [15, 5]]) {
        const windows = reminderWindows(asOf, s);
        for (let d = -120; d <= 120; d += 1) {
          const due = addDays(asOf, d);
          const hits = windows.filter((w) => w.dueFrom <= due && due <= w.dueTo).map((w) => w.step);
          const expected = reminderStepFor(due, asOf, s);
          expect(hits, `${asOf} steps ${formatSteps(s)} due ${due}`).toEqual(expected === null ? [] : [expected]);
        }
      }
    }
    expect(reminderWindows('2026-05-20', steps)).toEqual([
      { step: -7, dueFrom: '2026-05-21', dueTo: '2026-05-27' },
      { step: 0, dueFrom: '2026-05-14', dueTo: '2026-05-20' },
      { step: 15, dueFrom: '2026-04-29', dueTo: '2026-05-05' },
      { step: 30, dueFrom: '2026-04-14', dueTo: '2026-04-20' },
    ]);
  });
});

describe('Settings → Debtor statements, validated', () => {
  it('reads reminder steps as people type them, sorted; blank turns reminders off', () => {
    expect(parseReminderSteps('30, -7, 0 15')).toEqual([-7, 0, 15, 30]);
    expect(parseReminderSteps([0, 45])).toEqual([0, 45]);
    expect(parseReminderSteps('')).toEqual([]);
    expect(() => parseReminderSteps('-7, soon')).toThrow(/Reminder steps must be whole numbers of days from the due date/);
    expect(() => parseReminderSteps('0, 0')).toThrow('Reminder steps name 0 twice');
    expect(() => parseReminderSteps('400')).toThrow(/between -90 .* and 365/);
    expect(() => parseReminderSteps('1,2,3,4,5,6,7,8,9,10,11')).toThrow('Reminder steps may be at most 10 steps');
  });

  it('needs the payee and one way to pay, a routing number with its account, refusals naming the field', () => {
    const fail = (input: Record<string, string>) => {
      const r = remittanceSchema.safeParse(input);
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
    };
    expect(fail({ payee: 'Northwind' })).toEqual({
      routing: 'Give debtors a way to pay: a routing number (aba) and account number, an IBAN, or an address for cheques',
    });
    expect(fail({ payee: 'Northwind', routing: '021000021' })).toEqual({ account: 'Account number is required with a routing number' });
    expect(fail({ payee: 'Northwind', routing: '021000022', account: '1234' })).toMatchObject({ routing: expect.stringContaining('check digit') });
    expect(fail({ payee: '', address: 'PO Box 1' })).toMatchObject({ payee: 'Pay to is required' });
    expect(remittanceSchema.parse({ payee: 'Northwind', iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' })).toMatchObject({
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
    });
  });
});

describe('the statement as a PDF and an email', () => {
  it('prints each invoice on one row — number, client, invoice date, due date, days past due, amount, paid, open — the totals and how to pay', async () => {
    const s = buildDebtorStatement(base);
    const pdf = await renderDebtorStatementPdf(s);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf, 'statement');
    expect(text).toContain('Northwind Factors');
    expect(text).toContain('Statement of open invoices');
    expect(text).toContain('Globex Retail (debtor 42)');
    expect(text).toMatch(/Attention\s+Pat Payables, ap@globex\.test/);
    expect(text).toMatch(/A-1001\s+Acme Manufacturing\s+2026-01-30\s+2026-03-01\s+30\s+USD\s+12,500\.00\s+4,500\.00\s+8,000\.00\n/);
    expect(text).toMatch(/B-7\s+Bolt Supplies\s+2026-03-01\s+2026-03-31\s+due today \*\s+EUR\s+2,000\.00\s+0\.00\s+2,000\.00\n/);
    expect(text).toMatch(/A-1002\s+Acme Manufacturing\s+2026-03-11\s+2026-04-10\s+due in 10 days\s+USD\s+5,000\.00\s+0\.00\s+5,000\.00\n/);
    expect(text).toContain('* Under dispute: the amount stays open while we resolve the dispute with you.');
    // totals per currency: invoices, amount, paid, open, of which past due
    expect(text).toMatch(/EUR\s+1\s+2,000\.00\s+0\.00\s+2,000\.00\s+0\.00\n/);
    expect(text).toMatch(/USD\s+2\s+17,500\.00\s+4,500\.00\s+13,000\.00\s+8,000\.00\n/);
    // how to pay, per the notice of assignment
    expect(text).toContain('These invoices were sold and assigned to Northwind Factors');
    expect(text).toMatch(/Pay to\s+Northwind Factors LLC/);
    expect(text).toMatch(/Routing number \(ABA\)\s+021000021/);
    expect(text).toMatch(/Account number\s+000123456789/);
    expect(text).toMatch(/Cheques to\s+PO Box 1200\n\s+Newark, NJ 07101/);
    expect(text).toMatch(/Acme Manufacturing\s+notice sent 2026-01-05/);
    expect(text).toMatch(/Bolt Supplies\s+notice date not recorded/);
    // the same statement gives the same bytes
    expect((await renderDebtorStatementPdf(s)).equals(pdf)).toBe(true);
  });

  it('repeats the header of a long statement on each page', async () => {
    const many = Array.from({ length: 120 }, (_, n) =>
      invoice({ number: `L-${1000 + n}`, dueDate: addDays('2026-01-01', n), faceValue: '100.00', openAmount: '100.00' }),
    );
    const text = pdfText(await renderDebtorStatementPdf(buildDebtorStatement({ ...base, invoices: many, notices: [] })), 'long');
    expect(text).toMatch(/Page 1 of [2-9]/);
    expect(text.match(/Invoice\s+Client\s+Invoice date\s+Due date\s+Days past due/g)!.length).toBeGreaterThan(1);
    expect(text).toContain('L-1119');
    expect(text).toMatch(/USD\s+120\s+12,000\.00\s+0\.00\s+12,000\.00/);
  });

  it('wraps a long invoice number and client name onto a second line rather than cutting them', async () => {
    const long = invoice({
      number: 'PO-2026-000123-REVISED-B',
      clientName: 'Consolidated Widget Manufacturing of Ohio',
      dueDate: '2026-03-01',
      faceValue: '100.00',
      openAmount: '100.00',
    });
    const text = pdfText(await renderDebtorStatementPdf(buildDebtorStatement({ ...base, invoices: [long, base.invoices[0]!] })), 'wrapped');
    const rows = text.slice(text.indexOf('Open balance'), text.indexOf('Totals'));
    expect(rows).not.toContain('…');
    expect(rows).toMatch(/PO-2026-000123-\S*\s+Consolidated Widget\s+2026-01-30\s+2026-03-01\s+30\s+USD\s+100\.00\s+0\.00\s+100\.00\n/);
    expect(rows).toMatch(/REVISED-B/);
    expect(rows).toMatch(/Ohio/);
    // the next invoice starts below the wrapped one
    expect(rows).toMatch(/A-1002\s+Acme Manufacturing\s+2026-03-11\s+2026-04-10/);
  });

  it('emails the totals and how to pay, naming the attached PDF', () => {
    const s = buildDebtorStatement({ ...base, kind: 'reminder', step: 30, invoices: [base.invoices[1]!], asOf: '2026-03-31' });
    const mail = statementEmail(emailData(s, 42, '7'));
    expect(mail.subject).toBe('Payment reminder from Northwind Factors: 1 invoice 30 days past due');
    expect(mail.text).toContain('Dear Pat Payables,');
    expect(mail.text).toContain('Open: 8,000.00 USD, all past due.');
    expect(mail.text).toContain('debtor-42-statement-2026-03-31-7.pdf');
    expect(mail.text).toContain('Pay to: Northwind Factors LLC');
    expect(mail.html).toContain('Account number');
    const plain = statementEmail(emailData(buildDebtorStatement(base), 42, '8'));
    expect(plain.subject).toBe('Statement of open invoices from Northwind Factors — Globex Retail, 2026-03-31');
    expect(plain.text).toContain('Open: 2,000.00 EUR; 13,000.00 USD (8,000.00 past due).');
    expect(sendIdOfDedupeKey('debtor-statement:8')).toBe(8);
    expect(sendIdOfDedupeKey('rebate:8:x@y')).toBeNull();
  });
});
