import Link from 'next/link';
import { showingText } from '@/app/_components/list/list-view';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { todayIn } from '@/lib/dates';
import type { ListPage } from '@/lib/lists/keyset';
import { myFollowUps, type NoteView } from '@/lib/notes/queries';
import { NOTE_KIND_LABELS, UPCOMING_DAYS, followUpWords } from '@/lib/notes/rules';
import { DoneButton } from './done-button';
import { PromiseBrokenFlag, subjectName } from './note-entry';

/** Characters of a note's text shown in the list (the whole note is on its subject's page). */
const SNIPPET = 160;

function FollowUpList({ label, page, today, canWrite, empty }: { label: string; page: ListPage<NoteView>; today: string; canWrite: boolean; empty: string }) {
  if (page.items.length === 0) return <p className="mt-1 text-sm text-slate-500">{empty}</p>;
  return (
    <ul aria-label={label} className="mt-1 divide-y divide-slate-100">
      {page.items.map((n) => {
        const f = n.followUp!;
        return (
          <li key={n.id} className="flex flex-wrap items-start justify-between gap-2 py-2 text-sm">
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2">
                <span
                  className={
                    f.standing === 'overdue' ? 'font-medium text-red-800' : f.standing === 'due_today' ? 'font-medium text-amber-800' : 'text-slate-600'
                  }
                >
                  {followUpWords(f.standing, f.dueOn, today)}
                </span>
                <Link className="font-medium text-brand-700 underline" href={n.subjectUrl}>
                  {subjectName(n)}
                </Link>
                <PromiseBrokenFlag note={n} />
              </p>
              <p className="mt-0.5 break-words text-slate-700">
                <span className="text-slate-500">{NOTE_KIND_LABELS[n.kind]}:</span> {n.text.length > SNIPPET ? `${n.text.slice(0, SNIPPET)}…` : n.text}
              </p>
            </div>
            {canWrite ? <DoneButton noteId={n.id} what={subjectName(n)} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Issue 15 item 3: the dashboard's "My follow-ups today" — the signed-in person's follow-ups due
 * today or earlier and not done, oldest first, each linking to its client, debtor or invoice with a
 * Done button; and those coming up in the next UPCOMING_DAYS days (tomorrow's list, today). Shown
 * to collections staff always (`follow_up.dashboard`), to other staff when they have follow-ups.
 * Two index range reads (follow_ups_open_owner_idx), 25 rows each; more: the whole list.
 */
export async function MyFollowUpsSection({ actor }: { actor: Actor }) {
  if (!can(actor, 'note.read') || actor.userId === null) return null;
  const today = todayIn();
  const mine = await myFollowUps(getDatabase(), actor.userId, today);
  const any = mine.due.items.length > 0 || mine.upcoming.items.length > 0;
  if (!any && !can(actor, 'follow_up.dashboard')) return null;
  const canWrite = can(actor, 'note.write');
  return (
    <section aria-labelledby="my-follow-ups-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="my-follow-ups-heading" className="font-semibold">
          My follow-ups today
        </h2>
        <Link className="text-sm text-brand-700 underline" href={`/notes/follow-ups?owner=${actor.userId}`}>
          All my open follow-ups
        </Link>
      </div>
      <p className="text-sm text-slate-600">
        {mine.due.items.length > 0 ? `${showingText(mine.due, 'follow-ups due today or earlier')}, oldest first` : `Nothing due today (${today}).`}
      </p>
      <FollowUpList label="Due today or earlier" page={mine.due} today={today} canWrite={canWrite} empty="" />
      <h3 className="mt-4 text-sm font-medium text-slate-700">Upcoming (next {UPCOMING_DAYS} days)</h3>
      <FollowUpList
        label={`Upcoming (next ${UPCOMING_DAYS} days)`}
        page={mine.upcoming}
        today={today}
        canWrite={canWrite}
        empty="No follow-up in the next week."
      />
    </section>
  );
}
