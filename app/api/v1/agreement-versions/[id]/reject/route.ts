import { z } from 'zod';
import { decideAgreementChange } from '@/lib/clients/onboarding';
import { apiRoute, pathId } from '@/lib/http/api';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"reason"}: whether a rejection needs one is the maker-checker's rule (lib/approvals). */
const body = z.object({ reason: optional(text('Reason', { max: 2000 })) });

/** Rejects a pending agreement version {"reason"}. */
export const POST = apiRoute('agreement.approve', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await decideAgreementChange(tx, pathId(params.id, 'Agreement version'), 'reject', input.reason ?? '', actor),
}));
