import type { Database } from '../db/client';
import { verifyAll } from '../lib/audit/verify';
import { systemActor, type Actor } from '../lib/auth/actor';
import { generatePortfolio } from '../lib/demo/generate';
import { ZERO, displayMoney } from '../lib/money';
import { runReleaseCycle } from '../lib/releases';

/**
 * `npm run bench -- release [--release-invoices N] [--release-clients C] [--verify]`: one
 * scheduled reserve release cycle over a generated portfolio of 10,000 clients and 1,000,000
 * invoices, about a third of them paid and settled (so their reserve is releasable), the rest
 * open; every client's cadence falls due on the cycle's date. Then the same cycle again, which
 * must propose, post and email nothing twice. Then (issue 14) every approved release is paid
 * through a payout batch per currency: created, its bank file generated and downloaded again,
 * marked sent. `--verify` runs audit:verify's checks on the generated ledger and again after.
 */
export const AS_OF = '2026-04-17';

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (start: number) => (performance.now() - start) / 1000;
const stamp = () => new Date().toISOString().slice(11, 19);

type Mark = { releases: string; entries: string; lines: string; emails: string };
type Counts = { releases: number; entries: number; lines: number; emails: number };

/** The tables' highest ids, to count what a cycle added (primary-key range scans, not table scans). */
async function mark(database: Database): Promise<Mark> {
  const [row] = await database.sql<Mark[]>`
    select (select coalesce(max(id), 0) from releases) as releases, (select coalesce(max(id), 0) from journal_entries) as entries,
           (select coalesce(max(id), 0) from journal_lines) as lines, (select coalesce(max(id), 0) from email_outbox) as emails`;
  return row!;
}

async function added(database: Database, since: Mark): Promise<Counts> {
  const [row] = await database.sql<{ releases: number; entries: number; lines: number; emails: number }[]>`
    select (select count(*)::int from releases where id > ${since.releases}) as releases,
           (select count(*)::int from journal_entries where id > ${since.entries}) as entries,
           (select count(*)::int from journal_lines where id > ${since.lines}) as lines,
           (select count(*)::int from email_outbox where id > ${since.emails}) as emails`;
  return row!;
}

async function verify(database: Database, when: string): Promise<void> {
  const start = performance.now();
  const report = await verifyAll(database.sql);
  const took = seconds(start);
  if (!report.ok) {
    for (const b of report.breaks.slice(0, 20)) console.error(`  BREAK [${b.kind}] ${b.message}`);
    throw new Error(`audit:verify found ${report.breaks.length} break(s) ${when}`);
  }
  console.log(
    `         audit:verify ${when}: OK (${fmt(report.entries, 0)} entries, ${fmt(report.lines, 0)} lines, ${fmt(report.auditEvents, 0)} audit events) in ${fmt(took)} s`,
  );
}

export async function benchRelease(database: Database, flags: Record<string, string | true>, app: Database = database): Promise<void> {
  // `database` (the owner) generates the portfolio; verify and the cycle run as the app (`app`).
  const invoices = Number(flags['release-invoices'] ?? 1_000_000);
  const clients = Number(flags['release-clients'] ?? 10_000);
  const portfolio = await generatePortfolio(database, {
    invoices,
    clients,
    // Seven months of fundings before the cycle, so every risk tier's holding period has passed for some.
    fundedFrom: '2025-09-01',
    days: 210,
    releaseMix: { asOf: AS_OF, settledShare: 0.35 },
    log: (line) => console.log(`  [${stamp()}] ${line}`),
  });
  console.log(
    `portfolio: ${fmt(portfolio.invoices, 0)} invoices of ${fmt(portfolio.clients, 0)} clients generated in ${fmt(portfolio.seconds)} s; ` +
      `${fmt(portfolio.settled, 0)} (${fmt((portfolio.settled / portfolio.invoices) * 100, 1)}%) paid and settled, the rest open`,
  );
  if (flags.verify) await verify(app, 'on the generated ledger');
  await measureReleaseCycle(app, flags);
}

