import type { z } from 'zod';
import type { Database, RawSql, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { can, isClientUser, requirePermission } from '../auth/permissions';
import { debtorAndMerged } from '../debtors/merged-subjects';
import { DomainError, notFound } from '../errors';
import { filterSchema, keysetPage, parseListRequest, type ListDefinition, type ListPage } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { choice, id } from '../validation/fields';
import {
  cleanFileName,
  DOCUMENT_KINDS,
  DOCUMENT_KIND_LABELS,
  DOCUMENT_SUBJECT_LABELS,
  DOCUMENT_SUBJECT_TYPES,
  type DocumentContentType,
  type DocumentKind,
  type DocumentSubjectType,
} from './labels';
import { documentMaxBytes, documentsDir, openContent, storeContent } from './store';

export { documentMaxBytes, documentsDir } from './store';

/**
 * Issue 15 item 2: documents attached to invoices, schedules (funding batches), clients and
 * debtors. The API (app/api/v1/documents), the console's and the portal's Documents sections
 * (app/_components/documents) call these commands; the bytes are in the content-addressed store
 * (./store.ts), the metadata in `documents`.
 *
 * Who: reading is `document.read` (everyone), uploading `document.upload` (funding, underwriting,
 * collections, administrators, and client users). A client user sees its own client's documents
 * only — another client's subject or document is 404, as if it did not exist, and a debtor's
 * documents (a debtor is no one client's) are staff's — and uploads to its own schedules only.
 */

export const subjectTypeField = (label = 'Attached to') => choice(label, DOCUMENT_SUBJECT_TYPES, DOCUMENT_SUBJECT_LABELS);
export const documentKindField = (label = 'Kind of document') => choice(label, DOCUMENT_KINDS, DOCUMENT_KIND_LABELS);

/** What a document is attached to, as resolved for the actor. */
export interface DocumentSubject {
  type: DocumentSubjectType;
  id: number;
  /** whose it is (none for a debtor) */
  clientId: number | null;
  /** "Invoice NW-1003", "Schedule 12", "Client Acme Freight LLC", "Debtor Contoso" */
  label: string;
}

const SUBJECT_WORDS: Record<DocumentSubjectType, string> = { invoice: 'Invoice', schedule: 'Schedule', client: 'Client', debtor: 'Debtor' };

/** A subject a page has read itself (and checked the actor may see), as `resolveSubject` would answer it. */
export function knownSubject(type: DocumentSubjectType, id: number, clientId: string | number | null, label: string): DocumentSubject {
  return { type, id, clientId: clientId === null ? null : Number(clientId), label: `${SUBJECT_WORDS[type]} ${label}` };
}

/**
 * The subject of a document, or 404 as for an unknown id: a client user asking for another
 * client's invoice, schedule or client, or for any debtor.
 */
export async function resolveSubject(tx: Tx, type: DocumentSubjectType, subjectId: number, actor: Actor): Promise<DocumentSubject> {
  const what = SUBJECT_WORDS[type];
  const rows =
    type === 'invoice'
      ? await tx.sql<{ client_id: string; label: string }[]>`select client_id::text, number as label from invoices where id = ${subjectId}`
      : type === 'schedule'
        ? await tx.sql<{ client_id: string; label: string }[]>`select client_id::text, id::text as label from funding_batches where id = ${subjectId}`
        : type === 'client'
          ? await tx.sql<{ client_id: string; label: string }[]>`select id::text as client_id, name as label from clients where id = ${subjectId}`
          : await tx.sql<{ client_id: null; label: string }[]>`select null as client_id, name as label from debtors where id = ${subjectId}`;
  const row = rows[0];
  if (!row) throw notFound(what, subjectId);
  const clientId = row.client_id === null ? null : Number(row.client_id);
  if (isClientUser(actor) && (clientId === null || actor.clientId !== clientId)) throw notFound(what, subjectId);
  return { type, id: subjectId, clientId, label: `${what} ${row.label}` };
}

/** Whether the actor may upload to a subject of this type (a client user: to schedules only). Pages ask it to show the form. */
export function mayUploadTo(actor: Pick<Actor, 'role'> | null | undefined, type: DocumentSubjectType): boolean {
  return can(actor, 'document.upload') && (!isClientUser(actor) || type === 'schedule');
}

export interface DocumentView {
  id: string;
  subjectType: DocumentSubjectType;
  subjectId: string;
  kind: DocumentKind;
  fileName: string;
  contentType: DocumentContentType;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  /** where the bytes are read (an API key, or the signed-in session) */
  url: string;
}

type DocumentRow = {
  id: string;
  subject_type: DocumentSubjectType;
  subject_id: string;
  client_id: string | null;
  kind: DocumentKind;
  file_name: string;
  content_type: DocumentContentType;
  size: string;
  sha256: string;
  uploaded_by_label: string;
  /** ISO 8601, UTC */
  created_at: string;
};

function viewOf(row: DocumentRow): DocumentView {
  return {
    id: String(row.id),
    subjectType: row.subject_type,
    subjectId: String(row.subject_id),
    kind: row.kind,
    fileName: row.file_name,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    uploadedBy: row.uploaded_by_label,
    uploadedAt: row.created_at,
    url: `/api/v1/documents/${row.id}`,
  };
}

/** The columns of a document as `DocumentRow` (of the table, or of alias `d.`). */
const columns = (d = '') =>
  `${d}id::text as id, ${d}subject_type, ${d}subject_id::text as subject_id, ${d}client_id::text as client_id, ${d}kind, ${d}file_name, ${d}content_type,
   ${d}size::text as size, ${d}sha256, ${d}uploaded_by_label, to_char(${d}created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at`;
const COLUMNS = columns();

export interface UploadInput {
  subjectType: DocumentSubjectType;
  subjectId: number;
  kind: DocumentKind;
  /** the file's name as the sender gave it (kept for people; it decides nothing) */
  fileName?: string | null;
}

export interface UploadResult {
  document: DocumentView;
  subject: DocumentSubject;
  /** false: the same content was attached to this subject before — that document is answered, nothing new recorded */
  created: boolean;
}

/**
 * Attaches a file to an invoice, schedule, client or debtor: the subject checked (404 for another
 * client's), the file stored as it streams (./store.ts: type from its content, size limit, SHA-256,
 * temporary file then rename), then its metadata and audit event in one short transaction. Runs on
 * the pool (`Database`): no transaction is open while the file streams in. The same content on the
 * same subject again answers the existing document (`created: false`).
 */
export async function uploadDocument(
  db: Database,
  input: UploadInput,
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  actor: Actor,
  options: { dir?: string; maxBytes?: number } = {},
): Promise<UploadResult> {
  requirePermission(actor, 'document.upload');
  const subject = await resolveSubject(db, input.subjectType, input.subjectId, actor);
  if (!mayUploadTo(actor, input.subjectType)) {
    throw new DomainError('forbidden', 'A client user uploads documents to its own schedules only', {
      status: 403,
      details: { subjectType: 'a client user uploads to its schedules only' },
    });
  }
  const stored = await storeContent(body, { dir: options.dir ?? documentsDir(), maxBytes: options.maxBytes ?? documentMaxBytes(), fileName: input.fileName });
  const fileName = cleanFileName(input.fileName, stored.contentType);
  return db.transaction(async (tx) => {
    const inserted = await tx.sql<DocumentRow[]>`
      insert into documents (subject_type, subject_id, client_id, kind, file_name, content_type, size, sha256, uploaded_by, uploaded_by_label)
      values (${subject.type}, ${subject.id}, ${subject.clientId}, ${input.kind}, ${fileName}, ${stored.contentType}, ${stored.size},
              ${stored.sha256}, ${actor.userId}, ${actor.label})
      on conflict (subject_type, subject_id, sha256) do nothing
      returning ${tx.sql.unsafe(COLUMNS)}`;
    if (inserted.length === 0) {
      const [existing] = await tx.sql<DocumentRow[]>`
        select ${tx.sql.unsafe(COLUMNS)} from documents
         where subject_type = ${subject.type} and subject_id = ${subject.id} and sha256 = ${stored.sha256}`;
      return { document: viewOf(existing!), subject, created: false };
    }
    const document = viewOf(inserted[0]!);
    await recordAudit(tx, actor, {
      action: 'document.upload',
      targetType: 'document',
      targetId: document.id,
      after: {
        subjectType: document.subjectType,
        subjectId: document.subjectId,
        clientId: subject.clientId === null ? null : String(subject.clientId),
        kind: document.kind,
        fileName: document.fileName,
        contentType: document.contentType,
        size: document.size,
        sha256: document.sha256,
        storedNew: stored.created,
      },
    });
    return { document, subject, created: true };
  });
}

/** One document's metadata — 404 for an unknown id and for another client's (or a debtor's) to a client user. */
export async function getDocument(tx: Tx, documentId: number, actor: Actor): Promise<DocumentView> {
  requirePermission(actor, 'document.read');
  const [row] = await tx.sql<DocumentRow[]>`select ${tx.sql.unsafe(COLUMNS)} from documents where id = ${documentId}`;
  if (!row) throw notFound('Document', documentId);
  if (isClientUser(actor) && (row.client_id === null || Number(row.client_id) !== actor.clientId)) throw notFound('Document', documentId);
  return viewOf(row);
}

/** A document's bytes, with what to send them as. */
export async function readDocument(tx: Tx, documentId: number, actor: Actor, options: { dir?: string } = {}) {
  const document = await getDocument(tx, documentId, actor);
  return { document, body: await openContent(document.sha256, options.dir ?? documentsDir()) };
}

// ---------------------------------------------------------------- the list

const documentFilters = filterSchema({
  subjectType: subjectTypeField('Subject type'),
  subjectId: id('Subject'),
});
export type DocumentFilters = z.output<typeof documentFilters>;

/** A subject's documents, newest first (index documents_subject_idx: subject_type, subject_id, id). */
export const documentListDefinition: ListDefinition<DocumentFilters> = {
  name: 'documents',
  sorts: { uploaded: { expr: 'd.id', type: 'bigint', label: 'Uploaded' } },
  defaultSort: 'uploaded',
  defaultOrder: 'desc',
  idExpr: 'd.id',
  filters: documentFilters,
};

/** The list of one subject's documents (the subject already resolved for the actor: `resolveSubject`). */
export function documentList(sql: RawSql): ListSpec<DocumentFilters, DocumentRow, DocumentView> {
  return {
    def: documentListDefinition,
    query: (request) => ({
      select: sql.unsafe(columns('d.')),
      from: sql`documents d`,
      where:
        request.filters.subjectType === 'debtor'
          ? // a debtor's documents include those kept on the duplicates merged into it
            [sql`d.subject_type = 'debtor'`, sql`d.subject_id in ${debtorAndMerged(sql, request.filters.subjectId)}`]
          : [sql`d.subject_type = ${request.filters.subjectType}`, sql`d.subject_id = ${request.filters.subjectId}`],
    }),
    map: viewOf,
    csv: [
      { header: 'id', value: (d) => d.id },
      { header: 'subject_type', value: (d) => d.subjectType },
      { header: 'subject_id', value: (d) => d.subjectId },
      { header: 'kind', value: (d) => d.kind },
      { header: 'file_name', value: (d) => d.fileName },
      { header: 'content_type', value: (d) => d.contentType },
      { header: 'size', value: (d) => d.size },
      { header: 'sha256', value: (d) => d.sha256 },
      { header: 'uploaded_by', value: (d) => d.uploadedBy },
      { header: 'uploaded_at', value: (d) => d.uploadedAt },
    ],
    file: 'documents',
  };
}

/** What a page's Documents section shows: the subject's newest documents (at most `limit`) and how many there are. */
export async function subjectDocuments(
  tx: Tx,
  type: DocumentSubjectType,
  subjectId: number,
  actor: Actor,
  options: { limit?: number; subject?: DocumentSubject } = {},
): Promise<{ subject: DocumentSubject; page: ListPage<DocumentView> }> {
  requirePermission(actor, 'document.read');
  // subject: the page has read its subject already (its own scope checks done) — not read again
  const known = options.subject;
  const subject = known && known.type === type && known.id === subjectId ? known : await resolveSubject(tx, type, subjectId, actor);
  const spec = documentList(tx.sql);
  const request = parseListRequest(documentListDefinition, { subjectType: type, subjectId: String(subjectId), limit: String(options.limit ?? 50) });
  const page = await keysetPage(tx.sql, spec.def, request, spec.query(request), spec.map);
  return { subject, page };
}
