import type { Metadata } from 'next';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { auditActions, auditList } from '@/lib/audit/list';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listPageOf } from '@/lib/lists/respond';
import { VerifyButton } from './verify-button';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

const PATH = '/audit';

function summary(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** Long JSON, ids and addresses wrap inside a bounded cell instead of widening the page. */
/** A long value broken anywhere (a function, not a component: the list writes plain cells as one string). */
function wrap(text: string) {
  return <span className="block max-w-xs break-all">{text}</span>;
}

/**
 * The audit log a page at a time in the hash chain's order (issue 13, lib/audit/list.ts), filtered
 * by action (one, or a family such as "invoice."), who, target and day, with the whole filtered
 * log as CSV.
 */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('audit');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const [{ page, error }, actions] = await Promise.all([listPageOf(db.sql, auditList(db.sql), params), auditActions(db)]);
  const families = [...new Set(actions.map((a) => `${a.split('.')[0]}.`))];
  return (
    <div>
      <PageHeader
        title="Audit log"
        subtitle="Every command, hash-chained: each event carries the hash of the one before"
        actions={can(actor, 'audit.verify') ? <VerifyButton /> : undefined}
      />
      <ListFilters path={PATH} query={query} error={error} label="Filter the audit log">
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Action</span>
          <input
            name="action"
            list="audit-actions"
            defaultValue={query.action ?? ''}
            placeholder="invoice.create, or invoice. for all"
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <datalist id="audit-actions">
            {[...families, ...actions].map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <FilterInput name="actor" label="Who (email, or job:name)" query={query} />
        <FilterInput name="targetType" label="Target type" query={query} placeholder="invoice" />
        <FilterInput name="targetId" label="Target id" query={query} />
        <FilterInput name="from" label="From (UTC day)" query={query} type="date" />
        <FilterInput name="to" label="To (UTC day)" query={query} type="date" />
      </ListFilters>
      <ListView
        caption={`Audit events, ${page.order === 'asc' ? 'oldest' : 'newest'} first`}
        path={PATH}
        query={query}
        page={page}
        noun="events"
        rowKey={(e) => e.id}
        csvHref={error ? undefined : withQuery('/api/v1/audit-events', query, { format: 'csv' })}
        empty="No event matches these filters."
        columns={[
          { header: '#', value: (e) => e.id, align: 'right' },
          { header: 'When (UTC)', sort: 'time', value: (e) => e.occurredAt.replace('T', ' ').slice(0, 19) },
          { header: 'Who', value: (e) => e.actor },
          { header: 'Role', value: (e) => e.role },
          { header: 'Action', value: (e) => e.action },
          { header: 'Target', value: (e) => `${e.targetType} ${e.targetId ?? ''}`, render: (e) => wrap(`${e.targetType} ${e.targetId ?? ''}`) },
          { header: 'Before', value: (e) => summary(e.before), render: (e) => wrap(summary(e.before)) },
          { header: 'After', value: (e) => summary(e.after), render: (e) => wrap(summary(e.after)) },
          { header: 'From', value: (e) => `${e.source}${e.ip ? ` ${e.ip}` : ''}`, render: (e) => wrap(`${e.source}${e.ip ? ` ${e.ip}` : ''}`) },
          { header: 'Hash', value: (e) => e.hash.slice(0, 12), render: (e) => <span className="font-mono">{e.hash.slice(0, 12)}</span> },
        ]}
      />
    </div>
  );
}
