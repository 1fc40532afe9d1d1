import { isBusinessDate } from '../../dates';
import { csvRecords, isBlank, type CsvRecord } from '../../invoices/csv';
import type { BankFileError, FormatResult, ParsedDebit, PaymentWithoutKey } from './types';
import { collapse, distinctTexts, isCurrencyCode, quote, readCanonicalAmount, type Checked } from './values';

/**
 * Issue 15 item 6: a bank's CSV export read through a mapping — which of its columns is the date,
 * the amount, the reference, the payer, the currency (or one fixed currency), how it writes dates
 * (YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY) and amounts (8,000.00 or 8.000,00 …) and what
 * separates its columns. A mapping is saved as a named bank profile (lib/collections/bank-profiles.ts)
 * and reused for the bank's next file.
 *
 * Pure — no node modules — so the console reads a file's first lines in the browser (the preview
 * and the guesses it starts from) with the same code the importer parses the file with. Amounts are
 * read from their text into exact decimal strings (Big), never through a JavaScript number.
 *
 * As with the plain CSV format (./csv.ts): a positive amount is an incoming payment, a negative one
 * an outgoing line (a debit), whose problems are never errors of the file; line numbers are the
 * file's physical lines.
 */

export const DATE_FORMATS = ['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DATE_FORMAT_LABELS: Record<DateFormat, string> = {
  'YYYY-MM-DD': 'YYYY-MM-DD (2026-01-31)',
  'MM/DD/YYYY': 'MM/DD/YYYY (01/31/2026)',
  'DD/MM/YYYY': 'DD/MM/YYYY (31/01/2026)',
  'DD.MM.YYYY': 'DD.MM.YYYY (31.01.2026)',
};

/** How amounts are written: the thousands separator (none, comma, point, space, apostrophe) and the decimal one. */
export const AMOUNT_FORMATS = ['8,000.00', '8.000,00', '8 000,00', "8'000.00", '8000.00', '8000,00'] as const;
export type AmountFormat = (typeof AMOUNT_FORMATS)[number];
export type ThousandsSeparator = '' | ',' | '.' | ' ' | "'";
export type DecimalSeparator = '.' | ',';

export const AMOUNT_FORMAT_SEPARATORS: Record<AmountFormat, { thousands: ThousandsSeparator; decimal: DecimalSeparator }> = {
  '8,000.00': { thousands: ',', decimal: '.' },
  '8.000,00': { thousands: '.', decimal: ',' },
  '8 000,00': { thousands: ' ', decimal: ',' },
  "8'000.00": { thousands: "'", decimal: '.' },
  '8000.00': { thousands: '', decimal: '.' },
  '8000,00': { thousands: '', decimal: ',' },
};

export const AMOUNT_FORMAT_LABELS: Record<AmountFormat, string> = {
  '8,000.00': '8,000.00 (comma between thousands, point before cents)',
  '8.000,00': '8.000,00 (point between thousands, comma before cents)',
  '8 000,00': '8 000,00 (space between thousands, comma before cents)',
  "8'000.00": "8'000.00 (apostrophe between thousands, point before cents)",
  '8000.00': '8000.00 (no thousands separator, point before cents)',
  '8000,00': '8000,00 (no thousands separator, comma before cents)',
};

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export const DELIMITER_LABELS: Record<Delimiter, string> = { ',': 'Comma (,)', ';': 'Semicolon (;)', '\t': 'Tab' };

