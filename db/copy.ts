import type { Tx } from './client';

type Cell = string | number | null;

/**
 * Streams rows into a table with COPY — Postgres's fastest bulk path, for the large set-based
 * writes (a funding batch's lines). Statement-level triggers still run at its end. Cells are ids,
 * codes, decimals and dates; anything with a tab, newline or backslash is escaped.
 */
export async function copyRows(tx: Tx, table: string, columns: string[], rows: Cell[][]): Promise<void> {
  if (!/^[a-z_]+$/.test(table) || !columns.every((c) => /^[a-z_]+$/.test(c))) throw new Error('copyRows: bad identifier');
  const cell = (v: Cell) =>
    v === null
      ? '\\N'
      : typeof v === 'number'
        ? String(v)
        : v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  const stream = await tx.sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
  const chunk = 2000;
  for (let i = 0; i < rows.length; i += chunk) {
    let text = '';
    const end = Math.min(rows.length, i + chunk);
    for (let r = i; r < end; r += 1) text += `${rows[r]!.map(cell).join('\t')}\n`;
    if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.once('finish', () => resolve());
    stream.end();
  });
}
