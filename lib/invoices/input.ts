import { z } from 'zod';
import { businessDate, checkMinorUnits, currency, formMoney, id, invoiceNumber, money } from '../validation/fields';

/**
 * One invoice's input (API.md POST /invoices), for both surfaces: the API takes the face value
 * as a decimal string ("8000.00"), the console's form also as people type it ("8,000.00").
 */
export function invoiceInputSchema(surface: 'api' | 'form') {
  const amount = surface === 'api' ? money : formMoney;
  return z
    .object({
      clientId: id('Client'),
      debtorId: id('Debtor'),
      number: invoiceNumber('Invoice number', { max: 80 }),
      faceValue: amount('Face value', { allowZero: false }),
      currency: currency('Currency'),
      issueDate: businessDate('Issue date'),
      dueDate: businessDate('Due date'),
    })
    .superRefine((v, ctx) => {
      checkMinorUnits(ctx, ['faceValue'], 'Face value', v.faceValue, v.currency);
      if (v.dueDate < v.issueDate) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: `Due date must not be before the issue date (${v.issueDate})` });
    });
}
