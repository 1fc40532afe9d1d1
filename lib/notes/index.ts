import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission, roleCan } from '../auth/permissions';
import { isRole } from '../auth/roles';
import { assertBusinessDateInWindow, todayIn } from '../dates';
import { DomainError, conflict, notFound, refused, unknownId } from '../errors';
import { Big, displayMoney, minorUnits, moneyOut } from '../money';
import { parseInput } from '../validation';
import { businessDate, choice, id, money, optional, text } from '../validation/fields';
import { getNote, type NoteView } from './queries';
import { NOTE_KINDS, NOTE_MAX_CHARACTERS, NOTE_SUBJECTS, NOTE_SUBJECT_LABELS, type NoteKind, type NoteSubject } from './rules';

export type { NoteView } from './queries';

/**
 * Issue 15 item 3: notes, the call log and follow-ups on clients, debtors and invoices.
 *
 * - A note says who wrote it, when, what, and what kind of contact it records (note, call, email,
 *   meeting). Notes are append-only (the database refuses to change or delete one): a correction
 *   is a new note.
 * - A note may carry a follow-up: a due date and an owner (a staff member who may write notes; the
 *   author unless someone else is named). Marking it done is an event of its own (follow_ups.done_at
 *   and done_by, set once, audited), never an edit of the note.
 * - A note on an open invoice may record a promise to pay: a date and an amount in the invoice's
 *   currency. The invoice's latest promise is the one that counts; it is broken once its date has
 *   passed without the amount collected (lib/notes/rules.ts `promiseStanding`).
 *
 * Notes are the factor's internal working notes: staff only (`note.read`, `note.write`); a client
 * user's key is refused with 403 like any other staff-only resource.
 */

/** Cross-field rules of a note's input, said on the field a person would correct (the API's body and the console's form). */
export function checkNoteFields(
  v: { subjectType?: string; followUpOn?: string; followUpOwner?: number; promisedOn?: string; promisedAmount?: string },
  ctx: z.RefinementCtx,
) {
  if (v.followUpOwner !== undefined && v.followUpOn === undefined)
    ctx.addIssue({ code: 'custom', path: ['followUpOn'], message: 'Follow-up date is required to give the follow-up an owner' });
  if (v.promisedOn !== undefined && v.promisedAmount === undefined)
    ctx.addIssue({ code: 'custom', path: ['promisedAmount'], message: 'Promised amount is required with a promised date' });
  if (v.promisedAmount !== undefined && v.promisedOn === undefined)
    ctx.addIssue({ code: 'custom', path: ['promisedOn'], message: 'Promised date is required with a promised amount' });
  if ((v.promisedOn !== undefined || v.promisedAmount !== undefined) && v.subjectType !== undefined && v.subjectType !== 'invoice') {
    const where = NOTE_SUBJECT_LABELS[v.subjectType as NoteSubject]?.toLowerCase() ?? v.subjectType;
    ctx.addIssue({
      code: 'custom',
      path: [v.promisedOn !== undefined ? 'promisedOn' : 'promisedAmount'],
      message: `A promise to pay is recorded on an invoice, not on a ${where}`,
    });
  }
}

/** The fields of a note, as API.md-style JSON (`POST /api/v1/notes`): amounts as decimal strings. */
export const noteBody = z
  .object({
    subjectType: choice('Subject type', NOTE_SUBJECTS),
    subjectId: id('Subject id'),
    text: text('Text', { max: NOTE_MAX_CHARACTERS }),
    kind: optional(choice('Kind', NOTE_KINDS)),
    followUpOn: optional(businessDate('Follow-up date')),
    followUpOwner: optional(id('Follow-up owner')),
    promisedOn: optional(businessDate('Promised date')),
    promisedAmount: optional(money('Promised amount', { allowZero: false })),
  })
  .superRefine(checkNoteFields);

export type NoteInput = z.output<typeof noteBody>;

interface SubjectRow {
  id: string;
  label: string;
  currency: string | null;
  status: string | null;
  outstanding: string | null;
}

