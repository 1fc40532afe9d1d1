import type { Database, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { systemActor, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { conflict, notFound } from '../errors';
import { allowPrivateWebhooks } from './address-guard';
import { openWebhookSecret } from './secret-box';
import { WebhookTargetRefused, sendWebhook, type Resolver } from './send';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from './signing';

/**
 * Issue 16 item 8: sends the webhook deliveries that are due. At least once, never twice at the
 * same time: rows are claimed with a lease (status `sending`, `locked_until`) in their own
 * committed statement (FOR UPDATE SKIP LOCKED), so two workers never post the same row, and a
 * worker that dies mid-send leaves rows claimed again when the lease runs out. Every attempt
 * carries the same body and event id, signed afresh. A 2xx answer is delivered; anything else
 * (another status, a timeout, a refused connection) is retried with exponential backoff, and
 * given up (`failed`) after WEBHOOK_MAX_ATTEMPTS attempts. A receiver the SSRF guard refuses
 * (./address-guard.ts, checked on the address connected to: ./send.ts) or a secret that cannot be
 * decrypted (./secret-box.ts) is given up at once, the reason logged. An admin may redeliver it.
 */

export const WEBHOOK_MAX_ATTEMPTS = 8;
/** How long one POST may take before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** The lease on a claimed row: far longer than a POST may take. */
const LEASE = '2 minutes';

/** Retry after 30 s, 1, 2, 4, 8, 16, 32 minutes (attempts 1…7), at most 6 hours. */
export function webhookBackoffSeconds(attempts: number): number {
  return Math.min(6 * 3600, 30 * 2 ** Math.max(0, attempts - 1));
}

export interface DeliverOptions {
  /** how receivers' names are resolved (tests pass their own, e.g. one that rebinds); default the system's */
  resolve?: Resolver;
  timeoutMs?: number;
  batch?: number;
  /** now, in ms (the signature's timestamp) */
  now?: () => number;
}

export interface DeliverReport {
  delivered: number;
  retrying: number;
  failed: number;
}

type Claimed = {
  id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number;
  url: string;
  secret_sealed: string;
  subscription_status: string;
};

type Outcome = {
  id: string;
  status: 'delivered' | 'pending' | 'failed';
  code: number | null;
  error: string | null;
  backoff: number;
  eventId: string;
  url: string;
};

function envTimeout(): number {
  const v = process.env.WEBHOOK_TIMEOUT_MS;
  return v && /^\d{1,6}$/.test(v) ? Math.max(100, Number(v)) : WEBHOOK_TIMEOUT_MS;
}

/** One attempt: the status code, or the reason there was none; `refused` when it must not be tried again (the SSRF guard, an unreadable secret). */
async function post(
  row: Claimed,
  options: { resolve?: Resolver; timeoutMs: number; now: () => number },
): Promise<{ code: number | null; error: string | null; refused?: boolean }> {
  const timestamp = Math.floor(options.now() / 1000);
  let secret: string;
  try {
    secret = openWebhookSecret(row.secret_sealed);
  } catch (error) {
    return { code: null, error: `Not sent: ${(error as Error).message}`, refused: true };
  }
  try {
    const code = await sendWebhook(
      row.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Holdback-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(secret, row.body, timestamp),
        [EVENT_ID_HEADER]: row.event_id,
        [EVENT_TYPE_HEADER]: row.event_type,
      },
      row.body,
      { allowPrivate: allowPrivateWebhooks(), timeoutMs: options.timeoutMs, resolve: options.resolve },
    );
    if (code >= 200 && code < 300) return { code, error: null };
    return { code, error: `The receiver answered HTTP ${code}${code >= 300 && code < 400 ? ' (redirects are not followed)' : ''}` };
  } catch (error) {
    if (error instanceof WebhookTargetRefused) return { code: null, error: `Refused by the address guard: ${error.message}`.slice(0, 1000), refused: true };
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { code: null, error: `No answer within ${options.timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const own = (error as { code?: string }).code;
    const why = cause?.code ?? cause?.message ?? own ?? (error instanceof Error ? error.message : String(error));
    return { code: null, error: `Could not reach the receiver (${why})`.slice(0, 1000) };
  }
}

/** Sends one batch of what is due; the job calls it until nothing is left. */
export async function deliverDueWebhooks(database: Database, options: DeliverOptions = {}): Promise<DeliverReport> {
  const opts = { resolve: options.resolve, timeoutMs: options.timeoutMs ?? envTimeout(), now: options.now ?? Date.now };
  const report: DeliverReport = { delivered: 0, retrying: 0, failed: 0 };
  const batch = options.batch ?? 20;
  // What is due, each kind by its own index (never a walk of the delivered history): pending by
  // (status, next_attempt_at, id), leases run out by (status, id). Locked with SKIP LOCKED, and
  // the UPDATE checks the state again, so a row another worker claimed meanwhile is left to it.
  const claimed = await database.sql<Claimed[]>`
    update webhook_deliveries d set status = 'sending', locked_until = now() + ${LEASE}::interval, attempts = d.attempts + 1
      from webhook_subscriptions s
     where d.id in (
             select id from webhook_deliveries
              where id in ((select id from webhook_deliveries where status = 'pending' and next_attempt_at <= now() order by next_attempt_at, id limit ${batch})
                           union all
                           (select id from webhook_deliveries where status = 'sending' and locked_until < now() order by id limit ${batch}))
              order by id limit ${batch}
              for update skip locked)
       and ((d.status = 'pending' and d.next_attempt_at <= now()) or (d.status = 'sending' and d.locked_until < now()))
       and s.id = d.subscription_id
    returning d.id::text as id, d.event_id, d.event_type, d.body, d.attempts, s.url, s.secret_sealed, s.status as subscription_status`;
  if (claimed.length === 0) return report;
  // The batch is posted in parallel: one slow receiver does not hold up the others' deliveries.
  const outcomes: Outcome[] = await Promise.all(
    claimed.map(async (row): Promise<Outcome> => {
      const base = { id: row.id, eventId: row.event_id, url: row.url };
      if (row.subscription_status !== 'active') {
        return { ...base, status: 'failed', code: null, error: 'The webhook was disabled before this was delivered', backoff: 0 };
      }
      const answer = await post(row, opts);
      if (answer.error === null) return { ...base, status: 'delivered', code: answer.code, error: null, backoff: 0 };
      // a refusal is final: trying again would only be refused again (no retry storm)
      const giveUp = answer.refused === true || row.attempts >= WEBHOOK_MAX_ATTEMPTS;
      return { ...base, status: giveUp ? 'failed' : 'pending', code: answer.code, error: answer.error, backoff: webhookBackoffSeconds(row.attempts) };
    }),
  );
  const col = <T>(f: (o: Outcome) => T) => outcomes.map(f);
  await database.sql`
    update webhook_deliveries d
       set status = o.status, last_status = o.code, last_error = o.error, locked_until = null,
           delivered_at = case when o.status = 'delivered' then now() else d.delivered_at end,
           next_attempt_at = case when o.status = 'pending' then now() + make_interval(secs => o.backoff) else d.next_attempt_at end
      from unnest(${col((o) => o.id)}::bigint[], ${col((o) => o.status)}::text[], ${col((o) => o.code) as never}::int[],
                  ${col((o) => o.error) as never}::text[], ${col((o) => o.backoff)}::int[]) as o(id, status, code, error, backoff)
     where d.id = o.id and d.status = 'sending'`;
  for (const o of outcomes) {
    if (o.status === 'delivered') report.delivered += 1;
    else if (o.status === 'failed') report.failed += 1;
    else report.retrying += 1;
  }
  // Audited as the email outbox is: what was sent where, and how it went.
  await database.transaction((tx) =>
    recordAudit(
      tx,
      systemActor('job:webhooks'),
      outcomes.map((o) => ({
        action: `webhook.${o.status === 'pending' ? 'retrying' : o.status}`,
        targetType: 'webhook_delivery',
        targetId: o.id,
        after: { eventId: o.eventId, url: o.url, status: o.code, error: o.error },
      })),
    ),
  );
  return report;
}

/**
 * An admin's redelivery: the delivery back to pending with a fresh set of attempts — the same
 * body and event id, so a receiver that had it already dedupes it. One being sent now, or
 * waiting for its next attempt, is refused (it is queued already). Audited.
 */
export async function redeliverWebhook(tx: Tx, id: number, actor: Actor): Promise<{ id: string; eventId: string; status: 'pending' }> {
  requirePermission(actor, 'settings.edit');
  const [row] = await tx.sql<{ status: string; event_id: string; subscription_status: string }[]>`
    select d.status, d.event_id, s.status as subscription_status
      from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id
     where d.id = ${id} for update of d`;
  if (!row) throw notFound('Webhook delivery', id);
  if (row.subscription_status !== 'active')
    throw conflict('webhook_disabled', `Delivery ${id} is for a disabled webhook; add the webhook again to receive events`);
  if (row.status === 'pending' || row.status === 'sending') throw conflict('already_queued', `Delivery ${id} is queued already (${row.status})`);
  await tx.sql`
    update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = null, last_error = null
     where id = ${id}`;
  await recordAudit(tx, actor, {
    action: 'webhook.redeliver',
    targetType: 'webhook_delivery',
    targetId: id,
    before: { status: row.status },
    after: { status: 'pending', eventId: row.event_id },
  });
  return { id: String(id), eventId: row.event_id, status: 'pending' };
}
