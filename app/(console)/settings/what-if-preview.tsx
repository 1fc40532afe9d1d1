'use client';

import { useRef, useState, useTransition } from 'react';
import { secondaryButton } from '@/app/(console)/clients/form-kit';
import { WhatIfTable } from '@/app/_components/what-if-table';
import { initialActionState } from '@/lib/http/action-state';
import type { WhatIfAnswer } from '@/lib/releases/what-if';
import { previewReleasePolicyAction } from './actions';

/**
 * Issue 16 item 2: inside the release policy form, "Preview changes" shows what the schedule as
 * typed would do to every affected client's reserve (read only), before "Save release policy"
 * applies it. `onPreviewed` gets the preview's digest (null when refused), which the form sends
 * back to save; `current` is false once a field changed since (the figures are for other values).
 */
export function RiskSchedulePreview({ onPreviewed, current }: { onPreviewed: (digest: string | null) => void; current: boolean }) {
  const anchor = useRef<HTMLDivElement>(null);
  const [preview, setPreview] = useState<WhatIfAnswer | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const run = (page: number) => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    const data = new FormData(form);
    const sent = formSnapshot(form);
    data.set('whatIfPage', String(page));
    start(async () => {
      const answer = await previewReleasePolicyAction(initialActionState, data);
      setPreview(answer.preview ?? null);
      setMessage({ ok: answer.ok, text: answer.message });
      // a field changed while the preview was worked out: its figures are for other values
      onPreviewed(answer.ok && formSnapshot(form) === sent ? (answer.whatIfDigest ?? null) : null);
    });
  };
  return (
    <div ref={anchor} className="mt-3">
      <button type="button" disabled={pending} className={secondaryButton} onClick={() => run(1)}>
        {pending ? 'Working out the preview…' : 'Preview changes'}
      </button>
      {message && !current && message.ok ? (
        <p role="note" className="mt-2 text-sm text-slate-700">
          The values changed since the preview: preview again to see their figures, then save.
        </p>
      ) : null}
      {message && (current || !message.ok) ? (
        <p role={message.ok ? 'note' : 'alert'} className={`mt-2 text-sm ${message.ok ? 'text-slate-700' : 'text-red-700'}`}>
          {message.text}
        </p>
      ) : null}
      {preview && current ? <WhatIfTable preview={preview} onPage={run} /> : null}
    </div>
  );
}

/** The form's values (not the digest itself), to tell whether they changed while a preview ran. */
function formSnapshot(form: HTMLFormElement): string {
  return JSON.stringify([...new FormData(form).entries()].filter(([name]) => name !== 'whatIfDigest').map(([name, value]) => [name, String(value)]));
}
