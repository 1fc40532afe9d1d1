/**
 * Issue 15, item 4: the words of debtor statements and reminders, shared by the PDF, the email,
 * the debtor and invoice pages and the settings form. Pure (client components import it).
 */

/** Settings → Debtor statements' reminder steps until an admin sets others: 7 days before the due date, on it, 15 and 30 days after. */
export const DEFAULT_REMINDER_STEPS: readonly number[] = [-7, 0, 15, 30];

/** A missed reminder (no worker ran that day) is still sent this many days after its step, the latest step only. */
export const REMINDER_CATCH_UP_DAYS = 7;

/** The earliest and latest step, in days from the due date, and how many steps at most. */
export const STEP_BOUNDS = { min: -90, max: 365, count: 10 } as const;

/** The most invoices one statement lists (oldest due first); the totals still count every open invoice. */
export const STATEMENT_LINE_CAP = 2_000;

/** Where people set the reminder steps and the remittance instructions, as messages say it. */
export const DEBTOR_STATEMENTS_PLACE = 'Settings → Debtor statements';

/** "7 days before the due date", "on the due date", "15 days past due". */
export function stepLabel(step: number): string {
  if (step === 0) return 'on the due date';
  const days = Math.abs(step);
  return step < 0 ? `${days} day${days === 1 ? '' : 's'} before the due date` : `${days} day${days === 1 ? '' : 's'} past due`;
}

/** What a send was: "Statement" (by hand) or "Reminder, 15 days past due". */
export function sendLabel(kind: 'statement' | 'reminder', step: number | null): string {
  return kind === 'reminder' && step !== null ? `Reminder, ${stepLabel(step)}` : 'Statement';
}

/** Steps as people write them: "-7, 0, 15, 30". */
export function formatSteps(steps: readonly number[]): string {
  return steps.join(', ');
}

/** A statement's days past due in words: "12", "due today", "due in 7 days". */
export function daysPastDueLabel(days: number): string {
  if (days > 0) return String(days);
  if (days === 0) return 'due today';
  return `due in ${-days} day${days === -1 ? '' : 's'}`;
}

/** The PDF's file name. */
export function statementFilename(debtorId: string | number, asOf: string, sendId?: string | number | null): string {
  return sendId ? `debtor-${debtorId}-statement-${asOf}-${sendId}.pdf` : `debtor-${debtorId}-statement-${asOf}.pdf`;
}

/** The outbox's dedupe key of a send's email: the outbox builds its PDF from the send (lib/notifications/attachments.ts). */
export function sendDedupeKey(sendId: number | string): string {
  return `debtor-statement:${sendId}`;
}

/** The send an outbox email is about, from its dedupe key (null: another kind of email). */
export function sendIdOfDedupeKey(key: string | null): number | null {
  const m = key === null ? null : /^debtor-statement:(\d{1,15})$/.exec(key);
  return m ? Number(m[1]) : null;
}
