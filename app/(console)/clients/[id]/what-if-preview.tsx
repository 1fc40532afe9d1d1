'use client';

import { useRef, useState, useTransition } from 'react';
import { WhatIfTable } from '@/app/_components/what-if-table';
import { initialActionState } from '@/lib/http/action-state';
import type { WhatIfAnswer } from '@/lib/releases/what-if';
import { secondaryButton } from '../form-kit';
import { previewAgreementChangeAction } from './what-if-actions';

/**
 * Issue 16 item 2: inside the agreement change form, the what-if of the terms as typed (read
 * only), before proposing them. `onPreviewed` gets the preview's digest (null when refused),
 * which the form sends back to propose; `current` is false once a field changed since.
 */
export function AgreementChangePreview({ onPreviewed, current }: { onPreviewed: (digest: string | null) => void; current: boolean }) {
  const anchor = useRef<HTMLDivElement>(null);
  const [preview, setPreview] = useState<WhatIfAnswer | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const run = () => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    const data = new FormData(form);
    const sent = formSnapshot(form);
    start(async () => {
      const answer = await previewAgreementChangeAction(initialActionState, data);
      setPreview(answer.preview ?? null);
      setMessage({ ok: answer.ok, text: answer.message });
      // a field changed while the preview was worked out: its figures are for other values
      onPreviewed(answer.ok && formSnapshot(form) === sent ? (answer.whatIfDigest ?? null) : null);
    });
  };
  return (
    <div ref={anchor}>
      <button type="button" disabled={pending} className={secondaryButton} onClick={run}>
        {pending ? 'Working out the preview…' : 'Preview changes'}
      </button>
      {message && !current && message.ok ? (
        <p role="note" className="mt-2 text-sm text-slate-700">
          The terms changed since the preview: preview again to see their figures, then propose.
        </p>
      ) : null}
      {message && (current || !message.ok) ? (
        <p role={message.ok ? 'note' : 'alert'} className={`mt-2 text-sm ${message.ok ? 'text-slate-700' : 'text-red-700'}`}>
          {message.text}
        </p>
      ) : null}
      {preview && current ? <WhatIfTable preview={preview} /> : null}
    </div>
  );
}

/** The form's values (not the digest itself), to tell whether they changed while a preview ran. */
function formSnapshot(form: HTMLFormElement): string {
  return JSON.stringify([...new FormData(form).entries()].filter(([name]) => name !== 'whatIfDigest').map(([name, value]) => [name, String(value)]));
}
