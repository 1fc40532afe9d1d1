import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listPageOf } from '@/lib/lists/respond';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS } from '@/lib/webhooks/events';
import { deliveryList } from '@/lib/webhooks/list';
import { listWebhooks } from '@/lib/webhooks/subscriptions';
import { CreateWebhookForm, DisableWebhookButton, RedeliverButton } from './forms';

export const metadata: Metadata = { title: 'Webhooks' };
export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 8: Settings → Webhooks — the subscriptions (admins add and disable them; the
 * signing secret is shown once), and the delivery log: status, attempts, last response, with
 * Redeliver (after asking). Auditors read it.
 */
export default async function WebhookSettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('settings');
  const canEdit = can(actor, 'settings.edit');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const [webhooks, log] = await Promise.all([listWebhooks(db), listPageOf(db.sql, deliveryList(db.sql), params)]);
  return (
    <div>
      <PageHeader
        title="Webhooks"
        subtitle={canEdit ? 'Where Holdback posts its events, and how each delivery went' : 'Read only: an admin adds and changes webhooks'}
        actions={
          <Link href="/settings" className="text-sm text-brand-700 underline">
            Back to settings
          </Link>
        }
      />
      {canEdit ? (
        <section aria-labelledby="add-webhook-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="add-webhook-heading" className="font-semibold">
            Add a webhook
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Each event is posted as JSON, signed with the webhook&apos;s secret (the Holdback-Signature header; README &ldquo;Webhooks&rdquo; shows how to check
            it). A receiver that does not answer 2xx within 10 seconds is tried again, later and later, up to 8 times.
          </p>
          <div className="mt-3">
            <CreateWebhookForm />
          </div>
        </section>
      ) : null}
      <div className="mt-6">
        <DataTable
          caption="Webhooks"
          csvName="webhooks"
          rows={webhooks}
          rowKey={(w) => w.id}
          empty="No webhooks yet."
          columns={[
            { header: 'Webhook', value: (w) => w.id },
            { header: 'URL', value: (w) => w.url },
            { header: 'Events', value: (w) => w.events.join(', ') },
            { header: 'Status', value: (w) => w.status },
            { header: 'Added (UTC)', value: (w) => w.createdAt.replace('T', ' ').replace('Z', '') },
            {
              header: 'Deliveries',
              value: () => '',
              render: (w) => (
                <Link href={withQuery('/settings/webhooks', {}, { webhook: w.id })} className="text-brand-700 underline">
                  See deliveries
                </Link>
              ),
            },
            ...(canEdit
              ? [
                  {
                    header: 'Disable',
                    value: () => '',
                    render: (w: (typeof webhooks)[number]) => (w.status === 'active' ? <DisableWebhookButton webhookId={w.id} url={w.url} /> : null),
                  },
                ]
              : []),
          ]}
        />
      </div>
      <ListFilters path="/settings/webhooks" query={query} error={log.error} label="Filter the deliveries">
        <FilterSelect name="status" label="Delivery status" query={query} options={WEBHOOK_DELIVERY_STATUSES.map((s) => ({ value: s, label: s }))} />
        <FilterSelect name="event" label="Event" query={query} options={WEBHOOK_EVENTS.map((e) => ({ value: e, label: WEBHOOK_EVENT_LABELS[e] }))} />
        <FilterSelect name="webhook" label="Webhook" query={query} options={webhooks.map((w) => ({ value: w.id, label: `${w.id}: ${w.url}` }))} />
      </ListFilters>
      <ListView
        caption="Webhook deliveries"
        path="/settings/webhooks"
        query={query}
        page={log.page}
        noun="deliveries"
        rowKey={(d) => d.id}
        csvHref={log.error ? undefined : withQuery('/api/v1/webhook-deliveries', query, { format: 'csv' })}
        empty="No deliveries match these filters."
        columns={[
          { header: 'Queued (UTC)', sort: 'queued', value: (d) => d.createdAt },
          { header: 'Event', value: (d) => d.event },
          { header: 'Event id', value: (d) => d.eventId },
          { header: 'URL', value: (d) => d.url },
          { header: 'Status', value: (d) => d.status },
          { header: 'Attempts', value: (d) => String(d.attempts), align: 'right' },
          { header: 'Last response', value: (d) => (d.lastStatus === null ? '' : `HTTP ${d.lastStatus}`) },
          { header: 'Last error', value: (d) => d.lastError ?? '' },
          { header: 'Next attempt (UTC)', sort: 'next', value: (d) => (d.status === 'pending' ? d.nextAttemptAt : '') },
          { header: 'Delivered (UTC)', value: (d) => d.deliveredAt ?? '' },
          ...(canEdit
            ? [
                {
                  header: 'Redeliver',
                  value: () => '',
                  render: (d: (typeof log.page.items)[number]) =>
                    d.status === 'delivered' || d.status === 'failed' ? <RedeliverButton deliveryId={d.id} event={`${d.event} ${d.eventId}`} /> : null,
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}
