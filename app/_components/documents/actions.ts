'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDatabase } from '@/db/client';
import { documentKindField, subjectTypeField, uploadDocument } from '@/lib/documents';
import { DOCUMENT_KIND_LABELS, DOCUMENT_TYPE_NAMES, documentSize, type DocumentSubjectType } from '@/lib/documents/labels';
import { formAction } from '@/lib/http/form-action';
import { id } from '@/lib/validation/fields';

/** The pages that show a subject's Documents section. */
function pagesOf(type: DocumentSubjectType, subjectId: number): string[] {
  if (type === 'invoice') return [`/invoices/${subjectId}`];
  if (type === 'schedule') return [`/fundings/${subjectId}`, `/portal/schedules/${subjectId}`];
  if (type === 'client') return [`/clients/${subjectId}`];
  return [`/debtors/${subjectId}`];
}

const uploadForm = z.object({
  subjectType: subjectTypeField('Attached to'),
  subjectId: id('Attached to'),
  kind: documentKindField('Kind of document'),
});

/**
 * Issue 15 item 2: the Documents section's upload (console and portal): the file streams into the
 * store (type read from its content, size limit, SHA-256) and its metadata is recorded and audited
 * in one short transaction after — `uploadDocument`, as POST /api/v1/documents. A client user
 * uploads to its own schedules only (the command says so; another client's is "not found").
 */
export const uploadDocumentAction = formAction(
  'document.upload',
  uploadForm,
  async ({ input, actor, files }) => {
    const file = files.file;
    if (!file) return { ok: false, message: 'File: choose the document to upload (a PDF, PNG or JPEG)', errors: { file: 'choose a file' } };
    const { document, subject, created } = await uploadDocument(
      getDatabase(),
      { subjectType: input.subjectType, subjectId: input.subjectId, kind: input.kind, fileName: file.name },
      file.stream(),
      actor,
    );
    for (const page of pagesOf(input.subjectType, input.subjectId)) revalidatePath(page);
    const what = `${document.fileName} (${DOCUMENT_KIND_LABELS[document.kind].toLowerCase()}, ${DOCUMENT_TYPE_NAMES[document.contentType]}, ${documentSize(document.size)})`;
    return {
      message: created
        ? `${what} is attached to ${subject.label}.`
        : `The same file is attached to ${subject.label} already, as ${document.fileName} (uploaded ${document.uploadedAt.slice(0, 10)}); nothing new was stored.`,
    };
  },
  { transaction: false },
);
