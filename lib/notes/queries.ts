import type { z } from 'zod';
import type { Database, RawSql, Tx } from '../../db/client';
import { rolesWith } from '../auth/permissions';
import { addDays } from '../dates';
import { debtorAndMerged } from '../debtors/merged-subjects';
import { filterSchema, keysetPage, type CsvColumn, type ListDefinition, type ListPage, type ListQuery, type ListRequest } from '../lists/keyset';
import { moneyOut } from '../money';
import { businessDate, choice, id, optional } from '../validation/fields';
import {
  NOTE_KIND_LABELS,
  NOTE_SUBJECTS,
  NOTE_SUBJECT_LABELS,
  PROMISE_STANDING_LABELS,
  UPCOMING_DAYS,
  followUpStanding,
  promiseStanding,
  subjectHref,
  type FollowUpStanding,
  type NoteKind,
  type NoteSubject,
  type PromiseStanding,
} from './rules';

/**
 * Issue 15 item 3: reading notes, follow-ups and promises to pay. Every read is one statement per
 * page through an index — a subject's notes by (subject_type, subject_id, id), a person's open
 * follow-ups by the partial index (owner_id, due_on, note_id) where not done, promises by
 * (promised_on) and an invoice's latest promise by (subject_id, id) where it is one — and the page's
 * rows are completed in the same statement (the author, the owner, the subject's name, what was
 * collected toward a promise from payment_applications by invoice), never a query per row.
 */

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface NoteView {
  id: string;
  subjectType: NoteSubject;
  subjectId: string;
  /** the invoice's number, the client's or the debtor's name */
  subjectLabel: string;
  /** the console's page of the subject */
  subjectUrl: string;
  kind: NoteKind;
  text: string;
  author: PersonRef;
  /** ISO 8601, UTC */
  createdAt: string;
  followUp: {
    dueOn: string;
    owner: PersonRef;
    doneAt: string | null;
    doneBy: PersonRef | null;
    standing: FollowUpStanding;
  } | null;
  promise: {
    promisedOn: string;
    amount: string;
    currency: string;
    /** the business date it was recorded: money received from then on counts toward it */
    madeOn: string;
    collected: string;
    standing: PromiseStanding;
    standingLabel: string;
  } | null;
}

interface NoteRow {
  id: string;
  subject_type: NoteSubject;
  subject_id: string;
  subject_label: string | null;
  kind: NoteKind;
  body: string;
  created_at: string;
  author_id: string;
  author_name: string;
  author_email: string;
  invoice_currency: string | null;
  invoice_open: boolean | null;
  due_on: string | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  done_at: string | null;
  done_by_id: string | null;
  done_by_name: string | null;
  done_by_email: string | null;
  promised_on: string | null;
  promised_amount: string | null;
  promise_made_on: string | null;
  collected: string | null;
  superseded: boolean | null;
}

/** The columns of a note row (the FROM of `noteFrom`). */
function noteColumns(sql: RawSql) {
  return sql`
    n.id::text as id, n.subject_type, n.subject_id::text as subject_id,
    coalesce(si.number, sc.name, sd.name) as subject_label,
    n.kind, n.body, to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
    au.id::text as author_id, au.name as author_name, au.email as author_email,
    si.currency::text as invoice_currency, si.status in ('funded', 'disputed') as invoice_open,
    f.due_on, ow.id::text as owner_id, ow.name as owner_name, ow.email as owner_email,
    to_char(f.done_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as done_at,
    db.id::text as done_by_id, db.name as done_by_name, db.email as done_by_email,
    n.promised_on, n.promised_amount::text as promised_amount, n.promise_made_on,
    pc.collected::text as collected, pc.superseded`;
}

/**
 * A note with everything shown beside it: its author, its follow-up (owner, done by), its subject's
 * name, and — for a promise to pay — what was collected toward it (applications to the invoice from
 * money received on or after the day it was recorded, by payment_applications_invoice_idx) and
 * whether a later promise replaced it (notes_invoice_promises_idx). `base`: the notes (a subject's
 * list) or the open follow-ups (a person's list). The subject is looked up LATERAL, by its primary
 * key per note of the page (LIMIT 1 keeps the planner from flattening it into a join): never a hash
 * join that would read every invoice.
 */
