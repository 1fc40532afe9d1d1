import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { fundingBatches } from '../../db/schema';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import type { VerificationOutcome } from '../verifications/labels';
import { verificationRequired, type VerificationRule } from '../verifications/rule';
import type { FundableInvoice, FundingBatchView } from './types';

/** A stored batch as the API shows it. */
export async function getFundingBatch(tx: Tx, batchId: number, actor: Actor): Promise<FundingBatchView> {
  const [batch] = await tx.db.select().from(fundingBatches).where(eq(fundingBatches.id, batchId));
  if (!batch) throw notFound('Funding batch', batchId);
  if (isClientUser(actor) && actor.clientId !== batch.clientId) throw notFound('Funding batch', batchId);
  const lines = await tx.sql<{ invoice_id: string; number: string; debtor_id: string; face: string; advance: string; reserve: string; fees: string }[]>`
    select b.invoice_id, i.number, i.debtor_id, b.face, b.advance, b.reserve + b.fixed_build as reserve, b.fees
      from funding_batch_invoices b join invoices i on i.id = b.invoice_id where b.batch_id = ${batchId} order by b.invoice_id`;
  const c = batch.currency;
  return {
    id: String(batch.id),
    clientId: String(batch.clientId),
    status: batch.status,
    fundingDate: batch.fundingDate,
    currency: c,
    totalFace: moneyOut(batch.totalFace, c),
    totalAdvance: moneyOut(batch.totalAdvance, c),
    totalReserve: moneyOut(batch.totalReserve, c),
    totalFees: moneyOut(batch.totalFees, c),
    requiredReserve: batch.requiredReserve ? moneyOut(batch.requiredReserve, c) : null,
    invoices: lines.map((l) => ({
      invoiceId: l.invoice_id,
      number: l.number,
      debtorId: l.debtor_id,
      face: moneyOut(l.face, c),
      advance: moneyOut(l.advance, c),
      reserve: moneyOut(l.reserve, c),
      fees: moneyOut(l.fees, c),
    })),
    holds: batch.holds,
    warnings: batch.warnings,
    reason: batch.reason,
  };
}

/**
 * The batch builder's list: a client's verified invoices that are in no live batch, each with its
 * latest verification outcome (one index probe per listed invoice) and whether the agreement's
 * threshold (`rule`, issue 15) asks for a positive one before funding.
 */
export async function listFundableInvoices(tx: Tx, clientId: number, rule?: VerificationRule, limit = 1000): Promise<FundableInvoice[]> {
  const rows = await tx.sql<
    {
      id: string;
      number: string;
      debtor_name: string;
      currency: string;
      face_value: string;
      issue_date: string;
      due_date: string;
      outcome: VerificationOutcome | null;
    }[]
  >`
    select i.id, i.number, d.name as debtor_name, i.currency, i.face_value, i.issue_date, i.due_date, lv.outcome
      from invoices i join debtors d on d.id = i.debtor_id
      left join lateral (select v.outcome from invoice_verifications v where v.invoice_id = i.id order by v.id desc limit 1) lv on true
     where i.client_id = ${clientId} and i.status = 'verified'
       and not exists (select 1 from funding_batch_invoices b where b.invoice_id = i.id and b.active)
     order by i.issue_date, i.id limit ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    debtorName: r.debtor_name,
    currency: r.currency,
    faceValue: moneyOut(r.face_value, r.currency),
    issueDate: r.issue_date,
    dueDate: r.due_date,
    verification: r.outcome,
    verificationRequired: rule ? verificationRequired({ faceValue: r.face_value, currency: r.currency }, rule) : false,
  }));
}
