import { moneyOut } from '../money';

/**
 * A payment as every reading of it starts — one payment (API.md GET /payments/{id}) and the
 * payments list: amounts in the edge format of its currency, what is left to apply, who paid.
 */
export interface PaymentSummary {
  id: string;
  status: string;
  currency: string;
  amount: string;
  unapplied: string;
  receivedDate: string;
  payerName: string;
  reference: string;
  source: string;
  debtorId: string | null;
  /** issue 15: why a bank file's payment was left unapplied on import (null once applied, or when nothing is to say) */
  unappliedReason: string | null;
}

/** The payments columns a PaymentSummary is read from. */
export type PaymentSummaryRow = {
  id: string;
  status: string;
  currency: string;
  amount: string;
  unapplied: string;
  received_date: string;
  payer_name: string;
  reference: string;
  source: string;
  debtor_id: string | null;
  unapplied_reason: string | null;
};

export function paymentSummary(r: PaymentSummaryRow): PaymentSummary {
  return {
    id: r.id,
    status: r.status,
    currency: r.currency,
    amount: moneyOut(r.amount, r.currency),
    unapplied: moneyOut(r.unapplied, r.currency),
    receivedDate: r.received_date,
    payerName: r.payer_name,
    reference: r.reference,
    source: r.source,
    debtorId: r.debtor_id,
    unappliedReason: r.unapplied_reason ?? null,
  };
}
