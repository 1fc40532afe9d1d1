import { Worker } from 'bullmq';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { closeDatabase, getDatabase, selectDatabaseProfile } from '../db/client';
import { createTransport } from '../lib/notifications/transport';
import { concentrationAlertsProcessor } from './processors/concentration-alerts';
import { emailOutboxProcessor } from './processors/email-outbox';
import { feeAccrualProcessor } from './processors/fee-accrual';
import { recourseSweepProcessor } from './processors/recourse-sweep';
import { releaseCycleProcessor } from './processors/release-cycle';
import { statementsProcessor } from './processors/statements';
import { auditAnchorProcessor } from './processors/audit-anchor';
import { rollupsProcessor } from './processors/rollups';
import { debtorRemindersProcessor } from './processors/debtor-reminders';
import { webhooksProcessor } from './processors/webhooks';
import { riskScoresProcessor } from './processors/risk-scores';
import { todayIn } from '../lib/dates';
import { failAbandonedRun } from '../lib/job-runs';
import { QUEUE_NAMES, SCHEDULES, closeQueues, getQueue, queuePrefix, redisConnection } from './queues';

function envInt(name: string): number | undefined {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export interface WorkerHandle {
  workers: Worker[];
  close(): Promise<void>;
}

/** Registers every processor and upserts the schedules. Safe to run on several machines. */
export async function startWorkers(options: { schedules?: boolean; log?: (line: string) => void } = {}): Promise<WorkerHandle> {
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  // Jobs run long (a day's accrual over a million invoices): no statement timeout (db/client).
  selectDatabaseProfile('batch');
  const database = getDatabase();
  const transport = createTransport();
  // The worker's name is stored on each job it takes (BullMQ `processedBy`): which process runs it.
  const common = { connection: redisConnection(), prefix: queuePrefix(), name: process.env.WORKER_NAME || `${hostname()}:${process.pid}` };
  // The long jobs (accrual, release cycle, statements) are idempotent and resume after a crash, so
  // a killed worker's job is picked up again once its lock lapses (stalled-job check), and may be
  // so several times: BullMQ's default (1) fails a job for good the second time its worker dies.
  const longJob = {
    concurrency: 1,
    lockDuration: envInt('WORKER_LOCK_MS') ?? 30_000,
    stalledInterval: envInt('WORKER_STALLED_MS') ?? 30_000,
    maxStalledCount: envInt('WORKER_MAX_STALLED') ?? 5,
  };
  const workers = [
    new Worker(QUEUE_NAMES.emailOutbox, emailOutboxProcessor(database, transport), { ...common, concurrency: 1 }),
    new Worker(QUEUE_NAMES.concentrationAlerts, concentrationAlertsProcessor(database), { ...common, concurrency: 1 }),
    new Worker(QUEUE_NAMES.feeAccrual, feeAccrualProcessor(database, { chunkSize: envInt('FEE_ACCRUAL_CHUNK') }), { ...common, ...longJob }),
    new Worker(QUEUE_NAMES.recourseSweep, recourseSweepProcessor(database), { ...common, concurrency: 1 }),
    new Worker(QUEUE_NAMES.releaseCycle, releaseCycleProcessor(database, { chunkSize: envInt('RELEASE_CYCLE_CHUNK') }), { ...common, ...longJob }),
    // One run at a time; inside a run, chunks of clients render with bounded concurrency.
    new Worker(
      QUEUE_NAMES.statements,
      statementsProcessor(database, { concurrency: envInt('STATEMENTS_CONCURRENCY'), chunkSize: envInt('STATEMENTS_CHUNK') }),
      { ...common, ...longJob },
    ),
    // Appends the audit chain's anchor to a file only this machine's worker writes: one at a time.
    new Worker(QUEUE_NAMES.auditAnchor, auditAnchorProcessor(database), { ...common, concurrency: 1 }),
    new Worker(QUEUE_NAMES.rollups, rollupsProcessor(database), { ...common, concurrency: 1 }),
    // Issue 15: chunks of debtors per transaction, resumable; one run at a time.
    new Worker(QUEUE_NAMES.debtorReminders, debtorRemindersProcessor(database, { chunkSize: envInt('DEBTOR_REMINDERS_CHUNK') }), { ...common, ...longJob }),
    // Issue 16: webhook deliveries, claimed with a lease; a batch is posted in parallel.
    new Worker(QUEUE_NAMES.webhooks, webhooksProcessor(database), { ...common, concurrency: 1 }),
    // Issue 16: chunks of clients per transaction, resumable; one run at a time.
    new Worker(QUEUE_NAMES.riskScores, riskScoresProcessor(database, { chunkSize: envInt('RISK_SCORES_CHUNK') }), { ...common, ...longJob }),
  ];
  for (const w of workers) {
    w.on('failed', (job, error) => {
      log(`${w.name} job ${job?.id ?? '?'} failed: ${error.message}`);
      // Given up without running (it stalled too often): its run would stay `running` for ever.
      if (job?.id && /more than allowable limit/.test(error.message)) {
        failAbandonedRun(database, w.name, job.id, error.message).catch((e: unknown) =>
          log(`${w.name} job ${job.id}: could not mark its run failed: ${e instanceof Error ? e.message : e}`),
        );
      }
    });
    w.on('error', (error) => log(`${w.name}: ${error.message}`));
  }
  if (options.schedules !== false) {
    for (const s of SCHEDULES) {
      await getQueue(s.queue).upsertJobScheduler(s.id, s.every ? { every: s.every } : { pattern: s.pattern!, tz: process.env.FACTOR_TIMEZONE || 'UTC' }, {
        name: s.id,
        data: s.data,
      });
    }
  }
  if (options.schedules !== false && process.env.ACCRUAL_ON_START !== 'false') {
    // Catch up days missed while no worker ran (one job per day, whichever worker starts first).
    const today = todayIn();
    await getQueue(QUEUE_NAMES.feeAccrual).add('catch-up', { reason: 'startup' }, { jobId: `fee-accrual-startup-${today}` });
  }
  log(`started: ${workers.map((w) => w.name).join(', ')} (mail via ${transport.describe})`);
  return {
    workers,
    async close() {
      // Let running jobs finish (graceful), then release connections.
      await Promise.all(workers.map((w) => w.close()));
      transport.close();
      await closeQueues();
      await closeDatabase();
    },
  };
}

async function main() {
  // WORKER_SCHEDULES=false: only the jobs queued by others (a chaos run's isolated worker), no timetable.
  const handle = await startWorkers({ schedules: process.env.WORKER_SCHEDULES !== 'false' });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running jobs, then stopping`);
    const timer = setTimeout(() => {
      console.error('[worker] did not stop within 30 s; exiting');
      process.exit(1);
    }, 30_000);
    timer.unref();
    await handle.close();
    console.log('[worker] stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error('[worker] failed to start:', error);
    process.exit(1);
  });
}
