'use client';

import { useCallback, useEffect, useId, useRef, useState, type InputHTMLAttributes, type KeyboardEvent, type ReactNode } from 'react';
import type { SearchItem, SearchType } from '@/lib/search/query';

/** Characters typed before suggestions are asked for (the API's minimum). */
const MIN_CHARS = 2;
const DEBOUNCE_MS = 180;

/**
 * Suggestions for what is typed, from `GET /api/v1/search` (the signed-in session): at most
 * `limit`, of one kind or all; the latest answer wins (earlier requests are aborted).
 */
export function useSuggestions(text: string, options: { type?: SearchType; limit?: number; enabled?: boolean }) {
  const [items, setItems] = useState<SearchItem[]>([]);
  const [loading, setLoading] = useState(false);
  const { type, limit = 8, enabled = true } = options;
  useEffect(() => {
    const q = text.trim();
    if (!enabled || [...q].length < MIN_CHARS) {
      setItems([]);
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setLoading(true);
      try {
        const params = new URLSearchParams({ q, limit: String(limit) });
        if (type) params.set('type', type);
        const res = await fetch(`/api/v1/search?${params}`, { signal: controller.signal, credentials: 'same-origin', headers: { accept: 'application/json' } });
        if (!res.ok) {
          setItems([]);
          return;
        }
        const body = (await res.json()) as { items?: SearchItem[] };
        if (!controller.signal.aborted) setItems(Array.isArray(body.items) ? body.items : []);
      } catch {
        // aborted by the next keystroke, or offline: no suggestions; the form still works without them
        if (!controller.signal.aborted) setItems([]);
      } finally {
        if (!controller.signal.aborted) setLoading(false);
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, type, limit, enabled]);
  return { items, loading };
}

export interface TypeaheadProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'defaultValue' | 'onChange' | 'type'> {
  id: string;
  /** the kind suggested (default: all) */
  kind?: SearchType;
  limit?: number;
  /** controlled: the text (with onValueChange); otherwise the component keeps it, starting at defaultValue */
  value?: string;
  defaultValue?: string;
  onValueChange?: (value: string) => void;
  /** the person changed the text (typed, pasted, cleared) — not a suggestion chosen */
  onEdit?: (value: string) => void;
  /** a suggestion was chosen (Enter, or a click): the text becomes `textOf(item)` unless this answers false */
  onPick: (item: SearchItem) => void | false;
  textOf?: (item: SearchItem) => string;
  /** a last option after the suggestions ("All results for …"), chosen like one */
  footer?: (text: string) => { label: string; onChoose: () => void } | null;
  /** what the list of suggestions is called for a screen reader */
  listLabel: string;
  /** the input's class */
  inputClassName?: string;
  renderItem?: (item: SearchItem) => ReactNode;
}

/**
 * A text field with suggestions as you type (the ARIA 1.2 combobox pattern): ↓/↑ move through
 * them, Enter chooses the one marked (without one, Enter submits the form as usual), Escape
 * closes the list, a click chooses. Works as a plain input before hydration and when the API
 * answers nothing. A form reset empties it.
 */
export function Typeahead({
  id,
  kind,
  limit,
  value: controlled,
  defaultValue,
  onValueChange,
  onEdit,
  onPick,
  textOf = (item) => item.label,
  footer,
  listLabel,
  inputClassName,
  renderItem,
  onKeyDown,
  onBlur,
  onFocus,
  ...inputProps
}: TypeaheadProps) {
  const [own, setOwn] = useState(defaultValue ?? '');
  const text = controlled ?? own;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // Suggestions are asked for only once the person types (not for a value the form was given back).
  const [typed, setTyped] = useState(false);
  const { items, loading } = useSuggestions(text, { type: kind, limit, enabled: typed });
  const extra = footer?.(text.trim()) ?? null;
  const count = items.length + (extra ? 1 : 0);
  const listId = `${id}-suggestions`;
  const statusId = `${id}-suggestions-status`;
  const input = useRef<HTMLInputElement>(null);
  const base = useId();

  const setText = useCallback(
    (next: string) => {
      setOwn(next);
      onValueChange?.(next);
    },
    [onValueChange],
  );

  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const reset = () => {
      setOwn('');
      setTyped(false);
      setOpen(false);
    };
    form.addEventListener('reset', reset);
    return () => form.removeEventListener('reset', reset);
  }, []);

  useEffect(() => setActive(-1), [items]);

  const choose = (index: number) => {
    if (index < items.length) {
      const item = items[index]!;
      if (onPick(item) !== false) setText(textOf(item));
    } else {
      extra?.onChoose();
    }
    setOpen(false);
    setTyped(false);
    setActive(-1);
  };

  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    onKeyDown?.(event);
    if (event.defaultPrevented) return;
    const shown = open && count > 0;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) setOpen(true);
      if (count > 0) setActive((a) => (a + 1) % count);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) setOpen(true);
      if (count > 0) setActive((a) => (a <= 0 ? count - 1 : a - 1));
    } else if (event.key === 'Enter' && shown && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      // Closed until the person types or comes back to the field — also when the suggestions
      // were still on their way (they arrived later and covered the form's buttons).
      if (shown) event.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  };

  const shown = open && typed && text.trim().length >= MIN_CHARS && (count > 0 || !loading);
  const optionId = (i: number) => `${base}-option-${i}`;
  return (
    <div className="relative">
      <input
        {...inputProps}
        ref={input}
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={shown && count > 0}
        aria-controls={listId}
        aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          onEdit?.(event.target.value);
          setTyped(true);
          setOpen(true);
        }}
        onKeyDown={keyDown}
        onFocus={(event) => {
          onFocus?.(event);
          if (typed) setOpen(true);
        }}
        onBlur={(event) => {
          onBlur?.(event);
          setOpen(false);
        }}
        className={inputClassName}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={listLabel}
        hidden={!(shown && count > 0)}
        className="absolute left-0 right-0 z-20 mt-1 max-h-80 overflow-y-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
      >
        {items.map((item, i) => (
          <li
            key={`${item.type}-${item.id}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: the input keeps its focus (its blur would close the list first)
            onMouseDown={(event) => {
              event.preventDefault();
              choose(i);
            }}
            onMouseEnter={() => setActive(i)}
            className={`cursor-pointer px-3 py-2 ${i === active ? 'bg-brand-50 text-brand-800' : ''}`}
          >
            {renderItem ? (
              renderItem(item)
            ) : (
              <>
                <span className="block font-medium">{item.label}</span>
                <span className="block text-xs text-slate-600">{item.detail}</span>
              </>
            )}
          </li>
        ))}
        {extra ? (
          <li
            id={optionId(items.length)}
            role="option"
            aria-selected={active === items.length}
            onMouseDown={(event) => {
              event.preventDefault();
              choose(items.length);
            }}
            onMouseEnter={() => setActive(items.length)}
            className={`cursor-pointer border-t border-slate-100 px-3 py-2 text-brand-700 ${active === items.length ? 'bg-brand-50' : ''}`}
          >
            {extra.label}
          </li>
        ) : null}
      </ul>
      <p id={statusId} aria-live="polite" className="sr-only">
        {shown
          ? loading && items.length === 0
            ? 'Looking…'
            : items.length === 0
              ? 'No suggestions'
              : `${items.length} suggestion${items.length === 1 ? '' : 's'}`
          : ''}
      </p>
    </div>
  );
}
