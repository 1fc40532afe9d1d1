'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDatabase } from '@/db/client';
import { afterStatements } from '@/jobs/after-commit';
import type { Actor } from '@/lib/auth/actor';
import { isClientUser } from '@/lib/auth/permissions';
import { setContactPreferences } from '@/lib/clients/contacts';
import { DomainError } from '@/lib/errors';
import { formAction } from '@/lib/http/form-action';
import { issueStatement } from '@/lib/statements';
import { businessDate, checkbox, email } from '@/lib/validation/fields';

/** The portal acts for the signed-in client user's own client, never one named in the form. */
function ownClient(actor: Actor): number {
  if (!isClientUser(actor) || actor.clientId === null)
    throw new DomainError('forbidden', 'The portal is for a client’s own users; staff change this in the console', { status: 403 });
  return actor.clientId;
}

/** A client user chooses which emails its own contacts get (statement ready, rebate advice). */
export const portalPreferencesAction = formAction(
  'client.own_contacts',
  z.object({ email: email('Contact email'), notifyStatements: checkbox('Statement ready'), notifyRebates: checkbox('Rebate released') }),
  async ({ tx, input, actor }) => {
    await setContactPreferences(tx, ownClient(actor), input, actor);
    revalidatePath('/portal');
    return {
      message: `Saved: ${input.email} ${input.notifyStatements ? 'gets' : 'does not get'} statement emails and ${input.notifyRebates ? 'gets' : 'does not get'} rebate advices.`,
    };
  },
);

/**
 * A client user issues its own client's statement for a period (a POST, never a GET): stored
 * once, announced to its contacts after the commit, then downloaded through the stored
 * statement's link. No surrounding transaction: the command looks for the stored one first and
 * issues in its own.
 */
export const portalStatementAction = formAction(
  'statement.issue_own',
  z.object({ from: businessDate('From'), to: businessDate('To') }),
  async ({ input, actor, after }) => {
    const { statement, created, emailed } = await issueStatement(getDatabase(), { clientId: ownClient(actor), from: input.from, to: input.to }, actor, {
      permission: 'statement.issue_own',
    });
    if (emailed > 0) after('sending the statement emails now', afterStatements);
    revalidatePath('/portal');
    return {
      message: created
        ? `Your statement for ${statement.periodLabel} is ready.`
        : `Your statement for ${statement.periodLabel} was issued on ${statement.generatedAt} UTC.`,
      link: { href: statement.downloadUrl, label: `Download statement ${statement.periodLabel} (PDF)` },
    };
  },
  { transaction: false },
);
