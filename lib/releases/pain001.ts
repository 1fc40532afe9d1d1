import { create } from 'xmlbuilder2';
import { Big, fixed, isIsoCurrency, minorUnits, sum } from '../money';
import { isValidBic, isValidIban } from '../validation/bank';

/**
 * The payout file for the bank as an ISO 20022 Customer Credit Transfer Initiation,
 * pain.001.001.03 (issue 14): one message, one payment information block for the payout batch,
 * one credit transfer per payout. In EUR it is a SEPA credit transfer (service level SEPA, charges
 * SLEV — each side pays its own bank); in another currency it is a plain transfer between IBAN
 * accounts, without a service level and with charges SHAR, since SLEV means "as the service level
 * says" and there is none.
 *
 * Pure and deterministic: the caller supplies every field, the clock (`createdAt`) included, and
 * the same input gives the same bytes. The input is checked first and a refusal is a plain Error
 * naming the field in words ("Creditor IBAN of payment E2E-3 is not a valid IBAN").
 *
 * Amounts: decimal strings, Big inside, written with two decimals (the currency's minor units when
 * it has fewer, e.g. JPY); the control sums are added up here, never taken from the caller.
 *
 * Text (names, remittance information) is cut down to the SEPA Latin character set of the EPC
 * implementation guidelines, which every bank accepts:
 *   a–z A–Z 0–9 / - ? : ( ) . , ' + and space.
 * Letters with accents lose them (é → e, Å → A, ç → c); letters that are not an accented form
 * are spelled out (ß → ss, Æ → AE, Ø → O, Œ → OE, Ł → L, Þ → TH); & becomes +, typographic quotes
 * and dashes their plain forms, any run of white space one space; every other character becomes
 * a full stop. Names are then cut to 70 characters (the SEPA limit), remittance information must
 * fit 140. Identifiers (message, batch, end-to-end) are not rewritten — a bank returns them in its
 * status reports and they must match — so they must already be of that set, without spaces, and
 * neither start nor end with "/" nor hold "//".
 */

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03';

export interface Pain001Account {
  name: string;
  /** electronic form: capitals and digits, no spaces */
  iban: string;
  bic?: string;
}

export interface Pain001Payment {
  /** the payout's reference, returned by the bank in status reports (at most 35 characters) */
  endToEndId: string;
  /** a decimal string with at most two decimals, e.g. "1250.00" */
  amount: string;
  creditor: Pain001Account;
  /** unstructured remittance information (at most 140 characters); blank leaves it out */
  remittance: string;
}

export interface Pain001Input {
  /** unique per file sent to the bank (at most 35 characters) */
  messageId: string;
  /** ISO date and time, e.g. "2026-02-12T18:05:00Z" — the caller's clock */
  createdAt: string;
  /** the factor, whose account is debited */
  debtor: Pain001Account;
  batch: {
    /** becomes PmtInfId (at most 35 characters) */
    id: string;
    /** the requested execution date, YYYY-MM-DD */
    valueDate: string;
    /** ISO 4217; every payment of the file is in it */
    currency: string;
  };
  payments: Pain001Payment[];
}

const SEPA_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
/** Letters that Unicode does not decompose into a plain letter and an accent. */
const SPELLED: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Þ: 'TH',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  '&': '+',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '′': "'",
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '−': '-',
};

/** Text in the SEPA Latin character set (see the module's comment). */
export function sepaText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{ASCII}]|&/gu, (char) => SPELLED[char] ?? char)
    .replace(/\s+/gu, ' ')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/gu, '.')
    .trim();
}

const NAME_MAX = 70;
const REMITTANCE_MAX = 140;
const ID_MAX = 35;
/** EPC: a SEPA credit transfer is at most 999 999 999.99 EUR. */
const SEPA_MAX_AMOUNT = new Big('999999999.99');
const AMOUNT = /^(0|[1-9]\d{0,14})(\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/;

function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${what} is required`);
  if (value.length > ID_MAX) throw new Error(`${what} is longer than ${ID_MAX} characters`);
  if (!SEPA_TEXT.test(value) || value.includes(' ') || value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    throw new Error(`${what} "${value}" may hold only letters, digits and / - ? : ( ) . , ' + (no spaces, no leading, trailing or double /)`);
  }
  return value;
}

function checkName(value: unknown, what: string): string {
  const name = typeof value === 'string' ? sepaText(value).slice(0, NAME_MAX).trim() : '';
  if (name.length === 0) throw new Error(`${what} is required`);
  return name;
}

/** `of` names the payment of a creditor (" of payment E2E-3"); the debtor's has none. */
function checkAccount(account: Pain001Account | undefined, role: 'Debtor' | 'Creditor', of = ''): { name: string; iban: string; bic?: string } {
  if (!account) throw new Error(`${role} account${of} is required`);
  const name = checkName(account.name, `${role} name${of}`);
  if (!isValidIban(account.iban)) throw new Error(`${role} IBAN${of} is not a valid IBAN: ${String(account.iban)}`);
  if (account.bic !== undefined && account.bic !== '' && !isValidBic(account.bic))
    throw new Error(`${role} BIC${of} is not a valid BIC: ${String(account.bic)}`);
  return { name, iban: account.iban, ...(account.bic ? { bic: account.bic } : {}) };
}

interface CheckedPayment {
  endToEndId: string;
  amount: Big;
  creditor: { name: string; iban: string; bic?: string };
  remittance: string;
}

