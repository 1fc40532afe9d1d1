import { isBusinessDate } from '../dates';
import { DomainError } from '../errors';
import { Big, formatMoney, isIsoCurrency, parseMoney } from '../money';

/**
 * The schedule of accounts: the CSV a client sends with the invoices it sells (one row per
 * invoice). Pure: text in, rows and line errors out. Line numbers are physical lines of the
 * file (the header is line 1; a quoted field spanning lines moves the next row's number on),
 * so a person can find the row in any text editor.
 */

export const MAX_SCHEDULE_ROWS = 50_000;
/** numeric(20,4) keeps 16 digits before the point. */
const FACE_LIMIT = new Big('10000000000000000');
const ID_RE = /^[1-9]\d{0,15}$/;

export type ScheduleField = 'number' | 'debtor' | 'faceValue' | 'currency' | 'issueDate' | 'dueDate';

/** Header names, compared lower-case with spaces, `_` and `-` removed ("Face Value" = "face_value"). */
const ALIASES: Readonly<Record<string, { field: ScheduleField; debtorIs?: DebtorRefKind }>> = {
  number: { field: 'number' },
  invoicenumber: { field: 'number' },
  invoice: { field: 'number' },
  invoiceno: { field: 'number' },
  debtor: { field: 'debtor', debtorIs: 'id_or_name' },
  debtorid: { field: 'debtor', debtorIs: 'id' },
  debtorname: { field: 'debtor', debtorIs: 'name' },
  facevalue: { field: 'faceValue' },
  amount: { field: 'faceValue' },
  currency: { field: 'currency' },
  issuedate: { field: 'issueDate' },
  duedate: { field: 'dueDate' },
};

const COLUMN_NAMES: Readonly<Record<ScheduleField, string>> = {
  number: 'number (or invoice_number, invoice)',
  debtor: 'debtor (or debtor_id, debtor_name)',
  faceValue: 'face_value (or faceValue, amount)',
  currency: 'currency',
  issueDate: 'issue_date',
  dueDate: 'due_date',
};

/** How the file names the debtor: by id, by exact name, or either (`debtor` column). */
export type DebtorRefKind = 'id' | 'name' | 'id_or_name';

export interface ScheduleRow {
  /** the physical line the row starts on */
  line: number;
  number: string;
  debtor: string;
  debtorIs: DebtorRefKind;
  /** in the currency's minor units, e.g. "10000.00" */
  faceValue: string;
  currency: string;
  issueDate: string;
  dueDate: string;
}

export interface ScheduleLineError {
  line: number;
  message: string;
}

export interface ParsedSchedule {
  rows: ScheduleRow[];
  errors: ScheduleLineError[];
}

export interface ParseScheduleOptions {
  /** used when the file has no currency column, or a row leaves it empty (the client's home currency) */
  defaultCurrency?: string;
  maxRows?: number;
}

export interface CsvRecord {
  line: number;
  fields: string[];
  /** a quoting mistake that makes the record unreadable */
  error?: string;
}

/**
 * RFC 4180 records with the physical line each starts on. Accepts CRLF, LF (and a lone CR)
 * line breaks and a UTF-8 byte order mark; quoted fields may hold commas, doubled quotes and
 * line breaks. A quoting mistake spoils its own record only (or, for a quote never closed,
 * the rest of the file) and is reported on the record's line. The fields are separated by
 * commas unless `delimiter` says otherwise (a bank's export in `8.000,00` amounts uses ";").
 */
