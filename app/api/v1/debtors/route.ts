import { createDebtor } from '@/lib/debtors';
import { apiRoute } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /debtors → 201 with id. */
export const POST = apiRoute(['underwriter'], async ({ tx, actor, body }) => ({
  status: 201,
  body: await createDebtor(tx, body as never, actor),
}));
