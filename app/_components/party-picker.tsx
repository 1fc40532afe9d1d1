'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { idFromLabel } from '@/lib/clients/pick';

/**
 * Issue 13 item 4: picking one party (a client of 10,000, a debtor of 2,000+) — a select of them
 * all costs every page view hundreds of ms. Type part of the name (or the number, "#123" or
 * "123"): the suggestions come from the party's list API (`${endpoint}?name=…&limit=10`, the
 * signed-in session), each labelled with what tells two of the same name apart. The form receives
 * `name` (the id) from a hidden field, and `${name}Label` (what was typed) so a refused form shows
 * it again. ClientPicker and DebtorPicker are this with their endpoint and label.
 */
export function PartyPicker<T extends { id: string }>({
  endpoint,
  toParty,
  labelOf,
  name,
  label,
  initialId = '',
  initialLabel = '',
  error,
  hint,
  onPick,
  required = true,
  excludeId,
}: {
  /** the list API answering `?name=…&limit=10` with `{ items }` */
  endpoint: string;
  /** what of an API item the picker keeps */
  toParty: (item: Record<string, unknown>) => T;
  /** the suggestion's text, which names the id as "(#id, …)" */
  labelOf: (party: T) => string;
  name: string;
  label: string;
  initialId?: string;
  initialLabel?: string;
  error?: string;
  hint: string;
  onPick?: (party: T) => void;
  required?: boolean;
  /** a party never offered (a debtor is not merged into itself) */
  excludeId?: string;
}) {
  const id = useId();
  const [text, setText] = useState(initialLabel || (initialId ? `#${initialId}` : ''));
  const [options, setOptions] = useState<T[]>([]);
  const asked = useRef('');
  const chosenId = idFromLabel(text);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2 || idFromLabel(q) || q === asked.current) return;
    const timer = setTimeout(async () => {
      asked.current = q;
      try {
        const res = await fetch(`${endpoint}?name=${encodeURIComponent(q)}&limit=10`, { credentials: 'same-origin' });
        if (!res.ok) return;
        const body = (await res.json()) as { items: Record<string, unknown>[] };
        setOptions(body.items.map(toParty).filter((p) => p.id !== excludeId));
      } catch {
        // a suggestion that did not come is no error: the number still works
      }
    }, 200);
    return () => clearTimeout(timer);
  }, [text, endpoint, toParty, excludeId]);

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
          const picked = options.find((o) => labelOf(o) === value);
          if (picked) onPick?.(picked);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
      <datalist id={`${id}-options`}>
        {options.map((o) => (
          <option key={o.id} value={labelOf(o)} />
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