/** The fields a mapping names a column for, in the order the screen asks for them. */
export const MAPPED_FIELDS = ['date', 'amount', 'reference', 'payer', 'currency', 'bankReference'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

/** What each field is, as the mapping screen says it (the columns it expects). */
export const MAPPED_FIELD_LABELS: Record<MappedField, { label: string; hint: string; required: boolean }> = {
  date: { label: 'Date', hint: 'the booking date of the line', required: true },
  amount: { label: 'Amount', hint: 'money in positive, money out negative (e.g. -12500.00)', required: true },
  reference: { label: 'Reference', hint: 'the remittance text: invoice numbers in it are matched', required: false },
  payer: { label: 'Payer', hint: 'who paid: a debtor’s name is matched', required: false },
  currency: { label: 'Currency', hint: 'a code such as USD; or choose one currency for the whole file', required: false },
  bankReference: { label: 'Bank reference', hint: 'the bank’s own id for the line: importing the file again adds nothing', required: false },
};

export interface BankCsvMapping {
  delimiter: Delimiter;
  /** the header name of the column that gives each field (compared trimmed, in any case) */
  columns: { date: string; amount: string } & Partial<Record<Exclude<MappedField, 'date' | 'amount'>, string>>;
  /** the currency of every line when no column gives it (or of a line whose currency cell is empty) */
  currency?: string;
  dateFormat: DateFormat;
  amountFormat: AmountFormat;
}

export interface CsvPreview {
  delimiter: Delimiter;
  /** the header row (its physical line and its names), or null for an empty file */
  header: { line: number; names: string[] } | null;
  /** the first rows after the header, as they are in the file */
  rows: { line: number; fields: string[] }[];
  /** the file cannot be previewed (empty, or its header unreadable) */
  error?: string;
}

/** The delimiter of a CSV's first line: the one of ",", ";" and tab used most outside quotes (a comma on a tie). */
export function guessDelimiter(text: string): Delimiter {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = input.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of first) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch] += 1;
  }
  return (DELIMITERS as readonly Delimiter[]).reduce((best, d) => (counts[d] > counts[best] ? d : best), ',' as Delimiter);
}

/** The header row and the first `rows` rows of a CSV (blank lines skipped), for the mapping screen. */
export function previewCsv(text: string, options: { delimiter?: Delimiter; rows?: number } = {}): CsvPreview {
  const delimiter = options.delimiter ?? guessDelimiter(text);
  const want = options.rows ?? 5;
  const records = csvRecords(text, delimiter);
  const header = firstRecord(records);
  if (!header) return { delimiter, header: null, rows: [], error: 'the file is empty; it needs a header row and one row per line of the statement' };
  if (header.error) return { delimiter, header: null, rows: [], error: `the header row (line ${header.line}) cannot be read: ${header.error}` };
  const rows: CsvPreview['rows'] = [];
  for (let next = records.next(); !next.done && rows.length < want; next = records.next()) {
    if (!next.value.error && isBlank(next.value.fields)) continue;
    rows.push({ line: next.value.line, fields: next.value.fields });
  }
  return { delimiter, header: { line: header.line, names: header.fields.map((f) => f.trim()) }, rows };
}

function firstRecord(records: Generator<CsvRecord>): CsvRecord | undefined {
  // Not a for…of with break: that would close the generator the rows are read from next.
  for (let next = records.next(); !next.done; next = records.next()) {
    if (next.value.error || !isBlank(next.value.fields)) return next.value;
  }
  return undefined;
}

const normalizeName = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');
const squash = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');

/** Header names banks use for each field, squashed (lower case, no spaces, `_`, `-` or `.`), best first. */
const GUESSES: Record<MappedField, string[]> = {
  date: ['bookingdate', 'date', 'receiveddate', 'transactiondate', 'postingdate', 'posteddate', 'valuedate', 'buchungstag', 'datum'],
  amount: ['amount', 'credit', 'creditamount', 'transactionamount', 'betrag', 'montant'],
  reference: ['reference', 'remittance', 'remittanceinformation', 'description', 'memo', 'details', 'narrative', 'purpose', 'verwendungszweck'],
  payer: ['payer', 'payername', 'name', 'counterparty', 'counterpartyname', 'originator', 'ordername', 'remitter'],
  currency: ['currency', 'ccy', 'currencycode', 'währung', 'waehrung'],
  bankReference: ['bankreference', 'transactionid', 'id', 'reference number', 'fitid', 'bankref'],
};

/** A mapping still being made: any column may be unchosen yet. */
export type MappingGuess = Omit<BankCsvMapping, 'columns'> & { columns: Partial<Record<MappedField, string>> };

/**
 * A first mapping for a preview, for the person to correct: columns by their usual names, and the
 * date and amount formats the sample values fit (none found: YYYY-MM-DD and 8,000.00).
 */
