import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { createDatabase, type Database } from '../db/client';
import { roleNames } from '../db/roles';
import { urlAsRole } from '../db/urls';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { systemActor, type Actor } from '../lib/auth/actor';
import { createClient } from '../lib/clients';
import { generatePortfolio } from '../lib/demo/generate';
import { fundBatch } from '../lib/funding';
import { Big } from '../lib/money';
import { createUser } from '../lib/users';
import { parseArgs } from './args';
import { addDays } from '../lib/dates';
import { groupBy } from '../lib/group-by';

/**
 * `npm run bench [-- funding] [--portfolio N]` (and `-- console`, scripts/bench-console.ts): speed figures on a generated portfolio in its own
 * database (BENCH_DATABASE_URL, default holdback_bench, recreated each run). Each figure is
 * printed beside a floor measured in the same run: what Postgres itself takes for the same rows.
 * Portfolios are generated as the operator (BENCH_DATABASE_URL: set-based writes and ANALYZE,
 * which only a table's owner may); every measured command runs as the app role, as in production.
 */
const { positional, flags } = parseArgs(process.argv.slice(2));
const only = new Set(positional);
const want = (name: string) => only.size === 0 || only.has(name);
const benchUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/holdback_bench';
const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (start: number) => (performance.now() - start) / 1000;

