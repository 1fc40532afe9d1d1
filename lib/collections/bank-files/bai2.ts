import { isBusinessDate } from '../../dates';
import { Big } from '../../money';
import { collapse, distinctTexts, isCurrencyCode, quote, readMinorUnitAmount, stripBom } from './common';
import type { BankFileError, FormatResult, ParsedDebit, PaymentWithoutKey } from './types';

/**
 * BAI2 (BAI Cash Management Balance Reporting, version 2). One record per physical line, fields
 * separated by commas, ended by '/'; an 88 continues the record before it. Amounts are whole
 * numbers of the currency's smallest unit. Type codes 100–399 in a 16 record are credits (the
 * payments), 400–699 debits (outgoing lines: ACH and wire debits, checks paid, fees); every other
 * 16 (loan, custom codes 700–999) only counts toward the control totals. Control totals and record counts of the 49, 98 and 99
 * trailers are checked, so a file cut short or garbled in transit is reported, not half-imported.
 *
 * The text of a 16 record runs to the end of its physical line (it may hold commas and '/'), and
 * each 88 after it adds more text; a single '/' closing the line is dropped.
 */

interface LogicalRecord {
  code: string;
  line: number;
  /** the content after "NN," of the record and of each 88 continuing it, without a closing '/' */
  segments: string[];
  /** physical records: 1 + its 88s */
  physical: number;
}

interface Group {
  line: number;
  date: string | null;
  currency: string | null;
  accounts: number;
  records: number;
  /** the sum of its accounts' 49 control totals (as stated), or null when one cannot be read */
  total: Big | null;
}

interface Account {
  line: number;
  number: string;
  currency: string | null;
  /** the line that gave the currency (the 03, or the 02 when the 03 leaves it to the group) */
  currencyLine: number;
  records: number;
  /** the sum of the 03 and 16 amounts, or null when one cannot be read */
  total: Big | null;
}

const CODE_RE = /^(\d{2})(?:,|\/|$)/;
const WHOLE_RE = /^\d+$/;
const SIGNED_RE = /^[+-]?\d+$/;
const KNOWN = new Set(['01', '02', '03', '16', '88', '49', '98', '99']);
const FUNDS_TYPES = 'the funds type must be one of 0, 1, 2, V, S, D or Z';

/** Reads comma-separated fields across the segments of a logical record (an 88 boundary ends a field). */
class FieldReader {
  private index = 0;
  private pos = 0;

  constructor(private readonly segments: string[]) {}

  next(): string | undefined {
    while (this.index < this.segments.length && this.pos > this.segments[this.index]!.length) {
      this.index += 1;
      this.pos = 0;
    }
    const segment = this.segments[this.index];
    if (segment === undefined) return undefined;
    const comma = segment.indexOf(',', this.pos);
    const end = comma < 0 ? segment.length : comma;
    const field = segment.slice(this.pos, end);
    this.pos = end + 1;
    return field.trim();
  }

  /** Everything after the fields read so far: the free text of a 16 record. */
  rest(): string {
    const parts: string[] = [];
    const current = this.segments[this.index];
    if (current !== undefined && this.pos <= current.length) parts.push(current.slice(this.pos));
    parts.push(...this.segments.slice(this.index + 1));
    return parts.join(' ');
  }
}

/** How many fields follow a funds type in a 03 summary or a 16 record, or an error. */
function fundsTypeExtras(fundsType: string, reader: FieldReader): { ok: true } | { ok: false; problem: string } {
  switch (fundsType.toUpperCase()) {
    case '':
    case '0':
    case '1':
    case '2':
    case 'Z':
      return { ok: true };
    case 'V': // value date, value time
      reader.next();
      reader.next();
      return { ok: true };
    case 'S': // immediate, one-day and two-or-more-day availability
      reader.next();
      reader.next();
      reader.next();
      return { ok: true };
    case 'D': {
      const count = reader.next() ?? '';
      if (!WHOLE_RE.test(count))
        return { ok: false, problem: `the number of availability distributions ${quote(count)} after funds type D is not a whole number` };
      for (let i = 0; i < Number(count) * 2; i += 1) reader.next();
      return { ok: true };
    }
    default:
      return { ok: false, problem: `funds type ${quote(fundsType)} is not a BAI2 funds type; ${FUNDS_TYPES}` };
  }
}

