/**
 * A form field's error and how the field points at it: the field gets `invalid(errorId, message)`,
 * the error stands under it as `<FieldError id={errorId} … />`, so a screen reader reads the two
 * together. Neither shows anything while there is no error.
 */

/** aria attributes of a field with an error (described by the error under it). */
export const invalid = (errorId: string, message: string | undefined) => (message ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {});

/** The error under a field; `className` for a denser layout (a table row). */
export function FieldError({ id, message, className = 'mt-1 text-xs text-red-700' }: { id: string; message: string | undefined; className?: string }) {
  return message ? (
    <p id={id} className={className}>
      {message}
    </p>
  ) : null;
}
