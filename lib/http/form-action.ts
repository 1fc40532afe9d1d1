import 'server-only';
import type { z } from 'zod';
import { getDatabase, type Database, type Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import type { Permission } from '../auth/permissions';
import { actionActorFor } from '../auth/session';
import { fieldErrors, formValues } from '../validation/fields';
import { explainUnpicked } from '../validation/picked';
import { runAction, type ActionState } from './action';
import { runAfterCommit, type AfterCommit } from './after-commit';

export { runAfterCommit, type AfterCommit } from './after-commit';

export interface FormCommandContext<I> {
  /** the transaction (or, with `transaction: false`, the database for commands that manage their own) */
  tx: Tx;
  input: I;
  actor: Actor;
  /** registers work to run after the commit */
  after: AfterCommit;
  /**
   * The form's files by field name (a document's upload), left out of `input` — a schema reads
   * text. Only files that were chosen (a name or some bytes); the command checks their content.
   */
  files: Readonly<Record<string, File>>;
}

export interface FormActionOptions {
  /**
   * `false` for commands that manage their own transactions or wait on a worker (a statement
   * issued with its emails, the accrual): they get the database, not an open transaction, so a
   * request never holds a connection while it waits (issue 11).
   */
  transaction?: boolean;
}

/**
 * A server action made by formAction. Its permission and schema stay readable on the function
 * (tests/integration/hostile-actions.test.ts generates inputs per field from them).
 */
export type FormActionHandler<S extends z.ZodType = z.ZodType> = ((prev: ActionState, form: FormData) => Promise<ActionState>) & {
  readonly permission: Permission;
  readonly schema: S;
};

/** What a form command answers: the person's message (and e.g. a secret shown once). */
export type FormResult = Omit<ActionState, 'ok' | 'values'> & { ok?: boolean };

/**
 * The one shape of a server action (STYLE "How a command flows"): FormData → zod (the shared
 * field schemas, errors naming each field's label) → the signed-in actor and its permission →
 * the command in one transaction → after-commit work → the form's state. A failed action
 * answers `{ ok: false, message, errors }` with `values`, what the person typed, so the form
 * shows it again instead of losing it.
 *
 * Use as `export const createClientAction = formAction('client.create', schema, async ({ tx, input, actor }) => …)`.
 */
export function formAction<S extends z.ZodType>(
  permission: Permission,
  schema: S,
  command: (ctx: FormCommandContext<z.output<S>>) => Promise<FormResult>,
  options: FormActionOptions = {},
): FormActionHandler<S> {
  const action = async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    const raw = formValues(form);
    const values = typedValues(raw);
    const files = formFiles(form);
    const state = await runAction(async () => {
      const actor = await actionActorFor(permission);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return refusedInput(parsed.error, raw);
      const afterWork: { label: string; work: () => Promise<unknown> }[] = [];
      const after: AfterCommit = (label, work) => afterWork.push({ label, work });
      const db: Database = getDatabase();
      const result =
        options.transaction === false
          ? await command({ tx: db, input: parsed.data, actor, after, files })
          : await db.transaction((tx) => command({ tx, input: parsed.data, actor, after, files }));
      const failed = await runAfterCommit(afterWork, actor);
      const note = failed.length > 0 ? ` (Saved; ${failed.join(' and ')} did not start and will be retried by the scheduler — logged.)` : '';
      return { ...result, ok: result.ok ?? true, message: `${result.message}${note}` };
    });
    return state.ok ? state : { ...state, values };
  };
  return Object.assign(action, { permission, schema });
}

/** The files of a form (the first per name), as a browser sends them: an unchosen file input sends an empty, nameless file, which is left out. */
function formFiles(form: FormData): Record<string, File> {
  const out: Record<string, File> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string' || key.startsWith('$ACTION') || key === '__proto__' || Object.hasOwn(out, key)) continue;
    if (value.size === 0 && value.name === '') continue;
    out[key] = value;
  }
  return out;
}

/**
 * A form the schema refused: one message (the field's own when only one is wrong) and each field's
 * error — a typeahead's text with no suggestion chosen said as such (explainUnpicked).
 */
function refusedInput(error: z.ZodError, raw: Record<string, string | string[]>): ActionState {
  const errors = explainUnpicked(fieldErrors(error), raw);
  const count = Object.keys(errors).length;
  return { ok: false, message: count === 1 ? Object.values(errors)[0]! : `Please correct the ${count} fields marked below.`, errors };
}

/** What a public form's command gets: no actor — the credential is in the form itself. */
export interface PublicFormCommandContext<I> {
  tx: Tx;
  input: I;
  after: AfterCommit;
}

/** A server action made by publicFormAction (`permission: null`: nobody is signed in). */
export type PublicFormActionHandler<S extends z.ZodType = z.ZodType> = ((prev: ActionState, form: FormData) => Promise<ActionState>) & {
  readonly permission: null;
  readonly schema: S;
};

/**
 * formAction for a person who is not signed in and whose credential is in the form itself (the
 * set-password form's signed invitation token, which the command checks): the same FormData →
 * zod → one transaction → after-commit work → form state, without an actor or a permission.
 */
export function publicFormAction<S extends z.ZodType>(
  schema: S,
  command: (ctx: PublicFormCommandContext<z.output<S>>) => Promise<FormResult>,
): PublicFormActionHandler<S> {
  const action = async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    const raw = formValues(form);
    const values = typedValues(raw);
    const state = await runAction(async () => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return refusedInput(parsed.error, raw);
      const afterWork: { label: string; work: () => Promise<unknown> }[] = [];
      const after: AfterCommit = (label, work) => afterWork.push({ label, work });
      const result = await getDatabase().transaction((tx) => command({ tx, input: parsed.data, after }));
      const failed = await runAfterCommit(afterWork, { requestId: 'public-form' });
      const note = failed.length > 0 ? ` (Saved; ${failed.join(' and ')} did not start and will be retried by the scheduler — logged.)` : '';
      return { ...result, ok: result.ok ?? true, message: `${result.message}${note}` };
    });
    return state.ok ? state : { ...state, values };
  };
  return Object.assign(action, { permission: null, schema });
}

/** What the person typed, to put back in the form (secrets never echoed). */
/** Longer values than a person types into a field are not echoed back to the form. */
const MAX_ECHOED_CHARACTERS = 10_000;

function typedValues(raw: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (/password|secret|token/i.test(k)) continue;
    // an uploaded file's text (up to 1 MB) is not sent back: the browser still holds the file
    if ((Array.isArray(v) ? v.join('') : v).length > MAX_ECHOED_CHARACTERS) continue;
    out[k] = v;
  }
  return out;
}