export function* csvRecords(text: string, delimiter: ',' | ';' | '\t' = ','): Generator<CsvRecord> {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = input.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (i < n && input[i] === '"') {
        // A quoted field: runs to the closing quote; "" is one quote.
        const openedOn = line;
        i += 1;
        let closed = false;
        let chunkStart = i;
        while (i < n) {
          const ch = input[i]!;
          if (ch === '"') {
            field += input.slice(chunkStart, i);
            if (input[i + 1] === '"') {
              field += '"';
              i += 2;
              chunkStart = i;
              continue;
            }
            i += 1;
            closed = true;
            break;
          }
          if (ch === '\n' || (ch === '\r' && input[i + 1] !== '\n')) line += 1;
          i += 1;
        }
        if (!closed) {
          yield { line: start, fields, error: `a quoted field opened on line ${openedOn} is never closed (a " is missing)` };
          return;
        }
        // After the closing quote only the delimiter or the end of the record may follow.
        if (i < n && input[i] !== delimiter && input[i] !== '\n' && input[i] !== '\r') {
          error ??= 'text follows a closing quote; put the whole field in quotes and double any " inside it';
          while (i < n && input[i] !== delimiter && input[i] !== '\n' && input[i] !== '\r') i += 1;
        }
      } else {
        const chunkStart = i;
        while (i < n && input[i] !== delimiter && input[i] !== '\n' && input[i] !== '\r') i += 1;
        field = input.slice(chunkStart, i);
        if (field.includes('"')) error ??= 'a " inside an unquoted field; put the whole field in quotes and double the "';
      }
      fields.push(field);
      field = '';
      if (i >= n) {
        endOfRecord = true;
      } else if (input[i] === delimiter) {
        i += 1;
        // A trailing delimiter at the very end of the file still means one more (empty) field.
        if (i >= n) {
          fields.push('');
          endOfRecord = true;
        }
      } else {
        // a line break: CRLF, LF or a lone CR
        i += input[i] === '\r' && input[i + 1] === '\n' ? 2 : 1;
        line += 1;
        endOfRecord = true;
      }
    }
    yield error ? { line: start, fields, error } : { line: start, fields };
  }
}

/** A header name as compared with a format's aliases: lower case, spaces, `_` and `-` removed ("Face Value" = "face_value"). */
function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** A record of empty fields only: an empty line, ignored wherever it stands. */
export const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

/**
 * The header of a CSV upload (a schedule of accounts, a bank's statement) and the columns it
 * names, read from `records` (the rows after it are left in the generator), or the errors that
 * stop the file: it is empty (`emptyMessage`), its header cannot be read or is separated by ";"
 * or tabs, a field is given by two columns, or a `required` one by none. `alias` maps a
 * normalized header name to the field it gives (and what else its column says); other columns
 * are ignored.
 */
export function readCsvHeader<F extends string, X extends object>(
  records: Generator<CsvRecord>,
  format: {
    emptyMessage: string;
    alias: (normalizedName: string) => ({ field: F } & X) | undefined;
    required: F[];
    columnNames: Readonly<Record<F, string>>;
  },
): { line: number; columns: Map<F, { index: number; name: string } & Omit<X, 'field'>>; errors: ScheduleLineError[] } {
  const columns = new Map<F, { index: number; name: string } & Omit<X, 'field'>>();
  // The header: the first record that is not blank. (Not a for…of with break: that would close the generator.)
  let header: CsvRecord | undefined;
  for (let next = records.next(); !next.done; next = records.next()) {
    if (next.value.error || !isBlank(next.value.fields)) {
      header = next.value;
      break;
    }
  }
  if (!header) return { line: 1, columns, errors: [{ line: 1, message: format.emptyMessage }] };
  const line = header.line;
  if (header.error) return { line, columns, errors: [{ line, message: `the header row cannot be read: ${header.error}` }] };

  const only = header.fields.length === 1 ? header.fields[0]! : '';
  const separator = only.includes(';') ? '";"' : only.includes('\t') ? 'tabs' : null;
  if (separator)
    return { line, columns, errors: [{ line, message: `the columns are separated by ${separator}, not commas; save the file as CSV (comma delimited)` }] };

  const errors: ScheduleLineError[] = [];
  header.fields.forEach((raw, index) => {
    const alias = format.alias(normalizeHeader(raw));
    if (!alias) return;
    const seen = columns.get(alias.field);
    if (seen) {
      errors.push({ line, message: `the columns "${seen.name}" and "${raw.trim()}" both give the ${alias.field}; keep one of them` });
      return;
    }
    const { field, ...more } = alias;
    columns.set(field, { ...(more as Omit<X, 'field'>), index, name: raw.trim() });
  });
  for (const field of format.required) {
    if (!columns.has(field)) errors.push({ line, message: `the column ${format.columnNames[field]} is missing from the header row` });
  }
  return { line, columns, errors };
}

function domainMessage(error: unknown): string {
  if (error instanceof DomainError) return error.message;
  throw error;
}

/**
 * Parses a schedule of accounts. Each bad value is its own error naming the line and the
 * field, so a person can fix the whole file in one pass; rows with no error come back in
 * `rows` (the importer refuses the file if `errors` is not empty).
 */
