import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { JobRefusedError, defineProcessor, forBullMq, isRetryable } from '@/jobs/processor';
import { JOB_DATA, QUEUE_NAMES } from '@/jobs/queues';
import { DomainError } from '@/lib/errors';

// Processors that record no run never touch the database.
const noDatabase = {} as Database;
const aJob = (data: unknown, id = '7') => ({ id, data, updateProgress: async () => {} }) as unknown as Job;

describe('which failures are retried', () => {
  it('a refusal (a DomainError with a 4xx status) or bad data is not: trying again fails the same way', () => {
    expect(isRetryable(new DomainError('date_out_of_range', 'Accrual date 2099-01-01 is in the future', { status: 422 }))).toBe(false);
    expect(isRetryable(new DomainError('invalid_input', 'Please correct: asOf', { status: 400 }))).toBe(false);
    expect(isRetryable(new UnrecoverableError('given up'))).toBe(false);
  });

  it('the database, Redis, a timeout or a 503 are: they pass', () => {
    expect(isRetryable(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isRetryable(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(true);
    expect(isRetryable(new DomainError('queue_unavailable', 'The job queue (Redis) is not available', { status: 503 }))).toBe(true);
  });

  it('a refusal reaches BullMQ as an UnrecoverableError that keeps its code, status, details and message', () => {
    const refusal = new DomainError('date_out_of_range', 'Accrual date 2099-01-01 is in the future', { status: 422, details: { asOf: 'in the future' } });
    const out = forBullMq(refusal);
    expect(out).toBeInstanceOf(UnrecoverableError);
    expect(out).toBeInstanceOf(JobRefusedError);
    expect(out).toMatchObject({ code: 'date_out_of_range', status: 422, details: { asOf: 'in the future' }, message: refusal.message, cause: refusal });
    const infra = new Error('terminating connection due to administrator command');
    expect(forBullMq(infra)).toBe(infra);
  });
});

describe('defineProcessor', () => {
  const probe = (run: (data: unknown) => Promise<unknown>) =>
    defineProcessor({ name: QUEUE_NAMES.recourseSweep, data: JOB_DATA['recourse-sweep'], record: false, run: ({ data }) => run(data) })(noDatabase);

  it('parses the job data with the queue schema before running', async () => {
    const seen: unknown[] = [];
    await probe(async (data) => seen.push(data))(aJob({ reason: 'console', asOf: ' 2026-02-01 ', extra: 'dropped' }));
    expect(seen).toEqual([{ reason: 'console', asOf: '2026-02-01' }]);
  });

  it('refuses bad data without running, naming the field by its label, not to be retried', async () => {
    let ran = false;
    const processor = probe(async () => (ran = true));
    const error = await processor(aJob({ reason: 'console', asOf: '2026-02-30' })).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error).toMatchObject({ code: 'invalid_input', status: 400, details: { asOf: expect.stringMatching(/^Sweep date must be a real date/) } });
    await expect(processor(aJob({ reason: 'whenever' }))).rejects.toMatchObject({ code: 'invalid_input', details: { reason: expect.any(String) } });
    await expect(processor(aJob(undefined))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('passes infrastructure failures through for BullMQ to retry, and refusals as unrecoverable', async () => {
    const down = new Error('connect ECONNREFUSED');
    await expect(probe(async () => Promise.reject(down))(aJob({ reason: 'schedule' }))).rejects.toBe(down);
    await expect(
      probe(async () => Promise.reject(new DomainError('nothing_releasable', 'No reserve', { status: 422 })))(aJob({ reason: 'schedule' })),
    ).rejects.toBeInstanceOf(JobRefusedError);
  });

  it('acts as a system actor named after the job, its request id the job id; a skip answers without running', async () => {
    type Answer = { skipped: string } | { actor: string; role: string; requestId: string; userId: number | null };
    const processor = defineProcessor<typeof JOB_DATA.statements, Answer>({
      name: QUEUE_NAMES.statements,
      data: JOB_DATA.statements,
      record: false,
      skip: (data) => (data.reason === 'schedule' ? { skipped: 'not today' } : null),
      run: async ({ actor }) => ({ actor: actor.label, role: actor.role, requestId: actor.requestId, userId: actor.userId }),
    })(noDatabase);
    expect(await processor(aJob({ reason: 'schedule' }))).toEqual({ skipped: 'not today' });
    expect(await processor(aJob({ reason: 'api', clientIds: ['3'] }, '12'))).toEqual({
      actor: 'job:statements',
      role: 'system',
      requestId: 'job-12',
      userId: null,
    });
  });
});
