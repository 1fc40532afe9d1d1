import { createClient, CLIENT_WRITE_ROLES } from '@/lib/clients';
import { apiRoute } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /clients — a client created through the API is `active`. */
export const POST = apiRoute(CLIENT_WRITE_ROLES, async ({ tx, actor, body }) => ({
  status: 201,
  body: await createClient(tx, body as never, actor, { defaultStatus: 'active' }),
}));
