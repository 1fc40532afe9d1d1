import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createDatabase, type Database } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { roleNames } from '../db/roles';
import { urlAsRole } from '../db/urls';
import { systemActor } from '../lib/auth/actor';
import type { Role } from '../lib/auth/roles';
import { addDays, todayIn } from '../lib/dates';
import { generatePortfolio } from '../lib/demo/generate';
import { runAccrual } from '../lib/fees/accrual';
import { foldRollups } from '../lib/reports/rollups';
import { createApiKey, createUser } from '../lib/users';
import { ROOT, WEB_NODE_FLAGS } from './env';

/**
 * `npm run bench -- console [--reuse] [--only a,b] [--connections 20] [--seconds 20] [--warmup 3]
 *   [--console-invoices 1000000] [--console-clients 10000] [--console-debtors 2000] [--accrual-days 2]
 *   [--port 3199] [--dist .next-bench] [--cpu-prof DIR] [--web-processes N|auto] [--dump DIR]`
 *
 * Issue 13 "Must show": every console screen (as the role that uses it) and every GET list API
 * under load, on a generated portfolio of 1,000,000 invoices, 10,000 clients and 2,000 debtors:
 * the real production server (scripts/web.ts over a `next build`), autocannon driving each target
 * with 20 connections for 20 s (after 3 s of the same load not measured: the page's code warmed),
 * p50/p95/p99 and requests/s per target, beside the same load on
 * `/api/health` (the floor: the HTTP stack and one trivial query), and a verdict against the
 * targets: p95 < 300 ms for screens, < 150 ms for list APIs and search.
 *
 * - Database: BENCH_DATABASE_URL, or `holdback_bench_console` (its own, so the other benches, which
 *   recreate theirs, never drop a million-invoice portfolio). Recreated and generated unless
 *   `--reuse` finds one of the asked size (generating 1,000,000 invoices takes about 10 min).
 * - Build: `next build` into `--dist` (NEXT_DIST_DIR, default `.next-bench`) unless that build is
 *   current (scripts/build-stamp.ts); the server runs as the app role, like production.
 * - Signed in: a session cookie made the way next-auth makes it (lib/auth/options.ts: a JWT with
 *   the user's id, role and session version, sealed with AUTH_SECRET) for a bench user per role;
 *   API keys through lib/users createApiKey (as `npm run cli -- create-user … --api-key`).
 * - Targets: TARGETS below, one table. A target answering 404 is skipped ("not on this build"):
 *   the screens and APIs other parts of issue 13 build are listed already and measured once merged.
 */

type Staff = Exclude<Role, 'client'>;
type Kind = 'screen' | 'api';

export interface Target {
  /** how the report names it (and `--only` picks it) */
  name: string;
  /** the path; {client}, {debtor}, {invoice}, {funding}, {release}, {cycle} are a sample of the generated portfolio */
  path: string;
  /** who opens it: a screen signs in as this role (session cookie), an API sends this role's key */
  as: Staff | 'client';
  kind: Kind;
  /** p95 budget in ms (default: 300 for a screen, 150 for an API) */
  budgetMs?: number;
  /** built by another part of issue 13: measured once it answers (until then "not on this build") */
  planned?: true;
}

