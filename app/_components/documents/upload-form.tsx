'use client';

import { useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { submitWith } from '@/app/(console)/clients/form-kit';
import { FieldError, invalid } from '@/app/_components/field-error';
import { DOCUMENT_ACCEPT, DOCUMENT_KINDS, DOCUMENT_KIND_LABELS, type DocumentKind, type DocumentSubjectType } from '@/lib/documents/labels';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { uploadDocumentAction } from './actions';

/**
 * A Documents section's upload: the kind and the file (PDF, PNG or JPEG). A file over the limit is
 * refused here before it is sent (the server refuses it too, and any file whose content is not one
 * of the three types). A refused upload keeps the kind and the chosen file.
 */
export function DocumentUploadForm({
  subjectType,
  subjectId,
  defaultKind,
  maxBytes,
  maxLabel,
}: {
  subjectType: DocumentSubjectType;
  subjectId: string;
  defaultKind: DocumentKind;
  maxBytes: number;
  /** "10 MB" */
  maxLabel: string;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(uploadDocumentAction, initialActionState);
  const [local, setLocal] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const send = submitWith(action);
  const prefix = `document-${subjectType}-${subjectId}`;
  useEffect(() => {
    if (state.ok) form.current?.reset();
  }, [state]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const file = (event.currentTarget.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
    if (file && file.size > maxBytes) {
      event.preventDefault();
      setLocal(`${file.name} is larger than ${maxLabel}, the most a document may be; nothing was sent.`);
      return;
    }
    setLocal(null);
    send(event);
  };
  const err = state.ok ? {} : (state.errors ?? {});
  const message = local ?? state.message;
  const failed = local !== null || !state.ok;
  return (
    <form
      ref={form}
      onSubmit={onSubmit}
      aria-label="Upload a document"
      className="mt-3 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <input type="hidden" name="subjectType" value={subjectType} />
      <input type="hidden" name="subjectId" value={subjectId} />
      <div>
        <label htmlFor={`${prefix}-kind`} className="block text-sm font-medium">
          Kind of document
        </label>
        <select
          id={`${prefix}-kind`}
          name="kind"
          defaultValue={typedValue(state, 'kind', defaultKind)}
          key={`kind-${typedValue(state, 'kind', defaultKind)}`}
          className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
          {...invalid(`${prefix}-kind-error`, err.kind)}
        >
          {DOCUMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {DOCUMENT_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <FieldError id={`${prefix}-kind-error`} message={err.kind} />
      </div>
      <div className="min-w-0 max-w-full">
        <label htmlFor={`${prefix}-file`} className="block text-sm font-medium">
          File (PDF, PNG or JPEG, up to {maxLabel})
        </label>
        <input
          id={`${prefix}-file`}
          name="file"
          type="file"
          accept={DOCUMENT_ACCEPT}
          required
          className="mt-1 block max-w-full text-sm"
          {...invalid(`${prefix}-file-error`, err.file)}
        />
        <FieldError id={`${prefix}-file-error`} message={err.file} />
      </div>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Uploading…' : 'Upload'}
      </button>
      {message ? (
        <p role={failed ? 'alert' : 'status'} className={`w-full text-sm break-words ${failed ? 'text-red-800' : 'text-emerald-800'}`}>
          {message}
        </p>
      ) : null}
    </form>
  );
}