function noteFrom(sql: RawSql, base: 'notes' | 'follow_ups') {
  const head = base === 'notes' ? sql`notes n left join follow_ups f on f.note_id = n.id` : sql`follow_ups f join notes n on n.id = f.note_id`;
  return sql`
    ${head}
    join users au on au.id = n.author_id
    left join users ow on ow.id = f.owner_id
    left join users db on db.id = f.done_by
    left join lateral (select i.number, i.currency, i.status from invoices i where n.subject_type = 'invoice' and i.id = n.subject_id limit 1) si on true
    left join lateral (select c.name from clients c where n.subject_type = 'client' and c.id = n.subject_id limit 1) sc on true
    left join lateral (select d.name from debtors d where n.subject_type = 'debtor' and d.id = n.subject_id limit 1) sd on true
    left join lateral (
      select (select coalesce(sum(pa.amount), 0) from payment_applications pa
               where pa.invoice_id = n.subject_id and pa.applied_date >= n.promise_made_on) as collected,
             exists (select 1 from notes later
                      where later.subject_type = 'invoice' and later.subject_id = n.subject_id
                        and later.promised_on is not null and later.id > n.id) as superseded
       where n.promised_on is not null
    ) pc on true`;
}

const person = (id: string | null, name: string | null, email: string | null): PersonRef | null =>
  id === null ? null : { id, name: name ?? '', email: email ?? '' };

/** A row as the API and the console show it, the standings as of `today`. */
export function noteView(row: NoteRow, today: string): NoteView {
  const currency = row.invoice_currency ?? 'USD';
  let promise: NoteView['promise'] = null;
  if (row.promised_on && row.promised_amount && row.promise_made_on) {
    const standing = promiseStanding(
      {
        promisedOn: row.promised_on,
        amount: row.promised_amount,
        collected: row.collected ?? '0',
        superseded: Boolean(row.superseded),
        invoiceOpen: Boolean(row.invoice_open),
      },
      today,
    );
    promise = {
      promisedOn: row.promised_on,
      amount: moneyOut(row.promised_amount, currency),
      currency,
      madeOn: row.promise_made_on,
      collected: moneyOut(row.collected ?? '0', currency),
      standing,
      standingLabel: PROMISE_STANDING_LABELS[standing],
    };
  }
  return {
    id: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    subjectLabel: row.subject_label ?? `${NOTE_SUBJECT_LABELS[row.subject_type]} ${row.subject_id}`,
    subjectUrl: subjectHref(row.subject_type, row.subject_id),
    kind: row.kind,
    text: row.body,
    author: person(row.author_id, row.author_name, row.author_email)!,
    createdAt: row.created_at,
    followUp:
      row.due_on && row.owner_id
        ? {
            dueOn: row.due_on,
            owner: person(row.owner_id, row.owner_name, row.owner_email)!,
            doneAt: row.done_at,
            doneBy: person(row.done_by_id, row.done_by_name, row.done_by_email),
            standing: followUpStanding({ dueOn: row.due_on, doneAt: row.done_at }, today),
          }
        : null,
    promise,
  };
}

/** One note, or null. */
export async function getNote(db: Tx, noteId: number, today: string): Promise<NoteView | null> {
  const [row] = await db.sql<NoteRow[]>`select ${noteColumns(db.sql)} from ${noteFrom(db.sql, 'notes')} where n.id = ${noteId}`;
  return row ? noteView(row, today) : null;
}

// ---------------------------------------------------------------- a subject's notes (a list)

const subjectFilters = {
  subjectType: optional(choice('Subject type', NOTE_SUBJECTS)),
  subjectId: optional(id('Subject id')),
};

export type NoteFilters = { subjectType?: NoteSubject; subjectId?: number };

/**
 * GET /api/v1/notes and the console's /notes: notes newest first, of one subject (subjectType and
 * subjectId together, by notes_subject_idx) or all of them (by the primary key).
 */
export const NOTES_LIST: ListDefinition<NoteFilters> = {
  name: 'notes',
  sorts: { created: { expr: 'n.id', type: 'bigint', label: 'Written' } },
  defaultSort: 'created',
  defaultOrder: 'desc',
  idExpr: 'n.id',
  filters: filterSchema(subjectFilters).superRefine((v, ctx) => {
    if (v.subjectId !== undefined && v.subjectType === undefined)
      ctx.addIssue({ code: 'custom', path: ['subjectType'], message: 'Subject type is required with a subject id (client, debtor or invoice)' });
    if (v.subjectType !== undefined && v.subjectId === undefined)
      ctx.addIssue({ code: 'custom', path: ['subjectId'], message: 'Subject id is required with a subject type' });
  }) as z.ZodType<NoteFilters>,
};

