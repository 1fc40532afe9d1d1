import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { businessDateWindow } from '../dates';
import { DomainError } from '../errors';
import { assertRowLimit } from '../http/limits';
import { postEntries } from '../ledger/post';
import { Big } from '../money';
import { parseBankFile, type BankFileFormat } from './bank-files';
import { autoMatch, paymentView, type PaymentView } from './payments';

export interface ImportResult {
  format: BankFileFormat;
  payments: PaymentView[];
  errors: { line: number; message: string }[];
  /** payments of the file that were imported before (same bank reference): not added again */
  skipped: number;
  applied: number;
}

/**
 * API.md POST /payments/import: a bank file (CSV, ISO 20022 camt.053, BAI2) becomes payments —
 * credit entries only — each received into unapplied cash and matched at once. A file with any
 * bad line imports nothing unless `partial`; importing the same file twice adds nothing (each
 * payment carries the bank's own reference).
 */
export async function importBankFile(tx: Tx, input: { text: string; partial?: boolean; format?: BankFileFormat }, actor: Actor): Promise<ImportResult> {
  requirePermission(actor, 'payment.apply');
  if (!input.text || input.text.trim() === '')
    throw new DomainError('empty_file', 'The bank file is empty', { status: 400, details: { body: 'send the file as the request body' } });
  // The row cap before parsing: a parsed payment costs far more memory than its line of text.
  assertRowLimit(input.text);
  const parsed = withinDateWindow(parseBankFile(input.text, { format: input.format }));
  if (parsed.errors.length > 0 && !input.partial) {
    throw new DomainError('invalid_bank_file', `${parsed.errors.length} line(s) have errors; nothing was imported (fix them, or import with partial=true)`, {
      status: 422,
      details: { format: parsed.format, errors: parsed.errors },
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
      paymentIds: inserted.map((p) => p.id),
    },
  });
  const ids = inserted.map((p) => Number(p.id));
  const { applied } = await autoMatch(tx, ids, actor);
  const payments: PaymentView[] = [];
  for (const id of ids) payments.push(await paymentView(tx, id));
  return { format: parsed.format, payments, errors: parsed.errors, skipped: rows.length - inserted.length, applied };
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
