import type { Database } from '../db/client';
import { systemActor } from '../lib/auth/actor';
import { addDays } from '../lib/dates';
import { generatePortfolio } from '../lib/demo/generate';
import { buildStatement, runStatements } from '../lib/statements';
import { loadStatementData } from '../lib/statements/data';
import { renderStatementPdf } from '../lib/statements/render';

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (start: number) => (performance.now() - start) / 1000;

/**
 * `npm run bench -- statements [--clients 1000] [--invoices 100000] [--concurrency 3] [--chunk 100]`:
 * February 2026 reserve statements for every client of a generated portfolio (invoices funded
 * over January–March, so each statement has an opening balance and a month of movements) —
 * loaded set-based, built, rendered to PDF, stored with their audit events — as statements per
 * second; beside it the two parts alone: loading the data, and building + rendering the PDFs.
 */
export async function benchStatements(database: Database, flags: Record<string, string | true> = {}, app: Database = database): Promise<void> {
  // `database` (the owner) generates the portfolio; the measured commands run as the app (`app`).
  const clientCount = Number(flags.clients ?? 1_000);
  const invoiceCount = Number(flags.invoices ?? 100_000);
  const [{ base }] = (await database.sql`select coalesce(max(id), 0) as base from clients`) as unknown as [{ base: string }];
  const generated = await generatePortfolio(database, { invoices: invoiceCount, clients: clientCount, fundedFrom: '2026-01-01', days: 90 });
  console.log(
    `statements: portfolio of ${fmt(generated.clients, 0)} clients and ${fmt(generated.invoices, 0)} funded invoices generated in ${fmt(generated.seconds)} s`,
  );
  const ids = (await database.sql<{ id: string }[]>`select id from clients where id > ${base} order by id`).map((r) => r.id);
  const by = systemActor('bench:statements');
  const period = { from: '2026-02-01', to: '2026-02-28' };
  const today = addDays(period.to, 1);
  const options = { today, concurrency: flags.concurrency ? Number(flags.concurrency) : undefined, chunkSize: flags.chunk ? Number(flags.chunk) : undefined };

  // Warm up the JIT, pdfkit's fonts and Postgres' caches on another period, as a running worker would be.
  await runStatements(app, { from: '2026-01-01', to: '2026-01-31', clientIds: ids.slice(0, 20) }, by, options);

  const start = performance.now();
  const result = await runStatements(app, { ...period, clientIds: ids }, by, options);
  const took = seconds(start);
  if (result.failed.length > 0) throw new Error(`${result.failed.length} statements failed, first: ${result.failed[0]!.error}`);
  const [sizes] = await database.sql<{ n: number; bytes: string; movements: string }[]>`
    select count(*)::int as n, sum(bytes) as bytes, sum((figures->0->>'movements')::int) as movements
      from statements where period_from = ${period.from}::date and period_to = ${period.to}::date and client_id > ${base}`;
  console.log(
    `statements: ${fmt(result.issued, 0)} statements for February 2026 in ${fmt(took)} s = ${fmt(result.issued / took, 1)} statements/s ` +
      `(${fmt(Number(sizes!.movements) / sizes!.n, 1)} movements and ${fmt(Number(sizes!.bytes) / sizes!.n / 1024, 1)} KB of PDF each; loaded, built, rendered, stored, audited)`,
  );

  // The parts alone: the set-based loading of every client's data, then building and rendering.
  const loadStart = performance.now();
  const loaded = await loadStatementData(app, ids.map(Number), period);
  const loadTook = seconds(loadStart);
  const renderStart = performance.now();
  for (const data of loaded.values()) {
    await renderStatementPdf(buildStatement({ factorName: 'Holdback', client: { id: data.clientId, name: data.name }, period, currencies: data.currencies }));
  }
  const renderTook = seconds(renderStart);
  console.log(
    `  parts: loading every client's ledger data in one pass ${fmt(loadTook)} s; building and rendering the ${fmt(loaded.size, 0)} PDFs ${fmt(renderTook)} s (${fmt(loaded.size / renderTook, 0)}/s)`,
  );
}
