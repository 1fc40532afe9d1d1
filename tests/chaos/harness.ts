import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createDatabase, type Database } from '../../db/client';
import { ensureDatabase, migrateDatabase } from '../../db/migrate';
import { ident, roleNames } from '../../db/roles';
import { urlAsRole } from '../../db/urls';
import type { JobData } from '../../jobs/queues';
import { redisConnection, redisUrl } from '../../jobs/queues';
import { systemActor } from '../../lib/auth/actor';
import { todayIn } from '../../lib/dates';
import { runAccrual } from '../../lib/fees/accrual';
import { runReleaseCycle } from '../../lib/releases';
import { runStatements } from '../../lib/statements';
import { testDatabaseName, urlFor, withAdmin } from '../support/pg';
import { compareDatabases, differenceCount, type Comparison } from './compare';
import { chaosDates, preparePortfolio, type ChaosDates, type PortfolioFigures } from './portfolio';
import { prng, type Prng } from './prng';
import { ROOT, WorkerPool, type Launcher, type WorkerProcess } from './workers';

/**
 * The chaos run (issue 11, SPEC 7: "every job … survives a worker crash mid-run without losing
 * or duplicating money"). One prepared portfolio is cloned twice. On CONTROL the fee accrual,
 * the release cycle and the statements run in-process, uninterrupted. On CHAOS the same jobs go
 * through BullMQ to real worker processes, which are killed with SIGKILL at random moments
 * (a seeded plan: right after a progress report, part way into the next chunk, or just after
 * the job started) and restarted, until every job has completed. Then the two databases must
 * hold the same money, entries, releases, statements and emails.
 */
export type JobKind = 'fee-accrual' | 'release-cycle' | 'statements';
export const JOB_KINDS: JobKind[] = ['fee-accrual', 'release-cycle', 'statements'];

export interface ChaosOptions {
  /** at least this many kills in all, dealt over the three jobs (default 21) */
  kills?: number;
  seed?: number;
  /** generated clients and invoices (default 300 / 3,000) */
  clients?: number;
  invoices?: number;
  /** worker processes alive at once: one runs the job, the others stand by started (default 3) */
  workers?: number;
  /**
   * how worker processes start: `tsx` (default) is `node --import tsx jobs/worker.ts`; `bundle`
   * bundles jobs/worker.ts once with esbuild (dependencies left to node_modules) and runs
   * `node <bundle>`: the same code, started with about half the CPU (what a run of 20+ restarts
   * on a busy machine spends most of its time on)
   */
  launcher?: 'tsx' | 'bundle';
  /** a migrated database to clone for the portfolio (the test setup's template); else one is migrated */
  template?: string;
  /** BullMQ key prefix (default chaos-<random>); deleted at the end */
  queuePrefix?: string;
  /** leave the CONTROL and CHAOS databases (and the worker log) for a look afterwards */
  keep?: boolean;
  /** worker tuning for the chaos database (defaults: many small commits, a dead worker's job retried within seconds) */
  lockMs?: number;
  stalledMs?: number;
  /** WORKER_MAX_STALLED for the workers; unset: jobs/worker.ts's default */
  maxStalled?: number;
  /** give up (and report) when the run takes longer than this (default 20 min) */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface JobReport {
  kind: JobKind;
  /** BullMQ job ids, in order: more than one when a job given up by BullMQ was enqueued again */
  jobIds: string[];
  kills: number;
  /** times the job was started (first run, after each kill, after each failed attempt) */
  attemptsStarted: number;
  /** stalls BullMQ detected (each kill, and any lock that lapsed without one) */
  stalls: number;
  /** attempts that threw (BullMQ retried them) */
  failedAttempts: number;
  /** jobs BullMQ gave up on, enqueued again as the scheduler or an operator would */
  reenqueued: { jobId: string; reason: string; newJobId: string }[];
  /** from each kill to the job running again on another worker, seconds */
  recoveries: number[];
  seconds: number;
  result: unknown;
}

export interface ChaosReport {
  seed: number;
  dates: ChaosDates;
  portfolio: PortfolioFigures;
  jobs: JobReport[];
  kills: number;
  restarts: number;
  workerFailures: string[];
  control: { seconds: number; accrualPostings: number; releases: number; paid: number; statements: number };
  comparison: Comparison;
  differences: number;
  /** the CHAOS database's release cycles and job runs by status (a job BullMQ gave up on ends `failed`) */
  cycles: Record<string, number>;
  runs: Record<string, number>;
  seconds: { prepare: number; chaos: number; compare: number; total: number };
  databases: { control: string; chaos: string };
  workerLog: string;
}

type JobEvent = { type: 'active' | 'progress' | 'completed' | 'failed' | 'stalled'; data?: unknown; at: number };

/** Buffered events of one BullMQ job, taken one at a time with a timeout. */
class JobWatch {
  private events: JobEvent[] = [];
  private waiter: ((e: JobEvent | null) => void) | null = null;
  push(e: JobEvent) {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(e);
    } else this.events.push(e);
  }
  take(timeoutMs: number): Promise<JobEvent | null> {
    const e = this.events.shift();
    if (e) return Promise.resolve(e);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiter = null;
          resolve(null);
        },
        Math.max(0, timeoutMs),
      );
      this.waiter = (ev) => {
        clearTimeout(timer);
        resolve(ev);
      };
    });
  }
}