async function freshDatabase(): Promise<Database> {
  const u = new URL(benchUrl);
  const name = u.pathname.slice(1);
  if (!name.includes('bench')) throw new Error(`refusing to recreate ${name}: BENCH_DATABASE_URL must name a bench database`);
  u.pathname = '/postgres';
  const admin = postgres(u.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  await ensureDatabase(benchUrl);
  await migrateDatabase(benchUrl);
  if (process.env.BENCH_LOG) {
    const a = postgres(benchUrl, { max: 1 });
    await a.unsafe(`alter database "${name}" set log_min_duration_statement = 30`);
    await a.end();
  }
  return createDatabase(benchUrl, { max: 4 });
}

async function person(database: Database, role: 'underwriter' | 'funding'): Promise<Actor> {
  const { user } = await database.transaction((tx) => createUser(tx, { email: `${role}@bench.test`, role }, systemActor('bench', 'cli'), { reuse: true }));
  return { userId: Number(user.id), label: user.email, role, clientId: null, source: 'cli', requestId: 'bench', ip: null };
}

/** Issue 3: a 10,000-invoice batch through fundBatch — every check, posting and audit event. */
async function benchFunding(database: Database, size: number): Promise<void> {
  const underwriter = await person(database, 'underwriter');
  const funder = await person(database, 'funding');
  const client = await database.transaction((tx) =>
    createClient(
      tx,
      {
        name: 'Bench Freight',
        currency: 'USD',
        status: 'active',
        agreement: { creditLimit: '100000000000.00', serviceFee: '5.00' },
        effectiveFrom: '2025-01-01',
      },
      underwriter,
    ),
  );
  await database.sql`insert into debtors (name, credit_limit) select 'Bench Debtor ' || g, 100000000000 from generate_series(1, 50) g`;
  await database.sql`
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status, verified_at)
    select ${client.id}, (select min(id) from debtors) + (g % 50), 'B-' || g, 'USD', 1000 + (g % 9000) + (g % 100) / 100.0,
           '2026-01-01', '2026-02-15', 'verified', now()
      from generate_series(1, ${size}) g`;
  const ids = (await database.sql<{ id: string }[]>`select id from invoices where client_id = ${client.id} order by id`).map((r) => r.id);
  // Warm up the JIT and the caches with a small batch of another client, as a running server would be.
  const warm = await database.transaction((tx) =>
    createClient(
      tx,
      { name: 'Warm-up', currency: 'USD', status: 'active', agreement: { creditLimit: '100000000000.00' }, effectiveFrom: '2025-01-01' },
      underwriter,
    ),
  );
  await database.sql`
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status, verified_at)
    select ${warm.id}, (select min(id) from debtors) + (g % 50), 'W-' || g, 'USD', 1000, '2026-01-01', '2026-02-15', 'verified', now() from generate_series(1, 300) g`;
  const warmIds = (await database.sql<{ id: string }[]>`select id from invoices where client_id = ${warm.id}`).map((r) => r.id);
  await database.transaction((tx) => fundBatch(tx, { clientId: warm.id, invoiceIds: warmIds, fundingDate: '2026-01-02' }, funder));
  const [before] = await database.sql<
    { entries: string; lines: string }[]
  >`select (select count(*) from journal_entries) as entries, (select count(*) from journal_lines) as lines`;

  const start = performance.now();
  const batch = await database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: ids, fundingDate: '2026-01-02' }, funder));
  const took = seconds(start);
  if (batch.status !== 'funded') throw new Error(`bench batch was not funded: ${batch.holds.map((h) => h.message).join('; ')}`);
  const [after] = await database.sql<
    { entries: string; lines: string }[]
  >`select (select count(*) from journal_entries) as entries, (select count(*) from journal_lines) as lines`;
  const entries = Number(after!.entries) - Number(before!.entries);
  const lines = Number(after!.lines) - Number(before!.lines);

  // The floor: the same journal rows, inserted by postgres.js multi-row INSERTs in 1,000-entry
  // transactions (rolled back, so the ledger stays as fundBatch left it).
  const posted = await database.sql<{ id: string; effective_date: string; kind: string; client_id: string; invoice_id: string | null; memo: string }[]>`
    select id, effective_date, kind, client_id, invoice_id, memo from journal_entries order by id desc limit ${entries}`;
  const postedLines = await database.sql<
    { entry_id: string; account_id: string; currency: string; amount: string; effective_date: string; invoice_id: string | null; tranche_id: string | null }[]
  >`
    select entry_id, account_id, currency, amount, effective_date, invoice_id, tranche_id from journal_lines where entry_id = any(${posted.map((p) => p.id)}::bigint[])`;
  const linesByEntry = groupBy(postedLines, (l) => l.entry_id);
  const raw = postgres(benchUrl, { max: 1, onnotice: () => {} });
  const floorStart = performance.now();
  for (let i = 0; i < posted.length; i += 1000) {
    const chunk = posted.slice(i, i + 1000);
    await raw
      .begin(async (sql) => {
        const inserted = await sql<{ id: string; idempotency_key: string }[]>`
          insert into journal_entries ${sql(chunk.map((e) => ({ effective_date: e.effective_date, kind: e.kind, idempotency_key: `floor:${e.id}`, client_id: e.client_id, invoice_id: e.invoice_id, memo: e.memo, posted_by: 'bench' })))}
          returning id, idempotency_key`;
        const newId = new Map(inserted.map((r) => [r.idempotency_key, r.id]));
        // Each entry's lines in one statement (the balance trigger checks per statement). A funding
        // batch's purchase entry has ~40,000 lines, beyond the 65,535 parameters a VALUES list
        // can bind, so lines go as one INSERT … SELECT FROM unnest(…) per entry: 7 parameters.
        for (const e of chunk) {
          const own = linesByEntry.get(e.id) ?? [];
          const c = <T>(f: (l: (typeof own)[number]) => T) => own.map(f);
          await sql`
            insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, tranche_id)
            select ${newId.get(`floor:${e.id}`)!}::bigint, * from unnest(${c((l) => l.account_id)}::bigint[], ${c((l) => l.currency)}::text[],
              ${c((l) => l.amount)}::numeric[], ${c((l) => l.effective_date)}::date[], ${c((l) => l.invoice_id) as never}::bigint[], ${c((l) => l.tranche_id) as never}::bigint[])`;
        }
        throw new RollbackSignal();
      })
      .catch((e) => {
        if (!(e instanceof RollbackSignal)) throw e;
      });
  }
  const floor = seconds(floorStart);
  await raw.end();
  const rate = size / took;
  console.log(`funding: ${fmt(size, 0)} invoices in one batch in ${fmt(took)} s = ${fmt(rate, 0)} invoices/s (target ≥ 5,000/s)`);
  console.log(
    `         ${fmt(entries, 0)} journal entries, ${fmt(lines, 0)} lines, one hash-chained audit event naming every invoice; limits and concentration checked`,
  );
  console.log(
    `  floor: the same ${fmt(entries, 0)} entries + ${fmt(lines, 0)} lines inserted by postgres.js directly (multi-row INSERT of entries, one unnest INSERT per entry's lines): ${fmt(floor)} s`,
  );
  console.log(`  ratio: ${fmt(took / floor)}× the floor (target ≤ 4×)`);
}

