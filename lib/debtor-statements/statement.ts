import type { RawSql, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { todayIn } from '../dates';
import { DomainError, notFound } from '../errors';
import { groupedMoney } from '../money';
import { queueEmail, queueEmails } from '../notifications/outbox';
import { factorName } from '../statements';
import { STATEMENT_LINE_CAP, sendDedupeKey, sendLabel, statementFilename } from './labels';
import {
  buildDebtorStatement,
  emailData,
  type CurrencyAggregate,
  type DebtorStatement,
  type DebtorStatementInput,
  type NoticeLine,
  type RemittanceInstructions,
  type StatementInvoice,
} from './model';
import { renderDebtorStatementPdf } from './render';
import { requireRemittance } from './settings';

/**
 * Issue 15, item 4: a debtor's statement of its open factored invoices — read (the PDF download,
 * GET /debtors/{id}/statement.pdf) and sent by hand to its AP contact (POST …/statement/send,
 * the debtor page's "Email statement"), through the transactional outbox with the PDF attached.
 *
 * Which invoices: the debtor's funded and disputed invoices, oldest due first — not those of a
 * confidential agreement (`invoice_discounting`: no notice of assignment, the client collects, the
 * debtor must not hear from the factor). Read through invoices_debtor_status_idx, the debtor's own
 * rows; at most STATEMENT_LINE_CAP lines, the totals over all of them.
 *
 * A send records what its PDF says (debtor_statement_sends.document and its lines) in the same
 * transaction as its email and audit event; the outbox builds the PDF from that record when it
 * sends (lib/notifications/attachments.ts), so the attachment is the statement as sent — the
 * balances of that day, the remittance instructions of that day — however late the email goes.
 */

/** What a send keeps besides its lines (debtor_statement_sends.document). */
export interface SendDocument {
  factorName: string;
  debtor: DebtorStatementInput['debtor'];
  remittance: RemittanceInstructions;
  notices: NoticeLine[];
  /** every open invoice per currency when the send was made (the lines may be fewer: the cap) */
  all: CurrencyAggregate[];
}

interface DebtorRow {
  id: string;
  name: string;
  ap_email: string | null;
  ap_name: string | null;
  merged_into_id: string | null;
}

type InvoiceRow = {
  invoice_id: string;
  client_id: string;
  number: string;
  client_name: string;
  issue_date: string;
  due_date: string;
  currency: string;
  face_value: string;
  open_amount: string;
  disputed: boolean;
};

/** The open factored invoices of debtors, as statements count them (alias `i` for invoices, `a` for the agreement). */
export const OPEN_FACTORED = `i.status in ('funded', 'disputed') and coalesce(i.outstanding, i.face_value) > 0
   and (a.model is null or a.model <> 'invoice_discounting')`;

async function loadDebtor(sql: RawSql, debtorId: number): Promise<DebtorRow> {
  const [debtor] = await sql<DebtorRow[]>`
    select id::text, name, ap_email, ap_name, merged_into_id::text from debtors where id = ${debtorId}`;
  if (!debtor) throw notFound('Debtor', debtorId);
  return debtor;
}

const toInvoice = (r: InvoiceRow): StatementInvoice => ({
  invoiceId: r.invoice_id,
  number: r.number,
  clientName: r.client_name,
  issueDate: r.issue_date,
  dueDate: r.due_date,
  currency: r.currency,
  faceValue: r.face_value,
  openAmount: r.open_amount,
  disputed: r.disputed,
});

/** The notices of assignment of the clients on a statement (none recorded: sentDate null). */
async function noticesFor(sql: RawSql, debtorId: number, clientIds: string[]): Promise<NoticeLine[]> {
  if (clientIds.length === 0) return [];
  const rows = await sql<{ client_name: string; sent: string | null }[]>`
    select c.name as client_name, cd.noa_sent_date::text as sent
      from clients c left join client_debtors cd on cd.client_id = c.id and cd.debtor_id = ${debtorId}
     where c.id = any(${clientIds}::bigint[])
     order by lower(c.name), c.id`;
  return rows.map((r) => ({ clientName: r.client_name, sentDate: r.sent }));
}

/** A debtor's open factored invoices (oldest due first, at most the cap) and every one's totals per currency. */
export async function loadOpenItems(
  sql: RawSql,
  debtorId: number,
  asOf: string,
): Promise<{ invoices: StatementInvoice[]; clientIds: string[]; all: CurrencyAggregate[] }> {
  const [rows, all] = await Promise.all([
    sql<InvoiceRow[]>`
      select i.id::text as invoice_id, i.client_id::text, i.number, c.name as client_name, i.issue_date::text, i.due_date::text, i.currency,
             i.face_value, coalesce(i.outstanding, i.face_value) as open_amount, i.status = 'disputed' as disputed
        from invoices i
        join clients c on c.id = i.client_id
        left join agreements a on a.id = i.agreement_id
       where i.debtor_id = ${debtorId} and ${sql.unsafe(OPEN_FACTORED)}
       order by i.due_date, i.id
       limit ${STATEMENT_LINE_CAP}`,
    sql<{ currency: string; invoices: number; face_value: string; open_amount: string; past_due: string }[]>`
      select i.currency, count(*)::int as invoices, sum(i.face_value) as face_value, sum(coalesce(i.outstanding, i.face_value)) as open_amount,
             coalesce(sum(coalesce(i.outstanding, i.face_value)) filter (where i.due_date < ${asOf}::date), 0) as past_due
        from invoices i left join agreements a on a.id = i.agreement_id
       where i.debtor_id = ${debtorId} and ${sql.unsafe(OPEN_FACTORED)}
       group by i.currency order by i.currency`,
  ]);
  return {
    invoices: rows.map(toInvoice),
    clientIds: [...new Set(rows.map((r) => r.client_id))],
    all: all.map((a) => ({ currency: a.currency, invoices: a.invoices, faceValue: a.face_value, openAmount: a.open_amount, pastDueAmount: a.past_due })),
  };
}

async function currentStatement(
  tx: Tx,
  debtor: DebtorRow,
  asOf: string,
): Promise<{ statement: DebtorStatement; document: SendDocument; invoices: StatementInvoice[] }> {
  const remittance = await requireRemittance(tx);
  const debtorId = Number(debtor.id);
  const items = await loadOpenItems(tx.sql, debtorId, asOf);
  const document: SendDocument = {
    factorName: await factorName(tx),
    debtor: { id: debtor.id, name: debtor.name, apName: debtor.ap_name, apEmail: debtor.ap_email },
    remittance,
    notices: await noticesFor(tx.sql, debtorId, items.clientIds),
    all: items.all,
  };
  const statement = buildDebtorStatement({ ...document, asOf, kind: 'statement', step: null, invoices: items.invoices });
  return { statement, document, invoices: items.invoices };
}

/** The statement of a debtor's open invoices as of a date (default today): staff read it (`staff.read`). */
export async function debtorStatement(tx: Tx, debtorId: number, actor: Actor, options: { asOf?: string } = {}): Promise<DebtorStatement> {
  requirePermission(actor, 'staff.read');
  const debtor = await loadDebtor(tx.sql, debtorId);
  return (await currentStatement(tx, debtor, options.asOf ?? todayIn())).statement;
}

/** The statement as a PDF (the debtor page's "Statement (PDF)", GET /debtors/{id}/statement.pdf). Nothing is recorded. */
export async function debtorStatementPdf(tx: Tx, debtorId: number, actor: Actor, options: { asOf?: string } = {}): Promise<{ filename: string; pdf: Buffer }> {
  const statement = await debtorStatement(tx, debtorId, actor, options);
  return { filename: statementFilename(debtorId, statement.asOf), pdf: await renderDebtorStatementPdf(statement) };
}

/** What sending would send, for the confirm step and the API's answer. */
export interface StatementSendPreview {
  debtorId: string;
  debtorName: string;
  to: string;
  asOf: string;
  invoices: number;
  /** per currency: open, past due */
  totals: { currency: string; invoices: number; open: string; pastDue: string }[];
  /** "12 invoices, 45,000.00 USD" — the confirm step's words */
  summary: string;
  /** the confirm step's token: what was asked about (changes when an invoice or amount does) */
  token: string;
}

function refuseUnsendable(debtor: DebtorRow): string {
  if (debtor.merged_into_id)
    throw new DomainError(
      'debtor_merged',
      `${debtor.name} (debtor ${debtor.id}) was merged into debtor ${debtor.merged_into_id}; send its statement from there`,
      {
        status: 422,
      },
    );
  if (!debtor.ap_email)
    throw new DomainError('no_ap_contact', `${debtor.name} has no AP contact email: add one on the debtor's page first`, {
      status: 422,
      details: { apEmail: 'AP contact email is required to send a statement' },
    });
  return debtor.ap_email;
}

function preview(debtor: DebtorRow, to: string, statement: DebtorStatement): StatementSendPreview {
  const invoices = statement.totals.reduce((n, t) => n + t.invoices, 0);
  const money = statement.totals.map((t) => `${groupedMoney(t.open, t.currency)} ${t.currency}`).join(', ');
  return {
    debtorId: debtor.id,
    debtorName: debtor.name,
    to,
    asOf: statement.asOf,
    invoices,
    totals: statement.totals.map((t) => ({ currency: t.currency, invoices: t.invoices, open: t.open, pastDue: t.pastDue })),
    summary: `${invoices} open invoice${invoices === 1 ? '' : 's'}, ${money}`,
    token: `${to}|${statement.asOf}|${statement.totals.map((t) => `${t.currency}:${t.invoices}:${t.open}`).join(',')}`,
  };
}

/** The send's preview (debtor page's confirm step): who gets it and what it says is open. */
export async function previewStatementSend(tx: Tx, debtorId: number, actor: Actor): Promise<StatementSendPreview> {
  requirePermission(actor, 'debtor.statement_send');
  const debtor = await loadDebtor(tx.sql, debtorId);
  const to = refuseUnsendable(debtor);
  const { statement } = await currentStatement(tx, debtor, todayIn());
  const summary = preview(debtor, to, statement);
  if (summary.invoices === 0) throw nothingOpen(debtor);
  return summary;
}

const nothingOpen = (debtor: DebtorRow) =>
  new DomainError('nothing_open', `${debtor.name} has no open factored invoice: there is no statement to send`, { status: 422 });

export interface SentStatement extends StatementSendPreview {
  sendId: string;
  /** the email in the outbox */
  emailId: string | null;
}

/**
 * Emails a debtor its statement of open invoices (as of today) to its AP contact, by hand:
 * records the send and its lines, queues the email (its PDF is built when it is sent) and audits
 * it, in the caller's transaction. `confirmed`: the preview's token — when given and what would be
 * sent no longer matches it, nothing is sent (409 `statement_changed`).
 *
 * Errors: 401, 403 (needs `debtor.statement_send`); 404 unknown debtor; 422 `no_ap_contact`,
 * `debtor_merged`, `nothing_open`, `remittance_not_configured`; 409 `statement_changed`.
 */
export async function sendDebtorStatement(tx: Tx, debtorId: number, input: { confirmed?: string }, actor: Actor): Promise<SentStatement> {
  requirePermission(actor, 'debtor.statement_send');
  const debtor = await loadDebtor(tx.sql, debtorId);
  const to = refuseUnsendable(debtor);
  const asOf = todayIn();
  const { statement, document, invoices } = await currentStatement(tx, debtor, asOf);
  const summary = preview(debtor, to, statement);
  if (summary.invoices === 0)
    throw new DomainError('nothing_open', `${debtor.name} has no open factored invoice: there is no statement to send`, { status: 422 });
  if (input.confirmed !== undefined && input.confirmed !== summary.token)
    throw new DomainError(
      'statement_changed',
      `What ${debtor.name}'s statement says changed since you were asked (${summary.summary} now); look again and send`,
      {
        status: 409,
      },
    );
  const sent = await recordSends(tx, [{ debtorId, kind: 'statement', step: null, asOf, to, document, invoices, statement }], actor);
  return { ...summary, sendId: sent[0]!.sendId, emailId: sent[0]!.emailId };
}

/** One send to record: its statement (built), the document it keeps and its invoices. */
export interface SendToRecord {
  debtorId: number;
  kind: 'statement' | 'reminder';
  step: number | null;
  asOf: string;
  to: string;
  document: SendDocument;
  invoices: StatementInvoice[];
  statement: DebtorStatement;
}

/**
 * Records sends set-based — the sends, then all their lines in one statement (the reminder
 * steps' unique index refuses a step sent twice), their emails (queued together) and one audit
 * event each — in the caller's transaction. Answers each send's id and email id, in order.
 */
export async function recordSends(tx: Tx, sends: SendToRecord[], actor: Actor): Promise<{ sendId: string; emailId: string | null }[]> {
  if (sends.length === 0) return [];
  const c = <T>(f: (s: SendToRecord) => T) => sends.map(f);
  // One send per debtor and step in a call (a run's reminders; a single statement by hand): each row returned says which it is.
  const key = (debtorId: number | string, step: number | null) => `${debtorId}:${step ?? ''}`;
  if (new Set(sends.map((s) => key(s.debtorId, s.step))).size !== sends.length) throw new Error('recordSends: one send per debtor and step');
  const rows = await tx.sql<{ id: string; debtor_id: string; step: number | null }[]>`
    insert into debtor_statement_sends (debtor_id, kind, step, as_of, "to", document, sent_by, sent_by_label)
    select d, k, st, a::date, t, doc::jsonb, ${actor.userId}, ${actor.label}
      from unnest(${c((s) => s.debtorId)}::bigint[], ${c((s) => s.kind)}::text[], ${c((s) => s.step) as never}::int[], ${c((s) => s.asOf)}::text[],
                  ${c((s) => s.to)}::text[], ${c((s) => JSON.stringify(s.document))}::text[]) as u(d, k, st, a, t, doc)
    returning id::text, debtor_id::text, step`;
  const idOf = new Map(rows.map((r) => [key(r.debtor_id, r.step), r.id]));
  const sendIds = sends.map((s) => idOf.get(key(s.debtorId, s.step))!);
  const lines = sends.flatMap((s, n) => s.invoices.map((i) => ({ sendId: sendIds[n]!, step: s.step, i })));
  const l = <T>(f: (x: (typeof lines)[number]) => T) => lines.map(f);
  await tx.sql`
    insert into debtor_statement_lines (send_id, invoice_id, step, currency, face_value, open_amount, disputed)
    select * from unnest(${l((x) => x.sendId)}::bigint[], ${l((x) => x.i.invoiceId)}::bigint[], ${l((x) => x.step) as never}::int[],
                         ${l((x) => x.i.currency)}::char(3)[], ${l((x) => x.i.faceValue)}::numeric[], ${l((x) => x.i.openAmount)}::numeric[],
                         ${l((x) => (x.i.disputed ? 'true' : 'false'))}::text[]::boolean[])`;
  const emails = sends.map((s, n) => ({
    to: s.to,
    template: 'debtor_statement' as const,
    dedupeKey: sendDedupeKey(sendIds[n]!),
    data: emailData(s.statement, s.debtorId, sendIds[n]!),
  }));
  // one email (a send by hand): its id for the answer; many (a reminder run): queued together
  const emailIds: (string | null)[] =
    emails.length === 1 ? [String(await queueEmail(tx, emails[0]!))] : (await queueEmails(tx, emails), emails.map(() => null));
  await recordAudit(
    tx,
    actor,
    sends.map((s, n) => ({
      action: s.kind === 'reminder' ? 'debtor.reminder_sent' : 'debtor.statement_sent',
      targetType: 'debtor_statement',
      targetId: sendIds[n]!,
      after: {
        debtorId: String(s.debtorId),
        what: sendLabel(s.kind, s.step),
        to: s.to,
        asOf: s.asOf,
        invoices: s.invoices.length,
        open: s.statement.totals.map((t) => `${t.open} ${t.currency}`),
      },
    })),
  );
  return sendIds.map((sendId, n) => ({ sendId, emailId: emailIds[n]! }));
}

/**
 * A send's statement as it was sent: its document and its lines (the open amounts of that day),
 * with each invoice's number, dates and client. What the outbox attaches; null for an unknown send.
 */
export async function sentStatement(sql: RawSql, sendId: number): Promise<{ statement: DebtorStatement; filename: string } | null> {
  const [send] = await sql<{ debtor_id: string; kind: 'statement' | 'reminder'; step: number | null; as_of: string; document: SendDocument }[]>`
    select debtor_id::text, kind, step, as_of::text, document from debtor_statement_sends where id = ${sendId}`;
  if (!send) return null;
  const rows = await sql<InvoiceRow[]>`
    select i.id::text as invoice_id, i.client_id::text, i.number, c.name as client_name, i.issue_date::text, i.due_date::text, l.currency,
           l.face_value, l.open_amount, l.disputed
      from debtor_statement_lines l
      join invoices i on i.id = l.invoice_id
      join clients c on c.id = i.client_id
     where l.send_id = ${sendId}
     order by i.due_date, i.id`;
  const d = send.document;
  const statement = buildDebtorStatement({
    factorName: d.factorName,
    debtor: d.debtor,
    remittance: d.remittance,
    notices: d.notices,
    all: send.kind === 'statement' ? d.all : undefined,
    asOf: send.as_of,
    kind: send.kind,
    step: send.step,
    invoices: rows.map(toInvoice),
  });
  return { statement, filename: statementFilename(send.debtor_id, send.as_of, sendId) };
}

/** The PDF of a send, as the outbox attaches it. */
export async function sentStatementPdf(sql: RawSql, sendId: number): Promise<{ filename: string; pdf: Buffer } | null> {
  const sent = await sentStatement(sql, sendId);
  return sent ? { filename: sent.filename, pdf: await renderDebtorStatementPdf(sent.statement) } : null;
}
