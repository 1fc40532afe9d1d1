import type { WhatIfAnswer } from '../releases/what-if';

/** The state a server action answers a form with — pure, so client components import it too. */

/** What a server action answers a form: a message, per-field errors, and any payload. */
export interface ActionState {
  ok: boolean;
  message: string;
  errors?: Record<string, string>;
  /** e.g. a new API key, shown once */
  secret?: string;
  /** e.g. the download of what the action made (a statement issued in the portal) */
  link?: { href: string; label: string };
  /** issue 16 item 2: a read-only what-if the form shows (nothing was saved) */
  preview?: WhatIfAnswer;
  /** issue 16 item 2: the digest of the values previewed, which the form sends back to save them */
  whatIfDigest?: string;
  /** after a failure: what the person typed, field by field (a list for repeated names), so the form keeps it */
  values?: Record<string, string | string[]>;
}

/** The value a failed action kept for a field, as an input's `defaultValue` (empty when none). */
export function typedValue(state: Pick<ActionState, 'values'> | undefined, name: string, fallback = ''): string {
  const v = state?.values?.[name];
  return v === undefined ? fallback : Array.isArray(v) ? (v[0] ?? fallback) : v;
}

/** Whether a failed action kept `value` among a repeated field's values (checkboxes). */
export function typedChecked(state: Pick<ActionState, 'values'> | undefined, name: string, value: string, fallback = false): boolean {
  const v = state?.values?.[name];
  if (v === undefined) return fallback;
  return Array.isArray(v) ? v.includes(value) : v === value;
}

export const initialActionState: ActionState = { ok: false, message: '' };
