import type { Database, Tx } from '../../db/client';
import { copyRows } from '../../db/copy';
import { renderEmail, type TemplateData, type TemplateName } from '../../emails';
import { recordAudit } from '../audit';
import { systemActor, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { refused } from '../errors';
import { attachmentKey, attachmentsFor } from './attachments';
import type { MailAttachment, MailTransport } from './transport';

export const MAX_ATTEMPTS = 6;

/** Retry after 1, 2, 4, 8, 16 minutes. */
export function backoffSeconds(attempts: number): number {
  return 60 * 2 ** Math.max(0, attempts - 1);
}

/**
 * Writes an email to the outbox inside the caller's transaction (the transactional outbox):
 * it is sent if and only if the command commits. A dedupe key makes "once per event" emails
 * idempotent; the id is null when that key was queued before.
 */
export async function queueEmail<K extends TemplateName>(
  tx: Tx,
  email: { to: string; template: K; data: TemplateData[K]; dedupeKey?: string; clientId?: number | null },
): Promise<number | null> {
  const rendered = renderEmail(email.template, email.data);
  const rows = await tx.sql<{ id: string }[]>`
    insert into email_outbox (dedupe_key, "to", subject, template, html, text, client_id)
    values (${email.dedupeKey ?? null}, ${email.to}, ${rendered.subject}, ${email.template}, ${rendered.html}, ${rendered.text}, ${email.clientId ?? null})
    on conflict (dedupe_key) do nothing returning id`;
  return rows[0] ? Number(rows[0].id) : null;
}

export interface QueuedEmail<K extends TemplateName> {
  to: string;
  template: K;
  data: TemplateData[K];
  dedupeKey?: string;
  clientId?: number | null;
}

/**
 * queueEmail for many emails in one statement (a release cycle's rebate advices): each is
 * rendered, then all are inserted together; those whose dedupe key was queued before are
 * skipped. Returns how many were queued.
 */
export async function queueEmails<K extends TemplateName>(tx: Tx, emails: QueuedEmail<K>[]): Promise<number> {
  if (emails.length === 0) return 0;
  const rendered = emails.map((e) => ({ ...renderEmail(e.template, e.data), e }));
  if (rendered.length < COPY_EMAILS) {
    const c = <T>(f: (r: (typeof rendered)[number]) => T) => rendered.map(f);
    const rows = await tx.sql<{ id: string }[]>`
      insert into email_outbox (dedupe_key, "to", subject, template, html, text, client_id)
      select * from unnest(${c((r) => r.e.dedupeKey ?? null) as never}::text[], ${c((r) => r.e.to)}::text[], ${c((r) => r.subject)}::text[],
                           ${c((r) => r.e.template)}::text[], ${c((r) => r.html)}::text[], ${c((r) => r.text)}::text[], ${c((r) => r.e.clientId ?? null) as never}::bigint[])
      on conflict (dedupe_key) do nothing returning id`;
    return rows.length;
  }
  // Many (a few thousand rendered emails are megabytes of text): streamed with COPY into a
  // scratch table, then inserted in one statement that skips the keys queued before.
  await tx.sql`create temp table outbox_in (dedupe_key text, recipient text, subject text, template text, html text, text text, client_id bigint) on commit drop`;
  await copyRows(
    tx,
    'outbox_in',
    ['dedupe_key', 'recipient', 'subject', 'template', 'html', 'text', 'client_id'],
    rendered.map((r) => [r.e.dedupeKey ?? null, r.e.to, r.subject, r.e.template, r.html, r.text, r.e.clientId ?? null]),
  );
  const [{ n }] = (await tx.sql`
    with queued as (
      insert into email_outbox (dedupe_key, "to", subject, template, html, text, client_id)
      select dedupe_key, recipient, subject, template, html, text, client_id from outbox_in
      on conflict (dedupe_key) do nothing returning 1)
    select count(*)::int as n from queued`) as unknown as [{ n: number }];
  await tx.sql`drop table outbox_in`;
  return n;
}

/** From this many emails on, queueEmails streams them with COPY. */
const COPY_EMAILS = 200;

export interface SendReport {
  sent: number;
  retrying: number;
  failed: number;
}

type Claimed = {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
  template: string;
  dedupe_key: string | null;
  client_id: string | null;
};

/**
 * Sends what is due. Rows are claimed with a lease (status `sending`, `locked_until`) in their
 * own committed statement, so two workers never send the same row and a worker that dies
 * mid-send leaves rows that are claimed again when the lease runs out. A rebate advice and a
 * debtor statement are sent with their PDF (./attachments.ts: built now, once per release or send in a batch); if the PDF cannot be
 * built the email is not sent without it — it is retried like a refused send, the reason kept.
 */
export async function sendDueEmails(database: Database, transport: MailTransport, options: { batch?: number } = {}): Promise<SendReport> {
  const report: SendReport = { sent: 0, retrying: 0, failed: 0 };
  const claimed = await database.sql<Claimed[]>`
    update email_outbox o set status = 'sending', locked_until = now() + interval '2 minutes', attempts = o.attempts + 1
     where o.id in (
       select id from email_outbox
        where (status = 'pending' and next_attempt_at <= now()) or (status = 'sending' and locked_until < now())
        order by id limit ${options.batch ?? 50}
        for update skip locked)
    returning o.id, o."to", o.subject, o.html, o.text, o.attempts, o.template, o.dedupe_key, o.client_id`;
  // one PDF per release however many of its contacts are in this batch (and one per debtor statement send)
  const built = new Map<string, Promise<MailAttachment[]>>();
  const attachments = (mail: Claimed) => {
    const row = { template: mail.template, dedupeKey: mail.dedupe_key, clientId: mail.client_id === null ? null : Number(mail.client_id) };
    const key = attachmentKey(row);
    if (key === null) return Promise.resolve([]);
    if (!built.has(key)) built.set(key, attachmentsFor(database, row));
    return built.get(key)!;
  };
  const outcomes: { id: string; to: string; outcome: 'sent' | 'retrying' | 'failed'; error?: string }[] = [];
  for (const mail of claimed) {
    try {
      const files = await attachments(mail);
      const { messageId } = await transport.send({
        id: Number(mail.id),
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        ...(files.length > 0 ? { attachments: files } : {}),
      });
      await database.sql`
        update email_outbox set status = 'sent', sent_at = now(), message_id = ${messageId}, locked_until = null, last_error = null
         where id = ${mail.id}`;
      report.sent += 1;
      outcomes.push({ id: mail.id, to: mail.to, outcome: 'sent' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = mail.attempts >= MAX_ATTEMPTS;
      await database.sql`
        update email_outbox
           set status = ${giveUp ? 'failed' : 'pending'}, last_error = ${message.slice(0, 1000)}, locked_until = null,
               next_attempt_at = now() + ${`${backoffSeconds(mail.attempts)} seconds`}::interval
         where id = ${mail.id}`;
      if (giveUp) report.failed += 1;
      else report.retrying += 1;
      outcomes.push({ id: mail.id, to: mail.to, outcome: giveUp ? 'failed' : 'retrying', error: message });
    }
  }
  if (outcomes.length > 0) {
    await database.transaction((tx) =>
      recordAudit(
        tx,
        systemActor('job:email-outbox'),
        outcomes.map((o) => ({
          action: `email.${o.outcome}`,
          targetType: 'email',
          targetId: o.id,
          after: { to: o.to, via: transport.describe, error: o.error },
        })),
      ),
    );
  }
  return report;
}

/** Staff retry of a failed email: back to pending with a fresh set of attempts. */
export async function retryEmail(tx: Tx, id: number, actor: Actor): Promise<void> {
  requirePermission(actor, 'outbox.manage');
  const rows = await tx.sql`
    update email_outbox set status = 'pending', attempts = 0, next_attempt_at = now(), last_error = null
     where id = ${id} and status = 'failed' returning id`;
  if (rows.length === 0) throw refused('not_failed', `Email ${id} is not a failed email`);
  await recordAudit(tx, actor, { action: 'email.retry', targetType: 'email', targetId: id });
}

// The outbox as a list (the console's Settings and GET /api/v1/email-outbox): ./outbox-list.ts (issue 13).
