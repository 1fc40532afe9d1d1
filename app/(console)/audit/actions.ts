'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { verifyOnDemand } from '@/lib/audit/verify';
import { actionActor } from '@/lib/auth/session';
import { runAction, type ActionState } from '@/lib/http/action';

export async function verifyAction(): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin', 'controller', 'auditor');
    const report = await verifyOnDemand(getDatabase(), actor);
    revalidatePath('/audit');
    return report.ok
      ? {
          ok: true,
          message: `Intact: ${report.auditEvents} audit events chained; ${report.entries} journal entries balanced; every account equals the sum of its lines; every reserve rolls forward.${report.anchor ? ` Anchor: ${report.anchor.note}.` : ''}`,
        }
      : { ok: false, message: `${report.breaks.length} break(s): ${report.breaks.map((b) => b.message).join(' | ')}` };
  });
}
