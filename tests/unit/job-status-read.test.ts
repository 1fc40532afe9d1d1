import { describe, expect, it } from 'vitest';
import { readJobStatus, type JobReader } from '@/jobs/queues';

/**
 * A job that finishes while its status is being read (POST /accruals once answered 200 with a null
 * body in CI): a stand-in queue whose job completes at the first question asked of it — every read
 * after that sees it completed with its return value, as BullMQ writes both in one step.
 */
function finishingAtFirstRead(result: unknown): JobReader {
  let done = false;
  const finish = () => {
    const was = done;
    done = true;
    return was;
  };
  return {
    async getJobState() {
      return finish() ? 'completed' : 'active';
    },
    async getJob() {
      const completed = finish();
      return { progress: completed ? 100 : 40, returnvalue: completed ? result : null };
    },
  };
}

describe('readJobStatus', () => {
  it('never answers completed without the result, even when the job finishes between its reads', async () => {
    const result = { asOf: '2024-01-31', invoices: 0, posted: '0.00' };
    const status = await readJobStatus(finishingAtFirstRead(result), 'fee-accrual', '7');
    // state read before the finish (running), the job after it: not "completed" with a null result
    expect(status).toMatchObject({ jobId: 'fee-accrual:7', status: 'running' });
    const again = await readJobStatus(finishingAtFirstRead(result), 'fee-accrual', '7');
    expect(again?.result === null && again.status === 'completed').toBe(false);
  });

  it('answers the result of a completed job, the reason of a failed one, null for an unknown one', async () => {
    const completed: JobReader = { getJobState: async () => 'completed', getJob: async () => ({ progress: 0, returnvalue: { posted: '1.00' } }) };
    expect(await readJobStatus(completed, 'fee-accrual', '1')).toEqual({
      jobId: 'fee-accrual:1',
      queue: 'fee-accrual',
      status: 'completed',
      progress: 100,
      result: { posted: '1.00' },
      error: null,
    });
    const failed: JobReader = { getJobState: async () => 'failed', getJob: async () => ({ progress: 30, returnvalue: null, failedReason: 'boom' }) };
    expect(await readJobStatus(failed, 'fee-accrual', '2')).toMatchObject({ status: 'failed', error: 'boom', result: null, progress: 30 });
    const unknown: JobReader = { getJobState: async () => 'unknown', getJob: async () => undefined };
    expect(await readJobStatus(unknown, 'fee-accrual', '3')).toBeNull();
    const waiting: JobReader = { getJobState: async () => 'delayed', getJob: async () => ({ progress: { percent: 12.6 }, returnvalue: null }) };
    expect(await readJobStatus(waiting, 'fee-accrual', '4')).toMatchObject({ status: 'waiting', progress: 13 });
  });
});
