import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { addDays, businessDateWindow } from '../dates';
import { DomainError } from '../errors';
import { assertRowLimit } from '../http/limits';
import { postEntries } from '../ledger/post';
import { Big } from '../money';
import { loadSentBatches, loadSettledBatches, matchPayoutDebits, type OutgoingUnmatched, type SettleBatch } from '../payouts/statement-match';
import { parseBankFile, type BankCsvMapping, type BankFileFormat } from './bank-files';
import { findBankProfile } from './bank-profiles';
import { extractInvoiceRefs } from './matching';
import { autoMatch, paymentView, type PaymentView } from './payments';
import { unappliedReason, type NamedInvoice } from './unapplied-reason';

export interface ImportResult {
  format: BankFileFormat;
  payments: PaymentView[];
  errors: { line: number; message: string }[];
  /** payments of the file that were imported before (same bank reference): not added again */
  skipped: number;
  applied: number;
  /**
   * issue 15 item 6: each payment of the file left in the inbox (not applied in full on import),
   * with why — a line that cannot be applied is imported and said, never a refusal of the file
   */
  unapplied: { line: number; paymentId: string; amount: string; currency: string; reason: string }[];
  /** the bank profile the CSV was read through (issue 15), or null */
  profile: { id: string; name: string } | null;
  /** issue 14 item 1: the sent payout batches the file's outgoing lines settled, in line order */
  payoutsSettled: { batchId: number; date: string; line: number }[];
  /** every other outgoing line and why it settled nothing (a fee, a rent, an unreadable debit …), in line order */
  outgoingUnmatched: OutgoingUnmatched[];
}

export interface ImportOptions {
  /**
   * Settles a sent payout batch (cash in transit → cash) on the date the statement booked it;
   * called inside the import's transaction, as the importing user. Without it an outgoing line
   * that matches a batch is reported as not settled.
   */
  settleBatch?: SettleBatch;
}

/**
 * API.md POST /payments/import: a bank file (CSV, ISO 20022 camt.053, BAI2) becomes payments —
 * credit entries only — each received into unapplied cash and matched at once. A file with any
 * bad line imports nothing unless `partial`; importing the same file twice adds nothing (each
 * payment carries the bank's own reference).
 *
 * Issue 14 item 1 / SPEC 5.3: the file's outgoing lines (debits) then settle the sent payout
 * batches they match (lib/payouts/statement-match.ts) through `options.settleBatch`; a line that
 * matches nothing is reported with its reason and never refuses the file. Re-importing the file
 * settles nothing twice: a settled batch is no longer sent.
 */
