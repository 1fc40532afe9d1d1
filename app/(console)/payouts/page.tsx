import type { Metadata } from 'next';
import { DataTable } from '@/app/_components/data-table';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { listPageOf } from '@/lib/lists/respond';
import { displayMoney } from '@/lib/money';
import { BATCH_STATUSES } from '@/lib/payouts';
import { batchList } from '@/lib/payouts/list';
import { BATCH_STATUS_LABELS } from '@/lib/payouts/labels';
import { waitingForBatch } from '@/lib/payouts/waiting';
import { CreateBatchForm } from './forms';

export const metadata: Metadata = { title: 'Payouts' };
export const dynamic = 'force-dynamic';

const PATH = '/payouts';

/**
 * Issue 14: payout batches (SPEC 5.3) — what approved releases wait for a batch, a batch created
 * per currency and value date, and every batch with its status, file and dates.
 */
export default async function PayoutsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('releases');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const [waiting, { page, error }, cash] = await Promise.all([
    waitingForBatch(db.sql),
    listPageOf(db.sql, batchList(db.sql), params),
    // the currencies the factor keeps cash in (a row per currency): a batch may be created in any, what waits first
    db.sql<{ currency: string }[]>`select distinct currency from ledger_accounts where code = 'cash' and client_id is null order by currency`,
  ]);
  const canBatch = can(actor, 'payout.batch');
  const currencies = [...new Set([...waiting.filter((w) => w.releases > 0).map((w) => w.currency), ...cash.map((c) => c.currency.trim())])];
  return (
    <div>
      <PageHeader
        title="Payouts"
        subtitle="Approved rebates are paid in batches: generate the batch's bank file, send it, mark it sent, and settle it when the bank statement confirms"
      />
      <DataTable
        caption="Approved releases waiting for a payout batch"
        csvName="payouts-waiting.csv"
        rowKey={(w) => w.currency}
        rows={waiting}
        empty="No approved release is waiting to be paid."
        columns={[
          { header: 'Currency', value: (w) => w.currency },
          { header: 'Releases', value: (w) => String(w.releases), align: 'right' },
          { header: 'Total', value: (w) => `${w.total} ${w.currency}`, render: (w) => displayMoney(w.total, w.currency), align: 'right' },
          {
            header: 'Held: payout account flagged or changing',
            value: (w) => String(w.flagged),
            render: (w) => (w.flagged > 0 ? `${w.flagged} (the payout account was returned or a change waits for approval)` : '0'),
            align: 'right',
          },
        ]}
      />
      {canBatch ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 font-semibold">Create a payout batch</h2>
          <p className="mb-3 text-sm text-slate-600">
            The batch takes every approved release of the currency, approved as of the value date or before, not yet in a batch. Creating it again for the same
            date adds what was approved since.
          </p>
          <CreateBatchForm currencies={currencies.length > 0 ? currencies : ['USD']} today={todayIn()} />
        </section>
      ) : null}
      <ListFilters path={PATH} query={query} error={error} label="Filter payout batches">
        <FilterSelect name="status" label="Status" query={query} options={BATCH_STATUSES.map((s) => ({ value: s, label: BATCH_STATUS_LABELS[s] }))} />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
        <FilterInput name="from" label="Value date from" query={query} type="date" />
        <FilterInput name="to" label="Value date to" query={query} type="date" />
      </ListFilters>
      <ListView
        caption="Payout batches"
        path={PATH}
        query={query}
        page={page}
        noun="payout batches"
        rowKey={(b) => b.id}
        csvHref={error ? undefined : withQuery('/api/v1/payout-batches', query, { format: 'csv' })}
        empty="No payout batch matches these filters."
        columns={[
          {
            header: 'Batch',
            sort: 'created',
            value: (b) => b.id,
            render: (b) => <a className="text-brand-700 underline" href={`/payouts/${b.id}`}>{`Batch ${b.id}`}</a>,
          },
          { header: 'Value date', sort: 'valueDate', value: (b) => b.valueDate },
          { header: 'Status', value: (b) => BATCH_STATUS_LABELS[b.status] },
          { header: 'Releases', value: (b) => String(b.releaseCount), align: 'right' },
          { header: 'Total', value: (b) => `${b.total} ${b.currency}`, render: (b) => displayMoney(b.total, b.currency), align: 'right' },
          { header: 'File', value: (b) => b.fileName ?? '' },
          { header: 'Sent', value: (b) => b.sentDate ?? '' },
          { header: 'Settled', value: (b) => b.settledDate ?? '' },
        ]}
      />
    </div>
  );
}
