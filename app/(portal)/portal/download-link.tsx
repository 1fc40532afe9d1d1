'use client';

import { useState, type MouseEvent } from 'react';

/** The sentence a refused download gets: the API's error message, never its JSON. */
async function refusal(response: Response): Promise<string> {
  if (response.status === 401) return 'Your session has ended: sign in again to download.';
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string' && body.error.message) return `The download did not work: ${body.error.message}.`.replace(/\.\.$/, '.');
  } catch {
    // not JSON: say it in words below
  }
  return `The download did not work (the server answered ${response.status}). Try again in a moment.`;
}

function filenameOf(response: Response, fallback: string): string {
  const m = /filename="?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '');
  return m?.[1] ?? fallback;
}

/**
 * A download in the portal (a statement PDF): fetched by the page, so a refusal — a session that
 * ended, a statement not found — is a sentence next to the link, never the API's raw JSON in
 * the browser. Without script the link still downloads.
 */
export function DownloadLink({ href, children, filename = 'statement.pdf' }: { href: string; children: string; filename?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onClick(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(href, { credentials: 'same-origin', headers: { accept: 'application/pdf' } });
      if (!response.ok) {
        setError(await refusal(response));
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = filenameOf(response, filename);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      setError('The download did not work: the server could not be reached. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <span>
      <a className="text-brand-700 underline" href={href} download onClick={onClick} aria-busy={busy || undefined}>
        {children}
      </a>
      {error ? (
        <span role="alert" className="ml-2 text-sm text-red-800">
          {error}
        </span>
      ) : null}
    </span>
  );
}
