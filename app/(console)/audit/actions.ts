'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDatabase } from '@/db/client';
import { verifyOnDemand } from '@/lib/audit/verify';
import { formAction } from '@/lib/http/form-action';

/**
 * The console's Verify: the same checks as audit:verify, and an anchor. No surrounding
 * transaction: the check reads the whole chain and the ledger and records its own audit event.
 */
export const verifyAction = formAction(
  'audit.verify',
  z.object({}),
  async ({ actor }) => {
    const report = await verifyOnDemand(getDatabase(), actor);
    revalidatePath('/audit');
    return report.ok
      ? {
          message: `Intact: ${report.auditEvents} audit events chained; ${report.entries} journal entries balanced; every account equals the sum of its lines; every reserve rolls forward.${report.anchor ? ` Anchor: ${report.anchor.note}.` : ''}`,
        }
      : { ok: false, message: `${report.breaks.length} break(s): ${report.breaks.map((b) => b.message).join(' | ')}` };
  },
  { transaction: false },
);
