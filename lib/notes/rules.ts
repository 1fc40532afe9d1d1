import { addDays, daysBetween } from '../dates';
import { Big } from '../money';

/**
 * Issue 15 item 3: the rules of notes, follow-ups and promises to pay — pure (no database, no
 * clock: `today` is passed in), so the console's client components use the labels too and the
 * rules are tested without a database (tests/unit/notes-rules.test.ts). The queries of
 * lib/notes/queries.ts select by the same rules (their SQL says which rule it mirrors).
 */

export const NOTE_SUBJECTS = ['client', 'debtor', 'invoice'] as const;
export type NoteSubject = (typeof NOTE_SUBJECTS)[number];

export const NOTE_KINDS = ['note', 'call', 'email', 'meeting'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const NOTE_KIND_LABELS: Readonly<Record<NoteKind, string>> = {
  note: 'Note',
  call: 'Call',
  email: 'Email',
  meeting: 'Meeting',
};

export const NOTE_SUBJECT_LABELS: Readonly<Record<NoteSubject, string>> = {
  client: 'Client',
  debtor: 'Debtor',
  invoice: 'Invoice',
};

/** The longest note a person may write. */
export const NOTE_MAX_CHARACTERS = 5000;

/** How far ahead the dashboard's "Upcoming" list looks (days after today). */
export const UPCOMING_DAYS = 7;

/** The console's page of a note's subject. */
export function subjectHref(subjectType: NoteSubject, subjectId: string | number): string {
  // a client's notes are the client page's Notes tab (issue 13)
  return subjectType === 'client' ? `/clients/${subjectId}?tab=notes` : `/${subjectType === 'debtor' ? 'debtors' : 'invoices'}/${subjectId}`;
}

// ---------------------------------------------------------------- follow-ups

export type FollowUpStanding = 'done' | 'overdue' | 'due_today' | 'upcoming' | 'later';

/**
 * Where a follow-up stands on `today` (a business date in FACTOR_TIMEZONE): done once marked done,
 * whatever its date; otherwise overdue before its date has come, due on its date, upcoming within
 * UPCOMING_DAYS after today, later beyond.
 */
export function followUpStanding(followUp: { dueOn: string; doneAt: string | Date | null }, today: string, upcomingDays = UPCOMING_DAYS): FollowUpStanding {
  if (followUp.doneAt) return 'done';
  if (followUp.dueOn < today) return 'overdue';
  if (followUp.dueOn === today) return 'due_today';
  return followUp.dueOn <= addDays(today, upcomingDays) ? 'upcoming' : 'later';
}

/**
 * "My follow-ups today": a follow-up is on its owner's list from its date on until it is marked
 * done — due today or earlier and not done (lib/notes/queries.ts `myFollowUps`: `due_on <= today
 * and done_at is null`).
 */
export function isDue(followUp: { dueOn: string; doneAt: string | Date | null }, today: string): boolean {
  const standing = followUpStanding(followUp, today);
  return standing === 'overdue' || standing === 'due_today';
}

/** How a follow-up's standing reads next to it. */
export function followUpWords(standing: FollowUpStanding, dueOn: string, today: string): string {
  switch (standing) {
    case 'done':
      return 'Done';
    case 'overdue': {
      const late = daysBetween(dueOn, today);
      return `Overdue by ${late} day${late === 1 ? '' : 's'}`;
    }
    case 'due_today':
      return 'Due today';
    case 'upcoming':
      return dueOn === addDays(today, 1) ? 'Due tomorrow' : `Due ${dueOn}`;
    case 'later':
      return `Due ${dueOn}`;
  }
}

// ---------------------------------------------------------------- promises to pay

export type PromiseStanding = 'kept' | 'pending' | 'broken' | 'superseded' | 'closed';

export interface PromiseFacts {
  /** the date the debtor promised to pay by */
  promisedOn: string;
  /** what it promised, in the invoice's currency */
  amount: Big | string;
  /** applied to the invoice from money received on or after the day the promise was recorded */
  collected: Big | string;
  /** a later promise on the same invoice replaces this one */
  superseded: boolean;
  /** the invoice is still owed (funded or disputed) */
  invoiceOpen: boolean;
}

/**
 * Where a promise to pay stands on `today`:
 * - kept: the promised amount has been collected (payments applied to the invoice, received on or
 *   after the day the promise was recorded) — also when it came late;
 * - superseded: a later promise on the invoice is the one that counts now;
 * - closed: the invoice is no longer owed (settled, charged back, written off) without it;
 * - broken: its date has passed (before today) without the amount collected — "Promise broken/overdue";
 * - pending: its date has not passed yet (the promised date itself still counts as in time).
 */
export function promiseStanding(p: PromiseFacts, today: string): PromiseStanding {
  if (new Big(p.collected).gte(p.amount)) return 'kept';
  if (p.superseded) return 'superseded';
  if (!p.invoiceOpen) return 'closed';
  return p.promisedOn < today ? 'broken' : 'pending';
}

export const PROMISE_BROKEN_LABEL = 'Promise broken/overdue';

export const PROMISE_STANDING_LABELS: Readonly<Record<PromiseStanding, string>> = {
  kept: 'Kept',
  pending: 'Pending',
  broken: PROMISE_BROKEN_LABEL,
  superseded: 'Replaced by a later promise',
  closed: 'Invoice closed',
};
