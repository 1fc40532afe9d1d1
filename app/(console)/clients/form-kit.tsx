'use client';

import { startTransition, useId, type FormEvent, type ReactNode } from 'react';
import { initialActionState, typedChecked, typedValue, type ActionState } from '@/lib/http/action-state';

export const initialState: ActionState = initialActionState;

export const fieldClass = 'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm';
export const primaryButton = 'rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60';
export const secondaryButton = 'rounded-md border border-slate-300 px-3 py-2 text-sm disabled:opacity-60';

/** A visible label, a control, an optional hint and the field's error (ids `<id>-hint`, `<id>-error`). */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A failed action's error for one field (none after a success). */
export function fieldError(state: ActionState, name: string): string | undefined {
  return state.ok ? undefined : state.errors?.[name];
}

/** The input's accessible description: its hint and its error, so the error is read with the field. */
export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

interface InputProps {
  state: ActionState;
  name: string;
  label: string;
  /** the value before anything was typed */
  fallback?: string;
  hint?: string;
  type?: 'text' | 'email' | 'date' | 'password';
  inputMode?: 'text' | 'decimal' | 'numeric' | 'email';
  placeholder?: string;
  required?: boolean;
  autoComplete?: string;
  disabled?: boolean;
  /** the id, when a page needs a fixed one */
  id?: string;
}

/**
 * A text input wired to its action's state: after a refused submit it shows what was typed
 * (`typedValue`) and its error under it (named in its accessible description).
 */
export function TextInput({
  state,
  name,
  label,
  fallback = '',
  hint,
  type = 'text',
  inputMode,
  placeholder,
  required,
  autoComplete,
  disabled,
  id: fixedId,
}: InputProps) {
  const generated = useId();
  const id = fixedId ?? generated;
  const error = fieldError(state, name);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        type={type}
        inputMode={inputMode}
        defaultValue={type === 'password' ? undefined : typedValue(state, name, fallback)}
        placeholder={placeholder}
        required={required}
        autoComplete={autoComplete}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={fieldClass}
      />
    </Field>
  );
}

/** A select wired to its action's state, like TextInput. */
export function SelectInput({
  state,
  name,
  label,
  options,
  fallback = '',
  hint,
  placeholder,
  required,
  disabled,
  onChange,
}: Omit<InputProps, 'type' | 'inputMode' | 'autoComplete' | 'id'> & {
  options: readonly (readonly [value: string, label: string])[];
  onChange?: (value: string) => void;
}) {
  const id = useId();
  const error = fieldError(state, name);
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={name}
        defaultValue={typedValue(state, name, fallback)}
        required={required}
        disabled={disabled}
        onChange={onChange ? (e) => onChange(e.target.value) : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={fieldClass}
      >
        {placeholder !== undefined ? (
          <option value="" disabled={required}>
            {placeholder}
          </option>
        ) : null}
        {options.map(([value, optionLabel]) => (
          <option key={value} value={value}>
            {optionLabel}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * Whether a checkbox shows ticked: as submitted after a refused submit (absent = not ticked),
 * else `fallback`.
 */
export function checkedAfter(state: ActionState, name: string, fallback: boolean, value = 'on'): boolean {
  return state.values ? typedChecked(state, name, value, false) : fallback;
}

/** A checkbox wired to its action's state. */
export function CheckboxInput({
  state,
  name,
  label,
  fallback = false,
  disabled,
}: {
  state: ActionState;
  name: string;
  label: string;
  fallback?: boolean;
  disabled?: boolean;
}) {
  const id = useId();
  const error = fieldError(state, name);
  return (
    <span className="inline-flex flex-col">
      <label htmlFor={id} className="flex items-center gap-2">
        <input
          id={id}
          type="checkbox"
          name={name}
          defaultChecked={checkedAfter(state, name, fallback)}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        {label}
      </label>
      {error ? (
        <span id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/**
 * The outcome of an action: a status when it worked, an alert when it did not, listing the
 * field errors that no field of the form shows (`placed` names the ones that are shown). The
 * messages name their fields already.
 */
export function Feedback({ state, placed }: { state: ActionState; placed?: ReadonlySet<string> }) {
  if (!state.message) return null;
  const others = placed ? Object.entries(state.errors ?? {}).filter(([k, m]) => !placed.has(k) && m !== state.message) : [];
  return (
    <div
      role={state.ok ? 'status' : 'alert'}
      className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}
    >
      <p>{state.message}</p>
      {others.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 text-xs">
          {others.map(([field, message]) => (
            <li key={field}>{message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * Submits a form to an action without React's automatic form reset, which would also reset
 * controlled selects (react#30580) and lose what a person typed when the action refuses it.
 * Inputs take `defaultValue={typedValue(state, name, …)}`, so a form remounted after a refusal
 * (or a page rendered again) shows what was typed as well.
 */
export function submitWith(dispatch: (form: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => dispatch(data));
  };
}
