import { Big, ZERO, fixed, minorUnits } from '../money';

/**
 * SPEC 5.2 / API.md "Collections": matching a received payment to open invoices, as pure
 * functions. The caller gathers the candidates set-based (invoices named in the remittance text,
 * the debtors the payer name points to, and those debtors' open invoices) and passes them in;
 * nothing here touches the database.
 *
 * - `auto`: the reference names invoices of ONE debtor whose outstanding amounts sum exactly to
 *   the payment → each is allocated its full outstanding. Nothing else is ever applied on its own.
 * - `suggestions`: at most five, best first, each with a confidence in [0, 0.99] (two decimals).
 *
 * Money stays `Big`; the subset-sum search runs on exact integers (minor units, see unitsOf).
 */

export interface OpenInvoice {
  id: string;
  number: string;
  debtorId: string;
  clientId: string;
  currency: string;
  outstanding: Big;
  /** ISO date, YYYY-MM-DD */
  dueDate: string;
}

export interface PaymentToMatch {
  amount: Big;
  currency: string;
  reference: string;
  payerName: string;
}

export interface MatchContext {
  /** open invoices whose number appears in the payment's reference (looked up by the tokens of extractInvoiceRefs) */
  byNumber: OpenInvoice[];
  /** debtors the payer name points to (learned payer names per debtor, and debtor names), best first, with how sure (0..1) */
  payerDebtors: { debtorId: string; confidence: Big }[];
  /** open invoices of those debtors (bounded by the caller, oldest due first) */
  byDebtor: Map<string, OpenInvoice[]>;
}

export interface Allocation {
  invoiceId: string;
  amount: Big;
}

export interface Suggestion {
  invoiceIds: string[];
  allocations: Allocation[];
  confidence: Big;
  reason: string;
}

export interface MatchResult {
  auto: Allocation[] | null;
  suggestions: Suggestion[];
}

export const MAX_REFS = 200;
export const MAX_SUGGESTIONS = 5;
export const DEFAULT_MAX_INVOICES = 8;
export const DEFAULT_MAX_NODES = 200_000;

/** Confidence weights (see the module comment of matchPayment). */
export const CONFIDENCE = {
  /** (a) the named invoices, scaled by min(sum, amount) / max(sum, amount) */
  named: new Big('0.9'),
  /** (a) …further scaled when the named invoices belong to several debtors */
  namedSeveralDebtors: new Big('0.9'),
  /** (b) the debtor's oldest invoices, in due-date order, sum exactly to the amount */
  oldestExact: new Big('0.9'),
  /** (b) some combination of the debtor's invoices sums exactly to the amount */
  combination: new Big('0.85'),
  /** (c) one invoice of the debtor equals the amount */
  single: new Big('0.8'),
  /** (d) the debtor's oldest invoices up to the amount (a partial payment) */
  partial: new Big('0.4'),
  max: new Big('0.99'),
} as const;

const MAX_TOKEN_LENGTH = 64;
const MAX_RANGE = 50;
/** At most this many debtors are searched for one payment (named debtors first, then by payer confidence). */
const MAX_DEBTORS = 8;
/** At most this many further single-invoice suggestions per debtor. */
const MAX_SINGLES = 3;

// ---------------------------------------------------------------------------------------------
// Invoice numbers in remittance text

/**
 * "INV", "INVOICE(S)", "NO.", "NR", "NUM", "REF" glued to a number: "NO.77", "INV#5" (only the
 * number), "INV-1001", "INVOICE1001" (possibly a stored number as written, so both).
 */
