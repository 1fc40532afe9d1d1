import { z } from 'zod';
import { DomainError } from '../errors';
import { isIsoCurrency } from '../money';
import { inPlainWords, issueCode } from './fields';

/**
 * The refusal of an API body that does not parse (STYLE: "errors name the field"; lib/http/api.ts),
 * in the words of a form's field errors: 400 `invalid_input` (or, when every bad field is an amount that says so,
 * the amount's own code: `too_large`, `too_many_decimals`, `negative_amount`, `invalid_decimal`),
 * `details` keyed by the field's path ("agreement.fees.rate", "allocations.0.amount"), each
 * message naming the field's label, never zod's own words.
 */
export function invalidInput(error: z.ZodError, options: { whole?: string } = {}): DomainError {
  const details: Record<string, string> = {};
  const codes = new Set<string>();
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (field in details) continue;
    details[field] = field === '_' && issue.code === 'invalid_type' ? (options.whole ?? 'The input must be an object of its fields') : inPlainWords(issue);
    codes.add(issueCode(issue) ?? 'invalid_input');
  }
  // A message of a schema that does not name its label ("must be …") gets the field's name.
  const said = Object.entries(details).map(([field, message]) => (field === '_' || /^[A-Z]/.test(message) ? message : `${field} ${message}`));
  const message = said.length === 1 ? said[0]! : `Please correct: ${said.join('; ')}`;
  return new DomainError(codes.size === 1 ? [...codes][0]! : 'invalid_input', message, { status: 400, details });
}

/**
 * Parses a command's input with a zod schema; a failure is a 400 whose `details` name each bad
 * field ("Please correct: field: message"). The edges parse first with the shared field schemas
 * (apiRoute → invalidInput, formAction → fieldErrors), so a person rarely meets this one.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (!(field in details)) details[field] = inPlainWords(issue);
  }
  const summary = Object.entries(details)
    .map(([f, m]) => (f === '_' ? m : `${f}: ${m}`))
    .join('; ');
  throw new DomainError('invalid_input', `Please correct: ${summary}`, { status: 400, details });
}

/** A currency where it enters (client, agreement, invoice, payment): an active ISO 4217 code. */
export const currencyField = () =>
  z.string({ error: 'is required' }).refine(isIsoCurrency, { error: 'must be an ISO 4217 currency code such as USD, EUR or JPY' });
