import type { ReactNode } from 'react';
import { toCsv } from '@/lib/csv';
import { CsvDownload } from './csv-download';
import { rowsAsHtml } from './list/static-html';

export interface Column<T> {
  header: string;
  /** the plain value: shown when there is no render, and what the CSV export holds */
  value: (row: T) => string;
  render?: (row: T) => ReactNode;
  align?: 'left' | 'right';
}

/**
 * A table with a caption and an "Export CSV" link of its rows (SPEC 8). With `shown`, only the first
 * rows are on the page (a long secondary table beside other sections) and the export still has them all.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  csvName,
  empty = 'Nothing here yet.',
  rowKey,
  shown,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  csvName: string;
  empty?: string;
  rowKey: (row: T) => string;
  /** at most this many rows on the page (the export has every row) */
  shown?: number;
}) {
  const csv = toCsv(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c) => c.value(r))),
  );
  const visible = shown !== undefined && rows.length > shown ? rows.slice(0, shown) : rows;
  // plain cells as one string (list/static-html.ts, issue 13); a cell React must render keeps React
  const rowsHtml = rowsAsHtml(visible, columns);
  return (
    <section className="mt-6 overflow-hidden rounded-lg border border-slate-200 bg-white">
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <h2 className="font-semibold">{caption}</h2>
        <CsvDownload csv={csv} name={csvName} />
      </div>
      {rows.length === 0 ? (
        <p className="px-4 py-6 text-sm text-slate-500">{empty}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{caption}</caption>
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                {columns.map((c) => (
                  <th key={c.header} scope="col" className={`px-4 py-2 font-medium ${c.align === 'right' ? 'text-right' : ''}`}>
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            {rowsHtml !== null ? (
              <tbody className="rows divide-y divide-slate-100" dangerouslySetInnerHTML={{ __html: rowsHtml }} />
            ) : (
              <tbody className="rows divide-y divide-slate-100">
                {visible.map((r) => (
                  <tr key={rowKey(r)}>
                    {columns.map((c) => (
                      <td key={c.header} className={c.align === 'right' ? 'cell-n' : 'cell'}>
                        {c.render ? c.render(r) : c.value(r)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            )}
          </table>
          {visible.length < rows.length ? (
            <p className="border-t border-slate-100 px-4 py-2 text-sm text-slate-600">
              The first {visible.length} of {rows.length.toLocaleString('en-US')}: Export CSV has them all.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}
