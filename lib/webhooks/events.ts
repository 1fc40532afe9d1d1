/**
 * Issue 16 item 8: the events a webhook may subscribe to, with their words (pure: the Settings
 * form imports it). README "Webhooks" lists what each event's `data` holds.
 */
export const WEBHOOK_EVENTS = [
  'invoice.funded',
  'payment.applied',
  'release.approved',
  'payout.sent',
  'payout.returned',
  'statement.ready',
  'alert.raised',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  'invoice.funded': 'invoices funded (a funding batch posted)',
  'payment.applied': 'payment applied to invoices',
  'release.approved': 'reserve release approved',
  'payout.sent': 'payout batch sent to the bank',
  'payout.returned': 'payout returned by the bank',
  'statement.ready': 'client statement ready',
  'alert.raised': 'concentration alert raised',
};

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event as it is delivered: the body's shape (money as decimal strings, ids as strings). */
export interface WebhookEventBody<D = Record<string, unknown>> {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: D;
}

/**
 * The event's id: the event type and the key of what caused it (`invoice.funded:batch-12`), so
 * the same event is the same id however often a command or a delivery is repeated.
 */
export function webhookEventId(type: WebhookEventType, key: string): string {
  return `${type}:${key}`;
}
