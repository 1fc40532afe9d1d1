import type { Metadata } from 'next';
import Link from 'next/link';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { listPageOf } from '@/lib/lists/respond';
import { CYCLE_KINDS, CYCLE_STATUSES, cycleList } from '@/lib/releases/list';

export const metadata: Metadata = { title: 'Release cycles' };
export const dynamic = 'force-dynamic';

const PATH = '/releases/cycles';

/** Issue 13: every release cycle, newest first, a page at a time, filtered in the URL, exported as CSV. */
export default async function CyclesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSection('releases');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const { page, error } = await listPageOf(db.sql, cycleList(db.sql), params);
  return (
    <div>
      <PageHeader
        title="Release cycles"
        subtitle={
          <Link href="/releases" className="text-brand-700 underline">
            ← Releases
          </Link>
        }
      />
      <ListFilters path={PATH} query={query} error={error} label="Filter release cycles">
        <FilterSelect name="status" label="Status" query={query} options={CYCLE_STATUSES.map((s) => ({ value: s, label: s }))} />
        <FilterSelect name="kind" label="Kind" query={query} options={CYCLE_KINDS.map((k) => ({ value: k, label: k.replace('_', ' ') }))} />
        <FilterInput name="from" label="Cycle date from" query={query} type="date" />
        <FilterInput name="to" label="Cycle date to" query={query} type="date" />
      </ListFilters>
      <ListView
        caption="Release cycles"
        path={PATH}
        query={query}
        page={page}
        noun="cycles"
        rowKey={(c) => c.id}
        csvHref={error ? undefined : withQuery('/api/v1/release-cycles', query, { format: 'csv' })}
        empty="No release cycle matches these filters."
        columns={[
          {
            header: 'Cycle',
            value: (c) => c.id,
            render: (c) => <a className="text-brand-700 underline" href={`/releases/cycles/${c.id}`}>{`Cycle ${c.id}`}</a>,
          },
          { header: 'As of', sort: 'date', value: (c) => c.asOf },
          { header: 'Kind', value: (c) => c.kind.replace('_', ' ') },
          { header: 'Status', value: (c) => c.status },
          { header: 'Clients done', value: (c) => `${c.clientsDone} of ${c.clientsDue}`, align: 'right' },
          { header: 'Proposed', value: (c) => String(c.totals.proposed ?? 0), align: 'right' },
          { header: 'Approved', value: (c) => String(c.totals.approved ?? c.totals.paid ?? 0), align: 'right' },
          { header: 'Waiting', value: (c) => String(c.totals.pending ?? 0), align: 'right' },
          { header: 'Run by', value: (c) => c.createdBy },
          { header: 'Started', sort: 'started', value: (c) => c.createdAt },
          {
            header: 'Releases',
            value: () => '',
            render: (c) => (
              <Link className="text-brand-700 underline" href={`/releases?cycleId=${c.id}`}>
                In the list
              </Link>
            ),
          },
        ]}
      />
    </div>
  );
}
