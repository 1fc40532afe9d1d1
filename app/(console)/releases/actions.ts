'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { afterRelease } from '@/jobs/after-commit';
import { actionActor } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { runAction, type ActionState } from '@/lib/http/action';
import { approveRelease, rejectRelease, resumeReleaseCycle, runReleaseCycle } from '@/lib/releases';

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

function refresh() {
  revalidatePath('/releases');
  revalidatePath('/approvals');
}

/** An ad hoc cycle from the console: every client due on the date, or the one chosen. */
export async function runCycleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('controller', 'approver', 'admin');
    const clientId = text(form, 'clientId');
    const cycle = await runReleaseCycle(getDatabase(), { asOf: text(form, 'asOf'), clientIds: clientId ? [clientId] : undefined }, actor, { kind: 'ad_hoc' });
    await afterRelease().catch(() => {});
    refresh();
    const pending = cycle.releases.filter((r) => r.status === 'pending_approval').length;
    const paid = cycle.releases.filter((r) => r.status === 'paid').length;
    const skipped = cycle.skipped.length > 0 ? ` ${cycle.skipped.length} left out: an earlier proposal of theirs still waits for approval.` : '';
    return { ok: true, message: `Cycle ${cycle.id} for ${cycle.asOf}: ${cycle.releases.length} release(s) proposed, ${paid} paid automatically, ${pending} waiting for approval.${skipped}` };
  });
}

/** Approve one release, in full or (with an amount) in part; posted and paid at once. */
export async function approveReleaseAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('approver', 'controller');
    const id = Number(form.get('releaseId'));
    const release = await getDatabase().transaction((tx) => approveRelease(tx, id, { amount: text(form, 'amount') }, actor));
    await afterRelease().catch(() => {});
    refresh();
    revalidatePath(`/releases/${id}`);
    if (release.status === 'pending_approval') return { ok: true, message: `Release ${release.id}: first approval recorded; a controller must approve it as well.` };
    return { ok: true, message: `Release ${release.id} approved and paid: ${release.approvedAmount} ${release.currency}. The rebate advice is on its way.` };
  });
}

export async function rejectReleaseAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('approver', 'controller');
    const id = Number(form.get('releaseId'));
    const release = await getDatabase().transaction((tx) => rejectRelease(tx, id, { reason: text(form, 'reason') ?? '' }, actor));
    refresh();
    revalidatePath(`/releases/${id}`);
    return { ok: true, message: `Release ${release.id} rejected.` };
  });
}

/**
 * Bulk approve from the queue: each release is approved in its own transaction with every check
 * (maker ≠ checker, controller threshold, still releasable); one refusal does not stop the rest.
 */
export async function bulkApproveAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('approver', 'controller');
    const ids = form.getAll('releaseId').map((v) => Number(v)).filter((n) => Number.isSafeInteger(n) && n > 0);
    if (ids.length === 0) return { ok: false, message: 'Tick the releases to approve first.' };
    const database = getDatabase();
    const paid: string[] = [];
    const waiting: string[] = [];
    const refused: string[] = [];
    for (const id of ids) {
      try {
        const r = await database.transaction((tx) => approveRelease(tx, id, {}, actor));
        (r.status === 'paid' ? paid : waiting).push(`${r.id}`);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.push(`${id}: ${error.message}`);
      }
    }
    if (paid.length > 0) await afterRelease().catch(() => {});
    refresh();
    const parts = [
      paid.length ? `Approved and paid: ${paid.join(', ')}.` : '',
      waiting.length ? `First approval recorded, a controller must approve: ${waiting.join(', ')}.` : '',
      refused.length ? `Not approved — ${refused.join('; ')}` : '',
    ].filter(Boolean);
    return { ok: refused.length === 0, message: parts.join(' ') };
  });
}

/** Resume a failed (or stalled) cycle: what it proposed stays, the rest is proposed once. */
export async function resumeCycleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('controller', 'approver', 'admin');
    const id = Number(form.get('cycleId'));
    if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, message: 'No release cycle was named.' };
    const cycle = await resumeReleaseCycle(getDatabase(), id, actor);
    await afterRelease().catch((error: unknown) => console.warn('could not nudge the email outbox after resuming a cycle:', error));
    refresh();
    revalidatePath(`/releases/cycles/${id}`);
    const pending = cycle.releases.filter((r) => r.status === 'pending_approval').length;
    const paid = cycle.releases.filter((r) => r.status === 'paid').length;
    return { ok: true, message: `Cycle ${cycle.id} resumed and finished: ${cycle.releases.length} release(s) for ${cycle.asOf}, ${paid} paid automatically, ${pending} waiting for approval.` };
  });
}
