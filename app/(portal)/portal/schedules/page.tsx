import type { Metadata } from 'next';
import Link from 'next/link';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { FUNDING_STATUSES, FUNDING_STATUS_LABELS, fundingList } from '@/lib/funding/list';
import { listPageOf } from '@/lib/lists/respond';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Your schedules' };
export const dynamic = 'force-dynamic';

const PATH = '/portal/schedules';

/**
 * Issue 15 item 2: the client's schedules (funding batches), the funding list of the console
 * (lib/funding/list.ts) scoped to the client user's own client by the list itself — a `clientId`
 * in the URL is never trusted (another client's id lists nothing).
 */
export default async function PortalSchedulesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('portal');
  const params = await searchParams;
  const query = toQuery(params);
  delete query.clientId;
  delete query.clientName;
  const db = getDatabase();
  const { page, error } = await listPageOf(db.sql, fundingList(db.sql, actor), query);
  return (
    <div>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href="/portal">
          ← Your reserves
        </Link>
      </p>
      <PageHeader title="Your schedules" subtitle="Each funding of your invoices: open one to upload its signed schedule and proofs of delivery" />
      <ListFilters path={PATH} query={query} error={error} label="Filter schedules">
        <FilterSelect name="status" label="Status" query={query} options={FUNDING_STATUSES.map((s) => ({ value: s, label: FUNDING_STATUS_LABELS[s] }))} />
        <FilterInput name="from" label="Funded from" query={query} type="date" />
        <FilterInput name="to" label="Funded to" query={query} type="date" />
      </ListFilters>
      <ListView
        caption="Schedules"
        path={PATH}
        query={query}
        page={page}
        noun="schedules"
        rowKey={(b) => b.id}
        csvHref={error ? undefined : withQuery('/api/v1/fundings', query, { format: 'csv' })}
        empty="No schedule matches these filters."
        columns={[
          {
            header: 'Schedule',
            value: (b) => b.id,
            render: (b) => <Link className="text-brand-700 underline" href={`/portal/schedules/${b.id}`}>{`Schedule ${b.id}`}</Link>,
          },
          { header: 'Funding date', sort: 'date', value: (b) => b.fundingDate },
          { header: 'Status', sort: 'status', value: (b) => FUNDING_STATUS_LABELS[b.status as keyof typeof FUNDING_STATUS_LABELS] ?? b.status },
          { header: 'Invoices', value: (b) => String(b.invoices), align: 'right' },
          { header: 'Face value', sort: 'total', value: (b) => b.totalFace, render: (b) => displayMoney(b.totalFace, b.currency), align: 'right' },
          { header: 'Advance', value: (b) => b.totalAdvance, render: (b) => displayMoney(b.totalAdvance, b.currency), align: 'right' },
        ]}
      />
    </div>
  );
}
