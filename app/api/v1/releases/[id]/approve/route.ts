import { z } from 'zod';
import { afterRelease } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { approveRelease } from '@/lib/releases';
import { money, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"amount"?}: less than proposed approves part; omitted, all of it. */
const body = z.object({ amount: optional(money('Amount')) });

/** API.md: approve (the cycle's creator may not: 403); {"amount"} approves part. Posted and paid at once. */
export const POST = apiRoute('release.approve', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await approveRelease(tx, pathId(params.id, 'Release'), input, actor),
  after: afterRelease,
}));
