import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';

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
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface JobData {
  'email-outbox': { reason: 'schedule' | 'queued' };
  'concentration-alerts': { reason: 'schedule' | 'funding' };
  /** without asOf: through today in FACTOR_TIMEZONE */
  'fee-accrual': { reason: 'schedule' | 'startup' | 'api' | 'console'; asOf?: string; requestedBy?: string };
  /** without asOf: today in FACTOR_TIMEZONE */
  'recourse-sweep': { reason: 'schedule' | 'console'; asOf?: string };
  /** without asOf: today in FACTOR_TIMEZONE (weekends skipped for the schedule) */
  'release-cycle': { reason: 'schedule' | 'console'; asOf?: string };
  /**
   * without from/to: the month before today in FACTOR_TIMEZONE (the schedule runs only on the
   * first business day of a month); without clientIds: every client with reserve activity
   */
  statements: { reason: 'schedule' | 'api' | 'console'; from?: string; to?: string; clientIds?: string[]; requestedBy?: string };
}

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
];

const globalQueues = globalThis as unknown as { __holdbackQueues?: Map<string, Queue> };

export function getQueue(name: QueueName): Queue {
  globalQueues.__holdbackQueues ??= new Map();
  let queue = globalQueues.__holdbackQueues.get(name);
  if (!queue) {
    queue = new Queue(name, {
      connection: redisConnection(),
      prefix: queuePrefix(),
      defaultJobOptions: { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 }, attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
    });
    globalQueues.__holdbackQueues.set(name, queue);
  }
  return queue;
}

const globalEvents = globalThis as unknown as { __holdbackQueueEvents?: Map<string, QueueEvents> };

function queueEvents(name: QueueName): QueueEvents {
  globalEvents.__holdbackQueueEvents ??= new Map();
  let events = globalEvents.__holdbackQueueEvents.get(name);
  if (!events) {
    events = new QueueEvents(name, { connection: redisConnection(), prefix: queuePrefix() });
    globalEvents.__holdbackQueueEvents.set(name, events);
  }
  return events;
}

/**
 * Adds a job and waits for a worker to finish it (API.md: POST /accruals runs "the same job the
 * scheduler runs, waited for"). Rejects with the job's error, or after `timeoutMs`.
 */
export async function runAndWait<Q extends QueueName>(name: Q, jobName: string, data: JobData[Q], timeoutMs = 300_000): Promise<unknown> {
  const events = queueEvents(name);
  await events.waitUntilReady();
  const job = await getQueue(name).add(jobName, data, { attempts: 1 });
  return job.waitUntilFinished(events, timeoutMs);
}

export async function closeQueues(): Promise<void> {
  const queues = globalQueues.__holdbackQueues;
  globalQueues.__holdbackQueues = undefined;
  const events = globalEvents.__holdbackQueueEvents;
  globalEvents.__holdbackQueueEvents = undefined;
  await Promise.all([...(queues?.values() ?? [])].map((q) => q.close()));
  await Promise.all([...(events?.values() ?? [])].map((e) => e.close()));
}

/**
 * Statements on demand (one client, some or all), as a background job with progress: the same
 * job the monthly schedule runs. Answers the BullMQ job id (the job_runs row is keyed by it).
 */
export async function enqueueStatements(data: JobData['statements']): Promise<string> {
  const job = await getQueue(QUEUE_NAMES.statements).add(data.reason, data, { attempts: 3 });
  return String(job.id);
}

/** After a command that queued email commits: send now rather than at the next sweep. */
export async function kickOutbox(): Promise<void> {
  try {
    await getQueue(QUEUE_NAMES.emailOutbox).add('send', { reason: 'queued' } satisfies JobData['email-outbox']);
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
    await getQueue(QUEUE_NAMES.concentrationAlerts).add('check', { reason: 'funding' } satisfies JobData['concentration-alerts']);
  } catch (error) {
    // The hourly schedule checks anyway; a Redis hiccup must not fail a committed funding.
    console.warn('could not queue the concentration check:', error instanceof Error ? error.message : error);
  }
}
