import { z } from 'zod';
import { apiRoute, pathId } from '@/lib/http/api';
import { rejectRelease } from '@/lib/releases';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"reason"}: a rejection without one is refused by the command (400 reason_required). */
const body = z.object({ reason: optional(text('Reason', { max: 2000 })) });

/** API.md: reject with {"reason"} (400 without one). */
export const POST = apiRoute('release.approve', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await rejectRelease(tx, pathId(params.id, 'Release'), input, actor),
}));