export async function importBankFile(
  tx: Tx,
  input: {
    text: string;
    partial?: boolean;
    format?: BankFileFormat;
    /** issue 15: read the CSV through this mapping … */
    mapping?: BankCsvMapping;
    /** … or through the mapping of the bank profile of this name or id */
    profile?: string;
  },
  actor: Actor,
  options: ImportOptions = {},
): Promise<ImportResult> {
  requirePermission(actor, 'payment.apply');
  if (!input.text || input.text.trim() === '')
    throw new DomainError('empty_file', 'The bank file is empty', { status: 400, details: { body: 'send the file as the request body' } });
  // The row cap before parsing: a parsed payment costs far more memory than its line of text.
  assertRowLimit(input.text);
  const profile = input.profile !== undefined && input.profile.trim() !== '' ? await findBankProfile(tx, input.profile) : null;
  const mapping = profile?.mapping ?? input.mapping;
  if (mapping && input.format && input.format !== 'csv') {
    throw new DomainError('invalid_input', 'A bank profile reads CSV files; leave the format empty or choose CSV', {
      status: 400,
      details: { format: 'a bank profile reads CSV files only' },
    });
  }
  const parsed = withinDateWindow(parseBankFile(input.text, { format: input.format, mapping }));
  if (parsed.errors.length > 0 && !input.partial) {
    // Counted in lines (a line with two problems is one line to fix); each problem is listed in details.
    const lines = new Set(parsed.errors.map((e) => e.line)).size;
    throw new DomainError('invalid_bank_file', `${lines} line(s) have errors; nothing was imported (fix them, or import with partial=true)`, {
      status: 422,
      details: { format: parsed.format, errors: parsed.errors, ...(profile ? { profile: profile.name } : {}) },
    });
  }
  const fileSha = createHash('sha256').update(input.text).digest('hex');
  const rows = parsed.payments;
  const inserted = rows.length
    ? await tx.sql<{ id: string; external_ref: string }[]>`
        insert into payments (currency, amount, unapplied, received_date, payer_name, reference, external_ref, source, import_id, created_by)
        select c, a, a, d::date, p, r, x, 'import', ${fileSha.slice(0, 16)}, ${actor.userId}::bigint
          from unnest(${rows.map((r) => r.currency)}::text[], ${rows.map((r) => r.amount)}::numeric[], ${rows.map((r) => r.receivedDate)}::text[],
                      ${rows.map((r) => r.payerName)}::text[], ${rows.map((r) => r.reference)}::text[], ${rows.map((r) => r.externalRef)}::text[])
               as t(c, a, d, p, r, x)
        on conflict (external_ref) do nothing
        returning id, external_ref`
    : [];
  const byRef = new Map(rows.map((r) => [r.externalRef, r]));
  if (inserted.length > 0) {
    await postEntries(
      tx,
      inserted.map((p) => {
        const r = byRef.get(p.external_ref)!;
        const amount = new Big(r.amount);
        return {
          effectiveDate: r.receivedDate,
          kind: 'receipt',
          idempotencyKey: `receipt:${p.id}`,
          paymentId: Number(p.id),
          memo: `Payment received${r.payerName ? ` from ${r.payerName}` : ''} (bank file)`,
          lines: [
            { account: 'cash' as const, currency: r.currency, amount },
            { account: 'unapplied_cash' as const, currency: r.currency, amount: amount.times(-1) },
          ],
        };
      }),
      actor,
    );
  }
  const outgoing = await settlePayouts(tx, parsed, actor, options.settleBatch);
  await recordAudit(tx, actor, {
    action: 'payment.import',
    targetType: 'bank_file',
    targetId: fileSha.slice(0, 16),
    after: {
      format: parsed.format,
      fileSha256: fileSha,
      payments: inserted.length,
      skipped: rows.length - inserted.length,
      errors: parsed.errors.length,
      ...(profile ? { profile: { id: profile.id, name: profile.name } } : input.mapping ? { mapping: input.mapping } : {}),
      paymentIds: inserted.map((p) => p.id),
      outgoing: outgoing.payoutsSettled.length + outgoing.outgoingUnmatched.length,
      payoutsSettled: outgoing.payoutsSettled.map((p) => p.batchId),
    },
  });
  const ids = inserted.map((p) => Number(p.id));
  const { applied } = await autoMatch(tx, ids, actor);
  const reasons = await recordUnappliedReasons(tx, ids);
  const payments: PaymentView[] = [];
  for (const id of ids) payments.push(await paymentView(tx, id));
  const lineOf = new Map(inserted.map((p) => [p.id, byRef.get(p.external_ref)!.line]));
  const unapplied = payments
    .filter((p) => reasons.has(p.id))
    .map((p) => ({ line: lineOf.get(p.id)!, paymentId: p.id, amount: p.unapplied, currency: p.currency, reason: reasons.get(p.id)! }))
    .sort((a, b) => a.line - b.line);
  return {
    format: parsed.format,
    payments,
    errors: parsed.errors,
    skipped: rows.length - inserted.length,
    applied,
    unapplied,
    profile: profile ? { id: profile.id, name: profile.name } : null,
    ...outgoing,
  };
}

/**
 * Issue 15: the reason each imported payment left with money to apply stays in the inbox, kept on
 * the payment (payments.unapplied_reason, cleared when it is applied) — in two statements for the
 * whole file: the invoices the references name (any status), and the update.
 */
async function recordUnappliedReasons(tx: Tx, ids: number[]): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  if (ids.length === 0) return reasons;
  const left = await tx.sql<
    { id: string; received_date: string; currency: string; amount: string; unapplied: string; reference: string; suggestions: unknown[] }[]
  >`
    select id::text as id, received_date::text as received_date, currency, amount::text as amount, unapplied::text as unapplied, reference, suggestions
      from payments where id = any(${ids}::bigint[]) and unapplied > 0`;
  if (left.length === 0) return reasons;
  const tokensOf = new Map(left.map((p) => [p.id, extractInvoiceRefs(p.reference)]));
  const all = [...new Set([...tokensOf.values()].flat())];
  const named = all.length
    ? await tx.sql<{ number: string; status: string; currency: string; outstanding: string; funding_date: string | null }[]>`
        select number, status, currency, outstanding::text as outstanding, funding_date::text as funding_date
          from invoices where upper(number) collate "C" = any(${all}::text[]) limit 5000`
    : [];
  const invoices: NamedInvoice[] = named.map((i) => ({
    number: i.number,
    status: i.status,
    currency: i.currency,
    outstanding: i.outstanding,
    fundingDate: i.funding_date,
  }));
  for (const p of left) {
    const groups = new Set(
      p.suggestions.map((s) => JSON.stringify((s as { invoiceIds?: string[]; invoiceId?: string }).invoiceIds ?? [(s as { invoiceId?: string }).invoiceId])),
    );
    const reason = unappliedReason(
      {
        receivedDate: p.received_date,
        currency: p.currency.trim(),
        amount: p.amount,
        unapplied: p.unapplied,
        reference: p.reference,
        tokens: tokensOf.get(p.id) ?? [],
        suggestions: groups.size,
      },
      invoices,
    );
    if (reason) reasons.set(p.id, reason);
  }
  if (reasons.size > 0) {
    await tx.sql`
      update payments p set unapplied_reason = r.reason
        from unnest(${[...reasons.keys()]}::bigint[], ${[...reasons.values()]}::text[]) as r(id, reason)
       where p.id = r.id`;
  }
  return reasons;
}

