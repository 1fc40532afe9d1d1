'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm } from '@/app/_components/confirm';
import { afterWebhookEvents } from '@/jobs/after-commit';
import { formAction } from '@/lib/http/form-action';
import { id, list, choice, optional, text } from '@/lib/validation/fields';
import { redeliverWebhook } from '@/lib/webhooks/deliver';
import { WEBHOOK_EVENTS } from '@/lib/webhooks/events';
import { createWebhook, disableWebhook, webhookUrl } from '@/lib/webhooks/subscriptions';

const PAGE = '/settings/webhooks';

/** Issue 16 item 8: adds a webhook (admins); its signing secret is shown once. */
export const createWebhookAction = formAction(
  'settings.edit',
  z.object({ url: webhookUrl, events: list('Events', choice('Event', WEBHOOK_EVENTS), { min: 1 }) }),
  async ({ tx, input, actor }) => {
    const made = await createWebhook(tx, { url: input.url, events: input.events }, actor);
    revalidatePath(PAGE);
    return { message: `Webhook ${made.id} added for ${made.url}. Copy its signing secret now: it is not shown again.`, secret: made.secret };
  },
);

/** Disables a webhook after asking (its undelivered events are given up). */
export const disableWebhookAction = formAction(
  'settings.edit',
  z.object({ webhookId: id('Webhook'), url: optional(text('URL', { max: 2000 })), confirmed: optional(text('Confirmation', { max: 200 })) }),
  async ({ tx, input, actor }) => {
    if (input.confirmed !== String(input.webhookId)) {
      return askToConfirm(
        `Disable webhook ${input.webhookId}${input.url ? ` (${input.url})` : ''}? Nothing more is sent to it, and its deliveries not yet made are given up.`,
        String(input.webhookId),
        'Disable',
      );
    }
    await disableWebhook(tx, input.webhookId, actor);
    revalidatePath(PAGE);
    return { message: `Webhook ${input.webhookId} disabled.` };
  },
);

/** Redeliver: the delivery queued again (same event id and body) after asking. */
export const redeliverWebhookAction = formAction(
  'settings.edit',
  z.object({ deliveryId: id('Delivery'), event: optional(text('Event', { max: 300 })), confirmed: optional(text('Confirmation', { max: 200 })) }),
  async ({ tx, input, actor, after }) => {
    if (input.confirmed !== String(input.deliveryId)) {
      return askToConfirm(
        `Send delivery ${input.deliveryId}${input.event ? ` (${input.event})` : ''} again? The receiver gets the same event id, so it can tell it had it.`,
        String(input.deliveryId),
        'Redeliver',
      );
    }
    await redeliverWebhook(tx, input.deliveryId, actor);
    after('the webhook outbox', afterWebhookEvents);
    revalidatePath(PAGE);
    return { message: `Delivery ${input.deliveryId} queued again.` };
  },
);