function checkPayment(payment: Pain001Payment, index: number, currency: string, places: number, seen: Set<string>): CheckedPayment {
  const endToEndId = checkId(payment.endToEndId, `End-to-end id of payment ${index + 1}`);
  if (seen.has(endToEndId)) throw new Error(`End-to-end id ${endToEndId} is used by more than one payment`);
  seen.add(endToEndId);
  const which = `payment ${endToEndId}`;
  const text = payment.amount;
  if (typeof text !== 'string' || !AMOUNT.test(text)) throw new Error(`Amount of ${which} is not a plain decimal amount such as "1250.00"`);
  const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  if (decimals > places) throw new Error(`Amount of ${which} has more than ${places} decimal places`);
  const amount = new Big(text);
  if (amount.lte(0)) throw new Error(`Amount of ${which} must be more than zero`);
  if (currency === 'EUR' && amount.gt(SEPA_MAX_AMOUNT)) throw new Error(`Amount of ${which} is more than a SEPA credit transfer may carry (999999999.99 EUR)`);
  const creditor = checkAccount(payment.creditor, 'Creditor', ` of ${which}`);
  const remittance = typeof payment.remittance === 'string' ? sepaText(payment.remittance) : '';
  if (remittance.length > REMITTANCE_MAX) throw new Error(`Remittance information of ${which} is longer than ${REMITTANCE_MAX} characters`);
  return { endToEndId, amount, creditor, remittance };
}

/** The pain.001.001.03 XML (UTF-8) of a payout batch; see the module's comment. */
export function pain001File(input: Pain001Input): string {
  const messageId = checkId(input.messageId, 'Message id');
  if (typeof input.createdAt !== 'string' || !DATE_TIME.exec(input.createdAt) || !isRealDate(input.createdAt.slice(0, 10))) {
    throw new Error('Creation time must be an ISO date and time such as 2026-02-12T18:05:00Z');
  }
  const batchId = checkId(input.batch?.id, 'Batch id');
  const currency = input.batch.currency;
  if (!isIsoCurrency(currency)) throw new Error(`Batch currency ${String(currency)} is not an ISO 4217 currency code`);
  if (typeof input.batch.valueDate !== 'string' || !isRealDate(input.batch.valueDate)) throw new Error('Value date must be a date in the form YYYY-MM-DD');
  const debtor = checkAccount(input.debtor, 'Debtor');
  if (!Array.isArray(input.payments) || input.payments.length === 0) throw new Error('A payment file needs at least one payment');
  const places = Math.min(2, minorUnits(currency));
  const seen = new Set<string>();
  const payments = input.payments.map((p, i) => checkPayment(p, i, currency, places, seen));
  const total = sum(payments.map((p) => p.amount));
  const controlSum = fixed(total, places);
  // The schema's DecimalNumber holds at most 18 digits.
  if (controlSum.replace('.', '').length > 18) throw new Error('The total of the payments is too large for one payment file');
  const count = String(payments.length);
  const sepa = currency === 'EUR';

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const initiation = doc.ele(PAIN001_NAMESPACE, 'Document').ele('CstmrCdtTrfInitn');

  const header = initiation.ele('GrpHdr');
  header.ele('MsgId').txt(messageId);
  header.ele('CreDtTm').txt(input.createdAt);
  header.ele('NbOfTxs').txt(count);
  header.ele('CtrlSum').txt(controlSum);
  header.ele('InitgPty').ele('Nm').txt(debtor.name);

  const info = initiation.ele('PmtInf');
  info.ele('PmtInfId').txt(batchId);
  info.ele('PmtMtd').txt('TRF');
  info.ele('BtchBookg').txt('true');
  info.ele('NbOfTxs').txt(count);
  info.ele('CtrlSum').txt(controlSum);
  if (sepa) info.ele('PmtTpInf').ele('SvcLvl').ele('Cd').txt('SEPA');
  info.ele('ReqdExctnDt').txt(input.batch.valueDate);
  info.ele('Dbtr').ele('Nm').txt(debtor.name);
  info.ele('DbtrAcct').ele('Id').ele('IBAN').txt(debtor.iban);
  const debtorBank = info.ele('DbtrAgt').ele('FinInstnId');
  // Without a BIC the debtor's bank knows itself from the IBAN: EPC's "NOTPROVIDED".
  if (debtor.bic) debtorBank.ele('BIC').txt(debtor.bic);
  else debtorBank.ele('Othr').ele('Id').txt('NOTPROVIDED');
  info.ele('ChrgBr').txt(sepa ? 'SLEV' : 'SHAR');

  for (const p of payments) {
    const tx = info.ele('CdtTrfTxInf');
    tx.ele('PmtId').ele('EndToEndId').txt(p.endToEndId);
    tx.ele('Amt').ele('InstdAmt', { Ccy: currency }).txt(fixed(p.amount, places));
    if (p.creditor.bic) tx.ele('CdtrAgt').ele('FinInstnId').ele('BIC').txt(p.creditor.bic);
    tx.ele('Cdtr').ele('Nm').txt(p.creditor.name);
    tx.ele('CdtrAcct').ele('Id').ele('IBAN').txt(p.creditor.iban);
    if (p.remittance) tx.ele('RmtInf').ele('Ustrd').txt(p.remittance);
  }

  return `${doc.end({ prettyPrint: true, indent: '  ' })}\n`;
}
