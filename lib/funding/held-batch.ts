import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { fundingBatches } from '../../db/schema';
import { DomainError, notFound } from '../errors';

/** Locks a batch waiting for a decision: 404 if there is none, 409 `already_decided` once decided. */
export async function lockHeldBatch(tx: Tx, batchId: number) {
  const [batch] = await tx.db.select().from(fundingBatches).where(eq(fundingBatches.id, batchId)).for('update');
  if (!batch) throw notFound('Funding batch', batchId);
  if (batch.status !== 'pending_approval') throw new DomainError('already_decided', `Funding batch ${batchId} is ${batch.status}`, { status: 409 });
  return batch;
}

export async function batchInvoiceIds(tx: Tx, batchId: number): Promise<number[]> {
  const rows = await tx.sql<{ invoice_id: string }[]>`select invoice_id from funding_batch_invoices where batch_id = ${batchId} order by invoice_id`;
  return rows.map((r) => Number(r.invoice_id));
}
