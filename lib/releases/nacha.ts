import { Big } from '../money';

/**
 * The payout file for the bank in NACHA format (issue 6): one CCD batch of credits (transaction
 * code 22 to checking, 32 to savings) to the clients' payout accounts, in 94-character records —
 * file header, batch header, one entry per paid release, batch control, file control — padded
 * with 9s to a block of ten records. Amounts are whole cents from Big; hashes and totals are
 * computed from the entries, never given. Pure: the caller supplies every field and the clock.
 */
export interface NachaOriginator {
  /** the factor's bank (ODFI) routing number, 9 digits */
  originRouting: string;
  /** the receiving point, usually the same bank's routing number */
  destinationRouting: string;
  destinationName: string;
  /** the factor's company identification (10 characters, often "1" + EIN) */
  companyId: string;
  companyName: string;
}

export interface NachaEntry {
  routing: string;
  account: string;
  accountType: 'checking' | 'savings';
  /** dollars and cents as a decimal string ("1900.00") */
  amount: string;
  name: string;
  /** e.g. the release id */
  id: string;
}

export interface NachaInput {
  originator: NachaOriginator;
  effectiveDate: string;
  createdAt: Date;
  description?: string;
  entries: NachaEntry[];
}

/** ABA routing number: 9 digits whose weighted sum (3, 7, 1) is a multiple of 10. */
export function isRoutingNumber(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{9}$/.test(value)) return false;
  const d = [...value].map(Number);
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

/** Upper-case ASCII letters, digits and plain punctuation, cut or padded to width. */
function alpha(value: string, width: number): string {
  const clean = value
    .normalize('NFKD')
    .replace(/[^\x20-\x7E]/g, '')
    .toUpperCase();
  return clean.slice(0, width).padEnd(width, ' ');
}

function num(value: string | number, width: number): string {
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new Error(`NACHA numeric field holds "${text}"`);
  if (text.length > width) throw new Error(`NACHA numeric field "${text}" is wider than ${width}`);
  return text.padStart(width, '0');
}

/** Whole cents of a non-negative amount with at most two decimals. */
export function cents(amount: string): string {
  const value = new Big(amount);
  if (value.lt(0) || !value.times(100).eq(value.times(100).round(0, Big.roundDown))) throw new Error(`NACHA amount ${amount} is not whole cents`);
  return value.times(100).round(0, Big.roundDown).toString();
}

const yymmdd = (date: string) => `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;

export function nachaFile(input: NachaInput): string {
  const o = input.originator;
  if (!isRoutingNumber(o.originRouting)) throw new Error('The originating bank routing number is not a valid ABA number');
  if (!isRoutingNumber(o.destinationRouting)) throw new Error('The destination routing number is not a valid ABA number');
  if (input.entries.length === 0) throw new Error('A NACHA file needs at least one payout');
  const odfi = o.originRouting.slice(0, 8);
  const created = input.createdAt.toISOString();
  const records: string[] = [];
  records.push(
    [
      '1',
      '01',
      ` ${o.destinationRouting}`,
      ` ${o.originRouting}`,
      yymmdd(created.slice(0, 10)),
      created.slice(11, 13) + created.slice(14, 16),
      'A',
      '094',
      '10',
      '1',
      alpha(o.destinationName, 23),
      alpha(o.companyName, 23),
      alpha('', 8),
    ].join(''),
  );
  records.push(
    [
      '5',
      '220',
      alpha(o.companyName, 16),
      alpha('', 20),
      alpha(o.companyId, 10),
      'CCD',
      alpha(input.description ?? 'REBATE', 10),
      yymmdd(input.effectiveDate),
      yymmdd(input.effectiveDate),
      '   ',
      '1',
      odfi,
      num(1, 7),
    ].join(''),
  );
  let hash = 0n;
  let credit = 0n;
  input.entries.forEach((e, i) => {
    if (!isRoutingNumber(e.routing)) throw new Error(`Payout ${e.id}: ${e.routing} is not a valid routing number`);
    if (!/^[0-9A-Za-z-]{1,17}$/.test(e.account)) throw new Error(`Payout ${e.id}: the account number must be 1–17 letters or digits`);
    const amount = cents(e.amount);
    hash += BigInt(e.routing.slice(0, 8));
    credit += BigInt(amount);
    records.push(
      [
        '6',
        e.accountType === 'savings' ? '32' : '22',
        e.routing.slice(0, 8),
        e.routing.slice(8),
        alpha(e.account, 17),
        num(amount, 10),
        alpha(e.id, 15),
        alpha(e.name, 22),
        '  ',
        '0',
        odfi,
        num(i + 1, 7),
      ].join(''),
    );
  });
  const entryHash = (hash % 10_000_000_000n).toString();
  records.push(
    [
      '8',
      '220',
      num(input.entries.length, 6),
      num(entryHash, 10),
      num(0, 12),
      num(credit.toString(), 12),
      alpha(o.companyId, 10),
      alpha('', 19),
      alpha('', 6),
      odfi,
      num(1, 7),
    ].join(''),
  );
  const blocks = Math.ceil((records.length + 1) / 10);
  records.push(
    ['9', num(1, 6), num(blocks, 6), num(input.entries.length, 8), num(entryHash, 10), num(0, 12), num(credit.toString(), 12), alpha('', 39)].join(''),
  );
  while (records.length % 10 !== 0) records.push('9'.repeat(94));
  for (const r of records) if (r.length !== 94) throw new Error(`NACHA record of ${r.length} characters: ${r}`);
  return `${records.join('\n')}\n`;
}
