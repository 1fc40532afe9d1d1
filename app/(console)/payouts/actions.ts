'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm, count } from '@/app/_components/confirm';
import { afterRelease } from '@/jobs/after-commit';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { FILE_FORMATS, batchFile, createBatch, getBatch, markSent, markSettled, returnRelease } from '@/lib/payouts';
import { getRelease } from '@/lib/releases';
import { businessDate, choice, currency, id, optional, text } from '@/lib/validation/fields';

/**
 * Issue 14: the payout batch screens' commands (Releases → Payouts). Thin: each calls the same
 * lib/payouts function as its API route. The money-moving ones (sent, settled, return) and the one
 * that freezes the file ask to confirm, naming the batch's count and total.
 */
function refresh(batchId?: string | number) {
  revalidatePath('/payouts');
  revalidatePath('/releases');
  if (batchId !== undefined) revalidatePath(`/payouts/${batchId}`);
}

const FORMAT_LABELS: Record<(typeof FILE_FORMATS)[number], string> = { nacha: 'NACHA file', pain001: 'ISO 20022 pain.001 file', csv: 'CSV for the bank' };

const confirmed = optional(text('Confirmation', { max: 200 }));

export const createBatchAction = formAction(
  'payout.batch',
  z.object({ currency: currency('Currency'), valueDate: businessDate('Value date') }),
  async ({ tx, input, actor }) => {
    const { batch, created } = await createBatch(tx, input, actor);
    refresh(batch.id);
    const n = count(batch.releases.filter((r) => r.status === 'live').length, 'release');
    return {
      message: `${created ? 'Created' : 'Added to'} payout batch ${batch.id}: ${n}, ${displayMoney(batch.total, batch.currency)}, value date ${batch.valueDate}.`,
      link: { href: `/payouts/${batch.id}`, label: `Open payout batch ${batch.id}` },
    };
  },
);

export const generateFileAction = formAction(
  'payout.batch',
  z.object({ batchId: id('Payout batch'), format: choice('File format', FILE_FORMATS), confirmed }),
  async ({ tx, input, actor }) => {
    const batch = await getBatch(tx, input.batchId, actor);
    const token = `${batch.id}:${input.format}:${batch.total}`;
    if (input.confirmed !== token) {
      return askToConfirm(
        `Generate the ${FORMAT_LABELS[input.format]} of payout batch ${batch.id} (${count(batch.releases.filter((r) => r.status === 'live').length, 'release')}, ${displayMoney(batch.total, batch.currency)})? The batch is then frozen: every download gives the same file.`,
        token,
        'Generate the file',
      );
    }
    const file = await batchFile(tx, input.batchId, input.format, actor);
    refresh(batch.id);
    return { message: `Generated ${file.fileName} (SHA-256 ${file.sha256.slice(0, 12)}…). Download it, send it to the bank, then mark the batch sent.` };
  },
);

export const markSentAction = formAction(
  'payout.batch',
  z.object({ batchId: id('Payout batch'), date: businessDate('Date sent'), confirmed }),
  async ({ tx, input, actor }) => {
    const batch = await getBatch(tx, input.batchId, actor);
    const token = `${batch.id}:sent:${input.date}:${batch.total}`;
    if (input.confirmed !== token) {
      return askToConfirm(
        `Mark payout batch ${batch.id} sent on ${input.date}: ${displayMoney(batch.total, batch.currency)} leaves client payable for cash in transit?`,
        token,
        'Mark sent',
      );
    }
    const sent = await markSent(tx, input.batchId, { date: input.date }, actor);
    refresh(batch.id);
    return { message: `Payout batch ${sent.id} marked sent on ${sent.sentDate}: ${displayMoney(sent.total, sent.currency)} in transit.` };
  },
);

export const markSettledAction = formAction(
  'payout.batch',
  z.object({ batchId: id('Payout batch'), date: businessDate('Date settled'), confirmed }),
  async ({ tx, input, actor }) => {
    const batch = await getBatch(tx, input.batchId, actor);
    const token = `${batch.id}:settled:${input.date}:${batch.total}`;
    if (input.confirmed !== token) {
      return askToConfirm(
        `Mark payout batch ${batch.id} settled on ${input.date}: the bank confirmed ${displayMoney(batch.total, batch.currency)} left the account?`,
        token,
        'Mark settled',
      );
    }
    const settled = await markSettled(tx, input.batchId, { date: input.date }, actor);
    refresh(batch.id);
    return { message: `Payout batch ${settled.id} settled on ${settled.settledDate}: its releases are paid.` };
  },
);

export const returnReleaseAction = formAction(
  'payout.return',
  z.object({
    releaseId: id('Release'),
    batchId: id('Payout batch'),
    date: businessDate('Date returned'),
    code: text('Return code', { max: 10 }),
    reason: text('Reason', { max: 500 }),
    confirmed,
  }),
  async ({ tx, input, actor, after }) => {
    const release = await getRelease(tx, input.releaseId, actor);
    const amount = release.approvedAmount ?? release.amount;
    const token = `${release.id}:return:${input.code}:${input.date}`;
    if (input.confirmed !== token) {
      return askToConfirm(
        `Record that the bank returned release ${release.id} (${displayMoney(amount, release.currency)} to ${release.clientName}) on ${input.date} with code ${input.code.toUpperCase()}? The amount goes back to client payable for a later batch.`,
        token,
        'Record the return',
      );
    }
    const returned = await returnRelease(tx, input.releaseId, { date: input.date, code: input.code, reason: input.reason }, actor);
    after('the underwriters’ email', afterRelease);
    refresh(input.batchId);
    revalidatePath(`/releases/${returned.id}`);
    return {
      message: `Release ${returned.id} recorded as returned (${input.code.toUpperCase()}): ${displayMoney(amount, release.currency)} is back in client payable.`,
    };
  },
);
