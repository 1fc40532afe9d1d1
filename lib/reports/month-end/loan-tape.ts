import type { RawSql } from '../../../db/client';
import { csvField } from '../../csv';
import { feeSql } from '../../ledger/accrual';
import { Big, moneyOut } from '../../money';

/**
 * Issue 16 item 6: the loan tape — one row per funded invoice open at the end of a business date
 * (its receivable as of then above zero), streamed as CSV in invoice id order, never capped: the
 * invoices are read in keyset batches of `batch` ids (the primary key), and each batch's ledger
 * figures in one statement over the invoice index of journal_lines — memory holds one batch.
 *
 * Columns: invoice number, client, debtor, currency, face value, funded date, advance (as funded),
 * reserve (the invoice's reserve sub-ledger as of the date), outstanding (its receivable as of
 * the date), due date, days past due (date − due date, at least 0), status (disputed when a
 * dispute was open on the date, else funded), fees to date (the fee accrued as posted through the
 * date — the client's accrual run reached — or the fee frozen or kept for a credited base, plus a
 * flat fee taken at funding).
 */
export const LOAN_TAPE_HEADER = [
  'Invoice number',
  'Invoice id',
  'Client',
  'Client id',
  'Debtor',
  'Debtor id',
  'Currency',
  'Face value',
  'Funded date',
  'Advance',
  'Reserve',
  'Outstanding',
  'Due date',
  'Days past due',
  'Status',
  'Fees to date',
] as const;

export interface LoanTapeRow {
  id: string;
  number: string;
  client_id: string;
  client: string;
  debtor_id: string;
  debtor: string;
  currency: string;
  face_value: string;
  funding_date: string;
  advance: string | null;
  reserve: string;
  outstanding: string;
  due_date: string;
  days_past_due: number;
  disputed: boolean;
  fees: string;
}

/** One batch: the next `limit` invoices after id `after` funded by the date, with their figures as of it (rows owing nothing left out). */
export async function loanTapeBatch(sql: RawSql, asOf: string, after: string, limit: number): Promise<{ rows: LoanTapeRow[]; lastId: string | null }> {
  const rows = await sql<(LoanTapeRow & { owing: boolean })[]>`
    with b as materialized (
      select i.id, i.number, i.client_id, i.debtor_id, trim(i.currency) as currency, i.face_value, i.funding_date, i.advance, i.due_date
        from invoices i
       where i.id > ${after}::bigint and i.funding_date <= ${asOf}::date
         and (i.status in ('funded', 'disputed') or i.settled_date is null or i.settled_date > ${asOf}::date)
       order by i.id limit ${limit}),
    led as (
      select l.invoice_id,
             coalesce(sum(l.amount) filter (where a.code = 'receivable'), 0) as receivable,
             coalesce(-sum(l.amount) filter (where a.code = 'reserve'), 0) as reserve
        from journal_lines l join ledger_accounts a on a.id = l.account_id
       where l.invoice_id in (select id from b) and not l.accrual and l.effective_date <= ${asOf}::date
         and a.code in ('receivable', 'reserve')
       group by l.invoice_id),
    disputed as (
      select distinct invoice_id from disputes
       where invoice_id in (select id from b) and opened_date <= ${asOf}::date and (resolved_date is null or resolved_date > ${asOf}::date))
    select b.id::text as id, b.number, b.client_id::text as client_id, c.name as client, b.debtor_id::text as debtor_id, d.name as debtor,
           b.currency, b.face_value::text as face_value, b.funding_date::text as funding_date, b.advance::text as advance,
           coalesce(led.reserve, 0)::text as reserve, coalesce(led.receivable, 0)::text as outstanding, b.due_date::text as due_date,
           greatest(${asOf}::date - b.due_date, 0) as days_past_due, (x.invoice_id is not null) as disputed,
           coalesce(case when f.kind = 'flat' then round(f.face * f.rate, f.minor_units)
                         when f.frozen_on is not null and f.frozen_on <= ${asOf}::date then f.accrued
                         when f.credited then f.accrued
                         else (select case when least(ac.accrued_through, ${asOf}::date) >= f.accrual_start
                                           then ${feeSql(sql, sql`(least(ac.accrued_through, ${asOf}::date) - f.funding_date)`)} else 0 end
                                 from accrual_clients ac where ac.client_id = f.client_id) end, 0)::text as fees,
           coalesce(led.receivable, 0) > 0 as owing
      from b
      join clients c on c.id = b.client_id
      join debtors d on d.id = b.debtor_id
      left join led on led.invoice_id = b.id
      left join disputed x on x.invoice_id = b.id
      left join fee_accruals f on f.invoice_id = b.id
     order by b.id`;
  // a full batch: there may be more after its last id; a short one was the last
  const lastId = rows.length === limit ? rows[rows.length - 1]!.id : null;
  return { rows: rows.filter((r) => r.owing), lastId };
}

export function loanTapeLine(r: LoanTapeRow): string[] {
  const c = r.currency;
  return [
    r.number,
    r.id,
    r.client,
    r.client_id,
    r.debtor,
    r.debtor_id,
    c,
    moneyOut(r.face_value, c),
    r.funding_date,
    r.advance === null ? '' : moneyOut(r.advance, c),
    moneyOut(r.reserve, c),
    moneyOut(r.outstanding, c),
    r.due_date,
    String(r.days_past_due),
    r.disputed ? 'disputed' : 'funded',
    moneyOut(new Big(r.fees), c),
  ];
}

const line = (values: readonly string[]) => values.map(csvField).join(',') + '\r\n';

/** The tape as a CSV stream: a batch read per pull, so the client's reading speed paces the queries. */
export function loanTapeStream(sql: RawSql, asOf: string, options: { batch?: number } = {}): ReadableStream<Uint8Array> {
  const batch = options.batch ?? 2_000;
  const encoder = new TextEncoder();
  let after = '0';
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(line(LOAN_TAPE_HEADER)));
    },
    async pull(controller) {
      try {
        // A batch of closed invoices gives no row: read on until one does or the invoices end.
        while (!finished) {
          const { rows, lastId } = await loanTapeBatch(sql, asOf, after, batch);
          if (lastId === null) finished = true;
          else after = lastId;
          if (rows.length > 0) {
            controller.enqueue(encoder.encode(rows.map((r) => line(loanTapeLine(r))).join('')));
            break;
          }
        }
        if (finished) controller.close();
      } catch (error) {
        finished = true;
        controller.error(error);
      }
    },
  });
}
