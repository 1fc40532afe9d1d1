import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { clients } from './clients';
import { users } from './users';

/**
 * Issue 15 item 2: a document attached to an invoice, a schedule (funding batch), a client or a
 * debtor — its metadata; the bytes are in the content-addressed store under DOCUMENTS_DIR, named
 * by `sha256` (lib/documents/store.ts). `client_id` is whose document it is (the invoice's or the
 * schedule's client, the client itself; none for a debtor, which belongs to no one client): a
 * client user reads its own client's only. Documents are kept: the table is append-only.
 */
export const documents = pgTable(
  'documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subjectType: text('subject_type', { enum: ['invoice', 'schedule', 'client', 'debtor'] }).notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    kind: text('kind', { enum: ['invoice_image', 'proof_of_delivery', 'schedule', 'signed_agreement', 'other'] }).notNull(),
    fileName: text('file_name').notNull(),
    /** read from the content (lib/documents/sniff.ts), never the sender's word */
    contentType: text('content_type', { enum: ['application/pdf', 'image/png', 'image/jpeg'] }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: char('sha256', { length: 64 }).notNull(),
    uploadedBy: bigint('uploaded_by', { mode: 'number' }).references(() => users.id),
    uploadedByLabel: text('uploaded_by_label').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('documents_subject_type_check', sql`${t.subjectType} in ('invoice','schedule','client','debtor')`),
    check('documents_kind_check', sql`${t.kind} in ('invoice_image','proof_of_delivery','schedule','signed_agreement','other')`),
    check('documents_content_type_check', sql`${t.contentType} in ('application/pdf','image/png','image/jpeg')`),
    check('documents_size_check', sql`${t.size} > 0`),
    check('documents_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('documents_file_name_check', sql`length(${t.fileName}) between 1 and 255`),
    // a debtor's documents are no client's; every other subject's are its client's
    check('documents_client_check', sql`(${t.subjectType} = 'debtor') = (${t.clientId} is null)`),
    // a subject's documents, newest first (the pages' section and GET /documents?subjectType&subjectId)
    index('documents_subject_idx').on(t.subjectType, t.subjectId, t.id),
    // the same content attached to the same subject twice is one document
    uniqueIndex('documents_subject_content').on(t.subjectType, t.subjectId, t.sha256),
  ],
);
