'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { actionActor } from '@/lib/auth/session';
import { createDebtor, updateDebtor } from '@/lib/debtors';
import { runAction, type ActionState } from '@/lib/http/action';

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** SPEC 2: a debtor with its credit limit and risk rating (underwriters). */
export async function createDebtorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const debtor = await getDatabase().transaction((tx) =>
      createDebtor(tx, { name: text(form, 'name') ?? '', creditLimit: text(form, 'creditLimit') ?? '', riskRating: text(form, 'riskRating') }, actor),
    );
    revalidatePath('/debtors');
    return { ok: true, message: `${debtor.name} is added with a credit limit of ${debtor.creditLimit}.` };
  });
}

export async function updateDebtorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const debtor = await getDatabase().transaction((tx) =>
      updateDebtor(tx, Number(form.get('debtorId')), { creditLimit: text(form, 'creditLimit'), riskRating: text(form, 'riskRating') }, actor),
    );
    revalidatePath('/debtors');
    return { ok: true, message: `Saved: ${debtor.creditLimit}, ${debtor.riskRating}.` };
  });
}
