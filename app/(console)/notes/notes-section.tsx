import Link from 'next/link';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { todayIn } from '@/lib/dates';
import { displayMoney } from '@/lib/money';
import { currentPromise, followUpOwners, subjectNotes, subjectSummary } from '@/lib/notes/queries';
import { NOTE_SUBJECT_LABELS, PROMISE_BROKEN_LABEL, type NoteSubject } from '@/lib/notes/rules';
import { NoteEntry } from './note-entry';
import { NoteForm } from './note-form';

/** Notes shown on a page; older ones: "All notes" (/notes?subjectType&subjectId, a paged list). */
const SHOWN = 10;

/**
 * Issue 15 item 3: the "Notes and follow-ups" section of a client, debtor or invoice page — one
 * line in each page: `<NotesSection subjectType="invoice" subjectId={invoice.id} actor={actor} />`.
 * Staff only (`note.read`); the form for those who may add notes. On an invoice, its current
 * promise to pay is flagged when broken. Newest first; past the first 10, a link to the whole list.
 */
export async function NotesSection({
  subjectType,
  subjectId,
  actor,
  known,
}: {
  subjectType: NoteSubject;
  subjectId: string | number;
  actor: Actor;
  /** the subject as the page has read it (its name or number; an invoice's currency and whether it is owed): not read again */
  known?: { label: string; currency?: string | null; open?: boolean };
}) {
  if (!can(actor, 'note.read')) return null;
  const db = getDatabase();
  const today = todayIn();
  const idNumber = Number(subjectId);
  const canWrite = can(actor, 'note.write');
  const [summary, page, owners, promise] = await Promise.all([
    known ? Promise.resolve({ label: known.label, currency: known.currency ?? null, open: known.open ?? false }) : subjectSummary(db, subjectType, idNumber),
    subjectNotes(db, { subjectType, subjectId: idNumber }, today, SHOWN),
    canWrite ? followUpOwners(db) : Promise.resolve([]),
    subjectType === 'invoice' ? currentPromise(db, idNumber, today) : Promise.resolve(null),
  ]);
  if (!summary) return null;
  const name = `${NOTE_SUBJECT_LABELS[subjectType].toLowerCase()} ${summary.label}`;
  const heading = `notes-${subjectType}-${idNumber}`;
  return (
    <section aria-labelledby={heading} className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={heading} className="font-semibold">
        Notes and follow-ups
      </h2>
      {promise?.promise?.standing === 'broken' ? (
        <p role="status" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          <strong>{PROMISE_BROKEN_LABEL}</strong>: {displayMoney(promise.promise.amount, promise.promise.currency)} promised by {promise.promise.promisedOn}{' '}
          (recorded {promise.promise.madeOn} by {promise.author.name || promise.author.email});{' '}
          {displayMoney(promise.promise.collected, promise.promise.currency)} collected since.
        </p>
      ) : promise?.promise?.standing === 'pending' ? (
        <p className="mt-2 text-sm text-slate-700">
          Promise to pay: {displayMoney(promise.promise.amount, promise.promise.currency)} by {promise.promise.promisedOn};{' '}
          {displayMoney(promise.promise.collected, promise.promise.currency)} collected so far.
        </p>
      ) : null}
      {canWrite ? (
        <div className="mt-3">
          <NoteForm
            subjectType={subjectType}
            subjectId={String(idNumber)}
            subjectLabel={name}
            owners={owners}
            me={actor.userId === null ? null : String(actor.userId)}
            promise={subjectType === 'invoice' && summary.open && summary.currency ? { currency: summary.currency } : null}
            today={today}
          />
        </div>
      ) : null}
      <h3 className="mt-4 text-sm font-medium text-slate-700">History, newest first</h3>
      {page.items.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">No notes yet.</p>
      ) : (
        <ol aria-label={`Notes on ${name}`} className="divide-y divide-slate-100">
          {page.items.map((n) => (
            <NoteEntry key={n.id} note={n} today={today} canWrite={canWrite} />
          ))}
        </ol>
      )}
      {page.nextCursor ? (
        <p className="mt-2 text-sm">
          <Link className="text-brand-700 underline" href={`/notes?subjectType=${subjectType}&subjectId=${idNumber}`}>
            All {page.totalApproximate ? 'about ' : ''}
            {page.total.toLocaleString('en-US')} notes on this {NOTE_SUBJECT_LABELS[subjectType].toLowerCase()}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
