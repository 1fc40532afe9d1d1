'use client';

import { useEffect, useId, useRef, useState } from 'react';

/**
 * Issue 13 item 4: picking one client of 10,000 — a select of them all is no use. Type part of the
 * name (or the client's number, "#123" or "123"): the suggestions come from the clients list API
 * (GET /api/v1/clients?name=…, the signed-in session), each with its number, home currency and
 * status, so two clients of the same name are told apart. The form receives `name` (the client's
 * id) from a hidden field, and `${name}Label` (what was typed) so a refused form shows it again.
 */
import { clientLabel, idFromLabel, type PickedClient } from './client-label';

export { clientLabel, idFromLabel, type PickedClient };

export function ClientPicker({
  name = 'clientId',
  label = 'Client',
  initialId = '',
  initialLabel = '',
  error,
  hint = 'Type part of the name, or the client number',
  onPick,
  required = true,
}: {
  name?: string;
  label?: string;
  initialId?: string;
  initialLabel?: string;
  error?: string;
  hint?: string;
  onPick?: (client: PickedClient) => void;
  required?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(initialLabel || (initialId ? `#${initialId}` : ''));
  const [options, setOptions] = useState<PickedClient[]>([]);
  const asked = useRef('');
  const chosenId = idFromLabel(text);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2 || idFromLabel(q) || q === asked.current) return;
    const timer = setTimeout(async () => {
      asked.current = q;
      try {
        const res = await fetch(`/api/v1/clients?name=${encodeURIComponent(q)}&limit=10`, { credentials: 'same-origin' });
        if (!res.ok) return;
        const body = (await res.json()) as { items: PickedClient[] };
        setOptions(body.items.map((c) => ({ id: c.id, name: c.name, currency: c.currency, status: c.status })));
      } catch {
        // a suggestion that did not come is no error: the number still works
      }
    }, 200);
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        name={`${name}Label`}
        type="search"
        list={`${id}-options`}
        required={required}
        autoComplete="off"
        value={text}
        placeholder="Name or number"
        onChange={(e) => {
          const value = e.target.value;
          setText(value);
          const picked = options.find((o) => clientLabel(o) === value);
          if (picked) onPick?.(picked);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
      <datalist id={`${id}-options`}>
        {options.map((o) => (
          <option key={o.id} value={clientLabel(o)} />
        ))}
      </datalist>
      <input type="hidden" name={name} value={chosenId ?? ''} />
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        {hint}
      </p>
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
