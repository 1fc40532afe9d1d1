'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm } from '@/app/_components/confirm';
import { formAction } from '@/lib/http/form-action';
import { clearIntakeFlag } from '@/lib/intake/flags';
import { grantPairOverride, revokePairOverride, setPairLimit } from '@/lib/intake/pair-limits';
import { displayMoney } from '@/lib/money';
import { businessDate, currency, formMoney, id, optional, text } from '@/lib/validation/fields';

/** Issue 16 item 5: clears one intake flag of an invoice, with a reason (once). */
export const clearIntakeFlagAction = formAction(
  'invoice_flag.clear',
  z.object({ flagId: id('Flag'), invoiceId: id('Invoice'), reason: text('Reason', { max: 2000 }) }),
  async ({ tx, input, actor }) => {
    const flag = await clearIntakeFlag(tx, input.flagId, { reason: input.reason }, actor, { invoiceId: input.invoiceId });
    revalidatePath(`/invoices/${input.invoiceId}`);
    return { message: `Cleared "${flag.label}" on invoice ${flag.invoiceNumber}.` };
  },
);

/** Issue 16 item 4: sets (or, left empty, removes) a client–debtor limit. */
export const setPairLimitAction = formAction(
  'pair_limit.set',
  z.object({
    clientId: id('Client'),
    debtorId: id('Debtor'),
    currency: currency('Currency'),
    limit: optional(formMoney('Limit')),
    reason: optional(text('Reason', { max: 2000 })),
  }),
  async ({ tx, input, actor }) => {
    const change = await setPairLimit(
      tx,
      input.clientId,
      { debtorId: input.debtorId, currency: input.currency, limit: input.limit ?? null, reason: input.reason },
      actor,
    );
    revalidatePath(`/clients/${input.clientId}`);
    return {
      message:
        change.limit === null
          ? `Removed the client–debtor limit for ${change.debtorName} in ${change.currency}.`
          : `The client–debtor limit for ${change.debtorName} is ${displayMoney(change.limit, change.currency)}.`,
    };
  },
);

/** Issue 16 item 4: an approver's override of a client–debtor limit until a date. */
export const grantPairOverrideAction = formAction(
  'pair_limit.override',
  z.object({
    clientId: id('Client'),
    debtorId: id('Debtor'),
    currency: currency('Currency'),
    limit: formMoney('Override limit', { allowZero: false }),
    until: businessDate('Until'),
    reason: text('Reason', { max: 2000 }),
  }),
  async ({ tx, input, actor }) => {
    const o = await grantPairOverride(
      tx,
      input.clientId,
      { debtorId: input.debtorId, currency: input.currency, limit: input.limit, until: input.until, reason: input.reason },
      actor,
    );
    revalidatePath(`/clients/${input.clientId}`);
    return { message: `Override for ${o.debtorName}: up to ${displayMoney(o.limit, o.currency)} until ${o.until}.` };
  },
);

/** Issue 16 item 4: revokes an override before its date, with a reason, after asking. */
export const revokePairOverrideAction = formAction(
  'pair_limit.override',
  z.object({
    clientId: id('Client'),
    overrideId: id('Override'),
    debtorName: optional(text('Debtor', { max: 300 })),
    reason: text('Reason', { max: 2000 }),
    confirmed: optional(text('Confirmation', { max: 200 })),
  }),
  async ({ tx, input, actor }) => {
    if (input.confirmed !== String(input.overrideId)) {
      return askToConfirm(
        `Revoke the override${input.debtorName ? ` for ${input.debtorName}` : ''} now? Fundings from now on are held again when they go over the client–debtor limit.`,
        String(input.overrideId),
        'Revoke',
      );
    }
    const o = await revokePairOverride(tx, input.clientId, input.overrideId, { reason: input.reason }, actor);
    revalidatePath(`/clients/${input.clientId}`);
    return {
      message: `Revoked the override for ${o.debtorName} (up to ${displayMoney(o.limit, o.currency)} until ${o.until}): fundings now check the client–debtor limit.`,
    };
  },
);
