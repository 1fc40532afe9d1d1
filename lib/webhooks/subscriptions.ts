import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Database, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { conflict, invalidInput, notFound } from '../errors';
import { parseInput } from '../validation';
import { array, choice, described } from '../validation/fields';
import { allowPrivateWebhooks, webhookUrlRefusal } from './address-guard';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS, type WebhookEventType } from './events';
import { openWebhookSecret, sealWebhookSecret } from './secret-box';
import { checkWebhookTarget, type Resolver } from './send';

/**
 * Issue 16 item 8: webhook subscriptions. An admin adds one (a URL and the events it wants) and
 * is shown its signing secret once; it can be disabled (deliveries not yet made are then given
 * up), never deleted, so the delivery log keeps what was sent where.
 */

const URL_LABEL = 'URL';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** An https URL (http only with WEBHOOKS_ALLOW_PRIVATE=true) without credentials, not an address inside, at most 2,000 characters. */
export const webhookUrl = described(
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: (issue) => (issue.input === undefined || issue.input === null ? `${URL_LABEL} is required` : `${URL_LABEL} must be text`) })
      .min(1, { error: `${URL_LABEL} is required` })
      .max(2000, { error: `${URL_LABEL} must be at most 2000 characters` })
      .superRefine((value, ctx) => {
        if (/[\s\u0000-\u001f\u007f]/.test(value) || LONE_SURROGATE.test(value)) {
          ctx.addIssue({ code: 'custom', message: `${URL_LABEL} must not contain spaces, control characters or broken unicode` });
          return;
        }
        // https, no credentials, not a refused address (./address-guard.ts); a name is resolved and checked when saved
        const why = webhookUrlRefusal(value, { allowPrivate: allowPrivateWebhooks() });
        if (why !== null) ctx.addIssue({ code: 'custom', message: why });
      }),
  ),
  { kind: 'text', label: URL_LABEL, max: 2000 },
);

export const webhookInputSchema = z.object({
  url: webhookUrl,
  events: array('Events', choice('Event', WEBHOOK_EVENTS), { min: 1, max: WEBHOOK_EVENTS.length * 2 }),
});
export type WebhookInput = z.input<typeof webhookInputSchema>;

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  status: 'active' | 'disabled';
  createdAt: string;
  disabledAt: string | null;
}

/** A new secret: 32 random bytes, `whsec_` and hex. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/** Adds a subscription; answers its id and secret (the only time the secret is shown). Admins (`settings.edit`), audited (without the secret). */
export async function createWebhook(
  tx: Tx,
  input: unknown,
  actor: Actor,
  options: { resolve?: Resolver } = {},
): Promise<{ id: string; secret: string; url: string; events: WebhookEventType[] }> {
  requirePermission(actor, 'settings.edit');
  const data = parseInput(webhookInputSchema, input);
  const events = WEBHOOK_EVENTS.filter((e) => data.events.includes(e));
  // the name resolved now, every address checked (the delivery checks again, on the address it connects to)
  const refusal = await checkWebhookTarget(data.url, { allowPrivate: allowPrivateWebhooks(), resolve: options.resolve });
  if (refusal !== null) throw invalidInput(refusal, { url: refusal });
  const secret = newWebhookSecret();
  // stored encrypted (./secret-box.ts); shown this once
  const [row] = await tx.sql<{ id: string }[]>`
    insert into webhook_subscriptions (url, events, secret_sealed, created_by)
    values (${data.url}, ${events}::text[], ${sealWebhookSecret(secret)}, ${actor.userId}::bigint)
    returning id::text as id`;
  await recordAudit(tx, actor, { action: 'webhook.create', targetType: 'webhook', targetId: row!.id, after: { url: data.url, events } });
  return { id: row!.id, secret, url: data.url, events };
}

/** Disables a subscription: nothing more is queued for it, and its deliveries not yet made are given up. Admins, audited. */
export async function disableWebhook(tx: Tx, id: number, actor: Actor): Promise<WebhookView> {
  requirePermission(actor, 'settings.edit');
  const [row] = await tx.sql<{ status: string; url: string }[]>`select status, url from webhook_subscriptions where id = ${id} for update`;
  if (!row) throw notFound('Webhook', id);
  if (row.status === 'disabled') throw conflict('already_disabled', `Webhook ${id} is disabled already`);
  await tx.sql`update webhook_subscriptions set status = 'disabled', disabled_at = now(), disabled_by = ${actor.userId}::bigint where id = ${id}`;
  const given = await tx.sql`
    update webhook_deliveries set status = 'failed', locked_until = null, last_error = 'The webhook was disabled before this was delivered'
     where subscription_id = ${id} and status in ('pending', 'sending') returning id`;
  await recordAudit(tx, actor, {
    action: 'webhook.disable',
    targetType: 'webhook',
    targetId: id,
    before: { status: 'active', url: row.url },
    after: { status: 'disabled', undelivered: given.length },
  });
  return (await listWebhooks(tx, { id }))[0]!;
}

type Row = { id: string; url: string; events: string[]; status: 'active' | 'disabled'; created_at: string; disabled_at: string | null };

/** The subscriptions, newest first (never their secrets; a few hundred at most: admins add them by hand). Their deliveries: ./list.ts. */
export async function listWebhooks(db: Database | Tx, filter: { id?: number } = {}): Promise<WebhookView[]> {
  const rows = await db.sql<Row[]>`
    select s.id::text as id, s.url, s.events, s.status, to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at,
           to_char(s.disabled_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as disabled_at
      from webhook_subscriptions s
     where ${filter.id === undefined ? db.sql`true` : db.sql`s.id = ${filter.id}`}
     order by s.id desc limit 200`;
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    events: r.events as WebhookEventType[],
    status: r.status,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
  }));
}

export { WEBHOOK_EVENT_LABELS };

/**
 * Seals the secrets stored plain before migration 0040 (marked `plain:` by it): SQL could not
 * encrypt them without the key. The webhooks job calls it first; one statement, a no-op once done.
 */
export async function sealLegacyWebhookSecrets(db: Database | Tx): Promise<number> {
  const legacy = await db.sql<{ id: string; secret_sealed: string }[]>`
    select id::text as id, secret_sealed from webhook_subscriptions where secret_sealed like 'plain:%' order by id limit 500`;
  if (legacy.length === 0) return 0;
  const sealed = legacy.map((r) => sealWebhookSecret(openWebhookSecret(r.secret_sealed)));
  const done = await db.sql`
    update webhook_subscriptions s set secret_sealed = v.sealed
      from unnest(${legacy.map((r) => r.id)}::bigint[], ${legacy.map((r) => r.secret_sealed)}::text[], ${sealed}::text[]) as v(id, old, sealed)
     where s.id = v.id and s.secret_sealed = v.old
    returning s.id`;
  return done.length;
}
