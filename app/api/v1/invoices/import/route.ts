import { apiRoute } from '@/lib/http/api';
import { importInvoices } from '@/lib/invoices/import';

export const dynamic = 'force-dynamic';

/**
 * POST /invoices/import?clientId=ID with a schedule of accounts as the raw body (`text/csv`)
 * → 201 `{"invoices": [...], "errors": []}`. A file with any bad line imports nothing: 422
 * `invalid_schedule` with `details.errors` = `[{"line": 7, "message": "…"}]`. A JSON body
 * `{"csv": "…"}` is accepted too. A file body, not a JSON one: the importer checks the client
 * id and each line (naming the line), so this route has no body schema.
 */
export const POST = apiRoute(
  'invoice.create',
  async ({ tx, actor, url, body }) => {
    const csv = typeof body === 'string' ? body : (body as { csv?: unknown } | null)?.csv;
    const result = await importInvoices(tx, { clientId: url.searchParams.get('clientId') ?? undefined, csv }, actor);
    return { status: 201, body: { invoices: result.invoices, count: result.count, errors: [] } };
  },
  { body: 'file' },
);
