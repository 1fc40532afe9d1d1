import { apiRoute } from '@/lib/http/api';
import { recordVerification, verificationInputSchema } from '@/lib/verifications';

export const dynamic = 'force-dynamic';

/**
 * Issue 15: POST /verifications `{"invoiceIds":[...],"method","contact","outcome","note"}` →
 * 201 `{"verifications":[…]}`, one record per invoice (the same details), each with its
 * invoice's status afterwards. One client's invoices at a time.
 */
export const POST = apiRoute('invoice.verify', verificationInputSchema, async ({ tx, actor, input }) => ({
  status: 201,
  body: { verifications: await recordVerification(tx, input, actor) },
}));
