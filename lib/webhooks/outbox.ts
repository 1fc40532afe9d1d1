import type { Tx } from '../../db/client';
import { webhookEventId, type WebhookEventBody, type WebhookEventType } from './events';

/**
 * Issue 16 item 8, the transactional outbox of webhooks: a command calls `emitWebhookEvents` in
 * its own transaction, and one delivery row per active subscription × event is written with it —
 * so an event is delivered if and only if its command commits. The `webhooks` job sends them
 * (./deliver.ts). One statement however many events; nothing is written when nobody subscribes.
 */

export interface WebhookEventInput {
  type: WebhookEventType;
  /** what caused it, unique for the type (`batch-12`): the event id is `type:key` */
  key: string;
  /** the event's facts: money as decimal strings, ids as strings */
  data: Record<string, unknown>;
}

/** The exact body delivered for an event (the same bytes on every attempt). */
export function webhookBody(event: WebhookEventInput, createdAt: Date = new Date()): string {
  const body: WebhookEventBody = { id: webhookEventId(event.type, event.key), type: event.type, createdAt: createdAt.toISOString(), data: event.data };
  return JSON.stringify(body);
}

/** Queues the events for every active subscription that wants them; an event queued before (same id) is not queued again. Answers how many deliveries were queued. */
export async function emitWebhookEvents(tx: Tx, events: WebhookEventInput[]): Promise<number> {
  if (events.length === 0) return 0;
  const types = [...new Set(events.map((e) => e.type))];
  // Most installations subscribe to little or nothing: a look at the small subscriptions table first, no bodies built for nobody.
  const [wanted] = await tx.sql<{ any: boolean }[]>`
    select exists (select 1 from webhook_subscriptions where status = 'active' and events && ${types}::text[]) as any`;
  if (!wanted?.any) return 0;
  const now = new Date();
  const rows = await tx.sql<{ id: string }[]>`
    insert into webhook_deliveries (subscription_id, event_id, event_type, body)
    select s.id, e.event_id, e.event_type, e.body
      from unnest(${events.map((e) => webhookEventId(e.type, e.key))}::text[], ${events.map((e) => e.type)}::text[],
                  ${events.map((e) => webhookBody(e, now))}::text[]) as e(event_id, event_type, body)
      join webhook_subscriptions s on s.status = 'active' and e.event_type = any(s.events)
     order by s.id, e.event_id
    on conflict (subscription_id, event_id) do nothing
    returning id`;
  return rows.length;
}