export function guessMapping(preview: CsvPreview): MappingGuess {
  const names = preview.header?.names ?? [];
  const columns: Partial<Record<MappedField, string>> = {};
  const taken = new Set<string>();
  for (const field of MAPPED_FIELDS) {
    for (const guess of GUESSES[field]) {
      const hit = names.find((n) => squash(n) === squash(guess) && !taken.has(n));
      if (hit) {
        columns[field] = hit;
        taken.add(hit);
        break;
      }
    }
  }
  const sample = (field: MappedField) => {
    const name = columns[field];
    const index = name === undefined ? -1 : names.indexOf(name);
    return index < 0 ? [] : preview.rows.map((r) => (r.fields[index] ?? '').trim()).filter((v) => v !== '');
  };
  return {
    delimiter: preview.delimiter,
    columns,
    dateFormat: guessDateFormat(sample('date')),
    amountFormat: guessAmountFormat(sample('amount')),
  };
}

/** The first date format every sample value reads in (MM/DD before DD/MM unless a day is over 12). */
export function guessDateFormat(values: string[]): DateFormat {
  if (values.length === 0) return 'YYYY-MM-DD';
  return DATE_FORMATS.find((f) => values.every((v) => readMappedDate(v, f).ok)) ?? 'YYYY-MM-DD';
}

/** The amount format the sample values fit: the separator before the last one to three digits is the decimal one. */
export function guessAmountFormat(samples: string[]): AmountFormat {
  // the sign of an outgoing line says nothing of the format
  const values = samples.map((v) => v.trim().replace(/^[-+]/, ''));
  const fits = (f: AmountFormat) => values.every((v) => normalizeAmount(v, AMOUNT_FORMAT_SEPARATORS[f]) !== null);
  // A value like "1,234" fits both a thousands comma and a decimal comma: the decimals seen decide first.
  const decimalComma = values.some((v) => /,\d{1,2}$/.test(v.trim())) && !values.some((v) => /\.\d{1,2}$/.test(v.trim()));
  const order: AmountFormat[] = decimalComma
    ? ['8.000,00', '8 000,00', '8000,00', '8,000.00', "8'000.00", '8000.00']
    : ['8,000.00', "8'000.00", '8000.00', '8.000,00', '8 000,00', '8000,00'];
  return order.find(fits) ?? '8,000.00';
}

const DATE_SHAPES: Record<DateFormat, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
};

/** A date as the mapping says the bank writes it, as YYYY-MM-DD; "1/5/2026" (no leading zeros) is read too. */
export function readMappedDate(raw: string, format: DateFormat): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'the date is empty' };
  const shape = DATE_SHAPES[format];
  const m = shape.re.exec(text);
  if (!m) return { ok: false, problem: `date ${quote(raw)} is not a date written ${format}` };
  const iso = `${m[shape.y]}-${m[shape.m]!.padStart(2, '0')}-${m[shape.d]!.padStart(2, '0')}`;
  if (!isBusinessDate(iso)) return { ok: false, problem: `date ${quote(raw)} is not a day of the calendar when read as ${format}` };
  return { ok: true, value: iso };
}

const escape = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The digits of an amount written with the given separators, as plain digits and one point
 * ("8.000,00" → "8000.00"), or null when it is not written that way. Thousands groups must be of
 * three digits ("8,00.00" is not 800.00). A space separator also accepts the no-break spaces
 * spreadsheets write.
 */
export function normalizeAmount(raw: string, seps: { thousands: ThousandsSeparator; decimal: DecimalSeparator }): string | null {
  let text = raw.trim();
  if (seps.thousands === ' ') text = text.replace(/[\u00a0\u202f]/g, ' ');
  const d = escape(seps.decimal);
  const grouped = seps.thousands === '' ? null : new RegExp(`^(\\d{1,3}(?:${escape(seps.thousands)}\\d{3})+)(?:${d}(\\d+))?$`);
  const plain = new RegExp(`^(\\d+)(?:${d}(\\d+))?$`);
  const m = (grouped && grouped.exec(text)) ?? plain.exec(text);
  if (!m) return null;
  const whole = m[1]!.split(seps.thousands === '' ? /(?!)/ : seps.thousands).join('');
  return m[2] === undefined ? whole : `${whole}.${m[2]}`;
}

/**
 * A signed amount written as the mapping says: "-8,000.00" is money out (a debit) of 8000.00. The
 * value is the currency's edge format from the exact decimal; the messages quote the file.
 */