async function findSubject(tx: Tx, subjectType: NoteSubject, subjectId: number): Promise<SubjectRow> {
  const rows =
    subjectType === 'invoice'
      ? await tx.sql<SubjectRow[]>`select id::text, number as label, currency::text, status, outstanding::text from invoices where id = ${subjectId}`
      : subjectType === 'client'
        ? await tx.sql<SubjectRow[]>`select id::text, name as label, null as currency, null as status, null as outstanding from clients where id = ${subjectId}`
        : await tx.sql<
            SubjectRow[]
          >`select id::text, name as label, null as currency, null as status, null as outstanding from debtors where id = ${subjectId}`;
  if (!rows[0]) throw unknownId('subjectId', NOTE_SUBJECT_LABELS[subjectType], subjectId);
  return rows[0];
}

/** A date a person sets ahead (a follow-up, a promise): today or later, within the window of dates ahead. */
function assertTodayOrLater(date: string, label: string, field: string, today: string): string {
  assertBusinessDateInWindow(date, label, 'ahead', { field, today });
  if (date < today) {
    throw new DomainError('date_out_of_range', `${label} ${date} is in the past; today is ${today}`, {
      status: 422,
      details: { [field]: `must be today (${today}) or later` },
    });
  }
  return date;
}

/** A person's own user id: notes and follow-ups are written and closed by people, never by a job. */
function personOf(actor: Actor): number {
  if (actor.userId === null) throw refused('person_required', 'Notes are written by a person: this request has no user to name as the author');
  return actor.userId;
}

/** The follow-up's owner: an active staff member who may write notes (so may mark it done). */
async function checkOwner(tx: Tx, ownerId: number): Promise<{ id: string; email: string }> {
  const [owner] = await tx.sql<{ id: string; email: string; role: string; disabled_at: Date | null }[]>`
    select id::text, email, role, disabled_at from users where id = ${ownerId}`;
  if (!owner) throw unknownId('followUpOwner', 'User', ownerId);
  if (owner.disabled_at || !isRole(owner.role) || !roleCan(owner.role, 'note.write')) {
    throw refused(
      'owner_cannot_follow_up',
      `${owner.email} cannot own a follow-up: ${owner.disabled_at ? 'the user is disabled' : 'the user may not add notes or mark follow-ups done'}`,
      { followUpOwner: 'must be an active staff member who may add notes' },
    );
  }
  return owner;
}

/**
 * Adds a note (201), with its follow-up and promise to pay when given, and audits it on its
 * subject (`note.add`, target the client, debtor or invoice). `today` (default: today in
 * FACTOR_TIMEZONE) is the business date a follow-up or promise may not be before, and the day
 * money starts counting toward a promise.
 */
