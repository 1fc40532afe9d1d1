import { isBusinessDate } from '../../dates';
import { csvRecords, isBlank, readCsvHeader } from '../../invoices/csv';
import { collapse, distinctTexts, isCurrencyCode, quote, readSignedDecimalAmount } from './common';
import type { BankFileError, FormatResult, ParsedDebit, PaymentWithoutKey } from './types';

/**
 * A bank's CSV export: a header row, then one line per row. A positive amount is an incoming
 * payment; a negative one ("-12500.00") is an outgoing line (a debit: a payout batch, a fee),
 * whose problems are debitProblems, never errors of the file. Column names are compared
 * lower-case with spaces, `_` and `-` removed ("Booking Date" = "booking_date"); other columns
 * are ignored. Line numbers are physical lines (a quoted field spanning lines moves the next
 * row's number on).
 */

type Field = 'amount' | 'currency' | 'date' | 'payer' | 'reference' | 'bankReference';

const ALIASES: Readonly<Record<string, Field>> = {
  amount: 'amount',
  currency: 'currency',
  date: 'date',
  receiveddate: 'date',
  bookingdate: 'date',
  payer: 'payer',
  payername: 'payer',
  name: 'payer',
  reference: 'reference',
  remittance: 'reference',
  memo: 'reference',
  description: 'reference',
  bankreference: 'bankReference',
  id: 'bankReference',
  transactionid: 'bankReference',
};

const COLUMN_NAMES: Readonly<Record<Field, string>> = {
  amount: 'amount',
  currency: 'currency',
  date: 'date (or received_date, booking_date)',
  payer: 'payer (or payer_name, name)',
  reference: 'reference (or remittance, memo, description)',
  bankReference: 'bank_reference (or id, transaction_id)',
};

export function parseCsvStatement(text: string, defaultCurrency?: string): FormatResult {
  const payments: PaymentWithoutKey[] = [];
  const debits: ParsedDebit[] = [];
  const debitProblems: BankFileError[] = [];
  const records = csvRecords(text);

  const required: Field[] = ['amount', 'date'];
  if (!defaultCurrency) required.push('currency');
  const header = readCsvHeader(records, {
    emptyMessage: 'the file is empty; it needs a header row and one row per payment',
    alias: (name) => (ALIASES[name] ? { field: ALIASES[name] } : undefined),
    required,
    columnNames: COLUMN_NAMES,
  });
  const { columns } = header;
  const errors: BankFileError[] = header.errors;
  if (errors.length > 0) return { payments, errors };

  let count = 0;
  for (const record of records) {
    if (!record.error && isBlank(record.fields)) continue; // empty lines are ignored
    count += 1;
    const line = record.line;
    if (record.error) {
      errors.push({ line, message: `this row cannot be read: ${record.error}` });
      continue;
    }
    const value = (field: Field) => {
      const c = columns.get(field);
      return c === undefined ? '' : (record.fields[c.index] ?? '').trim();
    };
    const problems: string[] = [];

    const currencyText = value('currency');
    const currency = currencyText === '' ? (defaultCurrency ?? '') : currencyText.toUpperCase();
    const currencyOk = isCurrencyCode(currency);
    if (currency === '') problems.push('the currency is empty');
    else if (!currencyOk) problems.push(`currency ${quote(currencyText)} is not a currency code such as USD`);

    let amount = '';
    const amountText = value('amount');
    const debit = amountText.startsWith('-');
    if (amountText === '') problems.push('the amount is empty');
    else if (currencyOk) {
      const checked = readSignedDecimalAmount(amountText, currency);
      if (checked.ok) amount = checked.value.amount;
      else problems.push(checked.problem);
    }

    const date = value('date');
    if (date === '') problems.push('the date is empty');
    else if (!isBusinessDate(date)) problems.push(`date ${quote(date)} is not a date written YYYY-MM-DD`);

    if (problems.length > 0) {
      for (const message of problems) (debit ? debitProblems : errors).push({ line, message });
      continue;
    }
    if (debit) {
      const bankReference = collapse(value('bankReference'));
      const description = collapse(value('reference'));
      debits.push({
        line,
        amount,
        currency,
        bookingDate: date,
        bankReference,
        references: distinctTexts([bankReference, description, value('payer')]),
        description: description !== '' ? description : collapse(value('payer')),
      });
      continue;
    }
    payments.push({
      line,
      amount,
      currency,
      receivedDate: date,
      payerName: collapse(value('payer')),
      reference: collapse(value('reference')),
      bankReference: collapse(value('bankReference')),
    });
  }
  if (count === 0 && errors.length === 0) errors.push({ line: header.line, message: 'the file has a header row but no payments' });
  return { payments, errors, debits, debitProblems };
}