export function readMappedAmount(raw: string, currency: string, format: AmountFormat): Checked<{ amount: string; debit: boolean }> {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'the amount is empty' };
  const debit = text.startsWith('-');
  const unsigned = text.startsWith('-') || text.startsWith('+') ? text.slice(1).trim() : text;
  const canonical = normalizeAmount(unsigned, AMOUNT_FORMAT_SEPARATORS[format]);
  if (canonical === null) {
    const sample = debit ? `-${format}` : format;
    return { ok: false, problem: `amount ${quote(raw)} is not an amount written like ${sample}` };
  }
  const checked = readCanonicalAmount(canonical, raw, currency);
  return checked.ok ? { ok: true, value: { amount: checked.value, debit } } : checked;
}

/** The index of each mapped column in a header row, or why the header does not fit the mapping. */
export function mappedColumns(headerNames: string[], mapping: BankCsvMapping): { index: Map<MappedField, number>; problems: string[] } {
  const names = headerNames.map(normalizeName);
  const index = new Map<MappedField, number>();
  const problems: string[] = [];
  for (const field of MAPPED_FIELDS) {
    const name = mapping.columns[field];
    if (name === undefined || name.trim() === '') continue;
    const at = names.indexOf(normalizeName(name));
    if (at < 0) {
      const listed = headerNames.map((f) => quote(f.trim())).join(', ');
      problems.push(
        `the column ${quote(name.trim())} (the ${MAPPED_FIELD_LABELS[field].label.toLowerCase()}) is not in the header row; its columns are ${listed}`,
      );
    } else index.set(field, at);
  }
  if (problems.length === 0 && !index.has('currency') && !mapping.currency) problems.push('no column gives the currency; choose the currency of the file');
  return { index, problems };
}

/** One row read through the mapping: a payment (money in), an outgoing line (money out), or its problems. */
export type MappedRow =
  | { kind: 'payment'; payment: Omit<PaymentWithoutKey, 'line'> }
  | { kind: 'debit'; debit: Omit<ParsedDebit, 'line'> }
  | { kind: 'problems'; debit: boolean; problems: string[] };

export function readMappedRow(fields: string[], index: Map<MappedField, number>, mapping: BankCsvMapping): MappedRow {
  const value = (field: MappedField) => {
    const at = index.get(field);
    return at === undefined ? '' : (fields[at] ?? '').trim();
  };
  const problems: string[] = [];

  const currencyText = value('currency');
  const currency = currencyText === '' ? (mapping.currency ?? '') : currencyText.toUpperCase();
  const currencyOk = isCurrencyCode(currency);
  if (currency === '') problems.push('the currency is empty');
  else if (!currencyOk) problems.push(`currency ${quote(currencyText)} is not a currency code such as USD`);

  let amount = '';
  const amountText = value('amount');
  const debit = amountText.startsWith('-');
  if (amountText === '') problems.push('the amount is empty');
  else if (currencyOk) {
    const checked = readMappedAmount(amountText, currency, mapping.amountFormat);
    if (checked.ok) amount = checked.value.amount;
    else problems.push(checked.problem);
  }

  const date = readMappedDate(value('date'), mapping.dateFormat);
  if (!date.ok) problems.push(date.problem);
  if (problems.length > 0 || !date.ok) return { kind: 'problems', debit, problems };

  if (debit) {
    const bankReference = collapse(value('bankReference'));
    const description = collapse(value('reference'));
    return {
      kind: 'debit',
      debit: {
        amount,
        currency,
        bookingDate: date.value,
        bankReference,
        references: distinctTexts([bankReference, description, value('payer')]),
        description: description !== '' ? description : collapse(value('payer')),
      },
    };
  }
  return {
    kind: 'payment',
    payment: {
      amount,
      currency,
      receivedDate: date.value,
      payerName: collapse(value('payer')),
      reference: collapse(value('reference')),
      bankReference: collapse(value('bankReference')),
    },
  };
}

/**
 * Reads a bank CSV through a mapping: the header row must hold every column the mapping names; each
 * row is a payment (a positive amount), an outgoing line (a negative one) or the errors of its line
 * — every bad line, each with its problems, so a person can fix the file (or the mapping) in one pass.
 */
