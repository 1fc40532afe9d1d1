import { importBankFile } from '@/lib/collections/import';
import { COLLECTIONS_ROLES } from '@/lib/collections/payments';
import { DomainError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * API.md: POST /payments/import — the bank file as the raw body (text/csv, camt.053 XML, BAI2)
 * → 201 {"payments","errors"}; a file with errors imports nothing unless ?partial=true.
 */
export const POST = apiRoute(COLLECTIONS_ROLES, async ({ tx, actor, body, url }) => {
  const partial = url.searchParams.get('partial') === 'true';
  const format = url.searchParams.get('format');
  if (format && !['csv', 'camt053', 'bai2'].includes(format)) {
    throw new DomainError('invalid_input', 'format must be csv, camt053 or bai2', { status: 400, details: { format: 'csv, camt053 or bai2' } });
  }
  const text = typeof body === 'string' ? body : typeof (body as { file?: unknown })?.file === 'string' ? (body as { file: string }).file : '';
  const result = await importBankFile(tx, { text, partial, format: (format as never) ?? undefined }, actor);
  return { status: 201, body: result };
}, { body: 'file' });
