import type postgres from 'postgres';
import type { RawSql } from '../../db/client';
import { todayIn } from '../dates';
import { DomainError } from '../errors';
import type { ApiResult } from '../http/api';
import {
  csvFileName,
  csvStream,
  keysetPage,
  listBody,
  parseListRequest,
  readListRequest,
  type CsvColumn,
  type ListDefinition,
  type ListPage,
  type ListQuery,
  type ListRequest,
} from './keyset';

/**
 * Issue 13: one list as both its API (`GET /api/v1/<list>`, JSON pages or `?format=csv`) and its
 * console page, from the same definition, query and mapping — so the screen, its CSV export and the
 * API can never disagree about what a filter means or who may see a row.
 */
export interface ListSpec<F, R extends postgres.Row, O> {
  def: ListDefinition<F>;
  /** the request's query: the filters' conditions, already scoped to the actor (a client user: its own) */
  query: (request: ListRequest<F>) => ListQuery;
  /** a row as the API answers it (money as decimal strings, ids as strings) */
  map: (row: R) => O;
  /** the CSV export's columns, over the API's item */
  csv: CsvColumn<O>[];
  /** the export's file name before the date: "payments" → payments-2026-05-01.csv */
  file: string;
}

/** A list API's answer: a page (`{items,nextCursor,prevCursor,total,…}`) or, with `?format=csv`, the whole filtered set streamed. */
export async function listAnswer<F, R extends postgres.Row, O>(sql: RawSql, spec: ListSpec<F, R, O>, url: URL): Promise<ApiResult> {
  const format = url.searchParams.get('format');
  if (format !== null && format !== '' && format !== 'csv' && format !== 'json') {
    throw new DomainError('invalid_input', 'Format must be json or csv', { status: 400, details: { format: 'Format must be json or csv' } });
  }
  const request = parseListRequest(spec.def, url.searchParams);
  const query = spec.query(request);
  if (format === 'csv') {
    const body = csvStream<F, R>(
      sql,
      spec.def,
      request,
      query,
      spec.csv.map((c) => ({ header: c.header, value: (row: R) => c.value(spec.map(row)) })),
    );
    return { status: 200, raw: { body, contentType: 'text/csv; charset=utf-8', filename: csvFileName(spec.file, todayIn()) } };
  }
  const page = await keysetPage<F, R, O>(sql, spec.def, request, query, spec.map);
  return { status: 200, body: listBody(page) };
}

/**
 * A console page's list: the page for the URL's query, or — a filter written wrongly — the list
 * unfiltered with the problem in words for the filter form.
 */
export async function listPageOf<F, R extends postgres.Row, O>(
  sql: RawSql,
  spec: ListSpec<F, R, O>,
  params: Record<string, string | string[] | undefined>,
): Promise<{ page: ListPage<O>; error: string | null; request: ListRequest<F> }> {
  const { request, error } = readListRequest(spec.def, params);
  const page = await keysetPage<F, R, O>(sql, spec.def, request, spec.query(request), spec.map);
  return { page, error, request };
}