/**
 * The outgoing lines: an unreadable one, or one booked outside the business-date window, is
 * reported as such; the rest are matched against the sent payout batches (read only when there is
 * a line to match) and each match settled through `settleBatch`.
 */
async function settlePayouts(
  tx: Tx,
  parsed: ReturnType<typeof parseBankFile>,
  actor: Actor,
  settleBatch: SettleBatch | undefined,
): Promise<Pick<ImportResult, 'payoutsSettled' | 'outgoingUnmatched'>> {
  const unmatched: OutgoingUnmatched[] = [];
  const problems = new Map<number, string[]>();
  for (const p of parsed.debitProblems) problems.set(p.line, [...(problems.get(p.line) ?? []), p.message]);
  for (const [line, messages] of problems) unmatched.push({ line, reason: `the line cannot be read: ${messages.join('; ')}` });

  const window = businessDateWindow('happened');
  const debits = parsed.debits.filter((d) => {
    if (d.bookingDate > window.latest) {
      const why = window.latest === window.today ? `is in the future; today is ${window.today}` : `is too far ahead (${window.latest} at the latest)`;
      unmatched.push({ line: d.line, reason: `booking date ${d.bookingDate} ${why}` });
    } else if (d.bookingDate < window.earliest)
      unmatched.push({ line: d.line, reason: `booking date ${d.bookingDate} is too far in the past (${window.earliest} at the earliest)` });
    else return true;
    return false;
  });

  const payoutsSettled: ImportResult['payoutsSettled'] = [];
  if (debits.length > 0) {
    const first = debits.reduce((min, d) => (d.bookingDate < min ? d.bookingDate : min), debits[0]!.bookingDate);
    const match = matchPayoutDebits(debits, await loadSentBatches(tx), await loadSettledBatches(tx, addDays(first, -7)));
    unmatched.push(...match.unmatched);
    for (const s of match.settle) {
      if (!settleBatch) {
        unmatched.push({ line: s.debitLine, reason: `it matches payout batch #${s.batchId}, but this import cannot settle payout batches` });
        continue;
      }
      await settleBatch(tx, s.batchId, s.date, actor);
      payoutsSettled.push({ batchId: s.batchId, date: s.date, line: s.debitLine });
    }
  }
  unmatched.sort((a, b) => a.line - b.line);
  return { payoutsSettled, outgoingUnmatched: unmatched };
}

/**
 * A booking date outside the business-date window (in the future, or further back than
 * BUSINESS_DATE_PAST_DAYS) is an error on its line like any other, not a payment: one line dated
 * 2099 must not freeze fees for decades, nor fail the whole import with a crash.
 */
function withinDateWindow(parsed: ReturnType<typeof parseBankFile>): ReturnType<typeof parseBankFile> {
  const window = businessDateWindow('happened');
  const errors = [...parsed.errors];
  const payments = parsed.payments.filter((p) => {
    if (p.receivedDate > window.latest) {
      const why = window.latest === window.today ? `is in the future; today is ${window.today}` : `is too far ahead (${window.latest} at the latest)`;
      errors.push({ line: p.line, message: `received date ${p.receivedDate} ${why}` });
      return false;
    }
    if (p.receivedDate < window.earliest) {
      errors.push({ line: p.line, message: `received date ${p.receivedDate} is too far in the past (${window.earliest} at the earliest)` });
      return false;
    }
    return true;
  });
  if (payments.length === parsed.payments.length) return parsed;
  return {
    ...parsed,
    payments,
    errors: errors
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.line - b.e.line || a.i - b.i)
      .map(({ e }) => e),
  };
}
