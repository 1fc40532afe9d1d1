import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError, refused } from '../errors';
import { moneyOut } from '../money';
import { parseInput } from '../validation';
import { array, choice, id, list, optional, text } from '../validation/fields';
import {
  METHOD_LABELS,
  OUTCOME_SHORT,
  VERIFICATION_FIELD_LABELS as L,
  VERIFICATION_METHODS,
  VERIFICATION_OUTCOMES,
  contactRequired,
  isPositiveOutcome,
  type VerificationMethod,
  type VerificationOutcome,
} from './labels';
import { listNumbers, verificationRequired, type VerificationRule } from './rule';

/**
 * Issue 15 item 1, verification: a record per invoice of how it was verified with its debtor
 * (method, contact, outcome, note, who, when), appended and never changed (a correction is a new
 * record; migration 0029 refuses UPDATE and DELETE). The invoice's `verified` status — what
 * funding has always asked for — follows its latest record: a positive one verifies a submitted
 * invoice, any other puts a verified, unfunded invoice back to submitted. One command serves the
 * invoice page, the Fundings screen's bulk verify (one record applied to every chosen invoice)
 * and `POST /api/v1/verifications`.
 */

/** At most this many invoices in one record (a funding batch's schedule; the screen lists up to 500). */
export const MAX_VERIFICATION_INVOICES = 1000;

const details = {
  method: choice(L.method, VERIFICATION_METHODS, METHOD_LABELS),
  contact: optional(text(L.contact, { max: 200 })),
  outcome: choice(L.outcome, VERIFICATION_OUTCOMES, OUTCOME_SHORT),
  note: optional(text(L.note, { max: 2000 })),
};

const distinct = (ids: number[]) => new Set(ids).size === ids.length;
const twice = { error: `${L.invoiceIds}: the same invoice is listed twice` };

/** Whom the factor spoke to or wrote to: required for a call, an email and the debtor's portal. */
function checkContact(v: { method?: VerificationMethod; contact?: string }, ctx: z.RefinementCtx): void {
  if (v.method && contactRequired(v.method) && !v.contact) {
    ctx.addIssue({
      code: 'custom',
      path: ['contact'],
      message: `${L.contact} is required for ${METHOD_LABELS[v.method].toLowerCase()}: whom you spoke to or wrote to`,
    });
  }
}

/** The API's body: `{"invoiceIds":[...],"method","contact","outcome","note"}`. */
export const verificationInputSchema = z
  .object({
    invoiceIds: array(L.invoiceIds, id('Invoice'), { min: 1, max: MAX_VERIFICATION_INVOICES }).refine(distinct, twice),
    ...details,
  })
  .superRefine(checkContact);

/** The console's forms: the chosen invoices' checkboxes (or the invoice page's one hidden id) and the same details. */
export const verificationFormSchema = z
  .object({
    invoiceIds: list('Invoice', id('Invoice'), { min: 1, max: MAX_VERIFICATION_INVOICES }).refine(distinct, twice),
    ...details,
  })
  .superRefine(checkContact);

export type VerificationInput = z.output<typeof verificationInputSchema>;

/** A record as the API and the invoice page show it. */
export interface VerificationView {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  method: VerificationMethod;
  contact: string | null;
  outcome: VerificationOutcome;
  /** whether the outcome counts as verified (only `verified` does) */
  positive: boolean;
  note: string | null;
  recordedById: string | null;
  recordedBy: string | null;
  recordedAt: string;
}

/** What recording answers: each record with its invoice's status afterwards. */
export interface RecordedVerification extends VerificationView {
  invoiceStatus: string;
}

type InvoiceRow = { id: string; number: string; client_id: string; client_name: string; status: string; funding_date: string | null };

/**
 * Records one verification for each of the invoices (the same method, contact, outcome and
 * note), all of one client, and moves their status with it; audited per invoice in the same
 * transaction. Unknown invoices are 422 `unknown_invoice` naming them; invoices of several
 * clients are 422 `mixed_clients` (a schedule is one client's).
 */
