import type { RawSql } from '../../db/client';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import { sendLabel } from './labels';

/**
 * Issue 15, item 4: an invoice's "Reminders and statements sent" — each statement or reminder that
 * listed it: when, what (a statement by hand, or the reminder step), to whom, what it still owed
 * that day, and whether the email has gone. Read by the invoice (debtor_statement_lines_invoice_idx)
 * and the send's email by its dedupe key (unique): a few rows however large the portfolio.
 */
export interface StatementSendLogItem {
  sendId: string;
  /** UTC, to the minute */
  at: string;
  kind: 'statement' | 'reminder';
  step: number | null;
  /** "Statement", "Reminder, 15 days past due" */
  what: string;
  asOf: string;
  to: string;
  by: string;
  currency: string;
  openThen: string;
  /** the email's status in the outbox: pending, sending, sent, failed */
  email: string | null;
  emailSentAt: string | null;
}

export async function statementSendsForInvoice(sql: RawSql, invoiceId: number, actor: Actor): Promise<StatementSendLogItem[]> {
  requirePermission(actor, 'staff.read');
  const [invoice] = await sql`select 1 from invoices where id = ${invoiceId}`;
  if (!invoice) throw notFound('Invoice', invoiceId);
  const rows = await sql<
    {
      send_id: string;
      at: string;
      kind: 'statement' | 'reminder';
      step: number | null;
      as_of: string;
      to: string;
      by: string;
      currency: string;
      open_amount: string;
      email: string | null;
      email_sent_at: string | null;
    }[]
  >`
    select s.id::text as send_id, to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at, s.kind, s.step, s.as_of::text,
           s."to", s.sent_by_label as by, l.currency, l.open_amount, o.status as email,
           to_char(o.sent_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as email_sent_at
      from debtor_statement_lines l
      join debtor_statement_sends s on s.id = l.send_id
      left join email_outbox o on o.dedupe_key = 'debtor-statement:' || s.id
     where l.invoice_id = ${invoiceId}
     order by l.send_id desc
     limit 100`;
  return rows.map((r) => ({
    sendId: r.send_id,
    at: r.at,
    kind: r.kind,
    step: r.step,
    what: sendLabel(r.kind, r.step),
    asOf: r.as_of,
    to: r.to,
    by: r.by,
    currency: r.currency,
    openThen: moneyOut(r.open_amount, r.currency),
    email: r.email,
    emailSentAt: r.email_sent_at,
  }));
}

export interface DebtorSendItem {
  sendId: string;
  at: string;
  what: string;
  asOf: string;
  to: string;
  by: string;
  invoices: number;
  email: string | null;
}

/** A debtor's latest statements and reminders (the debtor page), newest first (debtor_statement_sends_debtor_idx). */
export async function statementSendsForDebtor(sql: RawSql, debtorId: number, actor: Actor, limit = 10): Promise<DebtorSendItem[]> {
  requirePermission(actor, 'staff.read');
  const rows = await sql<
    {
      send_id: string;
      at: string;
      kind: 'statement' | 'reminder';
      step: number | null;
      as_of: string;
      to: string;
      by: string;
      invoices: number;
      email: string | null;
    }[]
  >`
    select s.id::text as send_id, to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at, s.kind, s.step, s.as_of::text, s."to",
           s.sent_by_label as by, (select count(*)::int from debtor_statement_lines l where l.send_id = s.id) as invoices, o.status as email
      from debtor_statement_sends s
      left join email_outbox o on o.dedupe_key = 'debtor-statement:' || s.id
     where s.debtor_id = ${debtorId}
     order by s.id desc
     limit ${limit}`;
  return rows.map((r) => ({
    sendId: r.send_id,
    at: r.at,
    what: sendLabel(r.kind, r.step),
    asOf: r.as_of,
    to: r.to,
    by: r.by,
    invoices: r.invoices,
    email: r.email,
  }));
}
