import type { Hold } from '../../db/schema';
import type { VerificationOutcome } from '../verifications/labels';

/** One invoice of a batch as the API shows it (decimal strings). */
export interface BatchInvoiceView {
  invoiceId: string;
  number: string;
  debtorId: string;
  face: string;
  advance: string;
  reserve: string;
  fees: string;
}

/** A funding batch (stored, or a preview) as API.md shows it. */
export interface FundingBatchView {
  id: string | null;
  clientId: string;
  status: 'funded' | 'pending_approval' | 'rejected' | 'preview';
  fundingDate: string;
  currency: string;
  totalFace: string;
  totalAdvance: string;
  totalReserve: string;
  totalFees: string;
  requiredReserve: string | null;
  invoices: BatchInvoiceView[];
  holds: Hold[];
  warnings: Hold[];
  reason: string | null;
}

/** A verified invoice the batch builder offers. */
export interface FundableInvoice {
  id: string;
  number: string;
  debtorName: string;
  currency: string;
  faceValue: string;
  issueDate: string;
  dueDate: string;
  /** issue 15: the latest verification record's outcome, null when none was recorded */
  verification: VerificationOutcome | null;
  /** the agreement's verification threshold asks for a positive record before funding this one */
  verificationRequired: boolean;
}
