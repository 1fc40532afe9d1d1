import type { Database, RawSql } from '../../db/client';
import type { Actor } from '../auth/actor';
import { factorName } from '../statements';
import { buildDebtorStatement, reminderWindows, type NoticeLine, type ReminderWindow, type StatementInvoice } from './model';
import { reminderSteps, requireRemittance } from './settings';
import { recordSends, type SendToRecord } from './statement';

/**
 * Issue 15, item 4: the daily `debtor-reminders` job — for each reminder step (days from the due
 * date: −7, 0, 15, 30 by default; Settings → Debtor statements) each debtor with invoices reaching
 * that step today is emailed one reminder listing them, with the statement PDF attached.
 *
 * - Which invoices: funded (not disputed — a dispute is worked, not dunned), still owing, not of a
 *   confidential agreement (`invoice_discounting`); a debtor without an AP contact is passed by
 *   (counted in the run's totals) and reminded once a contact is added, within the catch-up days.
 * - Once: each invoice and step is sent once — debtor_statement_lines' unique (invoice_id, step)
 *   — and the query leaves out what was sent; a day no worker ran is caught up within
 *   REMINDER_CATCH_UP_DAYS days, the latest step only (model.ts reminderWindows).
 * - Set-based: the due-date windows are ranges of invoices_due_date_idx (one range per step, a few
 *   days wide), never a pass over the portfolio nor a query per invoice; the debtors are done in
 *   chunks, each one transaction (its sends, lines, emails and audit events together) under an
 *   advisory lock, so a rerun or a second worker at the same moment sends nothing twice and a
 *   worker killed mid-run leaves whole chunks behind: the retry sends the rest.
 */

export interface ReminderRunResult {
  asOf: string;
  steps: number[];
  /** reminder emails queued */
  reminders: number;
  invoices: number;
  debtors: number;
  /** invoices due a reminder whose debtor has no AP contact */
  withoutContact: { debtors: number; invoices: number };
}

const LOCK = 'holdback.debtor_reminders';

type CandidateRow = {
  debtor_id: string;
  step: number;
  invoice_id: string;
  client_id: string;
  number: string;
  issue_date: string;
  due_date: string;
  currency: string;
  face_value: string;
  open_amount: string;
};

/**
 * Invoices due a reminder in the windows and not sent it yet (aliases: `i` the invoice with its
 * `step`, `d` its debtor, `a` its agreement): `select` and `tail` (more conditions, grouping,
 * order) are fixed text. Each window is a range of due dates written out (an OR of ranges, each
 * step by a CASE), so the planner sees index ranges of invoices_due_date_idx — a join on an
 * unnest of the windows reads as a join of unknown size, and was planned as a pass over invoices.
 */
function dueReminders(sql: RawSql, windows: ReminderWindow[], select: string, tail: string, debtorIds?: string[]) {
  if (windows.length === 0) throw new Error('dueReminders: no reminder window');
  const range = (w: ReminderWindow) => sql`i.due_date between ${w.dueFrom}::date and ${w.dueTo}::date`;
  const ranges = windows.slice(1).reduce((acc, w) => sql`${acc} or ${range(w)}`, range(windows[0]!));
  const step = windows.reduce((acc, w) => sql`${acc} when ${range(w)} then ${w.step}::int`, sql`case`);
  return sql`
    select ${sql.unsafe(select)}
      from (select i.*, ${step} end as step
              from invoices i
             where i.status = 'funded' and (${ranges})
               ${debtorIds ? sql`and i.debtor_id = any(${debtorIds}::bigint[])` : sql``}) i
      join debtors d on d.id = i.debtor_id
      left join agreements a on a.id = i.agreement_id
     where coalesce(i.outstanding, i.face_value) > 0
       and (a.model is null or a.model <> 'invoice_discounting')
       and not exists (select 1 from debtor_statement_lines l where l.invoice_id = i.id and l.step = i.step)
       ${sql.unsafe(tail)}`;
}

/** The columns of a reminder's invoice (its client's name is read apart, once per client). */
const CANDIDATE_COLUMNS = `i.debtor_id::text, i.step, i.id::text as invoice_id, i.client_id::text, i.number, i.issue_date::text, i.due_date::text,
       i.currency, i.face_value, coalesce(i.outstanding, i.face_value) as open_amount`;

/** Which debtors have reminders due (with or without an AP contact) and how many invoices: the run's plan. */
export async function remindersDue(sql: RawSql, asOf: string, steps: readonly number[]): Promise<{ debtorId: string; invoices: number; contact: boolean }[]> {
  if (steps.length === 0) return [];
  const rows = (await dueReminders(
    sql,
    reminderWindows(asOf, steps),
    `i.debtor_id::text as debtor_id, count(*)::int as invoices, d.ap_email is not null as contact`,
    'group by i.debtor_id, d.ap_email is not null order by i.debtor_id',
  )) as unknown as { debtor_id: string; invoices: number; contact: boolean }[];
  return rows.map((r) => ({ debtorId: r.debtor_id, invoices: r.invoices, contact: r.contact }));
}