const KEYWORD_PREFIX_RE = /^(?:INVOICES|INVOICE|INVS|INV|NOS|NO|NR|NUMBER|NUM|REF)(?:([.:#\-]+)(?=[\p{L}\p{N}])|(?=\p{N}))(.+)$/u;
/** Anything that is not a letter, digit, hyphen, underscore or point separates tokens. */
const SEPARATOR_RE = /[^\p{L}\p{N}\-_.]+/u;
const HAS_DIGIT_RE = /\p{N}/u;
const TRIM_RE = /^[.\-_]+|[.\-_]+$/gu;
const NUMERIC_RANGE_RE = /^(\d+)-(\d+)$/;

/**
 * The same normalisation as stored invoice numbers get for comparison: NFKC, trimmed,
 * upper-case, without a leading '#', inner whitespace collapsed.
 */
export function normalizeInvoiceNumber(n: string): string {
  return n
    .normalize('NFKC')
    .trim()
    .toUpperCase()
    .replace(/^#+\s*/, '')
    .replace(/\s+/g, ' ');
}

/**
 * The candidate numbers of a remittance text, grouped: [token as written, …readings of it]
 * (a keyword prefix stripped: "INV-1001" → "1001"; a short numeric range expanded:
 * "1001-1003" → 1001, 1002, 1003). A stored number equal to the token as written wins over one
 * that only equals a reading.
 */
function extractRefGroups(text: string): string[][] {
  const groups: string[][] = [];
  const upper = normalizeInvoiceNumber(text);
  for (const raw of upper.split(SEPARATOR_RE)) {
    const piece = raw.replace(TRIM_RE, '');
    if (piece.length === 0 || piece.length > MAX_TOKEN_LENGTH || !HAS_DIGIT_RE.test(piece)) continue;
    const prefixed = KEYWORD_PREFIX_RE.exec(piece);
    const rest = prefixed?.[2]?.replace(TRIM_RE, '');
    const core = rest && HAS_DIGIT_RE.test(rest) ? rest : piece;
    const group = core === piece ? [piece] : /[.:#]/.test(prefixed?.[1] ?? '') ? [core] : [piece, core];
    const range = NUMERIC_RANGE_RE.exec(core);
    if (range?.[1] && range[2] && range[1].length === range[2].length) {
      const lo = BigInt(range[1]);
      const hi = BigInt(range[2]);
      if (lo < hi && hi - lo < BigInt(MAX_RANGE)) {
        for (let v = lo; v <= hi; v++) group.push(v.toString().padStart(range[1].length, '0'));
      }
    }
    groups.push(group);
  }
  return groups;
}

/**
 * Candidate invoice-number tokens of a remittance text, upper-case, in order of appearance,
 * without duplicates, at most 200: "INV A-1001, A-1002/A-1003 & #77812" → A-1001, A-1002,
 * A-1003, 77812. Separators are anything but letters, digits, '-', '_' and '.'; a token needs a
 * digit (so "INV", "INVOICE", "NO." and words drop out); hyphens inside a token stay.
 * "NO.77" and "INV#5" yield the bare number; "INV-1001" and "INV1001" both the token and the
 * bare number; a short numeric range ("1001-1005", at most 50) also each number in it.
 */
export function extractInvoiceRefs(text: string): string[] {
  const out = new Set<string>();
  for (const group of extractRefGroups(text)) {
    for (const token of group) {
      if (out.size >= MAX_REFS) return [...out];
      out.add(token);
    }
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// Payer names

const LEGAL_SUFFIXES = new Set([
  'INC',
  'INCORPORATED',
  'LLC',
  'LLP',
  'LP',
  'LTD',
  'LTDA',
  'LIMITED',
  'GMBH',
  'MBH',
  'CORP',
  'CORPORATION',
  'CO',
  'COMPANY',
  'CIE',
  'PLC',
  'PLLC',
  'PC',
  'ULC',
  'SA',
  'SAS',
  'SARL',
  'SRL',
  'SPA',
  'SL',
  'SE',
  'AG',
  'KG',
  'KGAA',
  'OHG',
  'UG',
  'BV',
  'NV',
  'PTY',
  'AB',
  'OY',
  'OYJ',
  'AS',
  'ASA',
  'APS',
  'KK',
]);

/**
 * A payer name for learning and looking up: accents folded, upper-case, '&' read as AND,
 * punctuation dropped ("U.S." → "US", "O'Brien" → "OBRIEN"), a leading THE and trailing legal
 * suffixes stripped ("Acme Trading Co., Ltd." → "ACME TRADING"), spaces collapsed. A name that is
 * nothing but a suffix keeps it.
 */
export function normalizePayerName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/&/g, ' AND ')
    .replace(/['’`.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
  if (words.length > 1 && words[0] === 'THE') words.shift();
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1]!)) {
    words.pop();
    if (words.length > 1 && words[words.length - 1] === 'AND') words.pop();
  }
  return words.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Exact amounts as integers

function decimals(value: Big): number {
  return Math.max(0, value.c.length - value.e - 1);
}

/**
 * value × 10^scale (scale ≥ the value's decimals) as an exact integer, built from Big's digits,
 * or null when it is not a safe integer (beyond 2^53 − 1 minor units). The search below adds
 * only such integers and checks every total against Number.MAX_SAFE_INTEGER, so its arithmetic
 * is exact: no fractions, no rounding (`bigint` would be exact too, but several times slower in
 * a loop of 200,000 nodes).
 */
function unitsOf(value: Big, scale: number): number | null {
  let n = 0;
  for (const digit of value.c) n = n * 10 + digit;
  for (let k = value.e + 1 - value.c.length + scale; k > 0; k--) n *= 10;
  if (!Number.isSafeInteger(n)) return null;
  return value.s < 0 ? -n : n;
}

/** value > 0, without allocating (Big's comparisons copy or parse their argument). */
function isPositive(value: Big): boolean {
  return value.s > 0 && value.c[0] !== 0;
}

/** a = b, without allocating (Big keeps no trailing zeros, so equal values have equal digits). */
function sameValue(a: Big, b: Big): boolean {
  if (a.s !== b.s || a.e !== b.e || a.c.length !== b.c.length) return false;
  for (let i = 0; i < a.c.length; i++) if (a.c[i] !== b.c[i]) return false;
  return true;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

const byDueDate = (a: OpenInvoice, b: OpenInvoice): number => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0);

/** Oldest due first; stable, so equal due dates keep the caller's order (usually already sorted). */
function oldestFirst(invoices: readonly OpenInvoice[]): OpenInvoice[] {
  for (let i = 1; i < invoices.length; i++) if (byDueDate(invoices[i - 1]!, invoices[i]!) > 0) return [...invoices].sort(byDueDate);
  return [...invoices];
}

// ---------------------------------------------------------------------------------------------
// Subset sum

interface Item {
  invoice: OpenInvoice;
  /** the outstanding amount in units of 10^-scale (divided by the common divisor) */
  units: number;
  /** position in due-date order (0 = oldest) */
  age: number;
}

interface Problem {
  /** the candidates that can be part of a combination (0 < amount ≤ target), oldest first */
  items: Item[];
  target: number;
}

/**
 * The exact integer form of "which of these invoices sum to target": amounts scaled to integers,
 * invoices above the target dropped, everything divided by the amounts' greatest common divisor.
 * Null when no combination can exist (the target is not a multiple of that divisor, or more than
 * all of them); 'inexact' when the numbers go beyond 2^53 − 1 units.
 */
function problemOf(target: Big, invoices: readonly OpenInvoice[]): Problem | null | 'inexact' {
  if (!isPositive(target)) return null;
  const oldest = oldestFirst(invoices.filter((i) => isPositive(i.outstanding)));
  if (oldest.length === 0) return null;
  let scale = decimals(target);
  for (const i of oldest) scale = Math.max(scale, decimals(i.outstanding));
  const t = unitsOf(target, scale);
  if (t === null) return 'inexact';
  const items: Item[] = [];
  let g = 0;
  for (const invoice of oldest) {
    const units = unitsOf(invoice.outstanding, scale);
    if (units === null || units > t) continue;
    items.push({ invoice, units, age: items.length });
    g = gcd(g, units);
  }
  if (items.length === 0 || t % g !== 0) return null;
  let total = 0;
  for (const it of items) {
    it.units /= g;
    total += it.units;
    if (total > Number.MAX_SAFE_INTEGER) return 'inexact';
  }
  return total < t / g ? null : { items, target: t / g };
}

interface Window {
  /** sorted by amount desc, ties oldest first */
  items: Item[];
  /** units[i] = items[i].units */
  units: Float64Array;
  /** prefix[i] = sum of units[0..i) */
  prefix: Float64Array;
  /** amount → ascending positions */
  positions: Map<number, number[]>;
}

function windowOf(items: Item[]): Window {
  const m = items.length;
  const units = new Float64Array(m);
  const prefix = new Float64Array(m + 1);
  const positions = new Map<number, number[]>();
  for (let i = 0; i < m; i++) {
    const u = items[i]!.units;
    units[i] = u;
    prefix[i + 1] = prefix[i]! + u;
    const list = positions.get(u);
    if (list) list.push(i);
    else positions.set(u, [i]);
  }
  return { items, units, prefix, positions };
}

/**
 * Exactly `k` (≥ 2) items of the window summing to `target`, depth-first over the amounts in
 * descending order, pruned by what the remaining picks can still reach (the d largest and the d
 * smallest from here) and skipping repeated amounts at a level; the last pick is a hash lookup.
 * Returns null when none exists or the budget runs out (`budget.nodes` counts down).
 */
function searchExactSize({ items, units, prefix, positions }: Window, target: number, k: number, budget: { nodes: number }): Item[] | null {
  const m = items.length;
  if (k < 2 || k > m) return null;
  const total = prefix[m]!;
  const picked: number[] = [];

  /** the first position ≥ start holding exactly `rem`, or −1 */
  const lastPick = (rem: number, start: number): number => {
    const list = positions.get(rem);
    if (!list) return -1;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : -1;
  };

  const dfs = (rem: number, start: number, d: number): boolean => {
    // the d smallest from here (the last d) already exceed what is left
    if (m - start < d || rem < total - prefix[m - d]!) return false;
    // skip the items too large to leave room for d − 1 more (amounts descend: binary search)
    const cap = rem - (total - prefix[m - d + 1]!);
    let lo = start;
    let hi = m - d + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (units[mid]! > cap) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j <= m - d; j++) {
      // the d largest from j on fall short: so do those from any later j
      if (prefix[j + d]! - prefix[j]! < rem) return false;
      const u = units[j]!;
      if (j > lo && u === units[j - 1]) continue;
      if (--budget.nodes < 0) return false;
      if (d === 2) {
        const at = lastPick(rem - u, j + 1);
        if (at >= 0) {
          picked.push(j, at);
          return true;
        }
        continue;
      }
      picked.push(j);
      if (dfs(rem - u, j + 1, d - 1)) return true;
      picked.pop();
      if (budget.nodes < 0) return false;
    }
    return false;
  };

  return dfs(target, 0, k) ? picked.map((i) => items[i]!) : null;
}

/** The invoices of a search, oldest first, and the nodes it used. */
interface SearchOutcome {
  found: OpenInvoice[] | null;
  nodes: number;
}

/**
 * The search behind findCombination: one item, then two (hash map), then 3…maxInvoices
 * depth-first over windows of the oldest 32, 64, 128, … items (all of them last), cheapest
 * search first, so combinations of few and of older invoices — the usual way a debtor pays —
 * are found first and cheaply, and a long list still answers within the node budget.
 */
function searchCombination(problem: Problem | null, maxInvoices: number, maxNodes: number): SearchOutcome {
  const budget = { nodes: maxNodes };
  const done = (found: Item[] | null): SearchOutcome => ({
    found: found ? [...found].sort((a, b) => a.age - b.age).map((it) => it.invoice) : null,
    nodes: maxNodes - Math.max(0, budget.nodes),
  });
  if (!problem || maxInvoices < 1) return done(null);
  const { items: usable, target } = problem;

  // one invoice: the oldest that equals the target
  const single = usable.find((it) => it.units === target);
  if (single) return done([single]);
  if (maxInvoices < 2) return done(null);

  // two: the oldest invoice that has a partner, with its oldest partner
  const oldestAt = new Map<number, Item[]>();
  for (const it of usable) {
    const list = oldestAt.get(it.units);
    if (!list) oldestAt.set(it.units, [it]);
    else if (list.length < 2) list.push(it);
  }
  for (const it of usable) {
    const partner = oldestAt.get(target - it.units)?.find((p) => p !== it);
    if (partner) return done([it, partner]);
  }

  // three or more: (window of the oldest W, exactly k) searches, the cheapest first — an
  // exhaustive search costs about C(W, k − 1) nodes — so few invoices and old invoices come
  // first, and the budget goes to the searches likeliest to finish
  const plan: { size: number; k: number; cost: number }[] = [];
  for (let window = 32; ; window *= 2) {
    const size = Math.min(window, usable.length);
    for (let k = 3; k <= Math.min(maxInvoices, size); k++) plan.push({ size, k, cost: choose(size, k - 1) });
    if (size >= usable.length) break;
  }
  plan.sort((a, b) => a.cost - b.cost || a.k - b.k || a.size - b.size);
  const byAmount = (a: Item, b: Item): number => b.units - a.units || a.age - b.age;
  const windows = new Map<number, Window>();
  for (const { size, k } of plan) {
    let prepared = windows.get(size);
    if (!prepared) {
      prepared = windowOf(usable.slice(0, size).sort(byAmount));
      windows.set(size, prepared);
    }
    const found = searchExactSize(prepared, target, k, budget);
    if (found) return done(found);
    if (budget.nodes < 0) break;
  }
  return done(null);
}

/**
 * Beyond 2^53 − 1 minor units (amounts no factor meets) only one or two invoices are tried, in
 * Big: one equal to the target, or the oldest pair summing to it.
 */
function searchInBig(target: Big, invoices: readonly OpenInvoice[], maxInvoices: number): OpenInvoice[] | null {
  const oldest = oldestFirst(invoices.filter((i) => isPositive(i.outstanding) && i.outstanding.lte(target)));
  const single = oldest.find((i) => i.outstanding.eq(target));
  if (single || maxInvoices < 2) return single ? [single] : null;
  const byAmount = new Map<string, OpenInvoice[]>();
  for (const i of oldest) {
    const key = i.outstanding.toString();
    const list = byAmount.get(key);
    if (!list) byAmount.set(key, [i]);
    else if (list.length < 2) list.push(i);
  }
  for (const i of oldest) {
    const partner = byAmount.get(target.minus(i.outstanding).toString())?.find((p) => p !== i);
    if (partner) return oldestFirst([i, partner]);
  }
  return null;
}

function combinationOf(target: Big, invoices: readonly OpenInvoice[], maxInvoices: number, maxNodes: number): SearchOutcome {
  const problem = problemOf(target, invoices);
  if (problem === 'inexact') return { found: maxInvoices >= 1 ? searchInBig(target, invoices, maxInvoices) : null, nodes: 0 };
  return searchCombination(problem, maxInvoices, maxNodes);
}

/** C(n, r), as a float (an estimate of a search's cost). */
function choose(n: number, r: number): number {
  let c = 1;
  for (let i = 0; i < r; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/**
 * Invoices whose outstanding amounts sum exactly to `target`: a bounded exact subset-sum on
 * integer minor units (never fractions). Tries one invoice, then two (hash map), then up to
 * `maxInvoices` (default 8) depth-first over the amounts in descending order, pruned by the sums
 * still reachable, over the oldest 32, 64, … invoices first, visiting at most `maxNodes`
 * (default 200,000) nodes. Among equal amounts the oldest due dates win. Returns the invoices
 * oldest due first, or null when none is found within the budget.
 */
export function findCombination(target: Big, invoices: OpenInvoice[], options: { maxInvoices?: number; maxNodes?: number } = {}): OpenInvoice[] | null {
  return combinationOf(target, invoices, options.maxInvoices ?? DEFAULT_MAX_INVOICES, options.maxNodes ?? DEFAULT_MAX_NODES).found;
}

// ---------------------------------------------------------------------------------------------
// Matching a payment

/** Two decimals, rounded down, capped at 0.99, never below zero. */
function confidenceOf(value: Big): Big {
  const c = value.round(2, Big.roundDown);
  if (c.gt(CONFIDENCE.max)) return CONFIDENCE.max;
  return c.lt(0) ? new Big(0) : c;
}

/** Allocates the invoices in the given order, each in full, the last one partly, up to `amount`. */
function allocateUpTo(invoices: readonly OpenInvoice[], amount: Big): Allocation[] {
  const allocations: Allocation[] = [];
  let left = amount;
  for (const inv of invoices) {
    if (left.lte(0)) break;
    const take = inv.outstanding.lte(left) ? inv.outstanding : left;
    allocations.push({ invoiceId: inv.id, amount: take });
    left = left.minus(take);
  }
  return allocations;
}

const inFull = (invoices: readonly OpenInvoice[]): Allocation[] => invoices.map((i) => ({ invoiceId: i.id, amount: i.outstanding }));

function total(invoices: readonly OpenInvoice[]): Big {
  let s = ZERO;
  for (const i of invoices) s = s.plus(i.outstanding);
  return s;
}

function describe(invoices: readonly OpenInvoice[], limit = 5): string {
  const numbers = invoices.slice(0, limit).map((i) => i.number);
  return invoices.length > limit ? `${numbers.join(', ')} and ${invoices.length - limit} more` : numbers.join(', ');
}

/**
 * Keeps, of the invoices named by number, those the reference really names: an invoice whose
 * number is only a reading of a token ("1001" read from "INV-1001") is dropped when another
 * invoice carries the token as written. Invoices the reference does not mention at all are kept
 * (the caller found them).
 */
function resolveNamed(reference: string, named: readonly OpenInvoice[]): OpenInvoice[] {
  const groups = extractRefGroups(reference);
  const present = new Set(named.map((i) => normalizeInvoiceNumber(i.number)));
  const primaries = new Set<string>();
  const shadowed = new Set<string>();
  for (const [primary, ...readings] of groups) {
    if (primary === undefined) continue;
    primaries.add(primary);
    if (present.has(primary)) for (const r of readings) shadowed.add(r);
  }
  return named.filter((i) => {
    const key = normalizeInvoiceNumber(i.number);
    return primaries.has(key) || !shadowed.has(key);
  });
}

function clamp01(value: Big): Big {
  return value.lt(0) ? new Big(0) : value.gt(1) ? new Big(1) : value;
}

class Suggestions {
  private readonly byKey = new Map<string, Suggestion & { order: number }>();
  private order = 0;

  add(allocations: Allocation[], confidence: Big, reason: string): void {
    const useful = allocations.filter((a) => a.amount.gt(0));
    if (useful.length === 0) return;
    const c = confidenceOf(confidence);
    if (c.lte(0)) return;
    const invoiceIds = useful.map((a) => a.invoiceId);
    const key = [...invoiceIds].sort().join('\u0000');
    const existing = this.byKey.get(key);
    if (existing && existing.confidence.gte(c)) return;
    this.byKey.set(key, { invoiceIds, allocations: useful, confidence: c, reason, order: existing?.order ?? this.order++ });
  }

  best(): Suggestion[] {
    return [...this.byKey.values()]
      .sort((a, b) => b.confidence.cmp(a.confidence) || a.order - b.order)
      .slice(0, MAX_SUGGESTIONS)
      .map(({ invoiceIds, allocations, confidence, reason }) => ({ invoiceIds, allocations, confidence, reason }));
  }
}

/**
 * Matches a payment to open invoices (SPEC 5.2, API.md "Collections"). Only invoices in the
 * payment's currency with something outstanding count.
 *
 * AUTO: the invoices the reference names all belong to one debtor and their outstanding amounts
 * sum exactly to the payment → each is allocated its full outstanding (suggestions are then
 * empty). Named invoices of several debtors, or a different sum, are only suggested.
 *
 * Suggestions, each confidence rounded down to two decimals and capped at 0.99 (p = the payer
 * confidence of the debtor, 1.0 for a debtor named by number):
 * (a) the named invoices of a debtor, oldest due first, up to the amount (the last one partly):
 *     0.9 × min(sum, amount) / max(sum, amount), × 0.9 again when the names span several debtors;
 * (b) the debtor's oldest invoices summing exactly to the amount: 0.9 × p; any other exact
 *     combination (a subset of the named invoices first, then findCombination over the debtor's
 *     open invoices): 0.85 × p;
 * (c) another single invoice of the debtor equal to the amount: 0.8 × p;
 * (d) the debtor's oldest invoices up to the amount (a partial payment): 0.4 × p.
 * The same invoice set is suggested once (its best confidence); at most five, best first.
 */
export function matchPayment(payment: PaymentToMatch, context: MatchContext): MatchResult {
  const amount = payment.amount;
  if (amount.lte(0)) return { auto: null, suggestions: [] };
  const eligible = (i: OpenInvoice): boolean => i.currency === payment.currency && isPositive(i.outstanding);
  const money = moneyFormatter(payment.currency);

  // the named invoices (deduplicated, in this currency), per debtor
  const seen = new Set<string>();
  const namedAll: OpenInvoice[] = [];
  for (const inv of context.byNumber) {
    if (!eligible(inv) || seen.has(inv.id)) continue;
    seen.add(inv.id);
    namedAll.push(inv);
  }
  const named = oldestFirst(resolveNamed(payment.reference, namedAll));
  const namedByDebtor = new Map<string, OpenInvoice[]>();
  for (const inv of named) {
    const list = namedByDebtor.get(inv.debtorId);
    if (list) list.push(inv);
    else namedByDebtor.set(inv.debtorId, [inv]);
  }

  if (namedByDebtor.size === 1 && total(named).eq(amount)) {
    return { auto: inFull(named), suggestions: [] };
  }

  const suggestions = new Suggestions();

  // (a) the named invoices, per debtor
  const severalDebtors = namedByDebtor.size > 1;
  for (const invoices of namedByDebtor.values()) {
    const sum = total(invoices);
    const ratio = (sum.lt(amount) ? sum : amount).div(sum.gt(amount) ? sum : amount);
    let confidence = CONFIDENCE.named.times(ratio);
    if (severalDebtors) confidence = confidence.times(CONFIDENCE.namedSeveralDebtors);
    const how = sum.eq(amount) ? 'exactly the amount paid' : `${money(sum)} open against ${money(amount)} paid${sum.gt(amount) ? ', the last one partly' : ''}`;
    suggestions.add(
      allocateUpTo(invoices, amount),
      confidence,
      `The reference names ${describe(invoices)}${severalDebtors ? ', among invoice numbers of several debtors' : ''}: ${how}`,
    );
  }

  // the debtors to search: named ones first (p = 1), then the payer's, best first
  const debtors = new Map<string, Big>();
  for (const debtorId of namedByDebtor.keys()) debtors.set(debtorId, new Big(1));
  for (const d of context.payerDebtors) if (!debtors.has(d.debtorId)) debtors.set(d.debtorId, clamp01(d.confidence));
  const searched = [...debtors.entries()].slice(0, MAX_DEBTORS);

  let nodesLeft = DEFAULT_MAX_NODES;
  searched.forEach(([debtorId, p], index) => {
    const namedHere = namedByDebtor.get(debtorId) ?? [];
    const ids = new Set<string>();
    const pool: OpenInvoice[] = [];
    for (const inv of [...(context.byDebtor.get(debtorId) ?? []), ...namedHere]) {
      if (inv.debtorId !== debtorId || !eligible(inv) || ids.has(inv.id)) continue;
      ids.add(inv.id);
      pool.push(inv);
    }
    if (pool.length === 0) return;
    const oldest = oldestFirst(pool);
    const whose = namedHere.length > 0 ? 'of the debtor named in the reference' : "of the payer's debtor";

    // (b) the oldest invoices, in due-date order, exactly
    let running = ZERO;
    for (let i = 0; i < oldest.length && running.lt(amount); i++) {
      running = running.plus(oldest[i]!.outstanding);
      if (running.eq(amount)) {
        const first = oldest.slice(0, i + 1);
        suggestions.add(
          inFull(first),
          CONFIDENCE.oldestExact.times(p),
          `The ${first.length === 1 ? 'oldest open invoice' : `${first.length} oldest open invoices`} ${whose} (${describe(first)}) total the payment exactly`,
        );
      }
    }

    // (b) a subset of the named invoices, then any combination of the debtor's invoices
    if (namedHere.length > 1) {
      const outcome = combinationOf(amount, namedHere, DEFAULT_MAX_INVOICES, Math.floor(Math.max(0, nodesLeft) / 2));
      nodesLeft -= outcome.nodes;
      if (outcome.found)
        suggestions.add(
          inFull(outcome.found),
          CONFIDENCE.combination.times(p),
          `Of the invoices the reference names, ${describe(outcome.found)} total the payment exactly`,
        );
    }
    const share = Math.floor(Math.max(0, nodesLeft) / (searched.length - index));
    const outcome = combinationOf(amount, oldest, DEFAULT_MAX_INVOICES, share);
    nodesLeft -= outcome.nodes;
    const combo = outcome.found;
    if (combo) {
      suggestions.add(
        inFull(combo),
        CONFIDENCE.combination.times(p),
        combo.length === 1
          ? `Invoice ${combo[0]!.number} ${whose} equals the payment`
          : `${combo.length} open invoices ${whose} (${describe(combo)}) total the payment exactly`,
      );
    }

    // (c) other single invoices equal to the amount
    let singles = 0;
    for (const inv of oldest) {
      if (singles >= MAX_SINGLES) break;
      if (!sameValue(inv.outstanding, amount)) continue;
      singles += 1;
      suggestions.add(inFull([inv]), CONFIDENCE.single.times(p), `Invoice ${inv.number} ${whose} equals the payment`);
    }

    // (d) a partial payment of the oldest invoices
    const allocations = allocateUpTo(oldest, amount);
    const covered = allocations.reduce((s, a) => s.plus(a.amount), ZERO);
    suggestions.add(
      allocations,
      CONFIDENCE.partial.times(p),
      covered.lt(amount)
        ? `All ${allocations.length} open invoices ${whose} (${money(covered)}); ${money(amount.minus(covered))} stays unapplied`
        : `A partial payment: the oldest open invoices ${whose}, up to the amount (the last one partly)`,
    );
  });

  return { auto: null, suggestions: suggestions.best() };
}

function moneyFormatter(currency: string): (value: Big) => string {
  let places: number | null;
  try {
    places = minorUnits(currency);
  } catch {
    places = null;
  }
  return (value) => `${places === null ? value.toString() : fixed(value, places)} ${currency}`;
}
