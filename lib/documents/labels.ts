/**
 * Issue 15 item 2: the words of documents — what a document is attached to, what kind it is, and
 * the file types accepted. Pure (no node:crypto, no database), so the upload form, a client
 * component, imports it too.
 */

/** What a document is attached to. A schedule is a funding batch (`funding_batches`). */
export const DOCUMENT_SUBJECT_TYPES = ['invoice', 'schedule', 'client', 'debtor'] as const;
export type DocumentSubjectType = (typeof DOCUMENT_SUBJECT_TYPES)[number];

export const DOCUMENT_SUBJECT_LABELS: Readonly<Record<DocumentSubjectType, string>> = {
  invoice: 'Invoice',
  schedule: 'Schedule (funding batch)',
  client: 'Client',
  debtor: 'Debtor',
};

/** What a document is, in the factor's words. */
export const DOCUMENT_KINDS = ['invoice_image', 'proof_of_delivery', 'schedule', 'signed_agreement', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Readonly<Record<DocumentKind, string>> = {
  invoice_image: 'Invoice image',
  proof_of_delivery: 'Proof of delivery',
  schedule: 'Signed schedule',
  signed_agreement: 'Signed agreement',
  other: 'Other',
};

/** The kind a form offers first for each subject. */
export const DEFAULT_DOCUMENT_KIND: Readonly<Record<DocumentSubjectType, DocumentKind>> = {
  invoice: 'proof_of_delivery',
  schedule: 'schedule',
  client: 'signed_agreement',
  debtor: 'other',
};

/** The file types accepted, told apart by their first bytes (lib/documents/sniff.ts), never by the name. */
export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

export const DOCUMENT_TYPE_NAMES: Readonly<Record<DocumentContentType, string>> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
};

export const DOCUMENT_EXTENSIONS: Readonly<Record<DocumentContentType, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/** The file input's `accept` (a hint to the browser's picker; the server checks the content). */
export const DOCUMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';

export function isImage(contentType: string): boolean {
  return contentType === 'image/png' || contentType === 'image/jpeg';
}

/** 1,234,567 bytes as "1.2 MB" — for lists and messages. */
export function documentSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file name as a person gave it, made safe to store and to send back: no folders, no control characters or quotes, at most 255 characters. */
export function cleanFileName(name: string | null | undefined, contentType: DocumentContentType): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f\p{Cs}"]/gu, '').trim();
  const kept = [...cleaned].slice(0, 255).join('');
  return kept === '' || kept === '.' || kept === '..' ? `document.${DOCUMENT_EXTENSIONS[contentType]}` : kept;
}
