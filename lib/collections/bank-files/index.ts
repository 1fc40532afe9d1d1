import { assertCurrency } from '../../money';
import { parseBai2 } from './bai2';
import { parseCamt053 } from './camt053';
import { stripBom, withExternalRefs } from './common';
import { parseCsvStatement } from './csv';
import { parseMappedCsv, type BankCsvMapping } from './mapping';
import type { BankFileError, BankFileFormat, FormatResult, ParsedDebit, ParsedPayment } from './types';

/**
 * Bank files for POST /payments/import (SPEC 5.2, API "Collections"): CSV, ISO 20022 camt.053 and
 * BAI2. Pure: text in, the incoming payments (credits), the outgoing lines (debits: camt.053 DBIT
 * entries, BAI2 type codes 400–699, CSV negative amounts) and every problem, each on its line, out.
 * A bad record never stops the rest of the file from being read; the importer decides whether a
 * file with errors imports anything (`?partial=true`). An unreadable debit is a `debitProblem`,
 * never an error: the file's payments do not wait on it.
 */

export type { BankFileError, BankFileFormat, ParsedDebit, ParsedPayment } from './types';
export { payerFromText } from './bai2';
export type { BankCsvMapping } from './mapping';

export interface ParseBankFileOptions {
  /** read the file as this format instead of detecting it */
  format?: BankFileFormat;
  /** the currency of CSV rows that have no currency column or leave it empty */
  defaultCurrency?: string;
  /** issue 15: read the file as a CSV through this mapping (a bank profile's) instead of the fixed column names */
  mapping?: BankCsvMapping;
}

export interface ParsedBankFile {
  format: BankFileFormat;
  payments: ParsedPayment[];
  errors: BankFileError[];
  /** outgoing lines, in file order */
  debits: ParsedDebit[];
  /** outgoing lines that cannot be read, in file order (not errors of the file) */
  debitProblems: BankFileError[];
}

/**
 * XML (the first thing in the file is '<') is read as camt.053 — a different XML message is then
 * reported as such instead of as a broken CSV; a first record "01," is BAI2; anything else is CSV.
 */
export function detectFormat(text: string): BankFileFormat {
  const start = stripBom(text).trimStart();
  if (start.startsWith('<')) return 'camt053';
  if (/^01,/.test(start)) return 'bai2';
  return 'csv';
}

export function parseBankFile(text: string, options: ParseBankFileOptions = {}): ParsedBankFile {
  if (options.defaultCurrency !== undefined) assertCurrency(options.defaultCurrency);
  const format = options.mapping ? 'csv' : (options.format ?? detectFormat(text));
  let result: FormatResult;
  switch (format) {
    case 'csv':
      result = options.mapping ? parseMappedCsv(text, options.mapping) : parseCsvStatement(text, options.defaultCurrency);
      break;
    case 'camt053':
      result = parseCamt053(text);
      break;
    case 'bai2':
      result = parseBai2(text);
      break;
  }
  // Errors in file order (a trailer's check or a missing trailer may be found after later lines).
  const errors = result.errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.line - b.e.line || a.i - b.i)
    .map(({ e }) => e);
  return {
    format,
    payments: withExternalRefs(format, result.payments),
    errors,
    debits: result.debits ?? [],
    debitProblems: result.debitProblems ?? [],
  };
}
