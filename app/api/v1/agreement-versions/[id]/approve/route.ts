import { decideAgreementChange } from '@/lib/clients/onboarding';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** Approves a pending agreement version (no body); the proposer may not (maker-checker). */
export const POST = apiRoute('agreement.approve', async ({ tx, actor, params }) => ({
  status: 200,
  body: await decideAgreementChange(tx, pathId(params.id, 'Agreement version'), 'approve', undefined, actor),
}));