export function parseMappedCsv(text: string, mapping: BankCsvMapping): FormatResult {
  const payments: PaymentWithoutKey[] = [];
  const debits: ParsedDebit[] = [];
  const debitProblems: BankFileError[] = [];
  const errors: BankFileError[] = [];
  const records = csvRecords(text, mapping.delimiter);
  const header = firstRecord(records);
  if (!header) return { payments, errors: [{ line: 1, message: 'the file is empty; it needs a header row and one row per line of the statement' }] };
  if (header.error) return { payments, errors: [{ line: header.line, message: `the header row cannot be read: ${header.error}` }] };
  const { index, problems } = mappedColumns(header.fields, mapping);
  if (problems.length > 0) return { payments, errors: problems.map((message) => ({ line: header.line, message })) };

  let count = 0;
  for (let next = records.next(); !next.done; next = records.next()) {
    const record = next.value;
    if (!record.error && isBlank(record.fields)) continue; // empty lines are ignored
    count += 1;
    const line = record.line;
    if (record.error) {
      errors.push({ line, message: `this row cannot be read: ${record.error}` });
      continue;
    }
    const row = readMappedRow(record.fields, index, mapping);
    if (row.kind === 'problems') for (const message of row.problems) (row.debit ? debitProblems : errors).push({ line, message });
    else if (row.kind === 'debit') debits.push({ line, ...row.debit });
    else payments.push({ line, ...row.payment });
  }
  if (count === 0 && errors.length === 0) errors.push({ line: header.line, message: 'the file has a header row but no lines' });
  return { payments, errors, debits, debitProblems };
}

export interface PreviewReading {
  line: number;
  /** YYYY-MM-DD */
  date?: string;
  amount?: string;
  currency?: string;
  debit?: boolean;
  problems: string[];
}

/** The preview's rows as the mapping reads them (the screen shows the file's cells and, beside them, what they become), or why the header does not fit. */
export function readPreview(preview: CsvPreview, mapping: BankCsvMapping): { headerProblems: string[]; rows: PreviewReading[] } {
  if (!preview.header) return { headerProblems: preview.error ? [preview.error] : [], rows: [] };
  const { index, problems } = mappedColumns(preview.header.names, mapping);
  if (problems.length > 0) return { headerProblems: problems, rows: [] };
  return {
    headerProblems: [],
    rows: preview.rows.map((r) => {
      const row = readMappedRow(r.fields, index, mapping);
      if (row.kind === 'problems') return { line: r.line, debit: row.debit, problems: row.problems };
      if (row.kind === 'debit')
        return { line: r.line, date: row.debit.bookingDate, amount: row.debit.amount, currency: row.debit.currency, debit: true, problems: [] };
      return { line: r.line, date: row.payment.receivedDate, amount: row.payment.amount, currency: row.payment.currency, debit: false, problems: [] };
    }),
  };
}

/** Whether the console should offer the mapping for a file: not XML (camt.053), not BAI2 (a first record "01,"). */
export function looksLikeCsv(text: string): boolean {
  const start = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trimStart();
  return start !== '' && !start.startsWith('<') && !/^01,/.test(start);
}

/** A mapping in a sentence, as the import form says what a profile reads. */
export function describeMapping(m: BankCsvMapping): string {
  const parts = [`date from ${quote(m.columns.date)} (${m.dateFormat})`, `amount from ${quote(m.columns.amount)} (written like ${m.amountFormat})`];
  if (m.columns.reference) parts.push(`reference from ${quote(m.columns.reference)}`);
  if (m.columns.payer) parts.push(`payer from ${quote(m.columns.payer)}`);
  if (m.columns.bankReference) parts.push(`bank reference from ${quote(m.columns.bankReference)}`);
  if (m.columns.currency) parts.push(`currency from ${quote(m.columns.currency)}${m.currency ? ` (${m.currency} when empty)` : ''}`);
  else if (m.currency) parts.push(`every line in ${m.currency}`);
  const sep = m.delimiter === ';' ? 'semicolons' : m.delimiter === '\t' ? 'tabs' : 'commas';
  return `${parts.join(', ')}; columns separated by ${sep}`;
}
