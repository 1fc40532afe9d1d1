import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { z } from 'zod';
import { DomainError } from '../lib/errors';
import { businessDate } from '../lib/validation/fields';

/**
 * Every queue, its job data and its schedule in one place (STYLE). Queue names are the job
 * names of SPEC 7; keys live under QUEUE_PREFIX so several instances can share one Redis.
 */
export const QUEUE_NAMES = {
  emailOutbox: 'email-outbox',
  concentrationAlerts: 'concentration-alerts',
  feeAccrual: 'fee-accrual',
  recourseSweep: 'recourse-sweep',
  releaseCycle: 'release-cycle',
  statements: 'statements',
  auditAnchor: 'audit-anchor',
  rollups: 'rollups',
  debtorReminders: 'debtor-reminders',
  webhooks: 'webhooks',
  riskScores: 'risk-scores',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

const clientIdText = z.string().regex(/^[1-9]\d{0,15}$/, { error: 'Client must be a client id such as 12' });

/**
 * Each queue's job data, as a schema: a processor parses its job's data with it before anything
 * runs (jobs/processor.ts), so a job with bad data fails at once, naming the field, and is not
 * retried. Dates are business dates (YYYY-MM-DD); whether one is in range is the command's rule.
 */
export const JOB_DATA = {
  'email-outbox': z.object({ reason: z.enum(['schedule', 'queued']) }),
  'concentration-alerts': z.object({ reason: z.enum(['schedule', 'funding']) }),
  /** without asOf: through today in FACTOR_TIMEZONE */
  'fee-accrual': z.object({
    reason: z.enum(['schedule', 'startup', 'api', 'console']),
    asOf: businessDate('Accrual date').optional(),
    requestedBy: z.string().max(320).optional(),
  }),
  /** without asOf: today in FACTOR_TIMEZONE */
  'recourse-sweep': z.object({ reason: z.enum(['schedule', 'console']), asOf: businessDate('Sweep date').optional() }),
  /**
   * without asOf: today in FACTOR_TIMEZONE (weekends skipped for the schedule); cycleId: set by
   * the job once its cycle exists, so a retry resumes that cycle
   */
  'release-cycle': z.object({
    reason: z.enum(['schedule', 'console']),
    asOf: businessDate('As of').optional(),
    cycleId: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, { error: 'Cycle must be a cycle id' })
      .optional(),
  }),
  /**
   * without from/to: the month before today in FACTOR_TIMEZONE (the schedule runs only on the
   * first business day of a month); without clientIds: every client with reserve activity
   */
  statements: z.object({
    reason: z.enum(['schedule', 'api', 'console']),
    from: businessDate('From').optional(),
    to: businessDate('To').optional(),
    clientIds: z.array(clientIdText).max(100_000).optional(),
    requestedBy: z.string().max(320).optional(),
  }),
  'audit-anchor': z.object({ reason: z.enum(['schedule']) }),
  rollups: z.object({ reason: z.enum(['schedule']) }),
  /** issue 15: without asOf, today in FACTOR_TIMEZONE */
  'debtor-reminders': z.object({ reason: z.enum(['schedule', 'console']), asOf: businessDate('Reminder date').optional() }),
  /** issue 16: the webhook outbox (lib/webhooks/deliver.ts) */
  webhooks: z.object({ reason: z.enum(['schedule', 'queued']) }),
  /** issue 16: without asOf, today in FACTOR_TIMEZONE */
  'risk-scores': z.object({ reason: z.enum(['schedule', 'console', 'cli']), asOf: businessDate('Score date').optional() }),
} as const satisfies Record<QueueName, z.ZodType>;

export type JobData = { [Q in QueueName]: z.output<(typeof JOB_DATA)[Q]> };

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function redisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

export function queuePrefix(): string {
  return process.env.QUEUE_PREFIX || 'holdback';
}

