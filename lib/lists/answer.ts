import type postgres from 'postgres';
import type { RawSql } from '../../db/client';
import { todayIn } from '../dates';
import type { ApiResult } from '../http/api';
import { csvFileName, csvStream, keysetPage, listBody, type CsvColumn, type ListDefinition, type ListQuery, type ListRequest } from './keyset';

/**
 * A list route's answer (API.md "Lists"): the page as JSON — `{items, nextCursor, prevCursor, total,
 * totalApproximate, sort, order}` — or, with `?format=csv`, the whole filtered set streamed as CSV
 * in the list's order. The page's rows may be completed set-based (`complete`: one query for the
 * page's ids, never one per row).
 */
export async function listAnswer<F, R extends postgres.Row, O>(
  sql: RawSql,
  url: URL,
  def: ListDefinition<F>,
  request: ListRequest<F>,
  query: ListQuery,
  options: { csv: CsvColumn<R>[]; file: string; map?: (row: R) => O; complete?: (rows: R[]) => Promise<O[]> },
): Promise<ApiResult> {
  if (url.searchParams.get('format') === 'csv') {
    return {
      status: 200,
      raw: { body: csvStream(sql, def, request, query, options.csv), contentType: 'text/csv; charset=utf-8', filename: csvFileName(options.file, todayIn()) },
    };
  }
  const page = await keysetPage<F, R, R>(sql, def, request, query);
  const items = options.complete ? await options.complete(page.items) : page.items.map((r) => (options.map ? options.map(r) : (r as unknown as O)));
  return { status: 200, body: listBody({ ...page, items }) };
}
