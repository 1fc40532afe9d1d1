import type { RawSql } from '../../db/client';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { choice, id, optional } from '../validation/fields';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENTS } from './events';

/**
 * Issue 16 item 8: the webhook delivery log as a list (`GET /api/v1/webhook-deliveries`,
 * Settings → Webhooks): newest first by id, or by next attempt; filters status, event and
 * webhook. Indexes (0034_webhooks): the id, (status, id), (status, next_attempt_at, id),
 * (event_type, id), (subscription_id, id). The body stays out of the list.
 */

const deliveryFilters = filterSchema({
  status: optional(choice('Status', WEBHOOK_DELIVERY_STATUSES)),
  event: optional(choice('Event', WEBHOOK_EVENTS)),
  webhook: optional(id('Webhook')),
});

export type DeliveryFilters = ReturnType<typeof deliveryFilters.parse>;

export const deliveryListDefinition: ListDefinition<DeliveryFilters> = {
  name: 'webhook-deliveries',
  sorts: {
    queued: { expr: 'd.id', type: 'bigint', label: 'Queued' },
    next: { expr: 'd.next_attempt_at', type: 'timestamptz', label: 'Next attempt' },
  },
  defaultSort: 'queued',
  defaultOrder: 'desc',
  idExpr: 'd.id',
  filters: deliveryFilters,
};

export interface DeliveryListItem {
  id: string;
  webhookId: string;
  url: string;
  eventId: string;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  deliveredAt: string | null;
}

type Row = {
  id: string;
  subscription_id: string;
  url: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  next_attempt_at: string;
  delivered_at: string | null;
};

const second = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;

/** The delivery log (whoever may open Settings). */
export function deliveryList(sql: RawSql): ListSpec<DeliveryFilters, Row, DeliveryListItem> {
  return {
    def: deliveryListDefinition,
    query: ({ filters: f }) => ({
      select: sql`d.id::text as id, d.subscription_id::text as subscription_id, s.url, d.event_id, d.event_type, d.status, d.attempts,
                  d.last_status, d.last_error, ${sql.unsafe(second('d.created_at'))} as created_at,
                  ${sql.unsafe(second('d.next_attempt_at'))} as next_attempt_at, ${sql.unsafe(second('d.delivered_at'))} as delivered_at`,
      from: sql`webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id`,
      where: [
        f.status ? sql`d.status = ${f.status}` : null,
        f.event ? sql`d.event_type = ${f.event}` : null,
        f.webhook ? sql`d.subscription_id = ${f.webhook}` : null,
      ],
    }),
    map: (r) => ({
      id: r.id,
      webhookId: r.subscription_id,
      url: r.url,
      eventId: r.event_id,
      event: r.event_type,
      status: r.status,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastError: r.last_error,
      createdAt: r.created_at,
      nextAttemptAt: r.next_attempt_at,
      deliveredAt: r.delivered_at,
    }),
    csv: [
      { header: 'Delivery', value: (m) => m.id },
      { header: 'Queued (UTC)', value: (m) => m.createdAt },
      { header: 'Webhook', value: (m) => m.webhookId },
      { header: 'URL', value: (m) => m.url },
      { header: 'Event', value: (m) => m.event },
      { header: 'Event id', value: (m) => m.eventId },
      { header: 'Status', value: (m) => m.status },
      { header: 'Attempts', value: (m) => m.attempts },
      { header: 'Last response', value: (m) => (m.lastStatus === null ? '' : String(m.lastStatus)) },
      { header: 'Last error', value: (m) => m.lastError ?? '' },
      { header: 'Next attempt (UTC)', value: (m) => m.nextAttemptAt },
      { header: 'Delivered (UTC)', value: (m) => m.deliveredAt ?? '' },
    ],
    file: 'webhook-deliveries',
  };
}
