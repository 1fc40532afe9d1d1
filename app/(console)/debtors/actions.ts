'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createDebtor, updateDebtor } from '@/lib/debtors';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { formMoney, id, optional, text } from '@/lib/validation/fields';

/** Debtors' credit limits are kept in the base currency (lib/debtors shows them as USD). */
const LIMIT_CURRENCY = 'USD';

const newDebtorForm = z.object({
  name: text('Debtor name', { max: 200 }),
  creditLimit: formMoney('Credit limit', { currency: LIMIT_CURRENCY }),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

/** SPEC 2: a debtor with its credit limit and risk rating (underwriters). */
export const createDebtorAction = formAction('debtor.edit', newDebtorForm, async ({ tx, input, actor }) => {
  const debtor = await createDebtor(tx, input, actor);
  revalidatePath('/debtors');
  return { message: `${debtor.name} is added with a credit limit of ${displayMoney(debtor.creditLimit, LIMIT_CURRENCY)}.` };
});

const editDebtorForm = z.object({
  debtorId: id('Debtor'),
  creditLimit: optional(formMoney('Credit limit', { currency: LIMIT_CURRENCY })),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

/** One row's credit limit and risk rating; an empty field leaves it as it is. */
export const updateDebtorAction = formAction('debtor.edit', editDebtorForm, async ({ tx, input, actor }) => {
  const debtor = await updateDebtor(tx, input.debtorId, { creditLimit: input.creditLimit, riskRating: input.riskRating }, actor);
  revalidatePath('/debtors');
  return { message: `Saved: ${displayMoney(debtor.creditLimit, LIMIT_CURRENCY)}, ${debtor.riskRating}.` };
});