/** BullMQ connection options from REDIS_URL (a `/N` database number is honoured). */
export function redisConnection(url: string = redisUrl()): ConnectionOptions {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/** Repeating schedules (BullMQ job schedulers), upserted by every worker at start: idempotent. */
export const SCHEDULES: { queue: QueueName; id: string; every?: number; pattern?: string; data: JobData[QueueName] }[] = [
  { queue: QUEUE_NAMES.emailOutbox, id: 'email-outbox-sweep', every: 15_000, data: { reason: 'schedule' } },
  // SPEC 7: hourly, on the hour of FACTOR_TIMEZONE (and after each funding: kickConcentration).
  { queue: QUEUE_NAMES.concentrationAlerts, id: 'concentration-alerts-hourly', pattern: '0 * * * *', data: { reason: 'schedule' } },
  // SPEC 4/7: daily just after midnight in FACTOR_TIMEZONE; missed days are caught up.
  { queue: QUEUE_NAMES.feeAccrual, id: 'fee-accrual-daily', pattern: '5 0 * * *', data: { reason: 'schedule' } },
  // SPEC 5.2/7: daily, after the accrual, so a charged-back invoice's fee is accrued to that day first.
  { queue: QUEUE_NAMES.recourseSweep, id: 'recourse-sweep-daily', pattern: '30 0 * * *', data: { reason: 'schedule' } },
  // SPEC 5.3/7: each business day, for the clients whose cadence falls due (biweekly by default).
  { queue: QUEUE_NAMES.releaseCycle, id: 'release-cycle-business-days', pattern: '0 6 * * 1-5', data: { reason: 'schedule' } },
  // SPEC 7: monthly, for the month before. The first business day is the 1st, 2nd or 3rd: the
  // schedule fires on each and the processor runs only on the first weekday of the month.
  { queue: QUEUE_NAMES.statements, id: 'statements-monthly', pattern: '0 5 1-3 * *', data: { reason: 'schedule' } },
  // SPEC 9 / issue 11: hourly, the audit chain's length and tip appended to AUDIT_ANCHOR_FILE
  // (and emailed to AUDIT_ANCHOR_EMAIL), so a deleted tail of the log is found later.
  { queue: QUEUE_NAMES.auditAnchor, id: 'audit-anchor-hourly', pattern: '17 * * * *', data: { reason: 'schedule' } },
  // Issue 13: the roll-up deltas folded into the roll-ups the dashboard reads (lib/reports/rollups.ts).
  { queue: QUEUE_NAMES.rollups, id: 'rollups-fold', every: 10_000, data: { reason: 'schedule' } },
  // Issue 15: daily in the morning of FACTOR_TIMEZONE, the debtor reminders whose step falls that day (each invoice and step once).
  { queue: QUEUE_NAMES.debtorReminders, id: 'debtor-reminders-daily', pattern: '0 7 * * *', data: { reason: 'schedule' } },
  // Issue 16: the webhook outbox swept every 10 seconds (and nudged after the commands that queue events), so nothing is lost.
  { queue: QUEUE_NAMES.webhooks, id: 'webhooks-sweep', every: 10_000, data: { reason: 'schedule' } },
  // Issue 16: nightly, after the recourse sweep, each active client's risk score (lib/risk/run.ts).
  { queue: QUEUE_NAMES.riskScores, id: 'risk-scores-nightly', pattern: '0 1 * * *', data: { reason: 'schedule' } },
];

const globalQueues = globalThis as unknown as { __holdbackQueues?: Map<string, Queue> };

/** How long adding a job may take before Redis counts as down (`QUEUE_TIMEOUT_MS`, 2 s). */
export function queueTimeoutMs(): number {
  const v = process.env.QUEUE_TIMEOUT_MS;
  return v && /^\d{1,7}$/.test(v) ? Math.max(100, Number(v)) : 2_000;
}

/**
 * A queue for adding jobs (the web and the worker's schedules). It fails fast: no offline queue
 * and a short connect timeout, so a request never hangs on a Redis that is down (issue 11).
 * Workers and their blocking connections use `redisConnection()` as it is.
 */
export function getQueue(name: QueueName): Queue {
  globalQueues.__holdbackQueues ??= new Map();
  let queue = globalQueues.__holdbackQueues.get(name);
  if (!queue) {
    queue = new Queue(name, {
      connection: { ...(redisConnection() as RedisOptions), enableOfflineQueue: false, connectTimeout: queueTimeoutMs(), maxRetriesPerRequest: 1 },
      prefix: queuePrefix(),
      defaultJobOptions: { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 }, attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
    });
    // Errors surface on each call (queue_unavailable); an unhandled 'error' event would crash the process.
    queue.on('error', () => {});
    globalQueues.__holdbackQueues.set(name, queue);
  }
  return queue;
}

/** Forgets a queue whose connection never came up, so a call waiting on it fails now and the next one reconnects. */
function dropQueue(name: QueueName, queue: Queue): void {
  if (globalQueues.__holdbackQueues?.get(name) === queue) globalQueues.__holdbackQueues.delete(name);
  void queue.disconnect().catch(() => {});
}

export const queueUnavailable = () =>
  new DomainError('queue_unavailable', 'The job queue (Redis) is not available right now; nothing was queued. Try again in a moment.', { status: 503 });

function withQueueTimeout<T>(promise: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(queueUnavailable());
    }, queueTimeoutMs());
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A job id that names its queue (`fee-accrual:123`): BullMQ numbers jobs per queue. */
export function qualifiedJobId(queue: QueueName, id: string | number): string {
  return `${queue}:${id}`;
}

