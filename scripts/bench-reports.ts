import type { Database, RawSql } from '../db/client';
import { generatePortfolio } from '../lib/demo/generate';
import { Big, formatMoney } from '../lib/money';
import { glExportCsv } from '../lib/reports/gl-export';
import { reserveRollForward, rollForwardCsvStream } from '../lib/reports/roll-forward';

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (start: number) => (performance.now() - start) / 1000;

async function drain(stream: ReadableStream<Uint8Array>): Promise<{ bytes: number; lines: number; text: string }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let lines = 0;
  let tail = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const text = decoder.decode(value, { stream: true });
    for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) lines += 1;
    tail = (tail + text).slice(-4000);
  }
  return { bytes, lines, text: tail };
}

/**
 * `npm run bench -- reports [--invoices 100000] [--clients N]` (issue 16): the month-end reports on
 * a generated portfolio — invoices funded over January–March 2026, about a third paid and settled
 * (fees settled from the reserve) — for February 2026:
 * - the reserve roll-forward of every client, timed, then CHECKED against the ledger for every
 *   client and currency: opening = the reserve's sum of lines before the period, closing = through
 *   its end (a plain grouped sum of journal_lines, computed apart), and each row's identity;
 * - the general-ledger export, summary and detail, streamed to the end (its own balance checks run).
 */
export async function benchReports(owner: Database, flags: Record<string, string | true> = {}, app: Database = owner): Promise<void> {
  const invoiceCount = Number(flags.invoices ?? flags.portfolio ?? 100_000);
  if (!flags.portfolio) {
    const generated = await generatePortfolio(owner, {
      invoices: invoiceCount,
      clients: flags.clients ? Number(flags.clients) : undefined,
      fundedFrom: '2026-01-01',
      days: 90,
      releaseMix: { asOf: '2026-03-31', settledShare: 0.35 },
    });
    console.log(
      `reports: portfolio of ${fmt(generated.clients, 0)} clients, ${fmt(generated.invoices, 0)} funded invoices (${fmt(generated.settled, 0)} settled) generated in ${fmt(generated.seconds)} s`,
    );
  }
  const [size] = await owner.sql<{ lines: string; reserve: string }[]>`
    select (select count(*) from journal_lines)::text as lines,
           (select count(*) from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve')::text as reserve`;
  const period = { from: '2026-02-01', to: '2026-02-28' };

  // As the web server runs them: without JIT (db/client.ts, the 'web' profile) — on this plan JIT
  // compiling costs more than the query.
  const asWeb = <T>(fn: (sql: RawSql) => Promise<T>) =>
    app.transaction(async (tx) => {
      await tx.sql`set local jit = off`;
      return fn(tx.sql);
    });
  // Warm the caches on another period, as a running server would be.
  await asWeb((sql) => reserveRollForward(sql, { from: '2026-01-01', to: '2026-01-31' }));
  const start = performance.now();
  const report = await asWeb((sql) => reserveRollForward(sql, period));
  const took = seconds(start);
  const csvStart = performance.now();
  const csv = await drain(rollForwardCsvStream(report));
  const csvTook = seconds(csvStart);

  // The tie-out, computed apart: every reserve account's sum of lines before `from` and through `to`.
  const ledger = await owner.sql<{ client_id: string; currency: string; opening: string; closing: string }[]>`
    select a.client_id::text, a.currency,
           coalesce(sum(l.amount) filter (where l.effective_date < ${period.from}::date), 0)::text as opening,
           coalesce(sum(l.amount) filter (where l.effective_date <= ${period.to}::date), 0)::text as closing
      from ledger_accounts a left join journal_lines l on l.account_id = a.id
     where a.code = 'reserve' and a.client_id is not null
     group by a.client_id, a.currency`;
  const byKey = new Map(report.rows.map((r) => [`${r.clientId}|${r.currency}`, r]));
  const problems: string[] = [];
  for (const l of ledger) {
    const r = byKey.get(`${l.client_id}|${l.currency}`);
    const opening = new Big(l.opening).times(-1);
    const closing = new Big(l.closing).times(-1);
    if (!r) problems.push(`client ${l.client_id} ${l.currency}: missing from the roll-forward`);
    else {
      if (!r.opening.eq(opening))
        problems.push(`client ${l.client_id} ${l.currency}: opening ${formatMoney(r.opening, l.currency)}, ledger ${formatMoney(opening, l.currency)}`);
      if (!r.closing.eq(closing))
        problems.push(`client ${l.client_id} ${l.currency}: closing ${formatMoney(r.closing, l.currency)}, ledger ${formatMoney(closing, l.currency)}`);
      if (!r.opening.plus(r.withheld).minus(r.fees).minus(r.released).plus(r.adjustments).eq(r.closing))
        problems.push(`client ${l.client_id} ${l.currency}: the columns do not roll the opening to the closing`);
    }
  }
  if (ledger.length !== report.rows.length) problems.push(`${report.rows.length} rows for ${ledger.length} reserve accounts`);
  if (problems.length > 0) throw new Error(`roll-forward does not tie to the ledger (${problems.length}): ${problems.slice(0, 5).join('; ')}`);
  const usd = report.totals.find((t) => t.currency === 'USD');
  console.log(
    `reports: reserve roll-forward for ${period.from} – ${period.to}, ${fmt(report.rows.length, 0)} clients × currencies, over ${fmt(Number(size!.reserve), 0)} reserve lines ` +
      `(${fmt(Number(size!.lines), 0)} journal lines) in ${fmt(took)} s; CSV ${fmt(csv.bytes / 1024, 0)} KB in ${fmt(csvTook)} s`,
  );
  console.log(
    `  tied to the ledger for every client and currency (opening = lines before ${period.from}, closing = lines through ${period.to}): ${fmt(ledger.length, 0)} checked` +
      (usd
        ? `; USD portfolio ${formatMoney(usd.opening, 'USD')} + ${formatMoney(usd.withheld, 'USD')} − ${formatMoney(usd.fees, 'USD')} − ${formatMoney(usd.released, 'USD')} + ${formatMoney(usd.adjustments, 'USD')} = ${formatMoney(usd.closing, 'USD')}`
        : ''),
  );

  for (const mode of ['summary', 'detail'] as const) {
    const s = performance.now();
    const out = await asWeb(async (sql) => drain(await glExportCsv(sql, { ...period, mode })));
    const t = seconds(s);
    const total = out.text
      .split('\r\n')
      .find((line) => line.startsWith('Total,'))
      ?.split(',')
      .filter((c) => /^\d+\.\d{2}$/.test(c));
    console.log(
      `reports: general-ledger export (${mode}) for February: ${fmt(out.lines - 2, 0)} lines, ${fmt(out.bytes / 1024 / 1024, 1)} MB in ${fmt(t)} s (balanced; USD debits = credits = ${total?.[0] ?? '?'})`,
    );
  }
}
