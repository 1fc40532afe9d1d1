import { z } from 'zod';
import { DomainError } from '../errors';
import { isIsoCurrency } from '../money';

/**
 * Parses input with a zod schema; a failure is a 400 whose `details` name each bad field
 * (STYLE: "errors name the field").
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (!(field in details)) details[field] = issue.message;
  }
  const summary = Object.entries(details)
    .map(([f, m]) => (f === '_' ? m : `${f}: ${m}`))
    .join('; ');
  throw new DomainError('invalid_input', `Please correct: ${summary}`, { status: 400, details });
}

/** A currency where it enters (client, agreement, invoice, payment): an active ISO 4217 code. */
export const currencyField = () =>
  z.string({ error: 'is required' }).refine(isIsoCurrency, { error: 'must be an ISO 4217 currency code such as USD, EUR or JPY' });
