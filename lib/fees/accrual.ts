import type { Database } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { addDays, parseBusinessDate } from '../dates';
import { postAccrualChunk, summarizeLedgerIndexes } from '../ledger/accrual';
import { Big, formatMoney } from '../money';

/**
 * The daily fee accrual (SPEC 4, SPEC 7) through a business date: every day from where each
 * client's invoices were last accrued up to `asOf`, in order, each day posted with its own date
 * (so a weekend the worker was down is caught up day by day). Each day runs in chunks of clients,
 * one transaction each; a chunk's postings, new accrued amounts and the client's "accrued
 * through" date commit together, so a worker killed mid-run leaves finished chunks finished and
 * the retry does exactly the rest. Running it twice, or twice at once, posts nothing twice.
 */
export interface AccrualProgress {
  date: string;
  day: number;
  days: number;
  chunk: number;
  chunks: number;
}

export interface AccrualResult {
  asOf: string;
  /** the business dates this run accrued */
  dates: string[];
  /** the most invoices accrued on one of those dates */
  invoices: number;
  postings: number;
  posted: Map<string, Big>;
}

/** The most invoices a chunk (one transaction) takes. */
export const ACCRUAL_CHUNK = 200_000;

export async function runAccrual(
  database: Database,
  options: {
    asOf: string;
    by: Actor;
    onProgress?: (p: AccrualProgress) => void | Promise<void>;
    chunkSize?: number;
    afterChunk?: (p: AccrualProgress) => void | Promise<void>;
    /** only these clients (catching one client up, or a simulation's own clients); default every client */
    clientIds?: number[];
  },
): Promise<AccrualResult> {
  const asOf = parseBusinessDate(options.asOf, 'asOf');
  const chunkSize = options.chunkSize ?? ACCRUAL_CHUNK;
  const only = (options.clientIds ?? null) as never;
  const [start] = await database.sql<{ start: string | null }[]>`
    select min(greatest(f.accrual_start, coalesce(ac.accrued_through + 1, f.accrual_start)))::text as start
      from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
     where f.frozen_on is null and f.kind <> 'flat' and f.accrual_start <= ${asOf}::date
       and (${only}::bigint[] is null or f.client_id = any(${only}::bigint[]))
       and (ac.accrued_through is null or ac.accrued_through < ${asOf}::date)`;
  const result: AccrualResult = { asOf, dates: [], invoices: 0, postings: 0, posted: new Map() };
  if (!start?.start) return result;
  const dates: string[] = [];
  for (let d = start.start; d <= asOf; d = addDays(d, 1)) dates.push(d);
  for (const [i, date] of dates.entries()) {
    const clients = await database.sql<{ client_id: string; n: number }[]>`
      select f.client_id, count(*)::int as n
        from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
       where f.frozen_on is null and f.kind <> 'flat' and f.accrual_start <= ${date}::date
         and (${only}::bigint[] is null or f.client_id = any(${only}::bigint[]))
         and (ac.accrued_through is null or ac.accrued_through < ${date}::date)
       group by f.client_id order by f.client_id`;
    const chunks: number[][] = [];
    let current: number[] = [];
    let size = 0;
    for (const c of clients) {
      current.push(Number(c.client_id));
      size += c.n;
      if (size >= chunkSize) {
        chunks.push(current);
        current = [];
        size = 0;
      }
    }
    if (current.length > 0) chunks.push(current);
    let dayInvoices = 0;
    for (const [k, clientIds] of chunks.entries()) {
      const progress = { date, day: i + 1, days: dates.length, chunk: k + 1, chunks: chunks.length };
      const chunk = await database.transaction(async (tx) => {
        const posted = await postAccrualChunk(tx, { date, clientIds, by: options.by });
        if (posted.invoices > 0) {
          await recordAudit(tx, options.by, {
            action: 'fee.accrue',
            targetType: 'accrual_day',
            targetId: date,
            after: {
              clients: clientIds.length,
              invoices: posted.invoices,
              posted: Object.fromEntries([...posted.posted].map(([c, v]) => [c, formatMoney(v, c)])),
              chunk: `${k + 1}/${chunks.length}`,
            },
          });
        }
        return posted;
      });
      dayInvoices += chunk.invoices;
      result.postings += chunk.invoices;
      for (const [c, v] of chunk.posted) result.posted.set(c, (result.posted.get(c) ?? new Big(0)).plus(v));
      await options.onProgress?.(progress);
      await options.afterChunk?.(progress);
    }
    result.dates.push(date);
    result.invoices = Math.max(result.invoices, dayInvoices);
  }
  if (result.postings > 0) await summarizeLedgerIndexes(database.sql);
  return result;
}

/** The API's figure: what was posted, summed (per currency it is in `postedByCurrency`). */
export function accrualSummary(result: AccrualResult): {
  asOf: string;
  invoices: number;
  posted: string;
  postedByCurrency: Record<string, string>;
  dates: string[];
  postings: number;
} {
  const total = [...result.posted.values()].reduce((t, v) => t.plus(v), new Big(0));
  return {
    asOf: result.asOf,
    invoices: result.invoices,
    posted: formatMoney(total, 'USD'),
    postedByCurrency: Object.fromEntries([...result.posted].map(([c, v]) => [c, formatMoney(v, c)])),
    dates: result.dates,
    postings: result.postings,
  };
}