/** Clones `source` (which nobody may be connected to) as `name`, with the app role's database grants. */
async function cloneDatabase(source: string, name: string): Promise<void> {
  const app = roleNames().app;
  await withAdmin(async (sql) => {
    // Cloning needs the source idle; the test setup's clones take the same lock.
    await sql`select pg_advisory_lock(hashtext('holdback.test_clone'))`;
    try {
      await sql.unsafe(`create database ${ident(name)} template ${ident(source)}`);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('holdback.test_clone'))`;
    }
    await sql.unsafe(`grant connect, temporary on database ${ident(name)} to ${ident(app)}`);
  });
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin((sql) => sql.unsafe(`drop database if exists ${ident(name)} with (force)`));
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The uninterrupted run: the same three jobs' lib/ commands, in-process, in the same order. */
async function runControl(database: Database, dates: ChaosDates) {
  const started = performance.now();
  const accrual = await runAccrual(database, { asOf: dates.asOf, by: { ...systemActor('job:fee-accrual'), requestId: 'control' } });
  const cycle = await runReleaseCycle(database, { asOf: dates.asOf }, { ...systemActor('job:release-cycle'), requestId: 'control' }, { kind: 'ad_hoc' });
  const statements = await runStatements(
    database,
    { from: dates.period.from, to: dates.period.to },
    { ...systemActor('job:statements'), requestId: 'control' },
    { today: todayIn() },
  );
  if (statements.failed.length > 0) throw new Error(`control statements failed for ${statements.failed.length} client(s): ${statements.failed[0]!.error}`);
  return {
    seconds: (performance.now() - started) / 1000,
    accrualPostings: accrual.postings,
    releases: cycle.releases.length,
    paid: cycle.releases.filter((r) => r.status === 'approved').length,
    statements: statements.issued,
  };
}

/** Deals the kills over the jobs: at least `total`, about a third each. */
function quotas(total: number): Record<JobKind, number> {
  const each = Math.floor(total / 3);
  const rest = total - each * 3;
  return { 'fee-accrual': each + (rest > 0 ? 1 : 0), 'release-cycle': each, statements: each + (rest > 1 ? 1 : 0) };
}

type KillPlan = { type: 'startup'; delayMs: number } | { type: 'progress'; reports: number; then: 'at once' | 'mid-chunk' };

function planKill(rng: Prng): KillPlan {
  if (rng.chance(0.2)) return { type: 'startup', delayMs: rng.between(0, 400) };
  return { type: 'progress', reports: rng.int(1, 3), then: rng.chance(0.5) ? 'at once' : 'mid-chunk' };
}

/**
 * A progress report is "new" when it tells of work no earlier attempt reported: the accrual's
 * retry starts where the committed chunks stopped (every report is new); a resumed release
 * cycle walks its clients from the start again (skipping what was proposed), and a statements
 * retry first reports what was stored before — so for them, `done` must pass the highest seen.
 */
function progressIsNew(kind: JobKind, data: unknown, high: { done: number }): boolean {
  if (kind === 'fee-accrual') return true;
  const done = typeof (data as { done?: unknown })?.done === 'number' ? (data as { done: number }).done : 0;
  if (done <= high.done) return false;
  high.done = done;
  return true;
}

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const started = performance.now();
  const totalKills = options.kills ?? 21;
  const seed = options.seed ?? 1;
  const clients = options.clients ?? 300;
  const invoices = options.invoices ?? 3000;
  const poolSize = Math.max(1, options.workers ?? 3);
  const prefix = options.queuePrefix ?? `chaos-${Math.random().toString(36).slice(2, 10)}`;
  const deadline = Date.now() + (options.timeoutMs ?? 20 * 60_000);
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  const log = (line: string) => options.log?.(`[${elapsed()} s] ${line}`);
  const rng = prng(seed);
  const dates = chaosDates(todayIn());
  const roles = roleNames();
  const names = { base: testDatabaseName('holdback_t'), control: testDatabaseName('holdback_t'), chaos: testDatabaseName('holdback_t') };
  const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-chaos-'));
  const workerLog = path.join(scratch, 'workers.log');
  const appUrl = (name: string) => urlAsRole(urlFor(name), roles.app);

  let pool: WorkerPool | undefined;
  let bundleFile: string | undefined;
  const queues: Queue[] = [];
  const events: QueueEvents[] = [];
  const opened: Database[] = [];
  let controlDb: Database | undefined;
  let chaosDb: Database | undefined;
  let failed = true;
  try {
    // The worker processes start now, beside the preparation (they touch the CHAOS database only
    // when a job comes, after it has been cloned): a start takes seconds of CPU.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: urlFor(names.chaos),
      APP_DATABASE_URL: appUrl(names.chaos),
      QUEUE_PREFIX: prefix,
      WORKER_SCHEDULES: 'false',
      ACCRUAL_ON_START: 'false',
      // many commit points: a few clients per accrual chunk, cycle chunk and statements chunk
      FEE_ACCRUAL_CHUNK: String(Math.max(1, Math.ceil(invoices / 8))),
      RELEASE_CYCLE_CHUNK: String(Math.max(1, Math.ceil(clients / 50))),
      STATEMENTS_CHUNK: String(Math.max(1, Math.ceil(clients / 100))),
      STATEMENTS_CONCURRENCY: '2',
      // a dead worker's job is taken up again within seconds (a lock renewed every 2 s: on a busy
      // machine a shorter one lapses while a live worker renders PDFs — BullMQ then counts a stall)
      WORKER_LOCK_MS: String(options.lockMs ?? 4000),
      WORKER_STALLED_MS: String(options.stalledMs ?? 1000),
      ...(options.maxStalled !== undefined ? { WORKER_MAX_STALLED: String(options.maxStalled) } : {}),
      MAIL_DIR: path.join(scratch, 'mail'),
      AUDIT_ANCHOR_FILE: path.join(scratch, 'audit-anchor.jsonl'),
    };
    delete env.SMTP_URL;
    delete env.AUDIT_ANCHOR_EMAIL;
    let launcher: Launcher = { kind: 'tsx' };
    if (options.launcher === 'bundle') {
      // Inside the project, so the bundle's imports of packages resolve to its node_modules.
      bundleFile = path.join(ROOT, 'node_modules', '.cache', 'holdback-chaos', `worker-${prefix}.mjs`);
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: [path.join(ROOT, 'jobs', 'worker.ts')],
        outfile: bundleFile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'warning',
      });
      launcher = { kind: 'bundle', file: bundleFile };
    }
    pool = new WorkerPool(env, prefix, workerLog, launcher);
    for (let i = 0; i < poolSize; i += 1) pool.spawn();

    // 1. The portfolio, once, in a base database that both runs are cloned from.
    log(
      `seed ${seed}; dates: accrual caught up from ${dates.preparedThrough} to ${dates.asOf}, release cycle on ${dates.asOf}, statements ${dates.period.from}..${dates.period.to}`,
    );
    if (options.template) await cloneDatabase(options.template, names.base);
    else {
      await ensureDatabase(urlFor(names.base));
      await migrateDatabase(urlFor(names.base));
    }
    const owner = createDatabase(urlFor(names.base), { max: 4 });
    const app = createDatabase(appUrl(names.base), { max: 4 });
    let portfolio: PortfolioFigures;
    let baseline: { entryId: number };
    try {
      portfolio = await preparePortfolio(owner, app, { clients, invoices, dates, log });
      const [row] = await owner.sql<{ id: string }[]>`select coalesce(max(id), 0) as id from journal_entries`;
      baseline = { entryId: Number(row!.id) };
    } finally {
      await app.close();
      await owner.close();
    }
    await cloneDatabase(names.base, names.control);
    await cloneDatabase(names.base, names.chaos);
    await dropDatabase(names.base);
    const prepareSeconds = (performance.now() - started) / 1000;
    log(
      `prepared ${portfolio.clients} clients, ${portfolio.invoices} invoices in ${prepareSeconds.toFixed(1)} s; cloned into CONTROL ${names.control} and CHAOS ${names.chaos}`,
    );

    // 2. CONTROL runs beside the chaos run (its own database), with no kill.
    controlDb = createDatabase(appUrl(names.control), { max: 4 });
    opened.push(controlDb);
    const control = runControl(controlDb, dates);
    control.catch(() => {}); // awaited below

    // 3. CHAOS: the real worker processes, killed and restarted.
    await Promise.all(pool.processes.map((p) => p.ready));
    if (pool.live().length < poolSize) throw new Error(`a worker did not start; see ${workerLog}`);
    log(
      `${poolSize} worker process(es) started (${options.launcher === 'bundle' ? 'bundled jobs/worker.ts' : 'node --import tsx jobs/worker.ts'}; chunks: accrual ${env.FEE_ACCRUAL_CHUNK} invoices, cycle ${env.RELEASE_CYCLE_CHUNK} clients, statements ${env.STATEMENTS_CHUNK} × ${env.STATEMENTS_CONCURRENCY})`,
    );
    const connection = redisConnection();
    const watches = new Map<string, JobWatch>();
    const queueOf = new Map<JobKind, Queue>();
    for (const kind of JOB_KINDS) {
      // As the app queues them (jobs/queues.ts getQueue's defaults): 3 attempts, exponential backoff.
      const queue = new Queue(kind, {
        connection,
        prefix,
        defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: false, removeOnFail: false },
      });
      const qe = new QueueEvents(kind, { connection, prefix });
      await qe.waitUntilReady();
      const push = (jobId: string, e: JobEvent) => watches.get(`${kind}:${jobId}`)?.push(e);
      qe.on('active', ({ jobId }) => push(jobId, { type: 'active', at: Date.now() }));
      qe.on('progress', ({ jobId, data }) => push(jobId, { type: 'progress', data, at: Date.now() }));
      qe.on('completed', ({ jobId, returnvalue }) => push(jobId, { type: 'completed', data: returnvalue, at: Date.now() }));
      qe.on('failed', ({ jobId, failedReason }) => push(jobId, { type: 'failed', data: failedReason, at: Date.now() }));
      qe.on('stalled', ({ jobId }) => push(jobId, { type: 'stalled', at: Date.now() }));
      queues.push(queue);
      events.push(qe);
      queueOf.set(kind, queue);
    }

    const jobData: { [K in JobKind]: JobData[K] } = {
      'fee-accrual': { reason: 'api', asOf: dates.asOf },
      'release-cycle': { reason: 'console', asOf: dates.asOf },
      statements: { reason: 'api', from: dates.period.from, to: dates.period.to },
    };
    const quota = quotas(totalKills);
    const reports: JobReport[] = [];
    let restarts = 0;
    let deficit = 0;
    const gaps: number[] = [];
    const meanGap = () => (gaps.length === 0 ? 200 : Math.min(5_000, gaps.slice(-50).reduce((a, b) => a + b, 0) / Math.min(50, gaps.length)));

    /**
     * Kills the process running the job now and starts a replacement: 'killed'; 'gone' when no
     * process runs the job any more (it finished or stalled meanwhile); 'wait' while no other
     * worker has started yet and the kill has been due for less than two seconds — so the job is
     * mostly taken up again at once rather than lying idle while a replacement starts (seconds of
     * CPU), yet the kills still come, however slow the starts are.
     */
    const killHolder = async (queue: Queue, jobId: string, kind: JobKind, why: string, dueSince: number): Promise<'killed' | 'gone' | 'wait'> => {
      const job = await queue.getJob(jobId);
      if (!job || (await job.getState()) !== 'active') return 'gone';
      const holder: WorkerProcess | undefined = pool!.byName(job.processedBy);
      if (!holder || !holder.alive) return 'gone';
      if (!pool!.live().some((p) => p !== holder && p.isReady) && Date.now() - dueSince < 2_000) return 'wait';
      await pool!.kill(holder);
      pool!.spawn();
      restarts += 1;
      const late = Date.now() - dueSince;
      log(`  SIGKILL ${holder.name} running ${kind} job ${jobId} (${why}${late > 100 ? `; ${late} ms later, waiting for a started worker` : ''}); restarted`);
      return 'killed';
    };

    const chaosStarted = performance.now();
    for (const kind of JOB_KINDS) {
      const queue = queueOf.get(kind)!;
      const target = quota[kind] + deficit;
      const jobStarted = performance.now();
      const report: JobReport = {
        kind,
        jobIds: [],
        kills: 0,
        attemptsStarted: 0,
        stalls: 0,
        failedAttempts: 0,
        reenqueued: [],
        recoveries: [],
        seconds: 0,
        result: null,
      };
      const track = async (data: JobData[JobKind]) => {
        const watch = new JobWatch();
        const job = await queue.add(kind === 'statements' ? 'api' : 'chaos', data, {});
        watches.set(`${kind}:${job.id}`, watch);
        report.jobIds.push(job.id!);
        return { job, watch };
      };
      // attempts that ended in an error (BullMQ counts the completing one too; a job failed for
      // its stalls counts one)
      const collect = (j: Job | undefined, completed = false) => {
        if (j) report.failedAttempts += Math.max(0, j.attemptsMade - (completed ? 1 : 0));
      };
      let { job, watch } = await track(jobData[kind]);
      log(`${kind}: job ${job.id} queued (${target} kill(s) planned)`);
      // The attempt running now: its kill plan, how many new progress reports it made, and a
      // kill that is due (at a time, or waiting for a started replacement).
      let plan: KillPlan | null = null;
      let newReports = 0;
      let killAt: number | null = null;
      let due: string | null = null;
      let dueSince = 0;
      let killedAt: number | null = null;
      let lastProgress = 0;
      const high = { done: 0 };
      const dropPlan = () => {
        plan = null;
        killAt = null;
        due = null;
      };
      for (;;) {
        if (Date.now() > deadline) throw new Error(`${kind} job ${job.id} did not complete in time (state ${await (await queue.getJob(job.id!))?.getState()})`);
        if (killAt !== null && Date.now() >= killAt) {
          due = plan?.type === 'startup' ? 'just after it started' : 'part way into the next chunk';
          dueSince = Date.now();
          killAt = null;
        }
        if (due !== null) {
          const outcome = await killHolder(queue, job.id!, kind, due, dueSince);
          if (outcome === 'killed') {
            report.kills += 1;
            killedAt = Date.now();
          }
          if (outcome !== 'wait') dropPlan();
        }
        const e = await watch.take(due !== null ? 100 : killAt !== null ? killAt - Date.now() : 1_000);
        if (e === null) continue;
        if (e.type === 'active') {
          report.attemptsStarted += 1;
          if (killedAt !== null) report.recoveries.push((e.at - killedAt) / 1000);
          killedAt = null;
          dropPlan();
          newReports = 0;
          if (report.kills < target) plan = planKill(rng);
          if (plan?.type === 'startup') killAt = Date.now() + plan.delayMs;
        } else if (e.type === 'progress') {
          if (lastProgress > 0) gaps.push(e.at - lastProgress);
          lastProgress = e.at;
          if (!progressIsNew(kind, e.data, high) || plan?.type !== 'progress' || killAt !== null || due !== null) continue;
          newReports += 1;
          if (newReports < plan.reports) continue;
          if (plan.then === 'at once') {
            due = `right after progress ${JSON.stringify(e.data)}`;
            dueSince = Date.now();
          } else killAt = Date.now() + rng.between(0, 1.5 * meanGap());
        } else if (e.type === 'stalled') {
          report.stalls += 1;
          lastProgress = 0;
          dropPlan();
        } else if (e.type === 'completed') {
          report.result = e.data;
          break;
        } else if (e.type === 'failed') {
          // BullMQ gave up on the job (attempts spent, or stalled more than WORKER_MAX_STALLED
          // times): the scheduler or an operator runs it again, with the data it had (the
          // release cycle's job keeps its cycle's id there, so the new job resumes that cycle).
          const old = await queue.getJob(job.id!);
          const data = (old?.data ?? jobData[kind]) as JobData[JobKind];
          const reason = String(e.data ?? 'failed');
          if (report.reenqueued.length >= 10) throw new Error(`${kind} job ${job.id} failed for good: ${reason}`);
          collect(old);
          const oldId = job.id!;
          ({ job, watch } = await track(data));
          report.reenqueued.push({ jobId: oldId, reason, newJobId: job.id! });
          const cycle = (data as { cycleId?: string }).cycleId;
          log(
            `  ${kind} job ${oldId} failed ("${reason}"): enqueued again as job ${job.id} with the same data${cycle ? ` (resuming cycle ${cycle})` : ''}, as an operator would`,
          );
          dropPlan();
        }
      }
      collect(await queue.getJob(job.id!), true);
      report.seconds = (performance.now() - jobStarted) / 1000;
      deficit = Math.max(0, target - report.kills);
      reports.push(report);
      log(
        `${kind}: completed after ${report.kills} kill(s), ${report.attemptsStarted} start(s), ${report.stalls} stall(s) in ${report.seconds.toFixed(1)} s: ${JSON.stringify(report.result).slice(0, 200)}`,
      );
    }
    const chaosSeconds = (performance.now() - chaosStarted) / 1000;
    await pool.stopAll();
    const controlResult = await control;
    log(
      `CONTROL finished in ${controlResult.seconds.toFixed(1)} s (${controlResult.accrualPostings} accrual postings, ${controlResult.releases} releases of which ${controlResult.paid} approved, ${controlResult.statements} statements)`,
    );

    // 4. Exactly once: CHAOS holds what CONTROL holds.
    const compareStarted = performance.now();
    chaosDb = createDatabase(appUrl(names.chaos), { max: 4 });
    opened.push(chaosDb);
    const comparison = await compareDatabases(controlDb, chaosDb, baseline);
    const cycles: Record<string, number> = {};
    for (const r of await chaosDb.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from release_cycles group by status`)
      cycles[r.status] = r.n;
    const runs: Record<string, number> = {};
    for (const r of await chaosDb.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from job_runs group by status`) runs[r.status] = r.n;
    const compareSeconds = (performance.now() - compareStarted) / 1000;
    failed = false;
    return {
      seed,
      dates,
      portfolio,
      jobs: reports,
      kills: reports.reduce((n, r) => n + r.kills, 0),
      restarts,
      workerFailures: pool.failures,
      control: controlResult,
      comparison,
      differences: differenceCount(comparison),
      cycles,
      runs,
      seconds: { prepare: prepareSeconds, chaos: chaosSeconds, compare: compareSeconds, total: (performance.now() - started) / 1000 },
      databases: { control: names.control, chaos: names.chaos },
      workerLog,
    };
  } finally {
    for (const p of pool?.live() ?? []) p.child.kill('SIGKILL');
    await Promise.all((pool?.processes ?? []).map((p) => p.exited));
    await Promise.all(events.map((e) => e.close().catch(() => {})));
    await Promise.all(queues.map((q) => q.close().catch(() => {})));
    await Promise.all(opened.map((d) => d.close().catch(() => {})));
    await deleteRedisKeys(prefix).catch(() => {});
    if (bundleFile) rmSync(bundleFile, { force: true });
    await dropDatabase(names.base).catch(() => {});
    if (failed) options.log?.(`the worker processes' log is kept: ${workerLog}`);
    if (!options.keep) {
      await dropDatabase(names.control).catch(() => {});
      await dropDatabase(names.chaos).catch(() => {});
      if (!failed) rmSync(scratch, { recursive: true, force: true });
    }
  }
}