/**
 * Issue 4 / issue 13: one day's accrual over every open invoice of the portfolio — one entry per
 * client and currency with its fees_receivable and fee_income lines, and a detail row per invoice
 * (fee_accrual_lines) — beside its floor: the same rows written by one INSERT … SELECT per table
 * into the same tables, with their indexes and checks (the detail with its journal lines in one
 * statement, as the tie between them requires), from tables prepared beforehand.
 */
async function benchAccrual(database: Database, owner: Database): Promise<void> {
  const { runAccrual } = await import('../lib/fees/accrual');
  const [open] = await database.sql<{ n: number; last: string }[]>`
    select count(*)::int as n, max(funding_date)::text as last from fee_accruals where frozen_on is null and kind <> 'flat'`;
  if (!open || open.n === 0) throw new Error('the accrual bench needs a portfolio: npm run bench -- accrual --portfolio 1000000');
  // Every client accrued through the day before: the run posts one day for each open invoice.
  const day = addDays(open.last, 1);
  await database.sql`
    insert into accrual_clients (client_id, accrued_through)
    select distinct client_id, ${addDays(day, -1)}::date from fee_accruals
    on conflict (client_id) do update set accrued_through = excluded.accrued_through`;
  // As autovacuum leaves a table in service (hint bits set, statistics fresh): the run should not
  // pay for the generator's first read of a million new rows. Then a checkpoint, so the run and
  // its floor each start from the same WAL state (skipped when the operator may not).
  await owner.sql`vacuum analyze`;
  const checkpoint = () => owner.sql`checkpoint`.catch(() => undefined);
  await checkpoint();
  const by = systemActor('bench:fee-accrual');
  // Beside the wall time, the CPU time of the Postgres backends that did the work (from /proc,
  // when the bench runs beside the server): it does not grow when other processes load the machine.
  await Promise.all([1, 2, 3, 4].map(() => database.sql`select pg_sleep(0.05)`)); // the pool's four connections open
  const appBackends = async () =>
    (await owner.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and usename = ${roleNames().app}`).map(
      (r) => r.pid,
    );
  const cpu0 = backendCpu(await appBackends());
  const start = performance.now();
  const result = await runAccrual(database, { asOf: day, by });
  const took = seconds(start);
  const cpu = backendCpu(await appBackends()) - cpu0;
  const [rows] = await database.sql<{ entries: string; lines: string; detail: string; first: string; last: string }[]>`
    with e as (select min(id) as first, max(id) as last, count(*) as n from journal_entries where kind = 'accrual' and effective_date = ${day}::date)
    select e.n as entries, e.first, e.last,
           (select count(*) from journal_lines l where l.entry_id between e.first and e.last) as lines,
           (select count(*) from fee_accrual_lines d where d.entry_id between e.first and e.last) as detail from e`;

  // The floor: Postgres writing the same rows — one INSERT … SELECT each of the entries, the lines
  // and the detail, and the same accounts' balances and clients' "accrued through" updated, in one
  // statement (the tie is checked at its end), from prepared tables into the same tables with
  // their indexes and checks, as the app role — rolled back.
  // Measured twice (each after a checkpoint), the faster kept; its rows read from the day's
  // entries with fresh statistics and no nested loop (not timed).
  await owner.sql`analyze journal_entries, journal_lines, fee_accrual_lines`;
  const raw = postgres(urlAsRole(benchUrl, roleNames().app), { max: 1, onnotice: () => {} });
  let floor = Infinity;
  let floorCpu = NaN;
  let plain = Infinity;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await checkpoint();
    await raw
      .begin(async (sql) => {
        // the settings the accrual runs with (lib/ledger/accrual.ts)
        await sql`set local jit = off`;
        await sql`set local work_mem = '64MB'`;
        await sql`set local enable_mergejoin = off`;
        await sql`set local enable_nestloop = off`;
        await sql`
          create temp table floor_lines on commit drop as
          select l.account_id, l.currency, l.amount, l.effective_date, l.invoice_id, l.accrual, e.client_id
            from journal_lines l join journal_entries e on e.id = l.entry_id
           where l.entry_id between ${rows!.first} and ${rows!.last} and e.id between ${rows!.first} and ${rows!.last}`;
        await sql`
          create temp table floor_detail on commit drop as
          select d.invoice_id, d.effective_date, d.amount, e.client_id
            from fee_accrual_lines d join journal_entries e on e.id = d.entry_id
           where d.entry_id between ${rows!.first} and ${rows!.last} and e.id between ${rows!.first} and ${rows!.last}`;
        await sql`analyze floor_lines`;
        await sql`analyze floor_detail`;
        await sql`set local enable_nestloop = on`;
        const [me] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
        const c0 = backendCpu([me!.pid]);
        const t0 = performance.now();
        await sql`
          with e as (
            insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by)
            select ${day}::date, 'accrual', 'floor:' || client_id, client_id, 'floor', 'bench' from (select distinct client_id from floor_lines) c
            returning id, client_id
          ),
          lines as (
            insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
            select e.id, f.account_id, f.currency, f.amount, f.effective_date, f.invoice_id, f.accrual from floor_lines f join e on e.client_id = f.client_id
          ),
          balances as (
            update ledger_accounts a set balance = a.balance + s.total
              from (select account_id, sum(amount) as total from floor_lines group by account_id) s where a.id = s.account_id
          ),
          through as (
            update accrual_clients ac set accrued_through = ${day}::date from (select distinct client_id from floor_lines) c where ac.client_id = c.client_id
          )
          insert into fee_accrual_lines (entry_id, invoice_id, effective_date, amount)
          select e.id, f.invoice_id, f.effective_date, f.amount from floor_detail f join e on e.client_id = f.client_id`;
        if (seconds(t0) < floor) floorCpu = backendCpu([me!.pid]) - c0;
        floor = Math.min(floor, seconds(t0));
        // And the machine's raw write speed: the same detail into a scratch table with no index or trigger.
        await sql`create temp table floor_plain (like fee_accrual_lines) on commit drop`;
        const t1 = performance.now();
        await sql`insert into floor_plain (entry_id, invoice_id, effective_date, amount) select 0, f.invoice_id, f.effective_date, f.amount from floor_detail f`;
        plain = Math.min(plain, seconds(t1));
        throw new RollbackSignal();
      })
      .catch((e) => {
        if (!(e instanceof RollbackSignal)) throw e;
      });
  }
  await raw.end();
  console.log(`accrual: one day (${day}) over ${fmt(open.n, 0)} open invoices in ${fmt(took)} s (target < 10 s)`);
  console.log(
    `         ${fmt(Number(rows!.entries), 0)} entries, ${fmt(Number(rows!.lines), 0)} journal lines, ${fmt(Number(rows!.detail), 0)} detail rows; ${fmt(result.postings, 0)} invoices accrued; ${fmt(open.n / took, 0)} invoices/s`,
  );
  console.log(
    `  floor: one INSERT … SELECT each of the same ${fmt(Number(rows!.entries), 0)} entries, ${fmt(Number(rows!.lines), 0)} lines and ${fmt(Number(rows!.detail), 0)} detail rows, and one UPDATE each of the balances and "accrued through" dates (same tables, indexes and checks): ${fmt(floor)} s`,
  );
  console.log(`  ratio: ${fmt(took / floor)}× the floor (target ≤ 2×)`);
  if (!Number.isNaN(cpu + floorCpu)) {
    console.log(`  CPU time of the Postgres backends: the run ${fmt(cpu)} s, its floor ${fmt(floorCpu)} s (${fmt(cpu / floorCpu)}×)`);
  }
  console.log(`  (the same detail into a temporary table without index or trigger: ${fmt(plain)} s — the machine's raw write speed)`);
  console.log(
    `  (load average ${loadavg()
      .map((x) => fmt(x))
      .join(' / ')} when it ended)`,
  );
}

/**
 * Issue 5: matching a bank file of 10,000 payments against the portfolio's open invoices: the
 * file parsed, its payments stored, and every payment's candidates gathered (set-based) and matched.
 */
async function benchMatching(database: Database, count: number): Promise<void> {
  const { parseBankFile } = await import('../lib/collections/bank-files');
  const { matchPayments } = await import('../lib/collections/match-service');
  // A realistic file: most remittances name their invoices (one, or several of one debtor), some
  // only the payer, some pay short, some are noise.
  const pairs = await database.sql<{ a: string; an: string; ao: string; b: string; bn: string; bo: string; debtor: string }[]>`
    select a.id as a, a.number as an, a.outstanding as ao, b.id as b, b.number as bn, b.outstanding as bo, d.name as debtor
      from (select id, number, outstanding, debtor_id, row_number() over (order by id) as rn from invoices
             where status = 'funded' and outstanding > 0 and id % 97 = 0 limit ${count}) a
      join lateral (select id, number, outstanding from invoices x where x.debtor_id = a.debtor_id and x.id > a.id and x.status = 'funded' limit 1) b on true
      join debtors d on d.id = a.debtor_id`;
  const rows: string[] = ['date,payer,reference,amount,currency,id'];
  const kinds = { named: 0, several: 0, payer: 0, short: 0, noise: 0 };
  pairs.forEach((p, i) => {
    const r = i % 20;
    const add = (payer: string, reference: string, amount: string) => rows.push(`2026-04-15,"${payer}","${reference}",${amount},USD,BENCH-${i}`);
    if (r < 11) {
      kinds.named += 1;
      add(p.debtor, `INV ${p.an}`, new Big(p.ao).toFixed(2));
    } else if (r < 14) {
      kinds.several += 1;
      add(p.debtor, `Invoices ${p.an} and ${p.bn}`, new Big(p.ao).plus(p.bo).toFixed(2));
    } else if (r < 17) {
      kinds.payer += 1;
      add(p.debtor, 'Payment as agreed', new Big(p.ao).toFixed(2));
    } else if (r < 19) {
      kinds.short += 1;
      add(p.debtor, `INV ${p.an}`, new Big(p.ao).times('0.98').round(2, Big.roundDown).toFixed(2));
    } else {
      kinds.noise += 1;
      add('Unknown Payer Ltd', 'Misc transfer', '123.45');
    }
  });
  const text = rows.join('\n');
  const start = performance.now();
  const parsed = parseBankFile(text);
  if (parsed.errors.length > 0) throw new Error(`bench file has errors: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  const ids = await database.transaction(async (tx) => {
    const inserted = await tx.sql<{ id: string }[]>`
      insert into payments (currency, amount, unapplied, received_date, payer_name, reference, external_ref, source)
      select c, a, a, d::date, p, r, x, 'import'
        from unnest(${parsed.payments.map((r) => r.currency)}::text[], ${parsed.payments.map((r) => r.amount)}::numeric[], ${parsed.payments.map((r) => r.receivedDate)}::text[],
                    ${parsed.payments.map((r) => r.payerName)}::text[], ${parsed.payments.map((r) => r.reference)}::text[], ${parsed.payments.map((r) => r.externalRef)}::text[]) as t(c, a, d, p, r, x)
      returning id`;
    return inserted.map((r) => Number(r.id));
  });
  const stored = seconds(start);
  const t1 = performance.now();
  const results = await matchPayments(database, ids);
  const matched = seconds(t1);
  const auto = [...results.values()].filter((r) => r.auto && r.auto.length > 0).length;
  const suggested = [...results.values()].filter((r) => !(r.auto && r.auto.length > 0) && r.suggestions.length > 0).length;
  const [open] = await database.sql<{ n: number }[]>`select count(*)::int as n from invoices where status in ('funded', 'disputed')`;
  console.log(
    `matching: ${fmt(ids.length, 0)} payments against ${fmt(open!.n, 0)} open invoices in ${fmt(stored + matched)} s (parse + store ${fmt(stored)} s, candidates + matching ${fmt(matched)} s)`,
  );
  console.log(
    `          applied automatically: ${fmt(auto, 0)} (${fmt((auto / ids.length) * 100, 1)}%); suggested: ${fmt(suggested, 0)}; the file: ${JSON.stringify(kinds)}`,
  );
}

class RollbackSignal extends Error {}

/** CPU seconds (user + system) these server processes have used so far; NaN where /proc cannot tell (the server on another machine). */
function backendCpu(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 a second)
    } catch {
      return NaN;
    }
  }
  return total;
}

async function main() {
  // Issue 13: the console under load (scripts/bench-console.ts) — only when named: it needs a
  // production build and a million invoices, in a database of its own that `--reuse` keeps.
  if (only.has('console')) {
    await (await import('./bench-console')).benchConsole(flags);
    if (only.size === 1) return;
    only.delete('console');
  }
  const owner = await freshDatabase();
  // What the web server and the workers connect as (db/roles.ts): the measured commands run as it.
  const database = createDatabase(urlAsRole(benchUrl, roleNames().app), { max: 4 });
  try {
    if (flags.portfolio) {
      const result = await generatePortfolio(owner, {
        invoices: Number(flags.portfolio),
        log: (line) => console.log(`  [${new Date().toISOString().slice(11, 19)}] ${line}`),
      });
      console.log(`portfolio: ${fmt(result.invoices, 0)} funded invoices generated in ${fmt(result.seconds)} s`);
    }
    if (want('funding')) await benchFunding(database, Number(flags['batch'] ?? 10_000));
    if ((want('accrual') || want('matching')) && !flags.portfolio) {
      const result = await generatePortfolio(owner, { invoices: 1_000_000 });
      console.log(`portfolio: ${fmt(result.invoices, 0)} funded invoices generated in ${fmt(result.seconds)} s`);
    }
    if (want('accrual')) await benchAccrual(database, owner);
    if (want('matching')) await benchMatching(database, Number(flags.payments ?? 10_000));
    if (want('statements')) await (await import('./bench-statements')).benchStatements(owner, flags, database);
    if (want('release')) await (await import('./bench-release')).benchRelease(owner, flags, database);
    if (want('dashboard')) await (await import('./bench-dashboard')).benchDashboard(owner, flags, database);
    if (want('history')) await (await import('./bench-history')).benchHistory(flags);
    if (only.has('reports')) await (await import('./bench-reports')).benchReports(owner, flags, database);
  } finally {
    await database.close();
    await owner.close();
  }
}

main().catch((error) => {
  console.error('bench failed:', error);
  process.exit(1);
});
