'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/http/form-action';
import { requestEscrowRelease } from '@/lib/releases/escrow';
import { businessDate, currency, id, money, optional, text } from '@/lib/validation/fields';

/** Issue 16 item 3: ask to release a client's escrow (another person approves it in the approval queue). */
export const requestEscrowReleaseAction = formAction(
  'release.run_cycle',
  z.object({
    clientId: id('Client'),
    currency: currency('Currency'),
    amount: optional(money('Amount to release')),
    asOf: businessDate('Release date'),
    reason: optional(text('Reason', { max: 500 })),
  }),
  async ({ tx, input, actor }) => {
    const release = await requestEscrowRelease(
      tx,
      input.clientId,
      { currency: input.currency, amount: input.amount, asOf: input.asOf, reason: input.reason },
      actor,
    );
    revalidatePath(`/clients/${input.clientId}`);
    return { message: `Escrow release ${release.id} of ${release.amount} ${release.currency} waits for another person's approval (Approvals).` };
  },
);
