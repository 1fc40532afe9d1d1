import { describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { fieldErrors, formValues } from '../../lib/validation/fields';

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/auth/session', () => ({ actionActorFor: async () => null, currentActor: async () => null }));

const { inboxAction, recourseAction } = await import('../../app/(console)/collections/actions');

/** A form as the browser sends it: repeated names in order. */
function form(entries: [string, string][]): Record<string, string | string[]> {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return formValues(data);
}

const parse = <S extends z.ZodType>(schema: S, entries: [string, string][]) => schema.safeParse(form(entries));

describe('the inbox split: rows as parallel lists, each row read on its own', () => {
  const schema = inboxAction.schema;

  it('a row picked from the suggestions by id, another typed by number with its client, amounts as people write them', () => {
    const result = parse(schema, [
      ['intent', 'apply'],
      ['paymentId', '12'],
      ['invoiceId', '101'],
      ['invoiceNumber', ''],
      ['invoiceClientId', ''],
      ['amount', '1,950.00'],
      ['invoiceId', ''],
      ['invoiceNumber', 'NW-1003'],
      ['invoiceClientId', '7'],
      ['amount', '50'],
      ['shortPay', 'chargeback'],
    ]);
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      intent: 'apply',
      paymentId: 12,
      shortPay: 'chargeback',
      rows: [
        { index: 0, invoiceId: 101, amount: '1950' },
        { index: 1, invoiceNumber: 'NW-1003', clientId: 7, amount: '50' },
      ],
    });
  });

  it('an empty row is left out; a bad row says which row and which field, by its label', () => {
    const result = parse(schema, [
      ['intent', 'apply'],
      ['paymentId', '12'],
      ['invoiceId', ''],
      ['invoiceNumber', ''],
      ['invoiceClientId', ''],
      ['amount', ''],
      ['invoiceId', ''],
      ['invoiceNumber', ''],
      ['invoiceClientId', ''],
      ['amount', '0.8x'],
    ]);
    expect(result.success).toBe(false);
    const errors = fieldErrors(result.error!);
    expect(errors['amount.1']).toBe('Amount 2 must be an amount written as digits, such as 12,500.00');
    expect(errors['invoiceNumber.1']).toBe('Invoice number 2 is required');
  });

  it('nothing to apply is said once, not as a zod message', () => {
    const result = parse(schema, [
      ['intent', 'apply'],
      ['paymentId', '12'],
    ]);
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual({ allocations: 'Add at least one invoice and amount' });
  });

  it('a refund reads its own amount and date', () => {
    const result = parse(schema, [
      ['intent', 'refund'],
      ['paymentId', '12'],
      ['refundAmount', '1,000.00'],
      ['refundDate', '2026-01-31'],
    ]);
    expect(result.data).toMatchObject({ intent: 'refund', refundAmount: '1000', refundDate: '2026-01-31', rows: [] });
  });
});

describe('charge back / write off name the invoice by its number', () => {
  it('takes a number and an optional client; labels name the fields', () => {
    expect(
      parse(recourseAction.schema, [
        ['invoiceNumber', ' NW-1003 '],
        ['clientId', ''],
        ['date', '2026-02-01'],
        ['intent', 'chargeback'],
      ]).data,
    ).toMatchObject({
      invoiceNumber: 'NW-1003',
      clientId: undefined,
      intent: 'chargeback',
    });
    const refused = parse(recourseAction.schema, [
      ['invoiceNumber', ''],
      ['date', '2026-02-30'],
      ['intent', 'chargeback'],
    ]);
    expect(fieldErrors(refused.error!)).toMatchObject({
      invoiceNumber: 'Invoice number is required',
      date: expect.stringContaining('Date must be a real date'),
    });
  });
});
