import type { Tx } from '../../db/client';
import { systemActor, type Actor } from '../auth/actor';
import type { ParsedDebit } from '../collections/bank-files';
import { Big, formatMoney } from '../money';
import { markSettled } from './lifecycle';

/**
 * Issue 14 item 1 / SPEC 5.3: a payout batch is settled "when the bank confirms" — here, when the
 * bank statement imported through POST /payments/import (issue #5's formats) shows the batch's
 * money leaving the account. `matchPayoutDebits` is pure: the statement's outgoing lines and the
 * sent batches in, which batch each line settles (and why the others settle nothing) out.
 *
 * A debit settles a sent batch when its currency and amount equal the batch total to the cent, it
 * is booked on or after the day the batch was sent, and
 *   1. one of the debit's references holds one of the batch's references (the pain.001 MsgId,
 *      PmtInfId or an end-to-end id; the NACHA company entry description, an individual id or a
 *      trace number) — as a whole word: "HB-BATCH-1" is not found in "HB-BATCH-12", case and runs
 *      of spaces do not count, and references shorter than 4 characters are never looked for.
 *      Two batches found alike (same amount) are told apart by the longer reference found; a tie
 *      settles neither; or
 *   2. none of the debit's references names any sent batch, exactly one sent batch left has that
 *      currency and amount (sent by the booking date), and no other such debit of the file could
 *      be it.
 * Rule 1 runs over every line of the file before rule 2 (so a line matched by its references is
 * never taken by a line before it that only has the amount); within a rule, lines are taken in file
 * order. A debit that names a batch by reference is never matched by amount alone to another
 * batch: it says why the named one was not settled instead. Each batch settles at most once and
 * each debit settles at most one batch. A debit that matches nothing is reported with its reason
 * — a rent, a fee, a payout to settle by hand — and never refuses the file.
 */

/** A sent payout batch as the matcher needs it. */
export interface SentBatch {
  id: number;
  currency: string;
  /** the batch total, a decimal string ("18420.55", or "18420.5500" as numeric(20,4) reads) */
  total: string;
  /** YYYY-MM-DD: the day the batch was marked sent */
  sentDate: string;
  /** what the batch's file carries for the bank to echo back (see above) */
  references: string[];
}

/** A batch settled before: never settled again (see matchPayoutDebits). */
export interface SettledBatch extends SentBatch {
  settledDate: string;
}

export type DebitLine = Pick<ParsedDebit, 'line' | 'amount' | 'currency' | 'bookingDate' | 'references'>;

export interface PayoutSettlement {
  batchId: number;
  /** the debit's booking date: the day the bank confirmed the payout */
  date: string;
  debitLine: number;
}

export interface OutgoingUnmatched {
  line: number;
  reason: string;
}

export interface PayoutDebitMatch {
  /** in the order of the debits' lines */
  settle: PayoutSettlement[];
  /** in the order of the debits' lines */
  unmatched: OutgoingUnmatched[];
}

/** The settle command the importer is given (lib/payouts' markSettled, adapted by the caller). */
export type SettleBatch = (tx: Tx, batchId: number, date: string, actor: Actor) => Promise<void>;

/**
 * What the console's import and POST /api/v1/payments/import pass as `settleBatch`: markSettled as
 * the bank's confirmation. It posts as the system (`bank-statement (who imported it)`), so a
 * collections user's import settles a batch without holding `payout.batch`; the import's own
 * audit event names the person and the file, the settlement's names the statement.
 */
export const statementSettleBatch: SettleBatch = async (tx, batchId, date, actor) => {
  const bank: Actor = { ...systemActor(`bank-statement (${actor.label})`, actor.source), requestId: actor.requestId, ip: actor.ip };
  await markSettled(tx, batchId, { date }, bank);
};

/** Shorter references would be found inside too many texts ("7", "EUR", "ACH"). */
export const MIN_REFERENCE_LENGTH = 4;

