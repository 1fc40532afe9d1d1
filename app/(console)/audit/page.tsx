import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { listAuditEvents } from '@/lib/audit';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { VerifyButton } from './verify-button';

export const metadata: Metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

const PAGE = 100;

function summary(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** Long JSON, ids and addresses wrap inside a bounded cell instead of widening the page. */
function Wrap({ children }: { children: string }) {
  return <span className="block max-w-xs break-all">{children}</span>;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ action?: string; before?: string }> }) {
  const actor = await requireSection('audit');
  const { action, before } = await searchParams;
  const beforeId = before && /^\d{1,15}$/.test(before) ? Number(before) : null;
  const events = await listAuditEvents(getDatabase(), { action: action?.slice(0, 60), before: beforeId, limit: PAGE });
  const last = events[events.length - 1];
  const query = (extra: Record<string, string>) => `/audit?${new URLSearchParams({ ...(action ? { action } : {}), ...extra }).toString()}`;
  return (
    <div>
      <PageHeader
        title="Audit log"
        subtitle="Every command, hash-chained: each event carries the hash of the one before"
        actions={can(actor, 'audit.verify') ? <VerifyButton /> : undefined}
      />
      <form className="mt-4 flex flex-wrap items-end gap-2" action="/audit">
        <div>
          <label htmlFor="action-filter" className="text-sm font-medium">
            Action starts with
          </label>
          <input
            id="action-filter"
            name="action"
            defaultValue={action ?? ''}
            placeholder="e.g. invoice."
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </div>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm">
          Filter
        </button>
      </form>
      <DataTable
        caption="Audit events, newest first"
        csvName="audit-events.csv"
        rowKey={(e) => e.id}
        rows={events}
        columns={[
          { header: '#', value: (e) => e.id, align: 'right' },
          { header: 'When (UTC)', value: (e) => e.occurredAt },
          { header: 'Who', value: (e) => e.actor },
          { header: 'Role', value: (e) => e.role },
          { header: 'Action', value: (e) => e.action },
          { header: 'Target', value: (e) => `${e.targetType} ${e.targetId ?? ''}`, render: (e) => <Wrap>{`${e.targetType} ${e.targetId ?? ''}`}</Wrap> },
          { header: 'Before', value: (e) => summary(e.before), render: (e) => <Wrap>{summary(e.before)}</Wrap> },
          { header: 'After', value: (e) => summary(e.after), render: (e) => <Wrap>{summary(e.after)}</Wrap> },
          { header: 'From', value: (e) => `${e.source}${e.ip ? ` ${e.ip}` : ''}`, render: (e) => <Wrap>{`${e.source}${e.ip ? ` ${e.ip}` : ''}`}</Wrap> },
          { header: 'Hash', value: (e) => e.hash.slice(0, 12), render: (e) => <span className="font-mono">{e.hash.slice(0, 12)}</span> },
        ]}
      />
      {events.length === PAGE && last ? (
        <Link className="mt-4 inline-block text-brand-700 underline" href={query({ before: last.id })}>
          Older events
        </Link>
      ) : null}
    </div>
  );
}
