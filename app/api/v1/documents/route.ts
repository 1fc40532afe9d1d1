import { z } from 'zod';
import { documentKindField, documentList, resolveSubject, subjectTypeField, uploadDocument } from '@/lib/documents';
import { DEFAULT_DOCUMENT_KIND } from '@/lib/documents/labels';
import { documentMaxBytes, documentTooLarge } from '@/lib/documents/store';
import { apiRoute } from '@/lib/http/api';
import { queryObject } from '@/lib/lists/keyset';
import { listAnswer } from '@/lib/lists/respond';
import { invalidInput } from '@/lib/validation';
import { id, optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const subjectQuery = z.object({ subjectType: subjectTypeField('Subject type'), subjectId: id('Subject') });

const uploadQuery = subjectQuery.extend({
  kind: optional(documentKindField('Kind')),
  fileName: optional(text('File name', { max: 255 })),
});

/**
 * Issue 15 item 2: POST /documents?subjectType=invoice|schedule|client|debtor&subjectId=ID
 * [&kind=proof_of_delivery][&fileName=pod.pdf] with the file as the raw body (its content type;
 * the type is read from the content, never from the header or the name) → 201
 * `{"id","sha256","size","contentType",…}`; the same content on the same subject again → 200 with
 * the document stored first (`created: false`). Refused, storing nothing: over DOCUMENTS_MAX_BYTES
 * 413 (cut while it streams), not a PDF, PNG or JPEG 415 (naming what it looks like), empty 400.
 * The body streams to the store (no transaction open meanwhile); the metadata and audit event are
 * one short transaction after it.
 */
export const POST = apiRoute(
  'document.upload',
  async ({ db, actor, url, req }) => {
    const parsed = uploadQuery.safeParse(queryObject(url.searchParams));
    if (!parsed.success) throw invalidInput(parsed.error);
    const declared = req.headers.get('content-length');
    const maxBytes = documentMaxBytes();
    if (declared && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw documentTooLarge(maxBytes);
    const input = parsed.data;
    const result = await uploadDocument(
      db,
      { subjectType: input.subjectType, subjectId: input.subjectId, kind: input.kind ?? DEFAULT_DOCUMENT_KIND[input.subjectType], fileName: input.fileName },
      req.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
      actor,
      { maxBytes },
    );
    return { status: result.created ? 201 : 200, body: { ...result.document, created: result.created } };
  },
  { body: 'stream', transaction: false },
);

/**
 * GET /documents?subjectType&subjectId: the subject's documents, newest first, as a list (API.md
 * "Lists": `limit`, `cursor`, `total`, `?format=csv`). Another client's subject, or a debtor, is 404
 * to a client user. Also with the signed-in session.
 */
export const GET = apiRoute(
  'document.read',
  async ({ tx, actor, url }) => {
    const parsed = subjectQuery.safeParse(queryObject(url.searchParams));
    if (!parsed.success) throw invalidInput(parsed.error);
    await resolveSubject(tx, parsed.data.subjectType, parsed.data.subjectId, actor);
    return listAnswer(tx.sql, documentList(tx.sql), url);
  },
  { session: true },
);
