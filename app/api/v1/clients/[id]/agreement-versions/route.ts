import { z } from 'zod';
import { agreementTermsSchema } from '@/lib/agreements/terms';
import { agreementVersions } from '@/lib/clients';
import { proposeAgreementChange } from '@/lib/clients/onboarding';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"effectiveFrom", "agreement": {...}}: omitted terms take API.md's defaults. */
const body = z.object({
  effectiveFrom: businessDate('Effective date'),
  agreement: z.preprocess((v) => v ?? {}, agreementTermsSchema),
});

/** Every version of a client's agreement, newest first. */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: { items: await agreementVersions(tx, pathId(params.id, 'Client'), actor), nextCursor: null },
}));

/** Proposes a new effective-dated version: {"effectiveFrom", "agreement": {...}} → 201 pending_approval. */
export const POST = apiRoute('agreement.propose', body, async ({ tx, actor, params, input }) => ({
  status: 201,
  body: await proposeAgreementChange(tx, pathId(params.id, 'Client'), input, actor),
}));
