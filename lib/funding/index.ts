/**
 * Funding batches (SPEC 5.1), one command per file: `previewFunding` (./preview),
 * `fundBatch` (./fund-batch), `approveFundingBatch` (./approve-batch), `rejectFundingBatch`
 * (./reject-batch); the reads in ./queries. The checks and the split are ./prepare, the postings
 * ./post.
 */
export { fundingInputSchema, type FundingInput, type FundingData } from './input';
export type { BatchInvoiceView, FundableInvoice, FundingBatchView } from './types';
export { previewFunding } from './preview';
export { fundBatch } from './fund-batch';
export { approveFundingBatch } from './approve-batch';
export { rejectFundingBatch } from './reject-batch';
export { getFundingBatch, listFundableInvoices } from './queries';
