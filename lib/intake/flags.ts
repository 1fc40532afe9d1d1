import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { todayIn } from '../dates';
import { conflict, notFound, refused } from '../errors';
import { parseInput } from '../validation';
import { text } from '../validation/fields';
import { FLAG_KINDS, FLAG_LABELS, badgesByInvoice, type FlagBadge, type FlagKind } from './rules';
import { holdingFlagKinds } from './settings';

/** timestamps as the database driver hands them (a Date or its text) → ISO 8601 */
const iso = (v: Date | string) => new Date(v).toISOString();
/**
 * Issue 16 item 5, intake flags: likely duplicates and fraud signs, found set-based for a whole
 * set of invoices (one entry, a CSV import of thousands of rows, a funding batch) in ONE query:
 *
 * - `duplicate_amount_date`: another invoice with the same debtor, face value and issue date
 *   (another client's, or the same client's under another number) — invoices_debtor_issue_idx;
 * - `number_reused`: the same invoice number (case-insensitive) at another client — the
 *   upper(number) collate "C" index;
 * - `future_issue_date`: issued after today (at entry);
 * - `issued_after_funding`: issued after the funding date (at funding);
 * - `new_debtor`: the first invoice of the client–debtor pair — the (client, debtor, number) key.
 *
 * One row per invoice and kind (unique): raising again is a no-op, and a cleared flag stays
 * cleared. An open flag holds the invoice's funding (lib/funding/prepare.ts).
 */

export interface FlagView {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  kind: FlagKind;
  label: string;
  detail: string;
  raisedAt: string;
  clearedBy: string | null;
  clearedByName: string | null;
  clearedAt: string | null;
  clearedReason: string | null;
}

export interface RaisedFlag {
  invoiceId: string;
  invoiceNumber: string;
  kind: FlagKind;
  detail: string;
}

export type IntakeAt = { at: 'entry' } | { at: 'funding'; fundingDate: string };

/** The detection as one statement over the invoices `ids`: rows (invoice_id, number, kind, detail). */
export function intakeDetectionSql(tx: Tx, ids: number[], at: IntakeAt, today: string) {
  const fundingDate = at.at === 'funding' ? at.fundingDate : null;
  return tx.sql`
    with c as materialized (
      select i.id, i.client_id, i.debtor_id, i.number, i.face_value, i.issue_date
        from unnest(${ids}::bigint[]) as x(id)
        -- by primary key per id (the limit keeps it a probe, never a hash of all invoices)
        cross join lateral (select * from invoices i where i.id = x.id limit 1) i
    )
    select c.id as invoice_id, c.number, 'duplicate_amount_date' as kind,
           'Same debtor, amount and issue date as invoice ' || o.number || ' of ' || oc.name || ' (invoice ' || o.id || ')' as detail
      from c
      cross join lateral (
        select o.id, o.number, o.client_id from invoices o
         where o.debtor_id = c.debtor_id and o.face_value = c.face_value and o.issue_date = c.issue_date and o.id <> c.id
         order by o.id limit 1) o
      join clients oc on oc.id = o.client_id
    union all
    select c.id, c.number, 'number_reused',
           'Number ' || o.number || ' is also invoice ' || o.id || ' of ' || oc.name ||
           case when o.debtor_id = c.debtor_id then ', for the same debtor' else ', for another debtor' end
      from c
      cross join lateral (
        select o.id, o.number, o.client_id, o.debtor_id from invoices o
         where upper(o.number) collate "C" = upper(c.number) collate "C" and o.client_id <> c.client_id
         order by upper(o.number) collate "C", o.id limit 1) o
      join clients oc on oc.id = o.client_id
    union all
    select c.id, c.number, 'future_issue_date', 'Issued ' || c.issue_date || ', after today (' || ${today}::date || ')'
      from c where ${at.at} = 'entry' and c.issue_date > ${today}::date
    union all
    select c.id, c.number, 'issued_after_funding', 'Issued ' || c.issue_date || ', after the funding date ' || ${fundingDate}::date
      from c where ${fundingDate}::date is not null and c.issue_date > ${fundingDate}::date
    union all
    select c.id, c.number, 'new_debtor', 'The first invoice of ' || cl.name || ' with ' || d.name
      from c join clients cl on cl.id = c.client_id join debtors d on d.id = c.debtor_id
      -- a probe per invoice on the (client, debtor, number) key, not an anti-join over every invoice
      left join lateral (
        select 1 as seen from invoices o where o.client_id = c.client_id and o.debtor_id = c.debtor_id and o.id < c.id limit 1) o on true
     where o.seen is null`;
}

