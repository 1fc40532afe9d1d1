import { type Big, formatMoney } from '../money';
import type { Prepared } from './prepare';
import type { FundingBatchView } from './types';

/** A prepared batch (checked and split, maybe not stored) as the API shows it. */
export function batchView(
  prepared: Pick<Prepared, 'client' | 'currency' | 'rows' | 'plan' | 'holds' | 'warnings'>,
  meta: { id: number | null; status: FundingBatchView['status']; fundingDate: string; requiredReserve?: Big | null; reason?: string | null },
): FundingBatchView {
  const c = prepared.currency;
  const byId = new Map(prepared.rows.map((r) => [Number(r.id), r]));
  return {
    id: meta.id === null ? null : String(meta.id),
    clientId: String(prepared.client.id),
    status: meta.status,
    fundingDate: meta.fundingDate,
    currency: c,
    totalFace: formatMoney(prepared.plan.totals.face, c),
    totalAdvance: formatMoney(prepared.plan.totals.advance, c),
    totalReserve: formatMoney(prepared.plan.totals.reserve, c),
    totalFees: formatMoney(prepared.plan.totals.fees, c),
    requiredReserve: meta.requiredReserve ? formatMoney(meta.requiredReserve, c) : null,
    invoices: prepared.plan.invoices.map((p) => ({
      invoiceId: String(p.invoice.id),
      number: p.invoice.number,
      debtorId: byId.get(p.invoice.id)!.debtor_id,
      face: formatMoney(p.face, c),
      advance: formatMoney(p.advance, c),
      reserve: formatMoney(p.reserve, c),
      fees: formatMoney(p.fees, c),
    })),
    holds: prepared.holds,
    warnings: prepared.warnings,
    reason: meta.reason ?? null,
  };
}