export function parseJobId(value: string): { queue: QueueName; id: string } | null {
  const at = value.indexOf(':');
  if (at <= 0) return null;
  const queue = value.slice(0, at) as QueueName;
  const id = value.slice(at + 1);
  if (!(Object.values(QUEUE_NAMES) as string[]).includes(queue) || !/^[A-Za-z0-9._:-]{1,200}$/.test(id)) return null;
  return { queue, id };
}

/**
 * Adds a job, or throws 503 `queue_unavailable` within QUEUE_TIMEOUT_MS when Redis is down
 * (never a hang). Answers the qualified job id. Call it after any transaction has committed.
 */
export async function enqueue<Q extends QueueName>(name: Q, jobName: string, data: JobData[Q], options?: JobsOptions): Promise<string> {
  const queue = getQueue(name);
  try {
    const job = await withQueueTimeout(queue.add(jobName, data, options), () => dropQueue(name, queue));
    return qualifiedJobId(name, job.id!);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw queueUnavailable();
  }
}

export type JobState = 'waiting' | 'running' | 'completed' | 'failed';

export interface JobStatus {
  jobId: string;
  queue: QueueName;
  status: JobState;
  /** 0–100 */
  progress: number;
  result: unknown;
  error: string | null;
}

/** What `readJobStatus` asks of a queue (BullMQ's Queue; a test's stand-in). */
export interface JobReader {
  getJobState(id: string): Promise<string>;
  getJob(id: string): Promise<{ progress: unknown; returnvalue: unknown; failedReason?: string } | undefined>;
}

/**
 * One job's status, read state first and the job after it. BullMQ moves a job to completed and
 * writes its return value in one step, so a job read after its state said "completed" has the
 * value; read the other way round, a job finishing between the two reads was "completed" with
 * no result (POST /accruals answered 200 with a null body, once in a CI run).
 */
