/**
 * The confirm step of a money command (issue 12: Fund, Refund, Charge back and Approve ask for
 * confirmation naming the amount). Pure — server actions and client components both import it.
 *
 * The first submit of such a form answers `confirm` instead of acting: the question names the
 * amount the server itself computed ("Fund 4 invoices: advance 30,000.00 USD?") and `token`
 * says what that amount was. The form shows the question (<ConfirmStep>); Confirm sends the
 * same form again with `confirmed=<token>`, and the action acts only when what it is about to
 * do still matches the token — otherwise it asks again, so nobody confirms one amount and gets
 * another.
 */
export interface ConfirmRequest {
  question: string;
  token: string;
  /** the confirm button's label (default "Confirm") */
  confirmLabel?: string;
}

/** The name of the field that carries the confirmed token. */
export const CONFIRMED_FIELD = 'confirmed';

/** An action's answer that asks the person to confirm (nothing was done). */
export function askToConfirm(question: string, token: string, confirmLabel?: string): { ok: true; message: string; confirm: ConfirmRequest } {
  return { ok: true, message: '', confirm: { question, token, ...(confirmLabel ? { confirmLabel } : {}) } };
}

/** "1 invoice", "4 invoices". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