const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim().toUpperCase();
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Z0-9]/.test(ch);

/** Whether `needle` occurs in `haystack` with no letter or digit right before or after it. */
function containsWord(haystack: string, needle: string): boolean {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = at > 0 ? haystack[at - 1] : undefined;
    const after = haystack[at + needle.length];
    const edgeStart = !isWordChar(needle[0]) || !isWordChar(before);
    const edgeEnd = !isWordChar(needle[needle.length - 1]) || !isWordChar(after);
    if (edgeStart && edgeEnd) return true;
  }
  return false;
}

/** "18420.55 EUR" (the currency's decimals; an unknown currency as written). */
function money(amount: Big | string, currency: string): string {
  try {
    return `${formatMoney(new Big(amount), currency)} ${currency}`;
  } catch {
    return `${new Big(amount).toString()} ${currency}`;
  }
}
const batchName = (id: number): string => `payout batch #${id}`;
const listIds = (ids: number[]): string => ids.map((id) => `#${id}`).join(', ');

interface Prepared {
  batch: SentBatch;
  currency: string;
  total: Big;
  references: string[];
  /** null for a sent batch; the day it was settled for one settled before */
  settledOn: string | null;
}

/**
 * `settledBatches` (optional): batches settled before (loadSettledBatches: those settled since a
 * week before the statement's first booking date). They are never settled again, and they keep a
 * statement imported twice — or a payout settled by hand before its statement came — from
 * settling a second batch: a line naming one of them says so instead of falling back to its
 * amount, and a line of the amount of a batch that could have been it (sent by its booking date,
 * settled on or after it) settles nothing by amount alone.
 */
