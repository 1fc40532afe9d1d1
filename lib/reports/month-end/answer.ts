import type { RawSql } from '../../../db/client';
import { DomainError } from '../../errors';
import type { ApiResult } from '../../http/api';
import { factorNameOf } from './factor';

/**
 * A month-end report's answer: JSON (decimal strings), `?format=csv` or `?format=pdf` as a
 * download named after the report and its date or period. Another format is a 400.
 */
export async function reportAnswer<R>(
  sql: RawSql,
  url: URL,
  report: R,
  options: { file: string; csv: (r: R) => string; pdf: (r: R, factorName: string) => Promise<Buffer> },
): Promise<ApiResult> {
  const format = url.searchParams.get('format') ?? 'json';
  if (format === 'csv') {
    return {
      status: 200,
      raw: { body: new TextEncoder().encode(options.csv(report)), contentType: 'text/csv; charset=utf-8', filename: `${options.file}.csv` },
    };
  }
  if (format === 'pdf') {
    const pdf = await options.pdf(report, await factorNameOf(sql));
    return { status: 200, raw: { body: new Uint8Array(pdf), contentType: 'application/pdf', filename: `${options.file}.pdf` } };
  }
  if (format !== 'json') throw badFormat(['json', 'csv', 'pdf']);
  return { status: 200, body: report };
}

export function badFormat(allowed: string[]): DomainError {
  const message = allowed.length === 1 ? `Format must be ${allowed[0]}` : `Format must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  return new DomainError('invalid_input', message, { status: 400, details: { format: message } });
}
