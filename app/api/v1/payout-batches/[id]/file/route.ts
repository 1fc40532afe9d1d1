import { z } from 'zod';
import { apiRoute, pathId } from '@/lib/http/api';
import { FILE_FORMATS, batchFile } from '@/lib/payouts';
import { parseInput } from '@/lib/validation';
import { choice } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const query = z.object({ format: choice('Format', FILE_FORMATS) });

/**
 * Issue 14: the batch's bank file, ?format=nacha|pain001|csv. The first download generates it and
 * freezes the batch (`generated`, needs payout.batch); later ones return the same bytes
 * (`x-file-sha256`); another format than the frozen one is 409 `batch_file_frozen`. A GET that
 * writes: it opens its own one transaction. The console's signed-in session may read a generated
 * file (its download link) but never generates one (409 `file_not_generated`).
 */
export const GET = apiRoute(
  'payout.download',
  async ({ db, actor, params, url }) => {
    const { format } = parseInput(query, { format: url.searchParams.get('format') ?? undefined });
    const id = pathId(params.id, 'Payout batch');
    // the signed-in session (the batch page's download link) only reads a generated file: generating is the page's confirmed command
    const file = await db.transaction((tx) => batchFile(tx, id, format, actor, { generate: actor.source === 'api' }));
    return {
      status: 200,
      raw: { body: file.bytes, contentType: file.contentType, filename: file.fileName },
      headers: { 'x-file-sha256': file.sha256, 'x-file-generated': String(file.generated), 'cache-control': 'no-store' },
    };
  },
  { session: true },
);
