import 'server-only';
import { DomainError } from '../errors';
import { publicError } from './errors';

export { initialActionState, typedChecked, typedValue, type ActionState } from './action-state';
import type { ActionState } from './action-state';

/**
 * Runs a server action's command and turns domain errors into a readable form state. Errors of
 * the input or the moment (a number too large, a NUL character, a lock, the database or the
 * queue down: lib/http/errors.ts) become a message too, never a 500 page or a connection string.
 * Other errors (and Next's redirect/forbidden signals) are rethrown, never swallowed.
 */
export async function runAction(fn: () => Promise<ActionState>): Promise<ActionState> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, message: error.message, errors: Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, String(v)])) };
    }
    const known = publicError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
}
