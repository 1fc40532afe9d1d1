/**
 * Issue 14 / SPEC 5.3: payouts as a bank lifecycle. An approved release (reserve → client
 * payable) joins a payout batch (createBatch: `in_batch`), whose file is generated once and frozen
 * (batchFile), then marked sent (client payable → cash in transit: `sent`) and settled (cash in
 * transit → cash: `paid`); a return puts it back in client payable (`returned`) for a later batch.
 */
export { createBatch, createBatchSchema, getBatch, type BatchView, type BatchItemView, BATCH_STATUSES } from './batches';
export { eligibleReleasesSql } from './eligible';
export { batchFile, FILE_FORMATS, type FileFormat, type BatchFile } from './files';
export { markSent, markSettled, batchDateSchema } from './lifecycle';
export { loadOriginator, achOriginatorFromEnv, sepaDebtorFromEnv } from './originator';
export { returnRelease, returnSchema } from './returns';
export { batchList } from './list';