export async function recordVerification(tx: Tx, input: unknown, actor: Actor): Promise<RecordedVerification[]> {
  requirePermission(actor, 'invoice.verify');
  const data = parseInput(verificationInputSchema, input);
  const ids = [...data.invoiceIds].sort((a, b) => a - b);
  const found = await tx.sql<{ id: string; client_id: string }[]>`select id, client_id from invoices where id = any(${ids}::bigint[])`;
  if (found.length !== ids.length) {
    const known = new Set(found.map((r) => Number(r.id)));
    const missing = ids.filter((i) => !known.has(i));
    throw new DomainError('unknown_invoice', `${missing.length === 1 ? 'No invoice' : 'No invoices'} ${listNumbers(missing.map(String))}`, {
      status: 422,
      details: { invoiceIds: `no such invoice: ${missing.slice(0, 20).join(', ')}` },
    });
  }
  const clientIds = [...new Set(found.map((r) => Number(r.client_id)))];
  for (const c of clientIds) assertClientScope(actor, c, 'Invoice');
  if (clientIds.length > 1) {
    const named = await tx.sql<{ number: string; name: string }[]>`
      select distinct on (i.client_id) i.number, c.name from invoices i join clients c on c.id = i.client_id
       where i.id = any(${ids}::bigint[]) order by i.client_id, i.id`;
    throw refused(
      'mixed_clients',
      `The invoices belong to ${clientIds.length} clients (${named.map((n) => `${n.number}: ${n.name}`).join('; ')}); record a verification for one client's invoices at a time`,
      { invoiceIds: `are of ${clientIds.length} clients; choose one client's invoices` },
    );
  }
  // The client row, as funding takes it (lib/funding/prepare.ts locks it for update): a funding
  // of this client and this record never interleave, so a batch never funds an invoice whose
  // latest record turned negative meanwhile. NO KEY UPDATE lets invoices be entered meanwhile.
  await tx.sql`select id from clients where id = ${clientIds[0]!} for no key update`;
  const rows = await tx.sql<InvoiceRow[]>`
    select i.id, i.number, i.client_id, c.name as client_name, i.status, i.funding_date
      from invoices i join clients c on c.id = i.client_id
     where i.id = any(${ids}::bigint[]) order by i.id for update of i`;

  const n = rows.length;
  const inserted = await tx.sql<{ id: string; invoice_id: string; recorded_at: Date }[]>`
    insert into invoice_verifications (invoice_id, method, contact, outcome, note, recorded_by)
    select unnest(${rows.map((r) => r.id)}::bigint[]), ${data.method}, ${data.contact ?? null}, ${data.outcome}, ${data.note ?? null}, ${actor.userId}
    returning id, invoice_id, recorded_at`;
  if (inserted.length !== n) throw new Error(`recordVerification: inserted ${inserted.length} of ${n} records`);

  // The status follows the latest record (only before funding: a funded invoice keeps its state).
  const positive = isPositiveOutcome(data.outcome);
  const changed = positive
    ? await tx.sql<{ id: string; status: string }[]>`
        update invoices set status = 'verified', verified_by = ${actor.userId}, verified_at = now()
         where id = any(${ids}::bigint[]) and status in ('submitted', 'verified') and funding_date is null
         returning id, status`
    : await tx.sql<{ id: string; status: string }[]>`
        update invoices set status = 'submitted', verified_by = null, verified_at = null
         where id = any(${ids}::bigint[]) and status = 'verified' and funding_date is null
         returning id, status`;
  const statusAfter = new Map(rows.map((r) => [r.id, r.status]));
  for (const c of changed) statusAfter.set(String(c.id), c.status);

  const [who] = await tx.sql<{ email: string }[]>`select email from users where id = ${actor.userId}`;
  const byInvoice = new Map(inserted.map((r) => [String(r.invoice_id), r]));
  const views: RecordedVerification[] = rows.map((r) => {
    const rec = byInvoice.get(r.id)!;
    return {
      id: String(rec.id),
      invoiceId: r.id,
      invoiceNumber: r.number,
      method: data.method,
      contact: data.contact ?? null,
      outcome: data.outcome,
      positive,
      note: data.note ?? null,
      recordedById: actor.userId === null ? null : String(actor.userId),
      recordedBy: who?.email ?? actor.label,
      recordedAt: new Date(rec.recorded_at).toISOString(),
      invoiceStatus: statusAfter.get(r.id)!,
    };
  });
  await recordAudit(
    tx,
    actor,
    views.map((v, i) => ({
      action: 'invoice.verification',
      targetType: 'invoice',
      targetId: v.invoiceId,
      before: { status: rows[i]!.status },
      after: { verificationId: v.id, method: v.method, contact: v.contact, outcome: v.outcome, note: v.note, status: v.invoiceStatus },
    })),
  );
  return views;
}

type RecordRow = {
  id: string;
  invoice_id: string;
  number: string;
  method: VerificationMethod;
  contact: string | null;
  outcome: VerificationOutcome;
  note: string | null;
  recorded_by: string | null;
  email: string | null;
  recorded_at: Date;
};