export async function addNote(tx: Tx, input: unknown, actor: Actor, options: { today?: string } = {}): Promise<NoteView> {
  requirePermission(actor, 'note.write');
  const data = parseInput(noteBody, input);
  const author = personOf(actor);
  const today = options.today ?? todayIn();
  const subject = await findSubject(tx, data.subjectType, data.subjectId);
  const kind: NoteKind = data.kind ?? 'note';

  if (data.followUpOn !== undefined) assertTodayOrLater(data.followUpOn, 'Follow-up date', 'followUpOn', today);
  const ownerId = data.followUpOn !== undefined ? (data.followUpOwner ?? author) : null;
  if (ownerId !== null && ownerId !== author) await checkOwner(tx, ownerId);

  let promise: { on: string; amount: string } | null = null;
  if (data.promisedOn !== undefined && data.promisedAmount !== undefined) {
    // checkNoteFields refused a promise on a client or debtor already
    const currency = subject.currency!;
    if (subject.status !== 'funded' && subject.status !== 'disputed') {
      throw refused(
        'invoice_not_open',
        `Invoice ${subject.label} is ${subject.status?.replace(/_/g, ' ')}: a promise to pay is recorded on a funded invoice that is still owed`,
        { promisedOn: 'only on a funded invoice that is still owed' },
      );
    }
    assertTodayOrLater(data.promisedOn, 'Promised date', 'promisedOn', today);
    const amount = new Big(data.promisedAmount);
    const decimals = minorUnits(currency);
    if (!amount.round(decimals, Big.roundDown).eq(amount)) {
      throw new DomainError(
        'too_many_decimals',
        decimals === 0
          ? `Promised amount must be a whole amount (${currency} has no cents)`
          : `Promised amount may have at most ${decimals} decimal places in ${currency}`,
        { status: 400, details: { promisedAmount: `at most ${decimals} decimal places in ${currency}` } },
      );
    }
    if (amount.gt(subject.outstanding ?? '0')) {
      throw refused(
        'exceeds_outstanding',
        `Promised amount ${displayMoney(amount, currency)} is more than the ${displayMoney(subject.outstanding ?? '0', currency)} still owed on invoice ${subject.label}`,
        { promisedAmount: `must be at most ${moneyOut(subject.outstanding, currency)}` },
      );
    }
    promise = { on: data.promisedOn, amount: amount.toFixed() };
  }

  const [row] = await tx.sql<{ id: string }[]>`
    insert into notes (subject_type, subject_id, kind, body, author_id, promised_on, promised_amount, promise_made_on)
    values (${data.subjectType}, ${data.subjectId}, ${kind}, ${data.text}, ${author},
            ${promise?.on ?? null}::date, ${promise?.amount ?? null}::numeric, ${promise ? today : null}::date)
    returning id::text`;
  const noteId = Number(row!.id);
  if (ownerId !== null) {
    await tx.sql`insert into follow_ups (note_id, owner_id, due_on) values (${noteId}, ${ownerId}, ${data.followUpOn!}::date)`;
  }
  const view = (await getNote(tx, noteId, today))!;
  await recordAudit(tx, actor, {
    action: 'note.add',
    targetType: data.subjectType,
    targetId: data.subjectId,
    after: {
      noteId: view.id,
      kind: view.kind,
      text: view.text,
      followUp: view.followUp ? { dueOn: view.followUp.dueOn, ownerId: view.followUp.owner.id, owner: view.followUp.owner.email } : null,
      promise: view.promise ? { promisedOn: view.promise.promisedOn, amount: view.promise.amount, currency: view.promise.currency } : null,
    },
  });
  return view;
}

/**
 * Marks a note's follow-up done (once): who and when are recorded on the follow-up and in the audit
 * log (`follow_up.done` on the note's subject); the note itself never changes. Anyone who may add
 * notes may close a follow-up (a colleague covering for its owner); the log says who did.
 * Unknown note: 404; a note without a follow-up: 422 `no_follow_up`; done already: 409 `already_done`.
 */
export async function markFollowUpDone(tx: Tx, noteId: number, actor: Actor, options: { today?: string } = {}): Promise<NoteView> {
  requirePermission(actor, 'note.write');
  const person = personOf(actor);
  const today = options.today ?? todayIn();
  const closed = await tx.sql<{ note_id: string }[]>`
    update follow_ups set done_at = now(), done_by = ${person} where note_id = ${noteId} and done_at is null returning note_id::text`;
  if (closed.length === 0) {
    const before = await getNote(tx, noteId, today);
    if (!before) throw notFound('Note', noteId);
    if (!before.followUp) throw refused('no_follow_up', `Note ${noteId} has no follow-up to mark done`);
    throw conflict(
      'already_done',
      `The follow-up of note ${noteId} was marked done already, by ${before.followUp.doneBy?.name || before.followUp.doneBy?.email} at ${before.followUp.doneAt?.slice(0, 16).replace('T', ' ')} UTC`,
      { doneAt: before.followUp.doneAt, doneBy: before.followUp.doneBy?.email ?? null },
    );
  }
  const view = (await getNote(tx, noteId, today))!;
  await recordAudit(tx, actor, {
    action: 'follow_up.done',
    targetType: view.subjectType,
    targetId: view.subjectId,
    before: { noteId: view.id, dueOn: view.followUp!.dueOn, owner: view.followUp!.owner.email, doneAt: null },
    after: { noteId: view.id, dueOn: view.followUp!.dueOn, owner: view.followUp!.owner.email, doneAt: view.followUp!.doneAt, doneBy: actor.label },
  });
  return view;
}
