import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isBusinessDate } from '../../dates';
import { Big, formatMoney } from '../../money';
import { LineIndex, collapse, distinctTexts, isCurrencyCode, quote, readDecimalAmount, stripBom, type Checked } from './common';
import type { BankFileError, FormatResult, ParsedDebit, PaymentWithoutKey } from './types';

/**
 * ISO 20022 camt.053 (BkToCstmrStmt), versions 001.02 to 001.13. Every element is read as a
 * string (never a JavaScript number) and, with the parser's metadata, each entry (Ntry) and
 * transaction (TxDtls) knows the physical line it starts on.
 *
 * Which credits are payments: a booked CRDT entry is one payment; a batched entry whose TxDtls each
 * give an amount is one payment per credit TxDtls (their sum must be the entry amount); TxDtls
 * without amounts leave the entry as one payment. Entries not yet booked are skipped.
 *
 * A booked DBIT entry is one outgoing line (ParsedDebit) for the entry amount — a payout batch
 * booked as one sum (BtchBookg) is one entry whatever its TxDtls list — with every reference the
 * bank gives: the entry's AcctSvcrRef and NtryRef, the batch's MsgId and PmtInfId (NtryDtls/Btch),
 * each TxDtls' Refs (MsgId, AcctSvcrRef, PmtInfId, InstrId, EndToEndId, TxId, UETR) and the texts
 * (remittance, AddtlTxInf, AddtlNtryInf). Debit transactions inside a credit entry are part of its
 * net and stay there.
 */

const NAMESPACE_RE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$/;
const ISO_NAMESPACE_RE = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})$/;
const OTHER_MESSAGES: Readonly<Record<string, string>> = {
  BkToCstmrAcctRpt: 'camt.052 account report',
  BkToCstmrDbtCdtNtfctn: 'camt.054 debit/credit notification',
};

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  captureMetaData: true,
  // Every element is an array, so one or many occurrences read the same way.
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
});

type XmlElement = Record<string | symbol, unknown>;

const isElement = (node: unknown): node is XmlElement => typeof node === 'object' && node !== null && !Array.isArray(node);

function children(node: unknown, name: string): unknown[] {
  if (!isElement(node)) return [];
  const value = node[name];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The first element along a path of names, e.g. at(ntry, 'BookgDt', 'Dt'). */
function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const name of path) {
    current = children(current, name)[0];
    if (current === undefined) return undefined;
  }
  return current;
}

/** All elements along a path, in document order. */
function all(node: unknown, ...path: string[]): unknown[] {
  let current: unknown[] = [node];
  for (const name of path) current = current.flatMap((n) => children(n, name));
  return current;
}

/** The text of a leaf element ('' for an empty one), or undefined when it is missing. */
function textOf(node: unknown): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (isElement(node)) {
    const text = node['#text'];
    return typeof text === 'string' ? text : '';
  }
  return String(node);
}

const textAt = (node: unknown, ...path: string[]): string => collapse(textOf(at(node, ...path)));

