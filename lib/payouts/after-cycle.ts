import { z } from 'zod';
import type { Database, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError } from '../errors';
import { SETTINGS, readSetting } from '../settings';
import { parseInput } from '../validation';
import { choice } from '../validation/fields';
import { createBatch } from './batches';
import { BATCH_CREATORS, BATCH_CREATOR_LABELS } from './labels';

/** What the release-cycle job did about payout batches after its cycle. */
export interface BatchAfterCycle {
  currency: string;
  /** the batch the releases joined (new, or the open one of the date) */
  batchId?: string;
  releases?: number;
  total?: string;
  /** why no batch was made: nothing to pay, a client without a payout account (named) */
  refused?: string;
}

/** Whether the release-cycle job batches what it approved (Settings → Payout bank; off unless an admin turns it on). */
export async function batchAfterCycleOn(tx: Pick<Tx, 'sql'>): Promise<boolean> {
  return (await readSetting(tx, SETTINGS.batchAfterCycle)) === true;
}

export const batchAfterCycleSchema = z.object({ creates: choice('Who creates payout batches', BATCH_CREATORS, BATCH_CREATOR_LABELS) });

/** Turns the job's batching on or off (admin; audited). */
export async function updateBatchAfterCycle(tx: Tx, input: unknown, actor: Actor): Promise<boolean> {
  requirePermission(actor, 'settings.edit');
  const batchAfterCycle = parseInput(batchAfterCycleSchema, input).creates === 'job';
  const before = await batchAfterCycleOn(tx);
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at) values (${SETTINGS.batchAfterCycle}, ${JSON.stringify(batchAfterCycle)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  await recordAudit(tx, actor, {
    action: 'settings.payout_batch_after_cycle',
    targetType: 'settings',
    targetId: SETTINGS.batchAfterCycle,
    before: { batchAfterCycle: before },
    after: { batchAfterCycle },
  });
  return batchAfterCycle;
}

/**
 * Issue 14 ("a payout batch … created by a person or by the release-cycle job"): with the setting
 * on, after its cycle the job creates, per currency with releases waiting, the payout batch of the
 * cycle's date — createBatch, the same command a person runs (every approved release of the
 * currency as of that date, outside a live batch, of a client whose account is neither flagged
 * nor changing), each currency in its own transaction. A refusal (a client without a payout
 * account, nothing to pay) is reported, never fails the job; the file stays a person's step. Run
 * again (a retried job), it adds to the open batch of the date only what is still eligible.
 */
export async function batchAfterCycle(database: Database, asOf: string, actor: Actor): Promise<BatchAfterCycle[]> {
  if (!(await batchAfterCycleOn(database))) return [];
  const currencies = await database.sql<{ currency: string }[]>`
    select distinct currency from releases
     where status in ('approved', 'returned') and approved_amount > 0 and as_of <= ${asOf}::date and batch_id is null
     order by currency`;
  const done: BatchAfterCycle[] = [];
  for (const { currency } of currencies) {
    const c = currency.trim();
    try {
      const { batch } = await database.transaction((tx) => createBatch(tx, { currency: c, valueDate: asOf }, actor));
      done.push({ currency: c, batchId: batch.id, releases: batch.releases.filter((r) => r.status === 'live').length, total: batch.total });
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) done.push({ currency: c, refused: error.message });
      else throw error;
    }
  }
  return done;
}