export async function readJobStatus(queue: JobReader, name: QueueName, id: string): Promise<JobStatus | null> {
  const state = await queue.getJobState(id);
  if (state === 'unknown') return null;
  const job = await queue.getJob(id);
  if (!job) return null;
  const status: JobState = state === 'completed' ? 'completed' : state === 'failed' ? 'failed' : state === 'active' ? 'running' : 'waiting';
  const raw = job.progress;
  const percent =
    typeof raw === 'number'
      ? raw
      : typeof (raw as { percent?: unknown })?.percent === 'number'
        ? (raw as { percent: number }).percent
        : status === 'completed'
          ? 100
          : 0;
  return {
    jobId: qualifiedJobId(name, id),
    queue: name,
    status,
    progress: status === 'completed' ? 100 : Math.max(0, Math.min(100, Math.round(percent))),
    result: status === 'completed' ? (job.returnvalue ?? null) : null,
    error: status === 'failed' ? job.failedReason || 'failed' : null,
  };
}

/** A job as BullMQ knows it (null when unknown or already removed); 503 when Redis is down. */
export async function jobStatus(jobId: string): Promise<JobStatus | null> {
  const parsed = parseJobId(jobId);
  if (!parsed) return null;
  const queue = getQueue(parsed.queue);
  try {
    return await withQueueTimeout(readJobStatus(queue, parsed.queue, parsed.id), () => dropQueue(parsed.queue, queue));
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw queueUnavailable();
  }
}

/**
 * Waits up to `timeoutMs` for a job to finish, asking Redis a few times a second (no blocking
 * connection, nothing held in Postgres). Answers its last status: `completed`, `failed`, or
 * still `waiting`/`running` when the time ran out.
 */
export async function waitForJob(jobId: string, timeoutMs: number): Promise<JobStatus | null> {
  const deadline = Date.now() + timeoutMs;
  let pause = 50;
  for (;;) {
    const status = await jobStatus(jobId);
    if (!status || status.status === 'completed' || status.status === 'failed') return status;
    const left = deadline - Date.now();
    if (left <= 0) return status;
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    pause = Math.min(500, pause * 2);
  }
}

export async function closeQueues(): Promise<void> {
  const queues = globalQueues.__holdbackQueues;
  globalQueues.__holdbackQueues = undefined;
  await Promise.all([...(queues?.values() ?? [])].map((q) => q.close().catch(() => q.disconnect())));
}

/**
 * Statements on demand (one client, some or all), as a background job with progress: the same
 * job the monthly schedule runs. Answers the qualified job id (`statements:12`; job_runs is keyed by it).
 */
export async function enqueueStatements(data: JobData['statements']): Promise<string> {
  return enqueue(QUEUE_NAMES.statements, data.reason, data, { attempts: 3 });
}

/** After a command that queued email commits: send now rather than at the next sweep. */
export async function kickOutbox(): Promise<void> {
  try {
    await enqueue(QUEUE_NAMES.emailOutbox, 'send', { reason: 'queued' });
  } catch (error) {
    // The scheduled sweep sends it anyway; a Redis hiccup must not fail a committed command.
    console.warn('could not nudge the email outbox:', error instanceof Error ? error.message : error);
  }
}

/**
 * After a funding commits: run the concentration check now rather than at the next hour. Runs
 * are serialized in Postgres, so a burst of fundings only queues a few quick re-checks.
 */
export async function kickConcentration(): Promise<void> {
  try {
    await enqueue(QUEUE_NAMES.concentrationAlerts, 'check', { reason: 'funding' });
  } catch (error) {
    // The hourly schedule checks anyway; a Redis hiccup must not fail a committed funding.
    console.warn('could not queue the concentration check:', error instanceof Error ? error.message : error);
  }
}

/** Issue 16: after a command that queued webhook events commits, deliver now rather than at the next sweep. */
export async function kickWebhooks(): Promise<void> {
  try {
    await enqueue(QUEUE_NAMES.webhooks, 'deliver', { reason: 'queued' });
  } catch (error) {
    // The sweep delivers them anyway; a Redis hiccup must not fail a committed command.
    console.warn('could not nudge the webhook outbox:', error instanceof Error ? error.message : error);
  }
}
