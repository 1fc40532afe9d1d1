'use client';

import type { ReactNode } from 'react';

/**
 * Next refuses server action bodies over 1 MB unless next.config raises
 * `experimental.serverActions.bodySizeLimit`; a form says so before uploading rather than fail
 * after (the API takes larger files).
 */
export const MAX_UPLOAD_BYTES = 1024 * 1024 - 16 * 1024;

/**
 * A chosen file as text, read in the browser (the actions read no file by hand), or why it cannot
 * be sent: larger than a server action takes, or not UTF-8 — each said with what to do instead.
 */
export async function readUploadedText(file: File, advice: { tooLarge: string; notUtf8: string }): Promise<{ text: string } | { error: string }> {
  if (file.size > MAX_UPLOAD_BYTES) return { error: `${file.name} is larger than 1 MB; ${advice.tooLarge}` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer()) };
  } catch {
    return { error: `${file.name} is not UTF-8 text; ${advice.notUtf8}` };
  }
}

/** A file import's answer: what was imported or why nothing was, and every line error of the file. */
export function ImportAnswer({
  state,
  children,
}: {
  state: { ok: boolean; message: string; lineErrors?: { line: number; message: string }[] };
  /** shown under the message (a link to what was imported) */
  children?: ReactNode;
}) {
  return (
    <div
      role={state.ok ? 'status' : 'alert'}
      className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}
    >
      <p>{state.message}</p>
      {children}
      {state.lineErrors && state.lineErrors.length > 0 ? (
        <ul aria-label="Line errors" className="mt-2 max-h-96 list-none space-y-1 overflow-y-auto">
          {state.lineErrors.map((e, i) => (
            <li key={i}>
              <span className="font-medium">Line {e.line}:</span> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
