'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm, count } from '@/app/_components/confirm';
import { getDatabase } from '@/db/client';
import { afterRelease } from '@/jobs/after-commit';
import { DomainError } from '@/lib/errors';
import { formAction } from '@/lib/http/form-action';
import { Big, displayMoney } from '@/lib/money';
import { approveRelease, getRelease, rejectRelease, resumeReleaseCycle, runReleaseCycle, type ReleaseView } from '@/lib/releases';
import { businessDate, formMoney, id, list, optional, text } from '@/lib/validation/fields';

function refresh() {
  revalidatePath('/releases');
  revalidatePath('/approvals');
}

/** What a release approval pays: the amount asked for, else what a first approval fixed, else the proposal. */
const payable = (r: ReleaseView) => (r.firstApprovedBy !== null && r.approvedAmount !== null ? r.approvedAmount : r.amount);

/** An ad hoc cycle from the console: every client due on the date, or the one chosen. Manages its own transactions (one per chunk of clients). */
export const runCycleAction = formAction(
  'release.run_cycle',
  z.object({ asOf: businessDate('As of'), clientId: optional(id('Client')) }),
  async ({ input, actor, after }) => {
    const cycle = await runReleaseCycle(getDatabase(), { asOf: input.asOf, clientIds: input.clientId ? [input.clientId] : undefined }, actor, {
      kind: 'ad_hoc',
    });
    after('the email outbox', afterRelease);
    refresh();
    const pending = cycle.releases.filter((r) => r.status === 'pending_approval').length;
    const approved = cycle.releases.filter((r) => r.status === 'approved').length;
    const skipped = cycle.skipped.length > 0 ? ` ${cycle.skipped.length} left out: an earlier proposal of theirs still waits for approval.` : '';
    return {
      message: `Cycle ${cycle.id} for ${cycle.asOf}: ${cycle.releases.length} release(s) proposed, ${approved} approved automatically, ${pending} waiting for approval.${skipped}`,
    };
  },
  { transaction: false },
);

const approveForm = z.object({
  releaseId: id('Release'),
  amount: optional(formMoney('Amount to release', { allowZero: false })),
  confirmed: optional(text('Confirmation', { max: 200 })),
});

/**
 * Approve one release, in full or (with an amount) in part; posted and paid at once. First it
 * asks "Approve release 12: pay 1,900.00 USD to Acme?"; confirmed, it approves exactly that amount.
 */
export const approveReleaseAction = formAction('release.approve', approveForm, async ({ tx, input, actor, after }) => {
  const release = await getRelease(tx, input.releaseId, actor);
  const amount = input.amount ?? payable(release);
  const token = `${release.id}:${new Big(amount).toFixed()}`;
  if (input.confirmed !== token) {
    const second = release.needsController && release.firstApprovedBy === null ? ' Above the controller threshold, a controller approves it as well.' : '';
    return askToConfirm(`Approve release ${release.id}: release ${displayMoney(amount, release.currency)} to ${release.clientName}?${second}`, token);
  }
  const approved = await approveRelease(tx, input.releaseId, { amount }, actor);
  after('the rebate advice email', afterRelease);
  refresh();
  revalidatePath(`/releases/${input.releaseId}`);
  if (approved.status === 'pending_approval')
    return {
      message: `Release ${approved.id}: first approval recorded for ${displayMoney(approved.approvedAmount ?? amount, approved.currency)}; a controller must approve it as well.`,
    };
  return {
    message: `Release ${approved.id} approved and paid: ${displayMoney(approved.approvedAmount ?? amount, approved.currency)}. The rebate advice is on its way.`,
  };
});

/** Reject a proposed release, with a reason. */
export const rejectReleaseAction = formAction(
  'release.approve',
  z.object({ releaseId: id('Release'), reason: text('Reason for rejecting', { max: 2000 }) }),
  async ({ tx, input, actor }) => {
    const release = await rejectRelease(tx, input.releaseId, { reason: input.reason }, actor);
    refresh();
    revalidatePath(`/releases/${input.releaseId}`);
    return { message: `Release ${release.id} rejected.` };
  },
);

const bulkForm = z.object({
  releaseIds: list('Release', id('Release'), { min: 1, max: 1000 }),
  confirmed: optional(text('Confirmation', { max: 20_000 })),
});

/** "1,900.00 USD and 500.00 EUR": totals per currency, said as people read them. */
function totals(releases: ReleaseView[]): string {
  const byCurrency = new Map<string, Big>();
  for (const r of releases) byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? new Big(0)).plus(payable(r)));
  const parts = [...byCurrency.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, v]) => displayMoney(v, c));
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Bulk approve from the queue. First it asks "Approve 3 releases: release 5,700.00 USD?"; confirmed,
 * each release is approved for the amount confirmed, in its own transaction with every check
 * (maker ≠ checker, controller threshold, still releasable); one refusal does not stop the rest.
 */
export const bulkApproveAction = formAction(
  'release.approve',
  bulkForm,
  async ({ input, actor, after }) => {
    const database = getDatabase();
    const ids = [...new Set(input.releaseIds)].sort((a, b) => a - b);
    const releases: ReleaseView[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      try {
        releases.push(await getRelease(database, id, actor));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        missing.push(`${id}: ${error.message}`);
      }
    }
    const token = releases.map((r) => `${r.id}:${new Big(payable(r)).toFixed()}`).join(',');
    if (releases.length > 0 && input.confirmed !== token) {
      return askToConfirm(`Approve ${count(releases.length, 'release')}: release ${totals(releases)}?`, token);
    }
    const paid: string[] = [];
    const waiting: string[] = [];
    const refused: string[] = [...missing];
    for (const r of releases) {
      try {
        const approved = await database.transaction((tx) => approveRelease(tx, Number(r.id), { amount: payable(r) }, actor));
        (approved.status === 'approved' ? paid : waiting).push(approved.id);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.push(`${r.id}: ${error.message}`);
      }
    }
    if (paid.length > 0) after('the rebate advice emails', afterRelease);
    refresh();
    const parts = [
      paid.length ? `Approved (payable to the client; paid in the next payout batch): ${paid.join(', ')}.` : '',
      waiting.length ? `First approval recorded, a controller must approve: ${waiting.join(', ')}.` : '',
      refused.length ? `Not approved — ${refused.join('; ')}` : '',
    ].filter(Boolean);
    return { ok: refused.length === 0, message: parts.join(' ') };
  },
  { transaction: false },
);

/** Resume a failed (or stalled) cycle: what it proposed stays, the rest is proposed once. */
export const resumeCycleAction = formAction(
  'release.run_cycle',
  z.object({ cycleId: id('Release cycle') }),
  async ({ input, actor, after }) => {
    const cycle = await resumeReleaseCycle(getDatabase(), input.cycleId, actor);
    after('the email outbox', afterRelease);
    refresh();
    revalidatePath(`/releases/cycles/${input.cycleId}`);
    const pending = cycle.releases.filter((r) => r.status === 'pending_approval').length;
    const approved = cycle.releases.filter((r) => r.status === 'approved').length;
    return {
      message: `Cycle ${cycle.id} resumed and finished: ${cycle.releases.length} release(s) for ${cycle.asOf}, ${approved} approved automatically, ${pending} waiting for approval.`,
    };
  },
  { transaction: false },
);