export function matchPayoutDebits(
  debits: readonly DebitLine[],
  sentBatches: readonly SentBatch[],
  settledBatches: readonly SettledBatch[] = [],
): PayoutDebitMatch {
  const prepare = (batch: SentBatch, settledOn: string | null): Prepared => ({
    batch,
    currency: batch.currency.trim().toUpperCase(),
    total: new Big(batch.total),
    references: [...new Set(batch.references.map(normalize).filter((r) => r.length >= MIN_REFERENCE_LENGTH))],
    settledOn,
  });
  const sentIds = new Set(sentBatches.map((b) => b.id));
  const batches: Prepared[] = [
    ...sentBatches.map((b) => prepare(b, null)),
    ...settledBatches.filter((b) => !sentIds.has(b.id)).map((b) => prepare(b, b.settledDate)),
  ];
  const ordered = [...debits].sort((a, b) => a.line - b.line);
  const takenBy = new Map<number, number>(); // batch id → the debit line that settles it
  const settled = new Map<DebitLine, PayoutSettlement>();
  const reasons = new Map<DebitLine, string>(); // why a debit settles nothing
  const deferred: DebitLine[] = [];

  const sameMoney = (d: DebitLine, b: Prepared) => d.currency.toUpperCase() === b.currency && new Big(d.amount).eq(b.total);
  const sentBy = (d: DebitLine, b: Prepared) => b.batch.sentDate <= d.bookingDate;
  const settle = (d: DebitLine, b: Prepared) => {
    takenBy.set(b.batch.id, d.line);
    settled.set(d, { batchId: b.batch.id, date: d.bookingDate, debitLine: d.line });
  };

  // Rule 1: the references.
  for (const d of ordered) {
    const haystacks = d.references.map(normalize).filter((r) => r !== '');
    const named = batches
      .map((b) => ({ b, score: Math.max(0, ...b.references.filter((r) => haystacks.some((h) => containsWord(h, r))).map((r) => r.length)) }))
      .filter((x) => x.score > 0)
      .sort((x, y) => y.score - x.score || x.b.batch.id - y.b.batch.id);
    if (named.length === 0) {
      deferred.push(d);
      continue;
    }
    const eligible = named.filter((x) => x.b.settledOn === null && sameMoney(d, x.b) && sentBy(d, x.b) && !takenBy.has(x.b.batch.id));
    if (eligible.length > 0) {
      const best = eligible.filter((x) => x.score === eligible[0]!.score);
      if (best.length === 1) settle(d, best[0]!.b);
      else
        reasons.set(
          d,
          `its references name ${best.length} sent payout batches of ${money(d.amount, d.currency)} alike (${listIds(best.map((x) => x.b.batch.id))}); settle the right one by hand`,
        );
      continue;
    }
    // Say why the batch it names (the best named first) is not settled by it.
    const { b } = named[0]!;
    const name = batchName(b.batch.id);
    let reason: string;
    if (b.settledOn !== null) reason = `it names ${name}, which was settled on ${b.settledOn} already`;
    else if (takenBy.has(b.batch.id)) reason = `it names ${name}, which line ${takenBy.get(b.batch.id)} of this file settles`;
    else if (d.currency.toUpperCase() !== b.currency) reason = `it names ${name}, but it is in ${d.currency} and the batch in ${b.currency}`;
    else if (!new Big(d.amount).eq(b.total))
      reason = `it names ${name}, but ${money(d.amount, d.currency)} is not the batch total ${money(b.total, b.currency)}`;
    else reason = `it names ${name}, but it is booked on ${d.bookingDate}, before the batch was sent (${b.batch.sentDate})`;
    reasons.set(d, reason);
  }

  // Rule 2: the amount alone, when it can only be one batch and one line.
  for (const d of deferred) {
    const before = batches.find((b) => b.settledOn !== null && b.settledOn >= d.bookingDate && sentBy(d, b) && sameMoney(d, b));
    if (before) {
      reasons.set(
        d,
        `${batchName(before.batch.id)} of ${money(d.amount, d.currency)} was settled on ${before.settledOn} already, perhaps by this line (the statement imported before, or settled by hand); if not, settle the right batch by hand`,
      );
      continue;
    }
    const candidates = batches.filter((b) => b.settledOn === null && sameMoney(d, b) && sentBy(d, b) && !takenBy.has(b.batch.id));
    if (candidates.length === 1) {
      const b = candidates[0]!;
      const rivals = deferred.filter((o) => !settled.has(o) && sameMoney(o, b) && sentBy(o, b));
      if (rivals.length === 1) settle(d, b);
      else
        reasons.set(
          d,
          `lines ${rivals.map((o) => o.line).join(', ')} are each ${money(d.amount, d.currency)} with no reference to ${batchName(b.batch.id)}; settle it by hand`,
        );
      continue;
    }
    if (candidates.length > 1) {
      reasons.set(
        d,
        `${candidates.length} sent payout batches are of ${money(d.amount, d.currency)} (${listIds(candidates.map((b) => b.batch.id))}) and its references name none of them; settle the right one by hand`,
      );
      continue;
    }
    const later = batches.find((b) => b.settledOn === null && sameMoney(d, b) && !sentBy(d, b) && !takenBy.has(b.batch.id));
    const taken = batches.find((b) => sameMoney(d, b) && takenBy.has(b.batch.id));
    if (later) reasons.set(d, `it is booked on ${d.bookingDate}, before ${batchName(later.batch.id)} of that amount was sent (${later.batch.sentDate})`);
    else if (taken)
      reasons.set(d, `the sent payout batch of ${money(d.amount, d.currency)} (#${taken.batch.id}) is settled by line ${takenBy.get(taken.batch.id)}`);
    else reasons.set(d, `no sent payout batch is of ${money(d.amount, d.currency)}, and its references name none`);
  }

  const settle_: PayoutSettlement[] = [];
  const unmatched: OutgoingUnmatched[] = [];
  for (const d of ordered) {
    const s = settled.get(d);
    if (s) settle_.push(s);
    else unmatched.push({ line: d.line, reason: reasons.get(d) ?? 'it matches no sent payout batch' });
  }
  return { settle: settle_, unmatched };
}