/** The two cycles on AS_OF over what the database holds, with their figures. */
export async function measureReleaseCycle(database: Database, flags: Record<string, string | true>): Promise<void> {
  // As the scheduled job runs it: a system actor, so any approver may decide what it leaves pending.
  const by = { ...systemActor('job:release-cycle'), requestId: 'bench-release' };
  const before = await mark(database);
  const start = performance.now();
  const cycle = await runReleaseCycle(database, { asOf: AS_OF }, by, { kind: 'scheduled' });
  const took = seconds(start);
  const first = await added(database, before);

  const [due] = await database.sql<{ clients_due: number }[]>`select clients_due from release_cycles where id = ${cycle.id}`;
  const byStatus = await database.sql<{ status: string; currency: string; n: number; proposed: string; paid: string }[]>`
    select status, currency, count(*)::int as n, coalesce(sum(amount), 0)::text as proposed, coalesce(sum(approved_amount) filter (where status = 'approved'), 0)::text as paid
      from releases where cycle_id = ${cycle.id} group by status, currency order by currency, status`;
  const n = (status: string) => byStatus.filter((r) => r.status === status).reduce((t, r) => t + r.n, 0);
  const totals = (field: 'proposed' | 'paid', only?: string) =>
    [...new Set(byStatus.map((r) => r.currency))]
      .map((c) => {
        const rows = byStatus.filter((r) => r.currency === c && (!only || r.status === only));
        return displayMoney(
          rows.reduce((t, r) => t.plus(r[field]), ZERO),
          c,
        );
      })
      .join(', ');
  const proposed = cycle.releases.length;
  console.log(`release: one scheduled cycle (${AS_OF}) over ${fmt(due!.clients_due, 0)} clients due in ${fmt(took)} s (target well under 60 s)`);
  console.log(
    `         ${fmt(proposed, 0)} releases proposed: ${fmt(n('approved'), 0)} auto-approved and posted (to client payable; paid later in payout batches), ${fmt(n('pending_approval'), 0)} pending approval, ${fmt(n('nothing_due'), 0)} nothing due`,
  );
  console.log(`         proposed ${totals('proposed')}; posted ${totals('paid', 'approved')}`);
  console.log(`         ${fmt(first.entries, 0)} journal entries (release), ${fmt(first.lines, 0)} lines, ${fmt(first.emails, 0)} rebate advices queued`);

  const between = await mark(database);
  const start2 = performance.now();
  const again = await runReleaseCycle(database, { asOf: AS_OF }, by, { kind: 'scheduled' });
  const took2 = seconds(start2);
  const second = await added(database, between);
  const twice = second.releases + second.entries + second.lines + second.emails;
  console.log(
    `  again: the same cycle in ${fmt(took2)} s: ${fmt(second.releases, 0)} new releases, ${fmt(second.entries, 0)} new entries, ${fmt(second.emails, 0)} new emails` +
      ` (it reports the ${fmt(again.releases.length, 0)} releases of the date)${twice === 0 ? ' — idempotent' : ' — NOT IDEMPOTENT'}`,
  );
  if (twice !== 0) throw new Error('the second release cycle proposed, posted or emailed something again');
  await measurePayouts(database, by);
  if (flags.verify) await verify(database, 'after both cycles and the payout batches');
}

/** The factor's bank, as Settings → Payout bank would hold it (env fallback): the bench's own when none is set. */
const BENCH_ORIGINATOR = {
  NACHA_ORIGIN_ROUTING: '021000021',
  NACHA_COMPANY_ID: '1234567890',
  NACHA_COMPANY_NAME: 'Holdback Bench Factor',
  SEPA_DEBTOR_NAME: 'Holdback Bench Factor GmbH',
  SEPA_DEBTOR_IBAN: 'DE89370400440532013000',
  SEPA_DEBTOR_BIC: 'COBADEFFXXX',
};

/**
 * Issue 14: every release the cycle approved is paid through a payout batch — per currency, the
 * batch of AS_OF (every approved release), its bank file generated (NACHA for USD, pain.001
 * otherwise: the batch frozen, its bytes kept) and marked sent (client payable → cash in
 * transit, one entry per release). The generated clients get a payout account first, as if
 * approved (an ABA account for USD, an IBAN otherwise).
 */
async function measurePayouts(database: Database, by: Actor): Promise<void> {
  for (const [k, v] of Object.entries(BENCH_ORIGINATOR)) process.env[k] ??= v;
  const { batchFile, createBatch, markSent } = await import('../lib/payouts');
  const accounts = await database.sql`
    update clients c set payout_account = case when c.currency = 'USD'
        then jsonb_build_object('holderName', c.name, 'routing', '011000015', 'account', lpad(c.id::text, 10, '0'), 'accountType', 'checking')
        else jsonb_build_object('holderName', c.name, 'iban', 'DE89370400440532013000', 'bic', 'COBADEFFXXX') end
     where c.payout_account is null and exists (select 1 from releases r where r.client_id = c.id and r.status = 'approved')`;
  const currencies = await database.sql<{ currency: string; n: number }[]>`
    select currency, count(*)::int as n from releases where status = 'approved' and approved_amount > 0 group by currency order by currency`;
  console.log(
    `payouts: ${fmt(accounts.count, 0)} clients given a payout account; approved releases: ${currencies.map((c) => `${fmt(c.n, 0)} ${c.currency}`).join(', ') || 'none'}`,
  );
  for (const { currency, n } of currencies) {
    const format = currency === 'USD' ? 'nacha' : 'pain001';
    let start = performance.now();
    const { batch } = await database.transaction((tx) => createBatch(tx, { currency, valueDate: AS_OF }, by));
    const created = seconds(start);
    start = performance.now();
    const file = await database.transaction((tx) => batchFile(tx, Number(batch.id), format, by));
    const generated = seconds(start);
    start = performance.now();
    const again = await database.transaction((tx) => batchFile(tx, Number(batch.id), format, by));
    const downloaded = seconds(start);
    start = performance.now();
    const sent = await database.transaction((tx) => markSent(tx, Number(batch.id), { date: AS_OF }, by));
    const marked = seconds(start);
    const same = Buffer.compare(Buffer.from(file.bytes), Buffer.from(again.bytes)) === 0;
    console.log(
      `         ${currency} batch ${batch.id}: ${fmt(n, 0)} releases, ${displayMoney(batch.total, currency)} — created in ${fmt(created)} s, ` +
        `${format} file (${fmt(file.bytes.length / 1024, 0)} KB) generated in ${fmt(generated)} s, downloaded again in ${fmt(downloaded)} s` +
        `${same ? ' (the same bytes)' : ' — DIFFERENT BYTES'}, marked sent (${fmt(sent.posted, 0)} entries) in ${fmt(marked)} s`,
    );
    if (!same) throw new Error(`payout batch ${batch.id}: a second download gave other bytes`);
  }
}
