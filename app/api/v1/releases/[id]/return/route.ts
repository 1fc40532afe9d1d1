import { afterRelease } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { returnRelease, returnSchema } from '@/lib/payouts';

export const dynamic = 'force-dynamic';

/**
 * Issue 14: {"date","code","reason"} — the bank returned the release's payout (an ACH return code
 * R01–R85, or a SEPA reject reason for a pain.001 batch): back in client payable, `returned`.
 */
export const POST = apiRoute('payout.return', returnSchema, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await returnRelease(tx, pathId(params.id, 'Release'), input, actor),
  after: afterRelease,
}));