/** Every console screen and GET list API, once. Add a line for a new screen or list. */
export const TARGETS: Target[] = [
  // ── screens ──
  // the cheapest console page: the layout (session, navigation, header search) and an empty search form — what every screen costs before its own data
  { name: 'console floor (/search, empty)', path: '/search', as: 'collections', kind: 'screen' },
  { name: 'dashboard', path: '/dashboard', as: 'admin', kind: 'screen' },
  { name: 'invoices', path: '/invoices', as: 'funding', kind: 'screen' },
  { name: 'invoices open, by outstanding', path: '/invoices?status=open&sort=outstanding&order=desc', as: 'funding', kind: 'screen', planned: true },
  { name: 'invoices aging bar', path: '/invoices?status=open&currency=USD&from={from60}&to={to31}', as: 'funding', kind: 'screen', planned: true },
  { name: 'invoice page', path: '/invoices/{invoice}', as: 'funding', kind: 'screen' },
  { name: 'clients', path: '/clients', as: 'underwriter', kind: 'screen' },
  { name: 'client page', path: '/clients/{client}', as: 'underwriter', kind: 'screen' },
  { name: 'client page limits tab', path: '/clients/{client}?tab=limits', as: 'underwriter', kind: 'screen' },
  { name: 'client page risk tab', path: '/clients/{client}?tab=risk', as: 'underwriter', kind: 'screen' },
  { name: 'client page notes tab', path: '/clients/{client}?tab=notes', as: 'underwriter', kind: 'screen' },
  { name: 'client page documents tab', path: '/clients/{client}?tab=documents', as: 'underwriter', kind: 'screen' },
  { name: 'debtors', path: '/debtors', as: 'underwriter', kind: 'screen' },
  { name: 'debtor page', path: '/debtors/{debtor}', as: 'underwriter', kind: 'screen', planned: true },
  // the results page ("All results for …") is a screen; what answers as a person types in the header's
  // box is GET /api/v1/search (app/_components/typeahead.tsx), the 150 ms "search" of the issue: 'api search NW-10'
  { name: 'search NW-10', path: '/search?q=NW-10', as: 'collections', kind: 'screen', planned: true },
  { name: 'search G-10', path: '/search?q=G-10', as: 'collections', kind: 'screen', planned: true },
  { name: 'fundings', path: '/fundings', as: 'funding', kind: 'screen' },
  { name: 'funding batch', path: '/fundings/{funding}', as: 'funding', kind: 'screen' },
  { name: 'collections inbox', path: '/collections', as: 'collections', kind: 'screen' },
  { name: 'collections aging', path: '/collections?tab=aging', as: 'collections', kind: 'screen' },
  { name: 'collections aging by client', path: '/collections?tab=aging&by=client', as: 'collections', kind: 'screen' },
  { name: 'payments', path: '/collections/payments', as: 'collections', kind: 'screen' },
  { name: 'collections disputes', path: '/collections?tab=disputes', as: 'collections', kind: 'screen' },
  { name: 'releases', path: '/releases', as: 'controller', kind: 'screen' },
  { name: 'release cycles', path: '/releases/cycles', as: 'controller', kind: 'screen' },
  { name: 'approvals', path: '/approvals', as: 'approver', kind: 'screen' },
  { name: 'audit', path: '/audit', as: 'auditor', kind: 'screen' },
  { name: 'reports', path: '/reports', as: 'controller', kind: 'screen' },
  { name: 'alerts', path: '/reports/alerts', as: 'underwriter', kind: 'screen', planned: true },
  { name: 'settings', path: '/settings', as: 'admin', kind: 'screen' },
  { name: 'portal', path: '/portal', as: 'client', kind: 'screen' },
  // ── GET APIs ──
  { name: 'api invoices', path: '/api/v1/invoices', as: 'funding', kind: 'api' },
  { name: 'api invoices open', path: '/api/v1/invoices?status=open&sort=outstanding&order=desc', as: 'funding', kind: 'api', planned: true },
  { name: 'api clients', path: '/api/v1/clients', as: 'underwriter', kind: 'api' },
  { name: 'api debtors', path: '/api/v1/debtors', as: 'underwriter', kind: 'api' },
  { name: 'api debtor', path: '/api/v1/debtors/{debtor}', as: 'underwriter', kind: 'api', planned: true },
  { name: 'api search NW-10', path: '/api/v1/search?q=NW-10', as: 'collections', kind: 'api', planned: true },
  { name: 'api search G-10', path: '/api/v1/search?q=G-10', as: 'collections', kind: 'api' },
  { name: 'api payments', path: '/api/v1/payments', as: 'collections', kind: 'api' },
  { name: 'api fundings', path: '/api/v1/fundings', as: 'funding', kind: 'api' },
  { name: 'api releases', path: '/api/v1/releases', as: 'controller', kind: 'api', planned: true },
  { name: 'api release cycles', path: '/api/v1/release-cycles', as: 'controller', kind: 'api' },
  { name: 'api audit', path: '/api/v1/audit-events', as: 'auditor', kind: 'api', planned: true },
  { name: 'api client reserve', path: '/api/v1/clients/{client}/reserve', as: 'controller', kind: 'api' },
  { name: 'api client ledger', path: '/api/v1/clients/{client}/ledger', as: 'controller', kind: 'api' },
  { name: 'api client statements', path: '/api/v1/clients/{client}/statements', as: 'controller', kind: 'api' },
];

