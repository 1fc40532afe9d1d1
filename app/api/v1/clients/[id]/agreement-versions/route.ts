import { agreementVersions } from '@/lib/clients';
import { proposeAgreementChange } from '@/lib/clients/onboarding';
import { ROLES } from '@/lib/auth/roles';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** Every version of a client's agreement, newest first. */
export const GET = apiRoute<{ id: string }>(ROLES, async ({ tx, actor, params }) => ({
  status: 200,
  body: { items: await agreementVersions(tx, pathId(params.id, 'Client'), actor), nextCursor: null },
}));

/** Proposes a new effective-dated version: {"effectiveFrom", "agreement": {...}} → 201 pending_approval. */
export const POST = apiRoute<{ id: string }>(['underwriter'], async ({ tx, actor, params, body }) => {
  const input = (body ?? {}) as { effectiveFrom?: unknown; agreement?: never };
  return { status: 201, body: await proposeAgreementChange(tx, pathId(params.id, 'Client'), { effectiveFrom: input.effectiveFrom, agreement: input.agreement ?? ({} as never) }, actor) };
});
