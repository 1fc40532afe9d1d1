import Link from 'next/link';
import { displayMoney } from '@/lib/money';
import type { NoteView } from '@/lib/notes/queries';
import { NOTE_KIND_LABELS, NOTE_SUBJECT_LABELS, PROMISE_BROKEN_LABEL, followUpWords } from '@/lib/notes/rules';
import { DoneButton } from './done-button';

/** "2026-11-30 14:05 UTC" from an ISO 8601 timestamp. */
export const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const who = (p: { name: string; email: string }) => p.name || p.email;

/** "Invoice INV-1001", "Debtor Globex" */
export const subjectName = (n: Pick<NoteView, 'subjectType' | 'subjectLabel'>) => `${NOTE_SUBJECT_LABELS[n.subjectType]} ${n.subjectLabel}`;

/** The red flag of a broken promise (its date passed, the amount not collected). */
export function PromiseBrokenFlag({ note }: { note: NoteView }) {
  if (note.promise?.standing !== 'broken') return null;
  return (
    <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">
      {PROMISE_BROKEN_LABEL}: {displayMoney(note.promise.amount, note.promise.currency)} promised by {note.promise.promisedOn}
    </span>
  );
}

/**
 * One note as the subject's history shows it: kind, when, who, the text, and its follow-up (with
 * Done while it is open) and promise to pay (with where it stands). `showSubject`: lists of many
 * subjects (the notes list) link to the note's subject.
 */
export function NoteEntry({ note, today, canWrite, showSubject = false }: { note: NoteView; today: string; canWrite: boolean; showSubject?: boolean }) {
  const f = note.followUp;
  const p = note.promise;
  return (
    <li className="py-3" aria-label={`${NOTE_KIND_LABELS[note.kind]} by ${who(note.author)} at ${when(note.createdAt)}`}>
      <p className="text-xs text-slate-500">
        <span className="font-medium text-slate-700">{NOTE_KIND_LABELS[note.kind]}</span> · {when(note.createdAt)} · {who(note.author)}
        {showSubject ? (
          <>
            {' · '}
            <Link className="text-brand-700 underline" href={note.subjectUrl}>
              {subjectName(note)}
            </Link>
          </>
        ) : null}
      </p>
      <p className="mt-1 text-sm break-words whitespace-pre-wrap">{note.text}</p>
      {f ? (
        <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
          <span>
            Follow-up {f.dueOn} · {who(f.owner)} ·{' '}
            <span className={f.standing === 'overdue' ? 'font-medium text-red-800' : f.standing === 'due_today' ? 'font-medium text-amber-800' : ''}>
              {f.doneAt ? `Done by ${f.doneBy ? who(f.doneBy) : 'someone'} at ${when(f.doneAt)}` : followUpWords(f.standing, f.dueOn, today)}
            </span>
          </span>
          {!f.doneAt && canWrite ? <DoneButton noteId={note.id} what={subjectName(note)} /> : null}
        </p>
      ) : null}
      {p ? (
        <p className="mt-1 flex flex-wrap items-center gap-2 text-xs">
          <span>
            Promised {displayMoney(p.amount, p.currency)} by {p.promisedOn} · {displayMoney(p.collected, p.currency)} collected since {p.madeOn}
          </span>
          {p.standing === 'broken' ? (
            <span className="rounded bg-red-100 px-1.5 py-0.5 font-medium text-red-800">{p.standingLabel}</span>
          ) : (
            <span className="rounded bg-slate-100 px-1.5 py-0.5">{p.standingLabel}</span>
          )}
        </p>
      ) : null}
    </li>
  );
}