export function notesQuery(sql: RawSql, request: Pick<ListRequest<NoteFilters>, 'filters'>): ListQuery {
  const f = request.filters;
  return {
    select: noteColumns(sql),
    from: noteFrom(sql, 'notes'),
    countFrom: sql`notes n`,
    where: [
      f.subjectType !== undefined &&
        f.subjectId !== undefined &&
        (f.subjectType === 'debtor'
          ? // a debtor's notes include those written on the duplicates merged into it
            sql`n.subject_type = 'debtor' and n.subject_id in ${debtorAndMerged(sql, f.subjectId)}`
          : sql`n.subject_type = ${f.subjectType} and n.subject_id = ${f.subjectId}`),
    ],
  };
}

/** A subject's latest notes (the page's section): the first page of NOTES_LIST. */
export async function subjectNotes(
  db: Database,
  subject: { subjectType: NoteSubject; subjectId: number },
  today: string,
  limit = 10,
): Promise<ListPage<NoteView>> {
  const request: ListRequest<NoteFilters> = { sort: 'created', order: 'desc', limit, cursor: null, filters: subject };
  return keysetPage<NoteFilters, NoteRow, NoteView>(db.sql, NOTES_LIST, request, notesQuery(db.sql, request), (r) => noteView(r, today));
}

// ---------------------------------------------------------------- open follow-ups (a list)

export type FollowUpFilters = { owner?: number; dueFrom?: string; dueTo?: string };

/**
 * Open follow-ups (not done), soonest due first: a person's (`owner`, by follow_ups_open_owner_idx)
 * or everyone's (follow_ups_open_due_idx), due from/to a date. The dashboard's "My follow-ups
 * today" is this list with `owner` = the signed-in person and `dueTo` = today.
 */
export const FOLLOW_UPS_LIST: ListDefinition<FollowUpFilters> = {
  name: 'follow-ups',
  sorts: { due: { expr: 'f.due_on', type: 'date', label: 'Due', idExpr: 'f.note_id' } },
  defaultSort: 'due',
  defaultOrder: 'asc',
  idExpr: 'f.note_id',
  filters: filterSchema({
    owner: optional(id('Owner')),
    dueFrom: optional(businessDate('Due from')),
    dueTo: optional(businessDate('Due by')),
  }).superRefine((v, ctx) => {
    if (v.dueFrom && v.dueTo && v.dueTo < v.dueFrom) ctx.addIssue({ code: 'custom', path: ['dueTo'], message: 'Due by must not be before Due from' });
  }) as z.ZodType<FollowUpFilters>,
};

export function followUpsQuery(sql: RawSql, request: Pick<ListRequest<FollowUpFilters>, 'filters'>): ListQuery {
  const f = request.filters;
  return {
    select: noteColumns(sql),
    from: noteFrom(sql, 'follow_ups'),
    countFrom: sql`follow_ups f`,
    where: [
      sql`f.done_at is null`,
      f.owner !== undefined && sql`f.owner_id = ${f.owner}`,
      f.dueFrom !== undefined && sql`f.due_on >= ${f.dueFrom}::date`,
      f.dueTo !== undefined && sql`f.due_on <= ${f.dueTo}::date`,
    ],
  };
}

export interface MyFollowUps {
  today: string;
  /** due today or earlier, not done: "My follow-ups today" (oldest first) */
  due: ListPage<NoteView>;
  /** due in the next UPCOMING_DAYS days */
  upcoming: ListPage<NoteView>;
}

/**
 * The dashboard's "My follow-ups today" and "Upcoming": the owner's open follow-ups due on or
 * before `today`, and those due in the UPCOMING_DAYS days after it. `today` is passed in (the
 * page passes todayIn()), so a test reads tomorrow's list by passing tomorrow.
 */
export async function myFollowUps(db: Database, ownerId: number, today: string, limit = 25): Promise<MyFollowUps> {
  const page = (filters: FollowUpFilters) => {
    const request: ListRequest<FollowUpFilters> = { sort: 'due', order: 'asc', limit, cursor: null, filters };
    return keysetPage<FollowUpFilters, NoteRow, NoteView>(db.sql, FOLLOW_UPS_LIST, request, followUpsQuery(db.sql, request), (r) => noteView(r, today));
  };
  const [due, upcoming] = await Promise.all([
    page({ owner: ownerId, dueTo: today }),
    page({ owner: ownerId, dueFrom: addDays(today, 1), dueTo: addDays(today, UPCOMING_DAYS) }),
  ]);
  return { today, due, upcoming };
}

