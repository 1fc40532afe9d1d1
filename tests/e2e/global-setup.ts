import { Queue } from 'bullmq';
import { QUEUE_NAMES, redisConnection } from '../../jobs/queues';
import { E2E_QUEUE_PREFIX } from '../../playwright.config';

/**
 * Runs after the web server answers /api/health and before the first test: waits until the
 * worker (started beside the web server by `npm start`) listens on every queue. On a busy 2-core
 * box the worker can come up seconds after the web server, and the first spec's accrual (queued,
 * waited for 20 s) would otherwise answer 202 instead of its result.
 */
export default async function globalSetup(): Promise<void> {
  const connection = redisConnection();
  const queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection, prefix: E2E_QUEUE_PREFIX }));
  const deadline = Date.now() + 180_000;
  try {
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
      if (counts.every((n) => n > 0)) return;
      if (Date.now() > deadline) {
        const idle = queues.filter((_, i) => counts[i] === 0).map((q) => q.name);
        throw new Error(`the worker did not start within 3 minutes: no worker on ${idle.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}