/**
 * Raises the flags the invoices `ids` show now (one query, whatever the count) and returns the
 * new ones; one audit event names them. Kinds an invoice has already (open or cleared) are kept.
 */
export async function raiseIntakeFlags(tx: Tx, ids: number[], at: IntakeAt, actor: Actor): Promise<RaisedFlag[]> {
  if (ids.length === 0) return [];
  const today = todayIn();
  const rows = await tx.sql<{ invoice_id: string; number: string; kind: FlagKind; detail: string }[]>`
    with found as (${intakeDetectionSql(tx, ids, at, today)}),
    added as (
      insert into invoice_flags (invoice_id, kind, detail)
      select invoice_id, kind, detail from found order by invoice_id, kind
          on conflict on constraint invoice_flags_invoice_kind do nothing
      returning invoice_id, kind, detail)
    select a.invoice_id, f.number, a.kind, a.detail
      from added a join (select distinct invoice_id, number from found) f on f.invoice_id = a.invoice_id
     order by a.invoice_id, a.kind`;
  const raised = rows.map((r) => ({ invoiceId: String(r.invoice_id), invoiceNumber: r.number, kind: r.kind, detail: r.detail }));
  if (raised.length > 0) {
    await recordAudit(tx, actor, {
      action: 'invoice_flag.raise',
      targetType: raised.length === 1 || new Set(raised.map((r) => r.invoiceId)).size === 1 ? 'invoice' : 'invoices',
      targetId: raised[0]!.invoiceId,
      after: { at: at.at, ...(at.at === 'funding' ? { fundingDate: at.fundingDate } : {}), flags: raised },
    });
  }
  return raised;
}

/** What raising would find now, without writing (the funding preview): kinds not yet recorded. */
export async function detectIntakeFlags(tx: Tx, ids: number[], at: IntakeAt): Promise<RaisedFlag[]> {
  if (ids.length === 0) return [];
  const rows = await tx.sql<{ invoice_id: string; number: string; kind: FlagKind; detail: string }[]>`
    with found as (${intakeDetectionSql(tx, ids, at, todayIn())})
    select f.invoice_id, f.number, f.kind, f.detail from found f
     where not exists (select 1 from invoice_flags x where x.invoice_id = f.invoice_id and x.kind = f.kind)
     order by f.invoice_id, f.kind`;
  return rows.map((r) => ({ invoiceId: String(r.invoice_id), invoiceNumber: r.number, kind: r.kind, detail: r.detail }));
}

/** The open flags of the invoices `ids` as one statement (invoice_flags_open_idx, invoices by primary key). */
export function openFlagsSql(tx: Pick<Tx, 'sql'>, ids: number[]) {
  // a probe per id (the limit — an invoice has at most one flag per kind, FLAG_KINDS.length in all —
  // keeps the lateral a parameterised index scan, never a scan of every open flag)
  return tx.sql`
    select f.invoice_id, i.number, f.kind, f.detail
      from (select distinct unnest(${ids}::bigint[]) as id) x
      cross join lateral (
        select f.invoice_id, f.kind, f.detail from invoice_flags f
         where f.invoice_id = x.id and f.cleared_at is null limit ${FLAG_KINDS.length}) f
      join invoices i on i.id = f.invoice_id
     order by f.invoice_id, f.kind`;
}

/** The open (uncleared) flags of these invoices: what holds their funding. */
export async function openIntakeFlags(tx: Tx, ids: number[]): Promise<RaisedFlag[]> {
  if (ids.length === 0) return [];
  const rows = (await openFlagsSql(tx, ids)) as unknown as { invoice_id: string; number: string; kind: FlagKind; detail: string }[];
  return rows.map((r) => ({ invoiceId: String(r.invoice_id), invoiceNumber: r.number, kind: r.kind, detail: r.detail }));
}

/**
 * The funding builder's and the batch page's view: each listed invoice's open flags, named
 * "Held: …" (its kind holds funding) or "Flag: …" (shown only). Two queries whatever the count:
 * the open flags of all `ids` (invoice_flags_open_idx) and the setting.
 */