// ---------------------------------------------------------------- promises to pay

/** The promise that counts on an invoice (its latest), with its standing as of `today`; null when none was recorded. */
export async function currentPromise(db: Tx, invoiceId: number, today: string): Promise<NoteView | null> {
  const [row] = await db.sql<NoteRow[]>`
    select ${noteColumns(db.sql)} from ${noteFrom(db.sql, 'notes')}
     where n.subject_type = 'invoice' and n.subject_id = ${invoiceId} and n.promised_on is not null
     order by n.id desc limit 1`;
  return row ? noteView(row, today) : null;
}

/** How far back the collections inbox looks for broken promises (by promised date). */
export const BROKEN_PROMISE_WINDOW_DAYS = 60;

/**
 * Promises broken or overdue (lib/notes/rules.ts `promiseStanding` = broken) whose promised date
 * fell in the BROKEN_PROMISE_WINDOW_DAYS days before today, latest first: the invoice still open,
 * not replaced by a later promise, less than the amount collected since it was recorded. Read by
 * notes_promised_on_idx over the window, stopping at `limit` (+1 to say there are more).
 */
export async function brokenPromises(db: Tx, today: string, limit = 20): Promise<{ items: NoteView[]; more: boolean }> {
  const rows = await db.sql<NoteRow[]>`
    select ${noteColumns(db.sql)} from ${noteFrom(db.sql, 'notes')}
     where n.promised_on is not null and n.promised_on < ${today}::date
       and n.promised_on >= ${addDays(today, -BROKEN_PROMISE_WINDOW_DAYS)}::date
       and si.status in ('funded', 'disputed')
       and not pc.superseded and pc.collected < n.promised_amount
     order by n.promised_on desc, n.id desc
     limit ${limit + 1}`;
  return { items: rows.slice(0, limit).map((r) => noteView(r, today)), more: rows.length > limit };
}

// ---------------------------------------------------------------- who may own a follow-up

/** Active staff who may own a follow-up (they hold `note.write`), by name — the form's choice of owner. */
export async function followUpOwners(db: Tx): Promise<PersonRef[]> {
  const rows = await db.sql<{ id: string; name: string; email: string }[]>`
    select id::text, name, email from users
     where disabled_at is null and role = any(${[...rolesWith('note.write')]}::text[])
     order by lower(name), id limit 1000`;
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email }));
}

// ---------------------------------------------------------------- CSV

export const NOTE_CSV: CsvColumn<NoteRow>[] = [
  { header: 'Note', value: (r) => r.id },
  { header: 'Written (UTC)', value: (r) => r.created_at },
  { header: 'Subject type', value: (r) => r.subject_type },
  { header: 'Subject id', value: (r) => r.subject_id },
  { header: 'Subject', value: (r) => r.subject_label },
  { header: 'Kind', value: (r) => NOTE_KIND_LABELS[r.kind] },
  { header: 'Author', value: (r) => r.author_email },
  { header: 'Text', value: (r) => r.body },
  { header: 'Follow up on', value: (r) => r.due_on },
  { header: 'Owner', value: (r) => r.owner_email },
  { header: 'Done (UTC)', value: (r) => r.done_at },
  { header: 'Promised on', value: (r) => r.promised_on },
  { header: 'Promised amount', value: (r) => (r.promised_amount ? moneyOut(r.promised_amount, r.invoice_currency ?? 'USD') : '') },
  { header: 'Currency', value: (r) => (r.promised_amount ? r.invoice_currency : '') },
];

/** Maps list rows (API items) as of `today`. */
export function noteItem(today: string) {
  return (row: NoteRow) => noteView(row, today);
}
export type { NoteRow };

/** What the notes section says about its subject: its name, and for an invoice its currency and whether it is still owed. */
export async function subjectSummary(
  db: Tx,
  subjectType: NoteSubject,
  subjectId: number,
): Promise<{ label: string; currency: string | null; open: boolean } | null> {
  const [row] =
    subjectType === 'invoice'
      ? await db.sql<{ label: string; currency: string; open: boolean }[]>`
          select number as label, currency::text, status in ('funded', 'disputed') as open from invoices where id = ${subjectId}`
      : subjectType === 'client'
        ? await db.sql<{ label: string }[]>`select name as label from clients where id = ${subjectId}`
        : await db.sql<{ label: string }[]>`select name as label from debtors where id = ${subjectId}`;
  if (!row) return null;
  return { label: row.label, currency: 'currency' in row ? row.currency : null, open: 'open' in row ? row.open : false };
}
