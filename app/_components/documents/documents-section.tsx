import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { isClientUser } from '@/lib/auth/permissions';
import { documentMaxBytes, knownSubject, mayUploadTo, subjectDocuments } from '@/lib/documents';
import { DEFAULT_DOCUMENT_KIND, DOCUMENT_KIND_LABELS, DOCUMENT_TYPE_NAMES, documentSize, isImage, type DocumentSubjectType } from '@/lib/documents/labels';
import { humanSize } from '@/lib/http/limits';
import { DocumentUploadForm } from './upload-form';

/** The newest documents a section shows; the API lists them all (GET /api/v1/documents?subjectType&subjectId). */
const SHOWN = 50;

/**
 * Issue 15 item 2: a page's Documents — the invoice's, the schedule's (funding batch), the
 * client's or the debtor's, newest first, each previewed (an image inline, a PDF opened in the
 * browser from the API, which sends it with its content type and `Content-Disposition: inline`),
 * and the upload form for those who may upload here. One line on each page:
 *
 *   <DocumentsSection subjectType="invoice" subjectId={invoice.id} actor={actor} />
 */
export async function DocumentsSection({
  subjectType,
  subjectId,
  actor,
  known,
}: {
  subjectType: DocumentSubjectType;
  subjectId: string | number;
  actor: Actor;
  /** the subject as the page has read it (and checked the actor may see it): its client and its name or number — not read again */
  known?: { clientId: string | number | null; label: string };
}) {
  const { subject, page } = await subjectDocuments(getDatabase(), subjectType, Number(subjectId), actor, {
    limit: SHOWN,
    subject: known ? knownSubject(subjectType, Number(subjectId), known.clientId, known.label) : undefined,
  });
  const canUpload = mayUploadTo(actor, subjectType);
  const portal = isClientUser(actor);
  const headingId = `documents-${subjectType}-${subject.id}`;
  const maxBytes = documentMaxBytes();
  return (
    <section aria-labelledby={headingId} className="mt-8">
      <h2 id={headingId} className="font-semibold">
        Documents
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {page.total === 0
          ? `No documents are attached to ${subject.label.replace(/^(\w)/, (c) => c.toLowerCase())} yet.`
          : page.total > page.items.length
            ? `Showing the ${page.items.length} newest of ${page.total.toLocaleString('en-US')} documents.`
            : `${page.total} document${page.total === 1 ? '' : 's'}, newest first.`}
      </p>
      {canUpload ? (
        <DocumentUploadForm
          subjectType={subjectType}
          subjectId={String(subject.id)}
          defaultKind={DEFAULT_DOCUMENT_KIND[subjectType]}
          maxBytes={maxBytes}
          maxLabel={humanSize(maxBytes)}
        />
      ) : null}
      {page.items.length > 0 ? (
        <ul aria-label={`Documents of ${subject.label}`} className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {page.items.map((d) => (
            <li key={d.id} className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white p-3">
              {isImage(d.contentType) ? (
                <a href={d.url} target="_blank" rel="noopener" className="block">
                  {/* eslint-disable-next-line @next/next/no-img-element -- the API serves it behind the session; nothing for next/image to optimise */}
                  <img src={d.url} alt={`Preview of ${d.fileName}`} loading="lazy" className="h-40 w-full rounded bg-slate-50 object-contain" />
                </a>
              ) : (
                <a
                  href={d.url}
                  target="_blank"
                  rel="noopener"
                  aria-label={`Open ${d.fileName} (PDF)`}
                  className="flex h-40 w-full items-center justify-center rounded bg-slate-50 text-sm font-medium text-brand-700 underline"
                >
                  Open PDF
                </a>
              )}
              <p className="mt-2 truncate text-sm font-medium" title={d.fileName}>
                <a className="text-brand-700 underline" href={d.url} target="_blank" rel="noopener">
                  {d.fileName}
                </a>
              </p>
              <p className="text-xs text-slate-600">
                {DOCUMENT_KIND_LABELS[d.kind]} · {DOCUMENT_TYPE_NAMES[d.contentType]} · {documentSize(d.size)}
              </p>
              <p className="text-xs break-words text-slate-600">
                {portal ? `Uploaded ${d.uploadedAt.slice(0, 10)}` : `Uploaded ${d.uploadedAt.slice(0, 16).replace('T', ' ')} UTC by ${d.uploadedBy}`}
              </p>
              <p className="mt-1 text-xs">
                <a className="text-brand-700 underline" href={`${d.url}?download=1`}>
                  Download
                </a>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