/** The floor: the same load on the health check (the HTTP stack, Next's router, one trivial query). */
const FLOOR: Target = { name: 'floor /api/health', path: '/api/health', as: 'admin', kind: 'api' };

const STAFF: Staff[] = ['admin', 'underwriter', 'funding', 'collections', 'approver', 'controller', 'auditor'];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const stamp = () => new Date().toISOString().slice(11, 19);
const log = (line: string) => console.log(`  [${stamp()}] ${line}`);

export interface Measured {
  target: Target;
  path: string;
  status: 'measured' | 'not on this build' | 'refused';
  answered?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  rps?: number;
  requests?: number;
  non2xx?: number;
  errors?: number;
  /** CPU the server spent per answer (the web process + its Postgres backends), in ms: what the target costs whatever else runs on the machine */
  cpuMs?: number;
  /** the size of one answer, KB */
  kb?: number;
}

/** CPU time (ms) a process has used, from /proc (Linux); 0 where it cannot be read. */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat, counted after the command name), in clock ticks (100 per second)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** The processes whose parent is `pid` (WEB_PROCESSES: the cluster's servers), from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Waits (up to 2 min) until no statement of the server's pool is running: a target's abandoned answers do not weigh on the next. */
async function settle(monitor: postgres.Sql, database: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const [row] = await monitor<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${database} and state = 'active' and pid <> pg_backend_pid()`;
    if (row!.n === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The web server's CPU (with its cluster's servers) and that of every backend connected to the bench database (the servers' pools). */
async function serverCpu(monitor: postgres.Sql, webPid: number, database: string): Promise<number> {
  const backends = await monitor<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${database} and backend_type = 'client backend' and pid <> pg_backend_pid()`;
  return [webPid, ...childrenOf(webPid)].reduce((sum, pid) => sum + cpuOf(pid), 0) + backends.reduce((sum, b) => sum + cpuOf(b.pid), 0);
}

/** Exact percentiles of every response time recorded (autocannon's own summary has no p95). */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function load(url: string, headers: Record<string, string>, connections: number, seconds: number) {
  const times: number[] = [];
  const instance = autocannon({ url, headers, connections, duration: seconds, timeout: 30 });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => void times.push(responseTime));
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    requests: times.length,
    rps: times.length / seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The bench database: reused when asked and big enough, else recreated and generated. */
async function portfolio(benchUrl: string, flags: Record<string, string | true>): Promise<Database> {
  const invoices = Number(flags['console-invoices'] ?? 1_000_000);
  const u = new URL(benchUrl);
  const name = u.pathname.slice(1);
  if (!name.includes('bench')) throw new Error(`refusing to use ${name}: BENCH_DATABASE_URL must name a bench database`);
  u.pathname = '/postgres';
  const admin = postgres(u.toString(), { max: 1, onnotice: () => {} });
  let reuse = false;
  if (flags.reuse) {
    const [exists] = await admin`select 1 as x from pg_database where datname = ${name}`;
    if (exists) {
      const probe = postgres(benchUrl, { max: 1, onnotice: () => {} });
      const [n] = await probe<{ n: number }[]>`select count(*)::int as n from invoices`.catch(() => [{ n: 0 }]);
      await probe.end();
      reuse = n!.n >= invoices;
      log(reuse ? `reusing ${name}: ${fmt(n!.n)} invoices` : `${name} has ${fmt(n!.n)} invoices, fewer than ${fmt(invoices)}: generating anew`);
    }
  }
  if (!reuse) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  await ensureDatabase(benchUrl);
  await migrateDatabase(benchUrl);
  const owner = createDatabase(benchUrl, { max: 4 });
  if (!reuse) {
    const today = todayIn();
    const days = 120;
    const generated = await generatePortfolio(owner, {
      invoices,
      clients: Number(flags['console-clients'] ?? 10_000),
      debtors: Number(flags['console-debtors'] ?? 2_000),
      fundedFrom: addDays(today, -days),
      days,
      releaseMix: { asOf: addDays(today, -1), settledShare: 0.3 },
      log,
    });
    log(
      `portfolio: ${fmt(generated.invoices)} invoices (${fmt(generated.settled)} settled), ${fmt(generated.clients)} clients, ${fmt(generated.debtors)} debtors in ${fmt(generated.seconds, 1)} s`,
    );
    const accrualDays = Number(flags['accrual-days'] ?? 2);
    if (accrualDays > 0) {
      const started = performance.now();
      await owner.sql`
        insert into accrual_clients (client_id, accrued_through)
        select id, ${addDays(today, -1 - accrualDays)}::date from clients
        on conflict (client_id) do update set accrued_through = excluded.accrued_through`;
      const accrued = await runAccrual(owner, { asOf: addDays(today, -1), by: systemActor('bench:fee-accrual') });
      log(`accrual: ${accrued.dates.length} days, ${fmt(accrued.postings)} invoice-days in ${fmt((performance.now() - started) / 1000, 1)} s`);
    }
    await owner.sql`vacuum analyze`;
  }
  // As the worker's `rollups` job does every 10 s in production: the generation's and accrual's
  // roll-up deltas folded, so a screen reads the few deltas a running system has, not a day's.
  const folded = await foldRollups(owner);
  if (folded.folded > 0) {
    log(`roll-ups: ${fmt(folded.folded)} deltas folded into ${fmt(folded.keys)} keys`);
    await owner.sql`vacuum analyze rollups, rollup_deltas`;
  }
  // the fold ranks Reports' period when it first meets it (migration 0043): its statistics, as autovacuum would leave them
  await owner.sql`vacuum analyze fee_income_ranks, fee_income_rank_periods`;
  return owner;
}

interface Sample {
  client: string;
  debtor: string;
  invoice: string;
  funding: string;
  release: string;
  cycle: string;
}

async function sample(owner: Database): Promise<Sample> {
  const [r] = await owner.sql<Sample[]>`
    select (select client_id from invoices where status = 'funded' order by id limit 1)::text as client,
           (select debtor_id from invoices where status = 'funded' order by id limit 1)::text as debtor,
           (select id from invoices where status = 'funded' order by id limit 1)::text as invoice,
           coalesce((select max(id) from funding_batches), 0)::text as funding,
           coalesce((select max(id) from releases), 0)::text as release,
           coalesce((select max(id) from release_cycles), 0)::text as cycle`;
  return r!;
}

/** A bench user per role (and a client user of the sample client): a session cookie and an API key each. */
async function credentials(owner: Database, clientId: string, secret: string) {
  const { encode } = await import('next-auth/jwt');
  const by = systemActor('bench', 'cli');
  const result = new Map<Staff | 'client', { cookie: string; key: string }>();
  for (const role of [...STAFF, 'client'] as const) {
    const email = `bench-${role}@bench.test`;
    const { user } = await owner.transaction((tx) =>
      createUser(tx, { email, role, clientId: role === 'client' ? (clientId as never) : undefined }, by, { reuse: true }),
    );
    const key = await owner.transaction((tx) => createApiKey(tx, Number(user.id), 'bench', by));
    const [{ sv }] = (await owner.sql`select session_version as sv from users where id = ${user.id}`) as unknown as [{ sv: number }];
    const token = await encode({
      secret,
      maxAge: 8 * 60 * 60,
      token: { sub: String(user.id), email, name: email, uid: String(user.id), role, clientId: role === 'client' ? clientId : null, sv },
    });
    result.set(role, { cookie: `next-auth.session-token=${token}`, key: key.key });
  }
  return result;
}

async function ensureBuild(dist: string): Promise<void> {
  process.env.NEXT_DIST_DIR = dist;
  const { buildIsCurrent, sourceStamp, writeStamp } = await import('./build-stamp');
  const stampNow = sourceStamp();
  if (buildIsCurrent(stampNow)) {
    log(`the build in ${dist} is current`);
    return;
  }
  log(`building the console into ${dist} (next build; minutes on a busy machine)…`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'next'), ['build'], {
      cwd: ROOT,
      env: { ...process.env, NEXT_DIST_DIR: dist, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  writeStamp(stampNow);
}

async function startServer(port: number, dist: string, appUrl: string, secret: string, cpuProf?: string, webProcesses?: string): Promise<ChildProcess> {
  // --cpu-prof DIR: the server's V8 CPU profile, written to DIR when it stops (open it in Chrome's DevTools)
  const profile = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(cpuProf)] : [];
  const web = spawn(process.execPath, [...WEB_NODE_FLAGS, ...profile, '--import', 'tsx', path.join(ROOT, 'scripts', 'web.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      BIND_ADDRESS: '127.0.0.1',
      NEXT_DIST_DIR: dist,
      DATABASE_URL: appUrl,
      APP_DATABASE_URL: appUrl,
      AUTH_SECRET: secret,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      QUEUE_PREFIX: 'bench-console',
      SEED_DEMO: 'false',
      // --web-processes: scripts/web.ts's cluster (unset: one server, as `npm start` by default)
      ...(webProcesses ? { WEB_PROCESSES: webProcesses } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (web.exitCode !== null) throw new Error(`the web server exited (${web.exitCode}) before answering`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return web;
    if (Date.now() > deadline) throw new Error('the web server did not answer /api/health within 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }
}

function resolvePath(p: string, s: Sample, today: string): string {
  return p
    .replace('{client}', s.client)
    .replace('{debtor}', s.debtor)
    .replace('{invoice}', s.invoice)
    .replace('{funding}', s.funding)
    .replace('{release}', s.release)
    .replace('{cycle}', s.cycle)
    .replace('{from60}', addDays(today, -60))
    .replace('{to31}', addDays(today, -31));
}

/**
 * `--only a,b`: target names split on commas — except where a name has commas of its own
 * ("invoices open, by outstanding"), which is taken whole where it stands.
 */
export function splitTargets(list: string, names: string[]): string[] {
  const out: string[] = [];
  let rest = list.trim();
  const byLength = [...names].sort((a, b) => b.length - a.length);
  while (rest.length > 0) {
    const whole = byLength.find((n) => rest === n || rest.startsWith(`${n},`));
    const piece = whole ?? rest.split(',')[0]!;
    out.push(piece.trim());
    rest = rest
      .slice(piece.length)
      .replace(/^\s*,\s*/, '')
      .trim();
  }
  return out.filter((n) => n.length > 0);
}

export async function benchConsole(flags: Record<string, string | true>): Promise<Measured[]> {
  const benchUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/holdback_bench_console';
  const connections = Number(flags.connections ?? 20);
  const seconds = Number(flags.seconds ?? 20);
  const warmup = Number(flags.warmup ?? 3);
  const port = Number(flags.port ?? 3199);
  const dist = typeof flags.dist === 'string' ? flags.dist : '.next-bench';
  const only =
    typeof flags.only === 'string'
      ? new Set(
          splitTargets(
            flags.only,
            TARGETS.map((t) => t.name),
          ),
        )
      : null;
  const targets = TARGETS.filter((t) => !only || only.has(t.name));
  if (only && targets.length < only.size) {
    const unknown = [...only].filter((n) => !TARGETS.some((t) => t.name === n));
    throw new Error(`--only names no target: ${unknown.join(', ')} (targets: ${TARGETS.map((t) => t.name).join(', ')})`);
  }

  console.log('console: every screen and GET list API under load');
  const owner = await portfolio(benchUrl, flags);
  const today = todayIn();
  let web: ChildProcess | null = null;
  try {
    const s = await sample(owner);
    const secret = randomBytes(32).toString('base64url');
    const who = await credentials(owner, s.client, secret);
    const [size] = await owner.sql<{ invoices: number; open: number; clients: number; debtors: number; lines: number }[]>`
      select (select count(*)::int from invoices) as invoices, (select count(*)::int from invoices where status in ('funded', 'disputed')) as open,
             (select count(*)::int from clients) as clients, (select count(*)::int from debtors) as debtors,
             (select reltuples::bigint from pg_class where relname = 'journal_lines') as lines`;
    await owner.close();
    await ensureBuild(dist);
    const appUrl = urlAsRole(benchUrl, roleNames().app);
    web = await startServer(
      port,
      dist,
      appUrl,
      secret,
      typeof flags['cpu-prof'] === 'string' ? flags['cpu-prof'] : undefined,
      typeof flags['web-processes'] === 'string' ? flags['web-processes'] : undefined,
    );
    if (typeof flags['web-processes'] === 'string') log(`web server: WEB_PROCESSES=${flags['web-processes']}`);
    log(`server up on :${port} (${dist}, as ${roleNames().app})`);
    console.log(
      `  portfolio: ${fmt(size!.invoices)} invoices (${fmt(size!.open)} open), ${fmt(size!.clients)} clients, ${fmt(size!.debtors)} debtors, about ${fmt(Number(size!.lines))} journal lines`,
    );
    console.log(
      `  load: autocannon, ${connections} connections for ${seconds} s per target, one target at a time; the machine's load average before: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}`,
    );

    const base = `http://127.0.0.1:${port}`;
    const dbName = new URL(benchUrl).pathname.slice(1);
    const monitor = postgres(benchUrl, { max: 1, onnotice: () => {} });
    const headersFor = (t: Target): Record<string, string> =>
      t.kind === 'screen' ? { cookie: who.get(t.as)!.cookie } : { authorization: `Bearer ${who.get(t.as)!.key}` };
    const results: Measured[] = [];
    // The floor last: its load opens a database and a Redis connection per request (the health
    // check's own), thousands a second, and the target measured after it ran 20–30% above its
    // steady state (the client page: 24 ms of CPU an answer right after the floor, 18 after another target).
    for (const t of [...targets, FLOOR]) {
      const p = resolvePath(t.path, s, today);
      if (/\/0(\/|$|\?)/.test(p)) {
        // e.g. a generated portfolio has no funding batch: nothing to open
        results.push({ target: t, path: p, status: 'not on this build' });
        log(`${t.name}: ${t.path} — the portfolio has no such row; skipped`);
        continue;
      }
      // What the target before left running (answers abandoned at its end) finishes first.
      await settle(monitor, dbName);
      // One request first: it answers (or not), and warms what a running server would have warm.
      const probe = await fetch(base + p, { headers: headersFor(t), redirect: 'manual', signal: AbortSignal.timeout(60_000) })
        .then(async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          // --dump DIR: each target's first answer, to read what a page weighs
          if (typeof flags.dump === 'string') {
            mkdirSync(flags.dump, { recursive: true });
            writeFileSync(path.join(flags.dump, `${t.name.replace(/[^a-z0-9]+/gi, '-')}.${t.kind === 'screen' ? 'html' : 'json'}`), body);
          }
          return Object.assign(r, { bytes: body.byteLength });
        })
        .catch((error: unknown) => ({ status: 0, error, headers: new Headers(), bytes: 0 }));
      if (probe.status === 0) {
        results.push({ target: t, path: p, status: 'refused', answered: 0 });
        log(`${t.name}: ${p} gave no answer within 60 s (${(probe as { error: unknown }).error}) — not measured`);
        continue;
      }
      // 404: no such page or route; 405: the route exists but has no GET (a list API still to come).
      if (probe.status === 404 || probe.status === 405) {
        results.push({ target: t, path: p, status: 'not on this build', answered: probe.status });
        log(`${t.name}: ${p} answers ${probe.status} — not on this build`);
        continue;
      }
      // The floor is measured whatever it answers (a health check timing out under load answers 503).
      if (probe.status !== 200 && t !== FLOOR) {
        results.push({ target: t, path: p, status: 'refused', answered: probe.status });
        log(`${t.name}: ${p} answers ${probe.status} (${probe.headers.get('location') ?? ''}) — not measured`);
        continue;
      }
      // Warm-up under the same load, not measured: each web process compiles the page's code as it
      // first runs it (the first target after start measured 20–40% above its steady state).
      if (warmup > 0) {
        await load(base + p, headersFor(t), connections, warmup);
        await settle(monitor, dbName);
      }
      const cpuBefore = await serverCpu(monitor, web.pid!, dbName);
      const m = await load(base + p, headersFor(t), connections, seconds);
      const cpuMs = m.requests > 0 ? ((await serverCpu(monitor, web.pid!, dbName)) - cpuBefore) / m.requests : undefined;
      results.push({ target: t, path: p, status: 'measured', answered: probe.status, ...m, cpuMs, kb: probe.bytes / 1024 });
      log(
        `${t.name}: p50 ${fmt(m.p50)} ms, p95 ${fmt(m.p95)} ms, p99 ${fmt(m.p99)} ms, ${fmt(m.rps, 1)} req/s, ${cpuMs === undefined ? '—' : fmt(cpuMs, 1)} ms CPU per answer`,
      );
    }
    await monitor.end();
    report(results);
    return results;
  } finally {
    if (web && web.exitCode === null) {
      web.kill('SIGTERM');
      await new Promise((r) => web!.once('exit', r));
    }
    await owner.close().catch(() => {});
  }
}

function report(results: Measured[]): void {
  const floor = results.find((r) => r.target === FLOOR);
  const pad = (v: string, n: number) => v.padStart(n);
  console.log(
    `\n  ${'target'.padEnd(28)} ${'kind'.padEnd(6)} ${'as'.padEnd(11)} ${pad('p50', 7)} ${pad('p95', 7)} ${pad('p99', 7)} ${pad('req/s', 7)} ${pad('×floor', 6)} ${pad('CPU/ans', 7)} ${pad('KB', 6)} ${pad('non-2xx', 7)}  verdict`,
  );
  let slow = 0;
  let ok = 0;
  // the floor first in the table (it is measured last)
  for (const r of [...results.filter((x) => x.target === FLOOR), ...results.filter((x) => x.target !== FLOOR)]) {
    const t = r.target;
    const budget = t.budgetMs ?? (t.kind === 'screen' ? 300 : 150);
    let verdict: string;
    if (r.status === 'not on this build') verdict = 'not on this build';
    else if (r.status === 'refused') verdict = `FAIL: answers ${r.answered}`;
    else if (t === FLOOR) verdict = 'floor';
    else if (!r.requests) verdict = 'FAIL: no answer within the run';
    else if ((r.non2xx ?? 0) > 0 || (r.errors ?? 0) > 0) verdict = `FAIL: ${r.non2xx} non-2xx, ${r.errors} errors`;
    else verdict = r.p95! < budget ? `ok (p95 < ${budget} ms)` : `SLOW (p95 ≥ ${budget} ms)`;
    if (t !== FLOOR && r.status !== 'not on this build') {
      if (verdict.startsWith('ok')) ok++;
      else slow++;
    }
    const ms = (v?: number) => (v === undefined || Number.isNaN(v) ? '—' : fmt(v));
    console.log(
      `  ${t.name.padEnd(28)} ${t.kind.padEnd(6)} ${t.as.padEnd(11)} ${pad(ms(r.p50), 7)} ${pad(ms(r.p95), 7)} ${pad(ms(r.p99), 7)} ${pad(r.rps === undefined ? '—' : fmt(r.rps, 1), 7)} ${pad(r.p95 !== undefined && floor?.p95 ? fmt(r.p95 / floor.p95, 1) : '—', 6)} ${pad(r.cpuMs === undefined ? '—' : fmt(r.cpuMs, 1), 7)} ${pad(r.kb === undefined ? '—' : fmt(r.kb), 6)} ${pad(r.non2xx === undefined ? '—' : String(r.non2xx), 7)}  ${verdict}`,
    );
  }
  console.log(
    `\n  ${ok} within target, ${slow} not; ${results.filter((r) => r.status === 'not on this build').length} not on this build. Floor: /api/health p95 ${floor?.p95 === undefined ? '—' : fmt(floor.p95)} ms.`,
  );
  console.log(
    `  Times in ms. ×floor: p95 over the floor's p95. CPU/ans: CPU the server spent per answer (web process + its Postgres backends) — what a target costs whatever else runs; KB: one answer's size; this machine has ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} at the end.`,
  );
}
