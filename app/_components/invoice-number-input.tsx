'use client';

import { useEffect, useRef, useState } from 'react';
import type { InvoiceChoice } from '@/lib/invoices/reference';
import { displayMoney } from '@/lib/money';
import type { SearchItem } from '@/lib/search/query';
import { Typeahead } from './typeahead';

/** An invoice told apart from others of its number: client · debtor · face value · status. */
export function choiceLabel(c: InvoiceChoice): string {
  return `${c.number} · ${c.clientName} · ${c.debtorName} · ${displayMoney(c.faceValue, c.currency)} · ${c.status.replace(/_/g, ' ')}`;
}

export interface InvoiceNumberInputProps {
  id: string;
  /** the number's field (default invoiceNumber) */
  name?: string;
  /**
   * The chosen invoice's field (default invoiceId), sent beside the number; the server takes it
   * only while that invoice still has the number (lib/invoices/reference.ts). null: the caller
   * sends it itself (`picked`, `onPickedChange`).
   */
  idName?: string | null;
  defaultValue?: string;
  /** controlled number (the inbox's rows) */
  value?: string;
  onValueChange?: (value: string) => void;
  /** controlled choice (the inbox's rows) */
  picked?: string;
  onPickedChange?: (id: string) => void;
  /** after an ambiguous number: the invoices it names, to choose one */
  choices?: InvoiceChoice[];
  /** the number's error; an error on the choice drops the choice (it was stale) */
  error?: string;
  idError?: string;
  required?: boolean;
  inputClassName?: string;
}

/**
 * An invoice named by its number, with suggestions as you type: each shows the client and the
 * debtor (so NW-1001 of Northwind and NW-1001 of Globex, or one client's NW-1001 for two
 * debtors, are told apart). Choosing one sends its id beside the number; typing again drops it.
 * After an ambiguous number the server's candidates are offered in a "Which one" list.
 */
export function InvoiceNumberInput({
  id,
  name = 'invoiceNumber',
  idName = 'invoiceId',
  defaultValue,
  value,
  onValueChange,
  picked: controlledPick,
  onPickedChange,
  choices,
  error,
  idError,
  required,
  inputClassName = 'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm',
}: InvoiceNumberInputProps) {
  const [own, setOwn] = useState<{ id: string; said: string } | null>(null);
  const picked = controlledPick !== undefined ? controlledPick : (own?.id ?? '');
  const listed = choices?.find((c) => c.id === picked);
  const said = own && own.id === picked ? own.said : listed ? choiceLabel(listed) : '';
  const anchor = useRef<HTMLSpanElement>(null);
  const pick = (next: { id: string; said: string } | null) => {
    setOwn(next);
    onPickedChange?.(next?.id ?? '');
  };
  // A refused choice (the invoice no longer has that number) is dropped: the person chooses again.
  useEffect(() => {
    if (idError) setOwn(null);
  }, [idError]);
  useEffect(() => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    const reset = () => setOwn(null);
    form.addEventListener('reset', reset);
    return () => form.removeEventListener('reset', reset);
  }, []);
  const hintId = `${id}-choice`;
  const describedBy = [error ? `${id}-error` : null, said ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <span ref={anchor} className="block">
      <Typeahead
        id={id}
        name={name}
        kind="invoice"
        limit={8}
        defaultValue={defaultValue}
        value={value}
        onValueChange={onValueChange}
        onEdit={() => pick(null)}
        onPick={(item: SearchItem) => pick({ id: item.id, said: `${item.label} · ${item.detail}` })}
        required={required}
        maxLength={100}
        listLabel="Invoices with this number"
        inputClassName={inputClassName}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {idName ? <input type="hidden" name={idName} value={picked} /> : null}
      {said ? (
        <span id={hintId} className="mt-0.5 block text-xs text-slate-600" aria-live="polite">
          Chosen: {said}
        </span>
      ) : null}
      {choices && choices.length > 1 ? (
        <span className="mt-2 block">
          <label htmlFor={`${id}-which`} className="text-xs font-medium">
            Which one
          </label>
          <select
            id={`${id}-which`}
            value={picked}
            onChange={(event) => {
              const chosen = choices.find((c) => c.id === event.target.value);
              pick(chosen ? { id: chosen.id, said: choiceLabel(chosen) } : null);
            }}
            className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
            aria-invalid={idError ? true : undefined}
          >
            <option value="">Choose the invoice</option>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {choiceLabel(c)}
              </option>
            ))}
          </select>
        </span>
      ) : null}
    </span>
  );
}
