import { decideAgreementChange } from '@/lib/clients/onboarding';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(['approver', 'controller'], async ({ tx, actor, params }) => ({
  status: 200,
  body: await decideAgreementChange(tx, pathId(params.id, 'Agreement version'), 'approve', undefined, actor),
}));
