import type { RawSql } from '../../db/client';
import type { TemplateName } from '../../emails';
import { prefixPattern } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { choice, optional, text } from '../validation/fields';

/**
 * Issue 13: the email outbox as a list (`GET /api/v1/email-outbox`, Settings → Email outbox):
 * sorts queued (newest first, by id) and next attempt; filters status, kind (the template) and
 * recipient (starts with, case-insensitive; a whole address finds exactly it). Indexes
 * (0020_lists): the id, (next_attempt_at, id), (status, id), (status, next_attempt_at, id) — which
 * also finds what is due to send — (template, id) and (lower(to) text_pattern_ops, id).
 */

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
/** Every template the outbox can hold (emails/index.ts), with its words. */
export const OUTBOX_KINDS = [
  'rebate_advice',
  'statement_ready',
  'account_created',
  'client_invite',
  'concentration_alert',
  'test_message',
  'audit_anchor',
  'payout_returned',
  'payout_account_changed',
  'debtor_statement',
] as const satisfies readonly TemplateName[];
export const OUTBOX_KIND_LABELS: Record<(typeof OUTBOX_KINDS)[number], string> = {
  rebate_advice: 'rebate advice',
  statement_ready: 'statement ready',
  account_created: 'account created',
  client_invite: 'client invite',
  concentration_alert: 'concentration alert',
  test_message: 'test message',
  audit_anchor: 'audit anchor',
  payout_returned: 'payout returned',
  payout_account_changed: 'payout account changed',
  debtor_statement: 'debtor statement or reminder',
};

const outboxFilters = filterSchema({
  status: optional(choice('Status', OUTBOX_STATUSES)),
  template: optional(choice('Kind', OUTBOX_KINDS, OUTBOX_KIND_LABELS)),
  to: optional(text('Recipient', { max: 254 })),
});

export type OutboxFilters = ReturnType<typeof outboxFilters.parse>;

export const outboxListDefinition: ListDefinition<OutboxFilters> = {
  name: 'outbox',
  sorts: {
    queued: { expr: 'o.id', type: 'bigint', label: 'Queued' },
    next: { expr: 'o.next_attempt_at', type: 'timestamptz', label: 'Next attempt' },
  },
  defaultSort: 'queued',
  defaultOrder: 'desc',
  idExpr: 'o.id',
  filters: outboxFilters,
};

export interface OutboxListItem {
  id: string;
  to: string;
  subject: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  clientId: string | null;
  createdAt: string;
  nextAttemptAt: string;
  sentAt: string | null;
}

type OutboxListRow = {
  id: string;
  to: string;
  subject: string;
  template: string;
  status: string;
  attempts: number;
  last_error: string | null;
  client_id: string | null;
  created_at: string;
  next_attempt_at: string;
  sent_at: string | null;
};

const minute = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD HH24:MI')`;

/** The outbox (staff who may open Settings; an email's body stays out of the list). */
export function outboxList(sql: RawSql): ListSpec<OutboxFilters, OutboxListRow, OutboxListItem> {
  return {
    def: outboxListDefinition,
    query: ({ filters: f }) => ({
      select: sql`o.id::text as id, o."to", o.subject, o.template, o.status, o.attempts, o.last_error, o.client_id::text as client_id,
                  ${sql.unsafe(minute('o.created_at'))} as created_at, ${sql.unsafe(minute('o.next_attempt_at'))} as next_attempt_at,
                  ${sql.unsafe(minute('o.sent_at'))} as sent_at`,
      from: sql`email_outbox o`,
      where: [
        f.status ? sql`o.status = ${f.status}` : null,
        f.template ? sql`o.template = ${f.template}` : null,
        f.to ? sql`lower(o."to") like ${prefixPattern(f.to.toLowerCase())}` : null,
      ],
    }),
    map: (r) => ({
      id: r.id,
      to: r.to,
      subject: r.subject,
      template: r.template,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      clientId: r.client_id,
      createdAt: r.created_at,
      nextAttemptAt: r.next_attempt_at,
      sentAt: r.sent_at,
    }),
    csv: [
      { header: 'Email', value: (m) => m.id },
      { header: 'Queued (UTC)', value: (m) => m.createdAt },
      { header: 'To', value: (m) => m.to },
      { header: 'Kind', value: (m) => m.template },
      { header: 'Subject', value: (m) => m.subject },
      { header: 'Status', value: (m) => m.status },
      { header: 'Attempts', value: (m) => m.attempts },
      { header: 'Next attempt (UTC)', value: (m) => m.nextAttemptAt },
      { header: 'Sent (UTC)', value: (m) => m.sentAt ?? '' },
      { header: 'Last error', value: (m) => m.lastError ?? '' },
    ],
    file: 'email-outbox',
  };
}
