import { readDocument } from '@/lib/documents';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 2: GET /documents/{id} — the document's bytes as stored, with the content type
 * read from them at upload and `Content-Disposition: inline` (the console's and the portal's
 * preview; `?download=1` for `attachment`). Another client's document (or a debtor's) is 404 to a
 * client user, as an unknown id. Also with the signed-in session (the pages' links and images).
 */
export const GET = apiRoute(
  'document.read',
  async ({ tx, actor, params, url }) => {
    const { document, body } = await readDocument(tx, pathId(params.id, 'Document'), actor);
    const download = url.searchParams.has('download');
    return {
      status: 200,
      raw: { body, contentType: document.contentType, filename: document.fileName, disposition: download ? 'attachment' : 'inline' },
      headers: {
        'cache-control': 'private, no-cache',
        'x-content-type-options': 'nosniff',
        'x-document-sha256': document.sha256,
        etag: `"${document.sha256}"`,
      },
    };
  },
  { session: true },
);