/** BAI2 dates are YYMMDD; the years are 2000–2099. */
function bai2Date(text: string): string | null {
  if (!/^\d{6}$/.test(text)) return null;
  const date = `20${text.slice(0, 2)}-${text.slice(2, 4)}-${text.slice(4, 6)}`;
  return isBusinessDate(date) ? date : null;
}

/**
 * Labels that banks write in the free text of a 16 record. The payer is the value of the first
 * originator label found (ACH "ORIG CO NAME:", wire "ORIGINATOR:", "ORIG:", "ORG=", "B/O"); the
 * value runs to the next label. "OBI:" (originator to beneficiary information) is remittance, not
 * a name, so it only ends a name.
 */
const PAYER_LABELS = ['ORIG CO NAME', 'ORIGINATOR NAME', 'ORIGINATOR', 'ORIG NAME', 'ORIG', 'ORG', 'B/O', 'BY ORDER OF'];
const LABEL_RE =
  /(?<![A-Z0-9/#])(?:(B\/O|BY ORDER OF)\s*[:=]?|(ORIG CO NAME|ORIGINATOR NAME|ORIG NAME|ORIG ID|ORIG BK|ORIG BANK|DESC DATE|CO ENTRY DESCR|IND ID|IND NAME|BNF NAME|[A-Z][A-Z0-9#]{1,15})\s*[:=])\s*/gi;

export function payerFromText(text: string): string {
  const labels: { name: string; start: number; valueStart: number }[] = [];
  for (const m of text.matchAll(LABEL_RE)) {
    labels.push({ name: (m[1] ?? m[2] ?? '').toUpperCase().replace(/\s+/g, ' '), start: m.index, valueStart: m.index + m[0].length });
  }
  for (const wanted of PAYER_LABELS) {
    for (let i = 0; i < labels.length; i += 1) {
      const label = labels[i]!;
      if (label.name !== wanted) continue;
      const end = labels[i + 1]?.start ?? text.length;
      // Wires may put the originator's account first: "ORG=/0012345678 ACME CORP".
      const value = collapse(text.slice(label.valueStart, end).replace(/^\s*\/\S*\s*/, '')).replace(/[\s,;:]+$/, '');
      if (value !== '') return value;
    }
  }
  return '';
}

/** The physical lines of the file grouped into logical records (a record and its 88s). */
function logicalRecords(text: string, errors: BankFileError[]): { records: LogicalRecord[]; lastLine: number } {
  const lines = stripBom(text).split(/\r\n|\n|\r/);
  const records: LogicalRecord[] = [];
  let lastLine = 1;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    lastLine = line;
    const m = CODE_RE.exec(trimmed);
    if (!m || !KNOWN.has(m[1]!)) {
      errors.push({ line, message: `${quote(trimmed.slice(0, 2))} is not a BAI2 record code; a line starts with 01, 02, 03, 16, 88, 49, 98 or 99` });
      return;
    }
    const code = m[1]!;
    let content = trimmed.slice(code.length);
    if (content.startsWith(',')) content = content.slice(1);
    if (content.endsWith('/')) content = content.slice(0, -1);
    if (code === '88') {
      const previous = records[records.length - 1];
      if (!previous) errors.push({ line, message: 'BAI2 record 88 (continuation) with no record before it to continue' });
      else {
        previous.segments.push(content);
        previous.physical += 1;
      }
      return;
    }
    records.push({ code, line, segments: [content], physical: 1 });
  });
  return { records, lastLine };
}

const fieldsOf = (record: LogicalRecord): string[] => record.segments.flatMap((s) => s.split(',')).map((f) => f.trim());

