import { isBusinessDate } from '../../dates';
import { csvRecords } from '../../invoices/csv';
import { collapse, isCurrencyCode, quote, readDecimalAmount } from './common';
import type { BankFileError, FormatResult, PaymentWithoutKey } from './types';

/**
 * A bank's CSV export of incoming payments: a header row, then one payment per row. Column names
 * are compared lower-case with spaces, `_` and `-` removed ("Booking Date" = "booking_date");
 * other columns are ignored. Line numbers are physical lines (a quoted field spanning lines
 * moves the next row's number on).
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

type CsvRecord = ReturnType<typeof csvRecords> extends Generator<infer R> ? R : never;

const normalizeHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

export function parseCsvStatement(text: string, defaultCurrency?: string): FormatResult {
  const payments: PaymentWithoutKey[] = [];
  const errors: BankFileError[] = [];
  const records = csvRecords(text);

  // The header: the first record that is not blank. (Not a for…of with break: that would close the generator.)
  let header: CsvRecord | undefined;
  for (let next = records.next(); !next.done; next = records.next()) {
    if (next.value.error || !isBlank(next.value.fields)) {
      header = next.value;
      break;
    }
  }
  if (!header) return { payments, errors: [{ line: 1, message: 'the file is empty; it needs a header row and one row per payment' }] };
  if (header.error) return { payments, errors: [{ line: header.line, message: `the header row cannot be read: ${header.error}` }] };

  const only = header.fields.length === 1 ? header.fields[0]! : '';
  const separator = only.includes(';') ? '";"' : only.includes('\t') ? 'tabs' : null;
  if (separator)
    return {
      payments,
      errors: [{ line: header.line, message: `the columns are separated by ${separator}, not commas; save the file as CSV (comma delimited)` }],
    };

  const columns = new Map<Field, { index: number; name: string }>();
  header.fields.forEach((raw, index) => {
    const field = ALIASES[normalizeHeader(raw)];
    if (!field) return;
    const seen = columns.get(field);
    if (seen) {
      errors.push({ line: header.line, message: `the columns "${seen.name}" and "${raw.trim()}" both give the ${field}; keep one of them` });
      return;
    }
    columns.set(field, { index, name: raw.trim() });
  });
  const required: Field[] = ['amount', 'date'];
  if (!defaultCurrency) required.push('currency');
  for (const field of required) {
    if (!columns.has(field)) errors.push({ line: header.line, message: `the column ${COLUMN_NAMES[field]} is missing from the header row` });
  }
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
    if (amountText === '') problems.push('the amount is empty');
    else if (currencyOk) {
      const checked = readDecimalAmount(amountText, currency);
      if (checked.ok) amount = checked.value;
      else problems.push(checked.problem);
    }

    const date = value('date');
    if (date === '') problems.push('the date is empty');
    else if (!isBusinessDate(date)) problems.push(`date ${quote(date)} is not a date written YYYY-MM-DD`);

    if (problems.length > 0) {
      for (const message of problems) errors.push({ line, message });
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
  return { payments, errors };
}