/**
 * What a frozen payout file carries for the bank to echo back on the statement: a pain.001's
 * MsgId, PmtInfId and EndToEndIds; a NACHA file's company entry descriptions (batch header 5,
 * positions 54–63), individual ids (entry 6, 40–54) and trace numbers (entry 6, 80–94). A CSV
 * carries nothing a bank echoes. Pure.
 */
export function payoutFileReferences(format: string | null, bytes: Uint8Array | null): string[] {
  if (!bytes || bytes.length === 0) return [];
  const text = Buffer.from(bytes).toString('utf8');
  const refs: string[] = [];
  if (format === 'pain001') {
    for (const m of text.matchAll(/<(?:[\w.-]+:)?(MsgId|PmtInfId|EndToEndId)>\s*([^<]*?)\s*<\//g)) refs.push(m[2]!);
  } else if (format === 'nacha') {
    for (const record of text.split(/\r?\n/)) {
      if (record.length !== 94) continue;
      if (record[0] === '5') refs.push(record.slice(53, 63).trim());
      else if (record[0] === '6') refs.push(record.slice(39, 54).trim(), record.slice(79, 94).trim());
    }
  }
  return [...new Set(refs.filter((r) => r !== '' && r.toUpperCase() !== 'NOTPROVIDED'))];
}

type BatchRow = {
  id: string;
  currency: string;
  total: string;
  sent_date: string;
  settled_date: string | null;
  format: string | null;
  file_bytes: Uint8Array | null;
};

/** Each batch with the references of its frozen file and of its live items. */
async function withReferences(tx: Tx, rows: BatchRow[]): Promise<SettledBatch[]> {
  const itemRefs = new Map<number, string[]>();
  if (rows.length > 0) {
    const found = await tx.sql<{ batch_id: string; reference: string | null; trace_number: string | null }[]>`
      select batch_id, reference, trace_number
        from payout_batch_items
       where batch_id = any(${rows.map((r) => r.id)}::bigint[]) and status = 'live'
       order by id`;
    for (const item of found) {
      const list = itemRefs.get(Number(item.batch_id)) ?? [];
      for (const ref of [item.reference, item.trace_number]) if (ref) list.push(ref);
      itemRefs.set(Number(item.batch_id), list);
    }
  }
  return rows.map((r) => ({
    id: Number(r.id),
    currency: r.currency.trim(),
    total: r.total,
    sentDate: r.sent_date,
    settledDate: r.settled_date ?? '',
    references: [...new Set([...payoutFileReferences(r.format, r.file_bytes), ...(itemRefs.get(Number(r.id)) ?? [])])],
  }));
}

/**
 * The sent payout batches (issue 14's payout_batches, status 'sent'), each with the references of
 * its frozen file and of its live items (payout_batch_items.reference, trace_number), locked for
 * this transaction (FOR UPDATE): two imports of the same statement at once settle a batch once —
 * the second reads it settled, so not sent.
 */
export async function loadSentBatches(tx: Tx): Promise<SentBatch[]> {
  const rows = await tx.sql<BatchRow[]>`
    select id, currency, total::text as total, coalesce(sent_date, value_date)::text as sent_date, null as settled_date, format, file_bytes
      from payout_batches
     where status = 'sent'
     order by id
       for update`;
  return (await withReferences(tx, rows)).map(({ settledDate: _, ...batch }) => batch);
}

/**
 * The batches settled on or after `since` (a week before the statement's first booking date: a
 * batch settled before then cannot be one of its lines): see matchPayoutDebits.
 */
export async function loadSettledBatches(tx: Tx, since: string): Promise<SettledBatch[]> {
  const rows = await tx.sql<BatchRow[]>`
    select id, currency, total::text as total, coalesce(sent_date, value_date)::text as sent_date, settled_date::text as settled_date, format, file_bytes
      from payout_batches
     where status = 'settled' and settled_date >= ${since}::date
     order by id`;
  return withReferences(tx, rows);
}