/**
 * Sends the reminders due on `asOf`. Answers what it sent; a run with nothing due needs no
 * remittance instructions, one with reminders to send and none set fails (422
 * `remittance_not_configured`, naming where to fill them in).
 */
export async function runDebtorReminders(
  database: Database,
  options: { asOf: string; by: Actor; chunkSize?: number; onProgress?: (done: number, total: number) => Promise<void> | void },
): Promise<ReminderRunResult> {
  const { asOf, by } = options;
  const steps = await reminderSteps(database);
  const result: ReminderRunResult = { asOf, steps, reminders: 0, invoices: 0, debtors: 0, withoutContact: { debtors: 0, invoices: 0 } };
  const plan = await remindersDue(database.sql, asOf, steps);
  for (const p of plan.filter((x) => !x.contact)) {
    result.withoutContact.debtors += 1;
    result.withoutContact.invoices += p.invoices;
  }
  const debtorIds = plan.filter((p) => p.contact).map((p) => p.debtorId);
  if (debtorIds.length === 0) {
    await options.onProgress?.(0, 0);
    return result;
  }
  const remittance = await requireRemittance(database);
  const factor = await factorName(database);
  const windows = reminderWindows(asOf, steps);
  const chunkSize = Math.max(1, options.chunkSize ?? 200);
  for (let start = 0; start < debtorIds.length; start += chunkSize) {
    const chunk = debtorIds.slice(start, start + chunkSize);
    const done = await database.transaction(async (tx) => {
      // One run's chunk at a time: a second worker's candidates are read after this one committed.
      await tx.sql`select pg_advisory_xact_lock(hashtext(${LOCK}))`;
      const rows = (await dueReminders(
        tx.sql,
        windows,
        `${CANDIDATE_COLUMNS}, d.name as debtor_name, d.ap_email, d.ap_name`,
        'and d.ap_email is not null order by i.debtor_id, i.step, i.due_date, i.id',
        chunk,
      )) as unknown as (CandidateRow & { debtor_name: string; ap_email: string; ap_name: string | null })[];
      if (rows.length === 0) return { sends: 0, invoices: 0, debtors: 0 };
      const clientIds = [...new Set(rows.map((r) => r.client_id))];
      const [clients, notices] = await Promise.all([
        tx.sql<{ id: string; name: string }[]>`select id::text, name from clients where id = any(${clientIds}::bigint[])`,
        tx.sql<{ debtor_id: string; client_id: string; sent: string | null }[]>`
          select debtor_id::text, client_id::text, noa_sent_date::text as sent from client_debtors
           where debtor_id = any(${chunk}::bigint[]) and client_id = any(${clientIds}::bigint[])`,
      ]);
      const clientName = new Map(clients.map((c) => [c.id, c.name]));
      const noticeOf = new Map(notices.map((n) => [`${n.debtor_id}:${n.client_id}`, n.sent]));
      const groups = new Map<string, typeof rows>();
      for (const r of rows) {
        const key = `${r.debtor_id}:${r.step}`;
        const g = groups.get(key) ?? [];
        g.push(r);
        groups.set(key, g);
      }
      const sends: SendToRecord[] = [...groups.values()].map((g) => {
        const first = g[0]!;
        const invoices: StatementInvoice[] = g.map((r) => ({
          invoiceId: r.invoice_id,
          number: r.number,
          clientName: clientName.get(r.client_id) ?? `client ${r.client_id}`,
          issueDate: r.issue_date,
          dueDate: r.due_date,
          currency: r.currency,
          faceValue: r.face_value,
          openAmount: r.open_amount,
          disputed: false,
        }));
        const noticeLines: NoticeLine[] = [...new Set(g.map((r) => r.client_id))]
          .map((id) => ({ clientName: clientName.get(id) ?? `client ${id}`, sentDate: noticeOf.get(`${first.debtor_id}:${id}`) ?? null }))
          .sort((a, b) => a.clientName.localeCompare(b.clientName));
        const document = {
          factorName: factor,
          debtor: { id: first.debtor_id, name: first.debtor_name, apName: first.ap_name, apEmail: first.ap_email },
          remittance,
          notices: noticeLines,
          all: [],
        };
        const statement = buildDebtorStatement({ ...document, asOf, kind: 'reminder', step: first.step, invoices });
        return { debtorId: Number(first.debtor_id), kind: 'reminder', step: first.step, asOf, to: first.ap_email, document, invoices, statement };
      });
      await recordSends(tx, sends, by);
      return { sends: sends.length, invoices: rows.length, debtors: new Set(rows.map((r) => r.debtor_id)).size };
    });
    result.reminders += done.sends;
    result.invoices += done.invoices;
    result.debtors += done.debtors;
    await options.onProgress?.(Math.min(start + chunkSize, debtorIds.length), debtorIds.length);
  }
  return result;
}