export function parseSchedule(text: string, options: ParseScheduleOptions = {}): ParsedSchedule {
  const maxRows = options.maxRows ?? MAX_SCHEDULE_ROWS;
  const rows: ScheduleRow[] = [];
  const records = csvRecords(text);

  const required: ScheduleField[] = ['number', 'debtor', 'faceValue', 'issueDate', 'dueDate'];
  if (!options.defaultCurrency) required.push('currency');
  // Other columns (PO number, notes …) are ignored.
  const header = readCsvHeader(records, {
    emptyMessage: `the file is empty: it needs a header row naming the columns ${Object.values(COLUMN_NAMES).join(', ')}, and a row per invoice`,
    alias: (name) => ALIASES[name],
    required,
    columnNames: COLUMN_NAMES,
  });
  const { columns, errors } = header;
  if (errors.length > 0) return { rows, errors };

  const col = (field: ScheduleField) => columns.get(field);
  const debtorIs = col('debtor')!.debtorIs ?? 'id_or_name';
  let count = 0;
  for (const record of records) {
    if (!record.error && isBlank(record.fields)) continue; // empty lines are ignored
    count += 1;
    if (count > maxRows) {
      errors.push({ line: record.line, message: `the file has more than ${maxRows} invoices; split it into files of at most ${maxRows} rows` });
      break;
    }
    const line = record.line;
    if (record.error) {
      errors.push({ line, message: `this row cannot be read: ${record.error}` });
      continue;
    }
    const value = (field: ScheduleField) => {
      const c = col(field);
      return c === undefined ? '' : (record.fields[c.index] ?? '').trim();
    };
    const problems: string[] = [];

    const number = value('number');
    if (number === '') problems.push('the invoice number is empty');
    else if (number.length > 80) problems.push(`the invoice number "${number.slice(0, 20)}…" is longer than 80 characters`);
    else if (/[\u0000-\u001f\u007f]/.test(number))
      problems.push(`the invoice number ${JSON.stringify(number)} holds a line break or another control character`);

    const debtor = value('debtor');
    if (debtor === '') problems.push('the debtor is empty');
    else if (debtorIs === 'id' && !ID_RE.test(debtor)) problems.push(`debtor_id "${debtor}" is not a debtor id`);

    let currency = value('currency').toUpperCase();
    if (currency === '' && options.defaultCurrency) currency = options.defaultCurrency;
    let currencyOk = true;
    if (currency === '') {
      problems.push('the currency is empty');
      currencyOk = false;
    } else if (!isIsoCurrency(currency)) {
      problems.push(`currency "${value('currency')}" is not an ISO 4217 currency code such as USD`);
      currencyOk = false;
    }

    let faceValue = '';
    const face = value('faceValue');
    if (face === '') problems.push('the face value is empty');
    else if (currencyOk) {
      try {
        const amount = parseMoney(face, currency, { field: 'faceValue' });
        if (amount.lte(0)) problems.push(`faceValue "${face}" must be more than zero`);
        else if (amount.gte(FACE_LIMIT)) problems.push(`faceValue "${face}" is too large`);
        else faceValue = formatMoney(amount, currency);
      } catch (error) {
        problems.push(domainMessage(error));
      }
    }

    const issueDate = value('issueDate');
    const dueDate = value('dueDate');
    const issueOk = isBusinessDate(issueDate);
    const dueOk = isBusinessDate(dueDate);
    if (issueDate === '') problems.push('the issue date is empty');
    else if (!issueOk) problems.push(`issueDate "${issueDate}" must be a date written YYYY-MM-DD`);
    if (dueDate === '') problems.push('the due date is empty');
    else if (!dueOk) problems.push(`dueDate "${dueDate}" must be a date written YYYY-MM-DD`);
    if (issueOk && dueOk && dueDate < issueDate) problems.push(`dueDate ${dueDate} is before issueDate ${issueDate}`);

    if (problems.length > 0) {
      for (const message of problems) errors.push({ line, message });
      continue;
    }
    rows.push({ line, number, debtor, debtorIs, faceValue, currency, issueDate, dueDate });
  }
  if (count === 0 && errors.length === 0) errors.push({ line: header.line, message: 'the file has a header row but no invoices' });
  return { rows, errors };
}