export function parseBai2(text: string): FormatResult {
  const payments: PaymentWithoutKey[] = [];
  const errors: BankFileError[] = [];
  const debits: ParsedDebit[] = [];
  const debitProblems: BankFileError[] = [];
  const { records, lastLine } = logicalRecords(text, errors);
  if (records.length === 0 && errors.length === 0) return { payments, errors: [{ line: 1, message: 'the file is empty' }] };

  let fileHeader: LogicalRecord | undefined;
  let fileRecords = 0;
  let fileTotal: Big | null = new Big(0);
  let groups = 0;
  let fileClosed = false;
  let group: Group | undefined;
  let account: Account | undefined;

  const closeAccount = (reason: string) => {
    if (!account) return;
    errors.push({ line: account.line, message: `the account ${account.number || '(no number)'} has no account trailer (49) ${reason}` });
    if (group) group.total = null;
    account = undefined;
  };
  const closeGroup = (reason: string) => {
    if (!group) return;
    errors.push({ line: group.line, message: `the group that starts here has no group trailer (98) ${reason}` });
    fileTotal = null;
    group = undefined;
  };
  /** Adds a signed whole amount ("+4350000", "-500000"); null once anything could not be read. */
  const addTo = (total: Big | null, amount: string | null): Big | null =>
    total && amount !== null && SIGNED_RE.test(amount) ? total.plus(amount.replace(/^\+/, '')) : null;
  const equals = (total: Big, stated: string) => total.eq(stated.replace(/^\+/, ''));

  for (const record of records) {
    const { code, line } = record;
    if (fileClosed) {
      errors.push({ line, message: `BAI2 record ${code} after the file trailer (99); the file should end there` });
      continue;
    }
    if (!fileHeader && code !== '01') {
      errors.push({ line, message: `BAI2 record ${code} before the file header (01); a BAI2 file starts with a 01 record` });
      fileHeader = record; // report it once, then read on
    }
    fileRecords += record.physical;
    if (group) group.records += record.physical;
    if (account) account.records += record.physical;
    const fields = fieldsOf(record);

    switch (code) {
      case '01': {
        if (fileHeader && fileHeader.code === '01') errors.push({ line, message: `a second file header (01); the first is on line ${fileHeader.line}` });
        else fileHeader = record;
        break;
      }
      case '02': {
        closeAccount('before the next group (02)');
        closeGroup('before the next group header (02)');
        groups += 1;
        const asOf = fields[3] ?? '';
        const date = bai2Date(asOf);
        if (!date)
          errors.push({
            line,
            message:
              asOf === ''
                ? 'the group header (02) has no as-of date (field 4, YYMMDD)'
                : `the as-of date ${quote(asOf)} of the group header (02) is not a date written YYMMDD`,
          });
        const currencyText = (fields[5] ?? '').toUpperCase();
        let currency: string | null = currencyText === '' ? 'USD' : currencyText;
        if (!isCurrencyCode(currencyText) && currencyText !== '') {
          errors.push({ line, message: `currency ${quote(fields[5] ?? '')} of the group header (02) is not a currency code such as USD` });
          currency = null;
        }
        group = { line, date, currency, accounts: 0, records: record.physical, total: new Big(0) };
        break;
      }
      case '03': {
        closeAccount('before the next account (03)');
        if (!group) errors.push({ line, message: 'BAI2 record 03 before any 02 group header' });
        else group.accounts += 1;
        const number = fields[0] ?? '';
        const currencyText = (fields[1] ?? '').toUpperCase();
        let currency: string | null = currencyText === '' ? (group ? group.currency : 'USD') : currencyText;
        const currencyLine = currencyText === '' && group ? group.line : line;
        if (currencyText !== '' && !isCurrencyCode(currencyText)) {
          errors.push({ line, message: `currency ${quote(fields[1] ?? '')} of account ${number} (03) is not a currency code such as USD` });
          currency = null;
        }
        let total: Big | null = new Big(0);
        // The summaries: type code, amount, item count, funds type (and its fields), repeated.
        const reader = new FieldReader(record.segments);
        reader.next();
        reader.next();
        for (let typeCode = reader.next(); typeCode !== undefined; typeCode = reader.next()) {
          const amount = reader.next() ?? '';
          reader.next(); // item count
          const funds = fundsTypeExtras(reader.next() ?? '', reader);
          if (typeCode === '' && amount === '') continue;
          if (amount !== '' && !SIGNED_RE.test(amount)) {
            errors.push({ line, message: `amount ${quote(amount)} of summary ${typeCode} of account ${number} (03) is not a whole number` });
          }
          if (!funds.ok) {
            errors.push({ line, message: `${funds.problem} (account ${number}, 03 summary ${typeCode})` });
            total = null;
            break;
          }
          if (amount !== '') total = addTo(total, amount);
        }
        account = { line, number, currency, currencyLine, records: record.physical, total };
        break;
      }
      case '16': {
        const reader = new FieldReader(record.segments);
        const typeCode = reader.next() ?? '';
        const amountText = reader.next() ?? '';
        const funds = fundsTypeExtras(reader.next() ?? '', reader);
        const bankReference = collapse(reader.next());
        const customerReference = collapse(reader.next());
        const text = collapse(reader.rest());

        if (!account) {
          errors.push({
            line,
            message: group ? 'BAI2 record 16 before any 03 account record' : 'BAI2 record 16 before any 02 group header and 03 account record',
          });
          break;
        }
        if (amountText === '' || !WHOLE_RE.test(amountText)) account.total = null;
        else account.total = addTo(account.total, amountText);

        if (!/^\d{3}$/.test(typeCode)) {
          errors.push({ line, message: `type code ${quote(typeCode)} of the transaction (16) is not a three-digit BAI2 type code` });
          break;
        }
        const isCredit = Number(typeCode) >= 100 && Number(typeCode) <= 399;
        const isDebit = Number(typeCode) >= 400 && Number(typeCode) <= 699;
        const problems: string[] = [];
        const debitProblemsBefore = debitProblems.length;
        if (isDebit && funds.ok && WHOLE_RE.test(amountText)) {
          // An outgoing line: what cannot be read is said, but is never an error of the file.
          const amount = account.currency ? readMinorUnitAmount(amountText, account.currency) : null;
          if (!account.currency)
            debitProblems.push({ line, message: `the debit has no currency: the currency code on line ${account.currencyLine} is not valid` });
          else if (amount && !amount.ok) debitProblems.push({ line, message: amount.problem });
          if (!group?.date) debitProblems.push({ line, message: 'the debit has no date: the group header (02) has no valid as-of date' });
          if (debitProblems.length === debitProblemsBefore && amount?.ok && account.currency && group?.date) {
            debits.push({
              line,
              amount: amount.value,
              currency: account.currency,
              bookingDate: group.date,
              bankReference,
              references: distinctTexts([bankReference, customerReference, text]),
              description: text !== '' ? text : customerReference,
            });
          }
        }
        if (!funds.ok) problems.push(funds.problem);
        if (!account.currency) {
          if (isCredit) problems.push(`the transaction has no currency: the currency code on line ${account.currencyLine} is not valid`);
        } else {
          const amount = readMinorUnitAmount(amountText, account.currency);
          // A debit's amount only matters to the control total, which a non-number already spoils.
          if (!amount.ok && (isCredit || !WHOLE_RE.test(amountText))) problems.push(amount.problem);
          if (isCredit && amount.ok && group?.date && funds.ok) {
            payments.push({
              line,
              amount: amount.value,
              currency: account.currency,
              receivedDate: group.date,
              payerName: payerFromText(text),
              reference: text !== '' ? text : customerReference,
              bankReference,
            });
          }
        }
        if (isCredit && !group) problems.push('the transaction has no date: there is no group header (02) before it');
        else if (isCredit && group && !group.date)
          problems.push(`the transaction has no date: the group header (02) on line ${group.line} has no valid as-of date`);
        for (const message of problems) errors.push({ line, message });
        break;
      }
      case '49': {
        if (!account) {
          errors.push({ line, message: 'BAI2 record 49 (account trailer) without an open 03 account record' });
          if (group) group.total = null;
          break;
        }
        const stated = fields[0] ?? '';
        const count = fields[1] ?? '';
        const name = account.number || '(no number)';
        if (stated !== '' && !SIGNED_RE.test(stated)) {
          errors.push({ line, message: `the control total ${quote(stated)} of the account trailer (49) is not a whole number` });
        } else if (stated !== '' && account.total && !equals(account.total, stated)) {
          errors.push({
            line,
            message: `the account trailer (49) of account ${name} gives a control total of ${stated}, but the account's 03 and 16 amounts add up to ${account.total.toString()}`,
          });
        }
        if (count !== '' && !WHOLE_RE.test(count)) {
          errors.push({ line, message: `the number of records ${quote(count)} of the account trailer (49) is not a whole number` });
        } else if (count !== '' && Number(count) !== account.records) {
          errors.push({
            line,
            message: `the account trailer (49) of account ${name} counts ${count} records, but the account has ${account.records} (its 03, 16, 88 and 49 records)`,
          });
        }
        if (group) group.total = addTo(group.total, stated !== '' ? stated : (account.total?.toString() ?? null));
        account = undefined;
        break;
      }
      case '98': {
        closeAccount('before the group trailer (98)');
        if (!group) {
          errors.push({ line, message: 'BAI2 record 98 (group trailer) without an open 02 group header' });
          fileTotal = null;
          break;
        }
        const stated = fields[0] ?? '';
        const accounts = fields[1] ?? '';
        const count = fields[2] ?? '';
        if (stated !== '' && !SIGNED_RE.test(stated)) {
          errors.push({ line, message: `the control total ${quote(stated)} of the group trailer (98) is not a whole number` });
        } else if (stated !== '' && group.total && !equals(group.total, stated)) {
          errors.push({
            line,
            message: `the group trailer (98) gives a control total of ${stated}, but the group's account trailers (49) add up to ${group.total.toString()}`,
          });
        }
        if (accounts !== '' && Number(accounts) !== group.accounts) {
          errors.push({ line, message: `the group trailer (98) counts ${accounts} accounts, but the group has ${group.accounts}` });
        }
        if (count !== '' && Number(count) !== group.records) {
          errors.push({ line, message: `the group trailer (98) counts ${count} records, but the group has ${group.records} (its 02 to 98 records)` });
        }
        fileTotal = addTo(fileTotal, stated !== '' ? stated : (group.total?.toString() ?? null));
        group = undefined;
        break;
      }
      case '99': {
        closeAccount('before the file trailer (99)');
        closeGroup('before the file trailer (99)');
        const stated = fields[0] ?? '';
        const groupCount = fields[1] ?? '';
        const count = fields[2] ?? '';
        if (stated !== '' && !SIGNED_RE.test(stated)) {
          errors.push({ line, message: `the control total ${quote(stated)} of the file trailer (99) is not a whole number` });
        } else if (stated !== '' && fileTotal && !equals(fileTotal, stated)) {
          errors.push({
            line,
            message: `the file trailer (99) gives a control total of ${stated}, but the group trailers (98) add up to ${fileTotal.toString()}`,
          });
        }
        if (groupCount !== '' && Number(groupCount) !== groups) {
          errors.push({ line, message: `the file trailer (99) counts ${groupCount} groups, but the file has ${groups}` });
        }
        if (count !== '' && Number(count) !== fileRecords) {
          errors.push({ line, message: `the file trailer (99) counts ${count} records, but the file has ${fileRecords}` });
        }
        fileClosed = true;
        break;
      }
    }
  }
  if (!fileClosed) {
    closeAccount('before the end of the file');
    closeGroup('before the end of the file');
    errors.push({ line: lastLine, message: 'the file ends without a file trailer (99); it may have been cut short, ask the bank to send it again' });
  }
  return { payments, errors, debits, debitProblems };
}
