import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden, redirect } from 'next/navigation';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { COMPACT_LIMIT, keysetPage, readListRequest } from '@/lib/lists/keyset';
import { FOLLOW_UPS_LIST, followUpOwners, followUpsQuery, noteItem, type FollowUpFilters, type NoteRow, type NoteView } from '@/lib/notes/queries';
import { NOTE_KIND_LABELS, followUpWords } from '@/lib/notes/rules';
import { DoneButton } from '../done-button';
import { PromiseBrokenFlag, subjectName } from '../note-entry';

export const metadata: Metadata = { title: 'Follow-ups' };
export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 3: open follow-ups (not done), soonest due first — a person's (`?owner=`, the
 * dashboard's "All my open follow-ups") or everyone's, due from/by a date — a page at a time by
 * keyset on the partial indexes of open follow-ups; CSV from GET /api/v1/follow-ups. Staff only.
 */
export default async function FollowUpsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!can(actor, 'note.read')) forbidden();
  const query = toQuery(await searchParams);
  const db = getDatabase();
  const today = todayIn();
  const { request, error } = readListRequest(FOLLOW_UPS_LIST, query, { defaultLimit: COMPACT_LIMIT });
  const [page, owners] = await Promise.all([
    keysetPage<FollowUpFilters, NoteRow, NoteView>(db.sql, FOLLOW_UPS_LIST, request, followUpsQuery(db.sql, request), noteItem(today)),
    followUpOwners(db),
  ]);
  const canWrite = can(actor, 'note.write');
  return (
    <div>
      <PageHeader title="Open follow-ups" subtitle={`Not done yet, soonest due first · today is ${today}`} />
      <ListFilters path="/notes/follow-ups" query={query} error={error} label="Filter follow-ups">
        <FilterSelect
          name="owner"
          label="Owner"
          query={query}
          anyLabel="Anyone"
          options={owners.map((o) => ({ value: o.id, label: o.name ? `${o.name} (${o.email})` : o.email }))}
        />
        <FilterInput name="dueFrom" label="Due from" query={query} type="date" />
        <FilterInput name="dueTo" label="Due by" query={query} type="date" />
      </ListFilters>
      <ListView<NoteView>
        caption="Open follow-ups"
        path="/notes/follow-ups"
        query={query}
        page={page}
        noun="follow-ups"
        rowKey={(n) => n.id}
        csvHref={withQuery('/api/v1/follow-ups', query, { format: 'csv' })}
        empty="No open follow-up matches."
        columns={[
          { header: 'Due', sort: 'due', value: (n) => n.followUp!.dueOn },
          {
            header: 'Standing',
            value: (n) => followUpWords(n.followUp!.standing, n.followUp!.dueOn, today),
            render: (n) => (
              <span className={n.followUp!.standing === 'overdue' ? 'font-medium text-red-800' : ''}>
                {followUpWords(n.followUp!.standing, n.followUp!.dueOn, today)}
              </span>
            ),
          },
          {
            header: 'On',
            value: (n) => subjectName(n),
            render: (n) => (
              <span className="flex flex-wrap items-center gap-2">
                <Link className="text-brand-700 underline" href={n.subjectUrl}>
                  {subjectName(n)}
                </Link>
                <PromiseBrokenFlag note={n} />
              </span>
            ),
          },
          { header: 'Owner', value: (n) => n.followUp!.owner.name || n.followUp!.owner.email },
          {
            header: 'Note',
            value: (n) => `${NOTE_KIND_LABELS[n.kind]}: ${n.text}`,
            render: (n) => (
              <span className="break-words whitespace-pre-wrap">
                <span className="text-slate-500">{NOTE_KIND_LABELS[n.kind]}:</span> {n.text}
              </span>
            ),
          },
          { header: '', value: () => '', render: (n) => (canWrite ? <DoneButton noteId={n.id} what={subjectName(n)} /> : null) },
        ]}
      />
    </div>
  );
}
