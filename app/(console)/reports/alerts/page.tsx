import type { Metadata } from 'next';
import Link from 'next/link';
import { KeptFilter } from '@/app/_components/list/kept-filter';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { ALERT_LEVELS, ALERT_SCOPES, ALERT_STATUSES, alertList } from '@/lib/concentration/list';
import { clientNameOf, debtorNameOf } from '@/lib/lists/names';
import { listPageOf } from '@/lib/lists/respond';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Concentration alerts' };
export const dynamic = 'force-dynamic';

const PATH = '/reports/alerts';
const LEVEL_LABELS: Record<string, string> = { near: 'near the limit', breach: 'over the limit' };
const SCOPE_LABELS: Record<string, string> = { client: "the client's limit", portfolio: 'the portfolio limit' };

/**
 * Issue 13: every concentration alert, open and resolved (the dashboard shows the open ones and
 * links here: /reports/alerts?status=open), newest raised first, sortable by share, filtered by
 * client and debtor, with the whole filtered set as CSV.
 */
export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSection('reports');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const [{ page, error }, clientName, debtorName] = await Promise.all([
    listPageOf(db.sql, alertList(db.sql), params),
    clientNameOf(db, query.clientId),
    debtorNameOf(db, query.debtorId),
  ]);
  return (
    <div>
      <PageHeader
        title="Concentration alerts"
        subtitle="A debtor's share of a client's (or the whole portfolio's) open receivables near or over its limit"
        actions={
          <Link href="/reports" className="text-sm text-brand-700 underline">
            ← Reports
          </Link>
        }
      />
      <ListFilters path={PATH} query={query} error={error} label="Filter concentration alerts">
        <FilterSelect name="status" label="Open or resolved" query={query} options={ALERT_STATUSES.map((s) => ({ value: s, label: s }))} />
        <FilterSelect name="level" label="Level" query={query} options={ALERT_LEVELS.map((l) => ({ value: l, label: LEVEL_LABELS[l]! }))} />
        <FilterSelect name="scope" label="Limit" query={query} options={ALERT_SCOPES.map((s) => ({ value: s, label: SCOPE_LABELS[s]! }))} />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
        <FilterInput name="clientName" label="Client name contains" query={query} />
        <FilterInput name="debtorName" label="Debtor name contains" query={query} />
        <KeptFilter name="clientId" label="Client" shown={clientName ?? `Client ${query.clientId}`} path={PATH} query={query} />
        <KeptFilter name="debtorId" label="Debtor" shown={debtorName ?? `Debtor ${query.debtorId}`} path={PATH} query={query} />
      </ListFilters>
      <ListView
        caption="Concentration alerts"
        path={PATH}
        query={query}
        page={page}
        noun="alerts"
        rowKey={(a) => a.id}
        csvHref={error ? undefined : withQuery('/api/v1/concentration-alerts', query, { format: 'csv' })}
        empty="No alert matches these filters."
        columns={[
          { header: 'Raised (UTC)', sort: 'raised', value: (a) => a.openedAt },
          { header: 'Status', value: (a) => (a.status === 'open' ? 'open' : `resolved ${a.resolvedAt ?? ''}`) },
          { header: 'Level', value: (a) => LEVEL_LABELS[a.level] ?? a.level },
          {
            header: 'Debtor',
            value: (a) => a.debtorName,
            render: (a) => (
              <Link className="underline" href={`/debtors/${a.debtorId}`}>
                {a.debtorName}
              </Link>
            ),
          },
          {
            header: 'Client',
            value: (a) => a.clientName ?? 'Whole portfolio',
            render: (a) =>
              a.clientId ? (
                <Link className="underline" href={`/clients/${a.clientId}`}>
                  {a.clientName}
                </Link>
              ) : (
                'Whole portfolio'
              ),
          },
          { header: 'Share', sort: 'share', value: (a) => a.sharePercent, align: 'right' },
          { header: 'Limit', value: (a) => a.limitPercent, align: 'right' },
          { header: 'Exposure', value: (a) => a.exposure, render: (a) => displayMoney(a.exposure, a.currency), align: 'right' },
          { header: 'Last seen (UTC)', value: (a) => a.lastSeenAt },
        ]}
      />
    </div>
  );
}
