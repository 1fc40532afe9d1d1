import { importBankFile } from '@/lib/collections/import';
import { DomainError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api';
import { statementSettleBatch } from '@/lib/payouts/statement-match';

export const dynamic = 'force-dynamic';

const FORMATS = ['csv', 'camt053', 'bai2'] as const;
const isFormat = (v: string): v is (typeof FORMATS)[number] => (FORMATS as readonly string[]).includes(v);

/**
 * API.md: POST /payments/import — the bank file as the raw body (text/csv, camt.053 XML, BAI2)
 * → 201 {"payments","errors"}; a file with errors imports nothing unless ?partial=true. A file
 * body, not a JSON one: the importer checks each line (naming the line), so this route has no
 * body schema. Issue 14: the answer adds `payoutsSettled` (the sent payout batches the file's
 * outgoing lines settled) and `outgoingUnmatched` (every other outgoing line, with why).
 * Issue 15: `?profile=` (a bank profile's name or id) reads a CSV through the profile's mapping;
 * the answer adds `unapplied` (each payment left in the inbox, with why) and `profile`.
 */
export const POST = apiRoute(
  'payment.apply',
  async ({ tx, actor, body, url }) => {
    const partial = url.searchParams.get('partial') === 'true';
    const format = url.searchParams.get('format');
    if (format !== null && format !== '' && !isFormat(format)) {
      throw new DomainError('invalid_input', 'format must be csv, camt053 or bai2', { status: 400, details: { format: 'csv, camt053 or bai2' } });
    }
    const profile = url.searchParams.get('profile') ?? undefined;
    if (profile !== undefined && (profile.length > 100 || /[\u0000-\u001f]/.test(profile))) {
      throw new DomainError('invalid_input', 'profile must be a bank profile’s name or id', {
        status: 400,
        details: { profile: 'a bank profile’s name or id' },
      });
    }
    const text = typeof body === 'string' ? body : typeof (body as { file?: unknown })?.file === 'string' ? (body as { file: string }).file : '';
    const result = await importBankFile(tx, { text, partial, format: format ? format : undefined, profile }, actor, { settleBatch: statementSettleBatch });
    return { status: 201, body: result };
  },
  { body: 'file' },
);