export async function openFlagBadges(tx: Tx, ids: number[]): Promise<Record<string, FlagBadge[]>> {
  if (ids.length === 0) return {};
  const open = await openIntakeFlags(tx, ids);
  return badgesByInvoice(open, await holdingFlagKinds(tx));
}

type FlagRow = {
  id: string;
  invoice_id: string;
  number: string;
  kind: FlagKind;
  detail: string;
  raised_at: Date | string;
  cleared_by: string | null;
  cleared_by_name: string | null;
  cleared_at: Date | string | null;
  cleared_reason: string | null;
};

function flagView(r: FlagRow): FlagView {
  return {
    id: String(r.id),
    invoiceId: String(r.invoice_id),
    invoiceNumber: r.number,
    kind: r.kind,
    label: FLAG_LABELS[r.kind],
    detail: r.detail,
    raisedAt: iso(r.raised_at),
    clearedBy: r.cleared_by === null ? null : String(r.cleared_by),
    clearedByName: r.cleared_by_name,
    clearedAt: r.cleared_at ? iso(r.cleared_at) : null,
    clearedReason: r.cleared_reason,
  };
}

const flagSelect = (tx: Tx) => tx.sql`
  select f.id, f.invoice_id, i.number, f.kind, f.detail, f.raised_at, f.cleared_by, u.name as cleared_by_name, f.cleared_at, f.cleared_reason
    from invoice_flags f join invoices i on i.id = f.invoice_id left join users u on u.id = f.cleared_by`;

/** An invoice's flags, open first, for the invoice page and GET /invoices/{id}/flags. */
export async function listInvoiceFlags(tx: Tx, invoiceId: number, actor: Actor): Promise<FlagView[]> {
  requirePermission(actor, 'staff.read');
  const [invoice] = await tx.sql<{ client_id: string }[]>`select client_id from invoices where id = ${invoiceId}`;
  if (!invoice) throw notFound('Invoice', invoiceId);
  assertClientScope(actor, Number(invoice.client_id), 'Invoice');
  const rows = await tx.sql<FlagRow[]>`${flagSelect(tx)} where f.invoice_id = ${invoiceId} order by (f.cleared_at is null) desc, f.id`;
  return rows.map(flagView);
}

export const clearFlagSchema = z.object({ reason: text('Reason', { max: 2000 }) });

/**
 * Clears an open flag once, with a reason (underwriter, approver, controller): 409
 * `already_cleared` the second time. Audited with the flag before and after.
 */
export async function clearIntakeFlag(tx: Tx, flagId: number, input: unknown, actor: Actor, options: { invoiceId?: number } = {}): Promise<FlagView> {
  requirePermission(actor, 'invoice_flag.clear');
  const { reason } = parseInput(clearFlagSchema, input);
  // a person clears a flag, by name: the database's check wants who as well as when
  if (actor.userId === null) throw refused('person_required', 'An intake flag is cleared by a person (an underwriter or approver), not a job');
  const [before] = await tx.sql<FlagRow[]>`${flagSelect(tx)} where f.id = ${flagId} for update of f`;
  // the invoice page's form names its invoice: a flag of another invoice is not this page's to clear
  if (!before || (options.invoiceId !== undefined && Number(before.invoice_id) !== options.invoiceId)) throw notFound('Intake flag', flagId);
  if (before.cleared_at !== null)
    throw conflict('already_cleared', `The flag "${FLAG_LABELS[before.kind]}" on invoice ${before.number} was cleared already`, { flagId: String(flagId) });
  await tx.sql`
    update invoice_flags set cleared_by = ${actor.userId}::bigint, cleared_at = now(), cleared_reason = ${reason}
     where id = ${flagId} and cleared_at is null`;
  const [after] = await tx.sql<FlagRow[]>`${flagSelect(tx)} where f.id = ${flagId}`;
  const view = flagView(after!);
  await recordAudit(tx, actor, {
    action: 'invoice_flag.clear',
    targetType: 'invoice',
    targetId: view.invoiceId,
    before: { flagId: view.id, kind: view.kind, detail: view.detail, cleared: false },
    after: { flagId: view.id, kind: view.kind, cleared: true, reason },
  });
  return view;
}