function attribute(node: unknown, name: string): string | undefined {
  if (!isElement(node)) return undefined;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

const firstOf = (...values: string[]): string => values.find((v) => v !== '') ?? '';

/** The namespace of the root element, read from the text (the parser drops xmlns attributes). */
function rootNamespace(text: string): string | undefined {
  const tags = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>|<([^\s>/!?]+)([^>]*)>/g;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    if (!m[1]) continue;
    const colon = m[1].indexOf(':');
    const prefix = colon < 0 ? '' : m[1].slice(0, colon);
    const attrs = /xmlns(?::([\w.-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
    for (let a = attrs.exec(m[2] ?? ''); a; a = attrs.exec(m[2] ?? '')) {
      if ((a[1] ?? '') === prefix) return (a[2] ?? a[3] ?? '').trim();
    }
    return undefined;
  }
  return undefined;
}

interface Amount {
  amount: string;
  currency: string;
}

function readAmount(node: unknown, what: string): Checked<Amount> {
  if (node === undefined) return { ok: false, problem: `the ${what} is missing (no Amt element)` };
  const currency = (attribute(node, 'Ccy') ?? '').trim();
  if (currency === '') return { ok: false, problem: `the ${what} has no currency (the Ccy attribute of Amt)` };
  if (!isCurrencyCode(currency)) return { ok: false, problem: `currency ${quote(currency)} of the ${what} is not a currency code such as EUR` };
  const checked = readDecimalAmount(textOf(node) ?? '', currency, what);
  return checked.ok ? { ok: true, value: { amount: checked.value, currency } } : checked;
}

/** SPEC 5.2: the debtor of the transaction is the payer (v02–v07 Dbtr/Nm, v08+ Dbtr/Pty/Nm). */
function payerOf(tx: unknown): string {
  const parties = at(tx, 'RltdPties');
  return firstOf(
    textAt(parties, 'Dbtr', 'Nm'),
    textAt(parties, 'Dbtr', 'Pty', 'Nm'),
    textAt(parties, 'UltmtDbtr', 'Nm'),
    textAt(parties, 'UltmtDbtr', 'Pty', 'Nm'),
  );
}

/** Unstructured remittance lines, then the structured invoice numbers and creditor references. */
function remittanceOf(tx: unknown): string {
  const parts: string[] = [];
  for (const rmt of children(tx, 'RmtInf')) {
    for (const line of children(rmt, 'Ustrd')) parts.push(collapse(textOf(line)));
    for (const strd of children(rmt, 'Strd')) {
      for (const doc of children(strd, 'RfrdDocInf')) parts.push(textAt(doc, 'Nb'));
      for (const ref of children(strd, 'CdtrRefInf')) parts.push(textAt(ref, 'Ref'));
    }
  }
  return collapse(parts.filter((p) => p !== '').join(' '));
}

/** The bank's own ids of a transaction (the payer's EndToEndId is not one: payers reuse them). */
const txBankReference = (tx: unknown): string => firstOf(textAt(tx, 'Refs', 'AcctSvcrRef'), textAt(tx, 'Refs', 'TxId'), textAt(tx, 'Refs', 'UETR'));

const TX_REFS = ['MsgId', 'AcctSvcrRef', 'PmtInfId', 'InstrId', 'EndToEndId', 'TxId', 'UETR'] as const;

function readBookingDate(ntry: unknown): Checked<string> {
  const day = textAt(ntry, 'BookgDt', 'Dt');
  const dateTime = textAt(ntry, 'BookgDt', 'DtTm');
  const written = day !== '' ? day : dateTime;
  const date = day !== '' ? day : dateTime.slice(0, 10);
  if (written === '') return { ok: false, problem: 'the entry has no booking date (BookgDt)' };
  if (!isBusinessDate(date) || (day === '' && !/^\d{4}-\d{2}-\d{2}T/.test(dateTime)))
    return { ok: false, problem: `booking date ${quote(written)} is not a date written YYYY-MM-DD` };
  return { ok: true, value: date };
}

/** A booked DBIT entry: one outgoing line, or the problems that keep it from being read. */
function readDebit(ntry: unknown, line: number): { debit: ParsedDebit } | { problems: string[] } {
  const problems: string[] = [];
  const amount = readAmount(at(ntry, 'Amt'), 'amount');
  const written = collapse(textOf(at(ntry, 'Amt')));
  if (!amount.ok && written.startsWith('-'))
    problems.push(`amount ${quote(written)} is negative; a camt.053 amount is never signed (CdtDbtInd DBIT says the money went out)`);
  else if (!amount.ok) problems.push(amount.problem);
  const date = readBookingDate(ntry);
  if (!date.ok) problems.push(date.problem);
  if (!amount.ok || !date.ok) return { problems };
  const txs = all(ntry, 'NtryDtls', 'TxDtls').filter(isElement);
  const batches = all(ntry, 'NtryDtls', 'Btch');
  const usable = (ref: string) => (ref.toUpperCase() === 'NOTPROVIDED' ? '' : ref);
  const ids = [
    textAt(ntry, 'AcctSvcrRef'),
    textAt(ntry, 'NtryRef'),
    ...batches.flatMap((b) => [textAt(b, 'MsgId'), textAt(b, 'PmtInfId')]),
    ...txs.flatMap((tx) => TX_REFS.map((name) => usable(textAt(tx, 'Refs', name)))),
  ];
  const remittance = collapse(txs.map(remittanceOf).join(' '));
  const additional = collapse(txs.map((tx) => textAt(tx, 'AddtlTxInf')).join(' '));
  const entryText = textAt(ntry, 'AddtlNtryInf');
  return {
    debit: {
      line,
      amount: amount.value.amount,
      currency: amount.value.currency,
      bookingDate: date.value,
      bankReference: firstOf(textAt(ntry, 'AcctSvcrRef'), ...txs.map((tx) => textAt(tx, 'Refs', 'AcctSvcrRef')), textAt(ntry, 'NtryRef')),
      references: distinctTexts([...ids, remittance, additional, entryText]),
      description: firstOf(remittance, additional, entryText),
    },
  };
}

function statusOf(ntry: unknown): string {
  const sts = at(ntry, 'Sts');
  const code = textAt(sts, 'Cd');
  return (code !== '' ? code : collapse(textOf(sts))).toUpperCase();
}

export function parseCamt053(input: string): FormatResult {
  const text = stripBom(input);
  const payments: PaymentWithoutKey[] = [];
  const errors: BankFileError[] = [];
  const debits: ParsedDebit[] = [];
  const debitProblems: BankFileError[] = [];
  const lines = new LineIndex(text);

  if (text.trim() === '') return { payments, errors: [{ line: 1, message: 'the file is empty' }] };

  // Bank statements never carry a DTD; refusing one keeps entity tricks out of the parser.
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    return {
      payments,
      errors: [{ line: lines.lineAt(doctype.index), message: 'the file declares a DOCTYPE, which a camt.053 statement never has; it is refused' }],
    };
  }

  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return { payments, errors: [{ line: valid.err.line, message: `the file is not valid XML: ${valid.err.msg}` }] };
  }

  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    return { payments, errors: [{ line: 1, message: `the file is not valid XML: ${error instanceof Error ? error.message : String(error)}` }] };
  }

  const lineOf = (node: unknown, fallback: number): number => {
    const meta = isElement(node) ? (node[META] as { startIndex?: number } | undefined) : undefined;
    return typeof meta?.startIndex === 'number' ? lines.lineAt(meta.startIndex) : fallback;
  };

  const rootName = isElement(parsed) ? Object.keys(parsed).find((k) => !k.startsWith('?')) : undefined;
  const root = rootName ? at(parsed, rootName) : undefined;
  const rootLine = lineOf(root, 1);
  const namespace = rootNamespace(text);
  if (namespace) {
    const version = NAMESPACE_RE.exec(namespace);
    if (!version) {
      const other = ISO_NAMESPACE_RE.exec(namespace);
      const message = other
        ? `the file is an ISO 20022 ${other[1]} message, not a camt.053 bank statement; ask the bank for a camt.053 statement`
        : `the XML namespace ${quote(namespace)} is not a camt.053 bank statement's (urn:iso:std:iso:20022:tech:xsd:camt.053.001.xx)`;
      return { payments, errors: [{ line: rootLine, message }] };
    }
    const n = Number(version[1]);
    if (n < 2 || n > 13) {
      return { payments, errors: [{ line: rootLine, message: `camt.053.001.${version[1]} is not a version this importer reads (001.02 to 001.13)` }] };
    }
  }
  const statement = at(root, 'BkToCstmrStmt');
  if (rootName !== 'Document' || statement === undefined) {
    const other = Object.keys(OTHER_MESSAGES).find((k) => at(root, k) !== undefined);
    const message = other
      ? `the file is a ${OTHER_MESSAGES[other]}, not a camt.053 bank statement; ask the bank for a camt.053 statement`
      : `the XML is not a camt.053 bank statement: expected <Document> holding <BkToCstmrStmt>, found <${rootName ?? '?'}>`;
    return { payments, errors: [{ line: rootLine, message }] };
  }

  for (const stmt of children(statement, 'Stmt')) {
    const stmtLine = lineOf(stmt, rootLine);
    for (const ntry of children(stmt, 'Ntry')) {
      const line = lineOf(ntry, stmtLine);
      if (!isElement(ntry)) {
        errors.push({ line, message: 'the entry (Ntry) is empty' });
        continue;
      }
      const status = statusOf(ntry);
      if (status !== '' && status !== 'BOOK') continue; // pending or information-only: not money received yet

      const indicator = textAt(ntry, 'CdtDbtInd').toUpperCase();
      if (indicator === 'DBIT') {
        // Money out is not a payment: an outgoing line, never an error of the file.
        const read = readDebit(ntry, line);
        if ('debit' in read) debits.push(read.debit);
        else for (const message of read.problems) debitProblems.push({ line, message });
        continue;
      }
      const problems: string[] = [];
      if (indicator === '') problems.push('the entry has no credit/debit indicator (CdtDbtInd)');
      else if (indicator !== 'CRDT') problems.push(`the credit/debit indicator ${quote(indicator)} is neither CRDT nor DBIT`);

      const amount = readAmount(at(ntry, 'Amt'), 'amount');
      if (!amount.ok) problems.push(amount.problem);

      let receivedDate = '';
      const booked = readBookingDate(ntry);
      if (booked.ok) receivedDate = booked.value;
      else problems.push(booked.problem);

      if (problems.length > 0 || !amount.ok) {
        for (const message of problems) errors.push({ line, message });
        continue;
      }

      const entryRef = firstOf(textAt(ntry, 'AcctSvcrRef'));
      const txs = all(ntry, 'NtryDtls', 'TxDtls').filter(isElement);
      const priced = txs.filter((tx) => at(tx, 'Amt') !== undefined || at(tx, 'AmtDtls', 'TxAmt', 'Amt') !== undefined);

      if (txs.length > 1 && priced.length > 0) {
        // A batched credit: each transaction is its own payment.
        if (priced.length < txs.length) {
          errors.push({
            line,
            message: `the entry has ${txs.length} transactions (TxDtls) but only ${priced.length} give an amount, so it cannot be split into payments`,
          });
          continue;
        }
        const batch: PaymentWithoutKey[] = [];
        let net = new Big(0);
        let readable = true;
        for (const tx of txs) {
          const txLine = lineOf(tx, line);
          const txIndicator = textAt(tx, 'CdtDbtInd').toUpperCase() || indicator;
          const txAmount = readAmount(at(tx, 'Amt') ?? at(tx, 'AmtDtls', 'TxAmt', 'Amt'), 'transaction amount');
          if (!txAmount.ok) {
            errors.push({ line: txLine, message: txAmount.problem });
            readable = false;
            continue;
          }
          if (txAmount.value.currency !== amount.value.currency) {
            errors.push({ line: txLine, message: `the transaction amount is in ${txAmount.value.currency} but its entry is in ${amount.value.currency}` });
            readable = false;
            continue;
          }
          if (txIndicator !== 'CRDT' && txIndicator !== 'DBIT') {
            errors.push({ line: txLine, message: `the credit/debit indicator ${quote(txIndicator)} is neither CRDT nor DBIT` });
            readable = false;
            continue;
          }
          net = txIndicator === 'CRDT' ? net.plus(txAmount.value.amount) : net.minus(txAmount.value.amount);
          if (txIndicator === 'DBIT') continue;
          batch.push({
            line: txLine,
            amount: txAmount.value.amount,
            currency: txAmount.value.currency,
            receivedDate,
            payerName: payerOf(tx),
            reference: firstOf(remittanceOf(tx), textAt(tx, 'AddtlTxInf')),
            bankReference: firstOf(txBankReference(tx), entryRef, textAt(ntry, 'NtryRef')),
          });
        }
        if (!readable) continue;
        if (!net.eq(amount.value.amount)) {
          errors.push({
            line,
            message: `the ${txs.length} transactions of the entry add up to ${formatMoney(net, amount.value.currency)} ${amount.value.currency}, not the entry amount ${amount.value.amount}; the entry is not imported`,
          });
          continue;
        }
        payments.push(...batch);
        continue;
      }

      // One payment for the entry; its transactions (if any) give the payer and the remittance.
      payments.push({
        line,
        amount: amount.value.amount,
        currency: amount.value.currency,
        receivedDate,
        payerName: firstOf(...txs.map(payerOf)),
        reference: firstOf(
          collapse(txs.map(remittanceOf).join(' ')),
          collapse(txs.map((tx) => textAt(tx, 'AddtlTxInf')).join(' ')),
          textAt(ntry, 'AddtlNtryInf'),
        ),
        bankReference: firstOf(entryRef, ...txs.map(txBankReference), textAt(ntry, 'NtryRef')),
      });
    }
  }
  return { payments, errors, debits, debitProblems };
}
