import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden, redirect } from 'next/navigation';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { COMPACT_LIMIT, keysetPage, readListRequest } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';
import { NOTES_LIST, noteItem, notesQuery, subjectSummary, type NoteRow, type NoteView } from '@/lib/notes/queries';
import { NOTE_KIND_LABELS, NOTE_SUBJECT_LABELS, followUpWords, subjectHref } from '@/lib/notes/rules';
import { DoneButton } from './done-button';
import { subjectName, when } from './note-entry';

export const metadata: Metadata = { title: 'Notes' };
export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 3: every note on a client, debtor or invoice (`?subjectType=&subjectId=`, the
 * subject page's "All notes" link) — or every note — newest first, a page at a time by keyset
 * (lib/notes/queries.ts NOTES_LIST), the whole list as CSV from GET /api/v1/notes. Staff only.
 */
export default async function NotesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!can(actor, 'note.read')) forbidden();
  const query = toQuery(await searchParams);
  const db = getDatabase();
  const today = todayIn();
  const { request, error } = readListRequest(NOTES_LIST, query, { defaultLimit: COMPACT_LIMIT });
  const subject = request.filters.subjectType && request.filters.subjectId ? request.filters : null;
  const [page, summary] = await Promise.all([
    keysetPage<typeof request.filters, NoteRow, NoteView>(db.sql, NOTES_LIST, request, notesQuery(db.sql, request), noteItem(today)),
    subject ? subjectSummary(db, subject.subjectType!, subject.subjectId!) : Promise.resolve(null),
  ]);
  const canWrite = can(actor, 'note.write');
  const title = subject ? `Notes on ${NOTE_SUBJECT_LABELS[subject.subjectType!].toLowerCase()} ${summary?.label ?? subject.subjectId}` : 'All notes';
  return (
    <div>
      <PageHeader
        title={title}
        subtitle="Notes, the call log, follow-ups and promises to pay, newest first"
        actions={
          subject ? (
            <Link className="text-sm text-brand-700 underline" href={subjectHref(subject.subjectType!, subject.subjectId!)}>
              Back to the {NOTE_SUBJECT_LABELS[subject.subjectType!].toLowerCase()}
            </Link>
          ) : undefined
        }
      />
      {error ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <ListView<NoteView>
        caption={title}
        path="/notes"
        query={query}
        page={page}
        noun="notes"
        rowKey={(n) => n.id}
        csvHref={withQuery('/api/v1/notes', query, { format: 'csv' })}
        empty="No notes."
        columns={[
          { header: 'Written (UTC)', sort: 'created', value: (n) => when(n.createdAt) },
          { header: 'Kind', value: (n) => NOTE_KIND_LABELS[n.kind] },
          ...(subject
            ? []
            : [
                {
                  header: 'On',
                  value: (n: NoteView) => subjectName(n),
                  render: (n: NoteView) => (
                    <Link className="text-brand-700 underline" href={n.subjectUrl}>
                      {subjectName(n)}
                    </Link>
                  ),
                },
              ]),
          { header: 'By', value: (n) => n.author.name || n.author.email },
          { header: 'Note', value: (n) => n.text, render: (n) => <span className="break-words whitespace-pre-wrap">{n.text}</span> },
          {
            header: 'Follow-up',
            value: (n) => (n.followUp ? `${n.followUp.dueOn} ${n.followUp.owner.email}` : ''),
            render: (n) =>
              n.followUp ? (
                <span className="flex flex-wrap items-center gap-2">
                  {n.followUp.dueOn} · {n.followUp.owner.name || n.followUp.owner.email} ·{' '}
                  {n.followUp.doneAt ? `done ${when(n.followUp.doneAt)}` : followUpWords(n.followUp.standing, n.followUp.dueOn, today)}
                  {!n.followUp.doneAt && canWrite ? <DoneButton noteId={n.id} what={subjectName(n)} /> : null}
                </span>
              ) : (
                ''
              ),
          },
          {
            header: 'Promise to pay',
            value: (n) => (n.promise ? `${n.promise.amount} ${n.promise.currency} by ${n.promise.promisedOn}: ${n.promise.standingLabel}` : ''),
            render: (n) =>
              n.promise ? (
                <span className={n.promise.standing === 'broken' ? 'font-medium text-red-800' : ''}>
                  {displayMoney(n.promise.amount, n.promise.currency)} by {n.promise.promisedOn}: {n.promise.standingLabel}
                </span>
              ) : (
                ''
              ),
          },
        ]}
      />
    </div>
  );
}