const view = (r: RecordRow): VerificationView => ({
  id: String(r.id),
  invoiceId: String(r.invoice_id),
  invoiceNumber: r.number,
  method: r.method,
  contact: r.contact,
  outcome: r.outcome,
  positive: isPositiveOutcome(r.outcome),
  note: r.note,
  recordedById: r.recorded_by === null ? null : String(r.recorded_by),
  recordedBy: r.email,
  recordedAt: new Date(r.recorded_at).toISOString(),
});

/** An invoice's verification history, newest first (the caller has checked who may read the invoice). */
export async function listVerifications(tx: Tx, invoiceId: number, limit = 200): Promise<VerificationView[]> {
  const rows = await tx.sql<RecordRow[]>`
    select v.id, v.invoice_id, i.number, v.method, v.contact, v.outcome, v.note, v.recorded_by, u.email, v.recorded_at
      from invoice_verifications v join invoices i on i.id = v.invoice_id left join users u on u.id = v.recorded_by
     where v.invoice_id = ${invoiceId}
     order by v.id desc limit ${limit}`;
  return rows.map(view);
}

/** Each invoice's latest outcome (absent: no record), one index probe per invoice in one statement. */
export async function latestOutcomes(tx: Tx, invoiceIds: readonly number[]): Promise<Map<number, VerificationOutcome>> {
  if (invoiceIds.length === 0) return new Map();
  const rows = await tx.sql<{ invoice_id: string; outcome: VerificationOutcome }[]>`
    select i.id as invoice_id, v.outcome
      from unnest(${[...invoiceIds]}::bigint[]) as i(id)
      cross join lateral (select outcome from invoice_verifications v where v.invoice_id = i.id order by v.id desc limit 1) v`;
  return new Map(rows.map((r) => [Number(r.invoice_id), r.outcome]));
}

/** An invoice waiting for verification on the Fundings screen. */
export interface AwaitingVerification {
  id: string;
  number: string;
  debtorName: string;
  currency: string;
  faceValue: string;
  issueDate: string;
  status: string;
  /** the latest record's outcome and when, if any */
  latest: { outcome: VerificationOutcome; method: VerificationMethod; at: string } | null;
  /** the agreement's threshold asks for a positive record before funding */
  required: boolean;
}

/**
 * The Fundings screen's bulk verify list for one client: its submitted invoices, and the
 * verified ones the agreement's threshold still stops (no positive latest record), in no live
 * batch, oldest first, at most `limit`. The latest record is one index probe per listed invoice.
 */
export async function listAwaitingVerification(tx: Tx, clientId: number, rule: VerificationRule, limit = 500): Promise<AwaitingVerification[]> {
  const threshold = rule.threshold ?? null;
  const rows = await tx.sql<
    {
      id: string;
      number: string;
      debtor_name: string;
      currency: string;
      face_value: string;
      issue_date: string;
      status: string;
      outcome: VerificationOutcome | null;
      method: VerificationMethod | null;
      recorded_at: Date | null;
    }[]
  >`
    select i.id, i.number, d.name as debtor_name, i.currency, i.face_value, i.issue_date, i.status, lv.outcome, lv.method, lv.recorded_at
      from invoices i
      join debtors d on d.id = i.debtor_id
      left join lateral (select v.outcome, v.method, v.recorded_at from invoice_verifications v where v.invoice_id = i.id order by v.id desc limit 1) lv on true
     where i.client_id = ${clientId} and i.status in ('submitted', 'verified') and i.funding_date is null
       and not exists (select 1 from funding_batch_invoices b where b.invoice_id = i.id and b.active)
       and (i.status = 'submitted'
            or (${threshold}::numeric is not null and (i.currency <> ${rule.currency} or i.face_value > ${threshold}::numeric)
                and lv.outcome is distinct from 'verified'))
     order by i.issue_date, i.id limit ${limit}`;
  return rows.map((r) => ({
    id: String(r.id),
    number: r.number,
    debtorName: r.debtor_name,
    currency: r.currency,
    faceValue: moneyOut(r.face_value, r.currency),
    issueDate: r.issue_date,
    status: r.status,
    latest: r.outcome && r.method && r.recorded_at ? { outcome: r.outcome, method: r.method, at: new Date(r.recorded_at).toISOString() } : null,
    required: verificationRequired({ faceValue: r.face_value, currency: r.currency }, rule),
  }));
}
