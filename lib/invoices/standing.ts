import type { Tx } from '../../db/client';
import { daysBetween } from '../dates';
import { Big, formatMoney, moneyOut, roundMoney } from '../money';

/**
 * Where an invoice stands, for its page (issue 13, item 5): days past due, the fee to date with
 * what was taken at funding, who it is between, and what can be done with it next.
 */

/** Statuses after which nothing is owed: days past due are 0. */
const CLOSED = new Set(['settled', 'charged_back', 'written_off']);

/** Days past the due date on `today` (business dates): 0 before it, on it, and once the invoice is closed. */
export function daysPastDue(dueDate: string, today: string, status: string): number {
  if (CLOSED.has(status)) return 0;
  return Math.max(0, daysBetween(dueDate, today));
}

export interface FeeToDate {
  /** taken at funding, into fee income: the service fee plus a flat fee */
  atFunding: string;
  serviceFee: string;
  flatFee: string;
  /** accrued since funding through fees receivable (frozen once the invoice is paid) */
  accrued: string;
  /** atFunding + accrued */
  total: string;
}

/**
 * The fee to date: what the funding took (invoices.fees — the agreement's service fee per invoice
 * plus, under a flat schedule, the flat fee: lib/reserves/funding-split.ts) and what has accrued
 * since (InvoiceView.feesAccrued, which a flat fee never enters). The service fee is the agreement's,
 * never more than was taken; the rest of what was taken is the flat fee.
 */
export function feeToDate(args: { feesAtFunding: string | null; serviceFee: string | null; accrued: string; currency: string }): FeeToDate {
  const c = args.currency;
  const atFunding = new Big(args.feesAtFunding ?? 0);
  const agreed = args.serviceFee === null ? new Big(0) : roundMoney(new Big(args.serviceFee), c);
  const service = agreed.gt(atFunding) ? atFunding : agreed.lt(0) ? new Big(0) : agreed;
  const flat = atFunding.minus(service);
  const accrued = new Big(args.accrued);
  return {
    atFunding: formatMoney(atFunding, c),
    serviceFee: formatMoney(service, c),
    flatFee: formatMoney(flat, c),
    accrued: formatMoney(accrued, c),
    total: formatMoney(atFunding.plus(accrued), c),
  };
}

export interface InvoiceParties {
  clientId: string;
  clientName: string;
  debtorId: string;
  debtorName: string;
  /** the agreement it was funded under (null before funding) */
  model: string | null;
  serviceFee: string | null;
  feesAtFunding: string | null;
  openDispute: { id: string; amount: string; reason: string; openedDate: string } | null;
}

/** Who an invoice is between, the agreement it was funded under and its open dispute: one indexed read. */
export async function invoiceParties(tx: Tx, invoiceId: number): Promise<InvoiceParties | null> {
  const [row] = await tx.sql<
    {
      client_id: string;
      client_name: string;
      debtor_id: string;
      debtor_name: string;
      model: string | null;
      service_fee: string | null;
      fees: string | null;
      currency: string;
      dispute_id: string | null;
      dispute_amount: string | null;
      dispute_reason: string | null;
      dispute_opened: string | null;
    }[]
  >`
    select i.client_id, c.name as client_name, i.debtor_id, d.name as debtor_name, a.model, a.terms ->> 'serviceFee' as service_fee,
           i.fees, i.currency, x.id as dispute_id, x.amount as dispute_amount, x.reason as dispute_reason, x.opened_date as dispute_opened
      from invoices i
      join clients c on c.id = i.client_id
      join debtors d on d.id = i.debtor_id
      left join agreements a on a.id = i.agreement_id
      left join disputes x on x.invoice_id = i.id and x.status = 'open'
     where i.id = ${invoiceId}`;
  if (!row) return null;
  return {
    clientId: String(row.client_id),
    clientName: row.client_name,
    debtorId: String(row.debtor_id),
    debtorName: row.debtor_name,
    model: row.model,
    serviceFee: row.service_fee,
    feesAtFunding: row.fees === null ? null : moneyOut(row.fees, row.currency),
    openDispute:
      row.dispute_id === null
        ? null
        : {
            id: String(row.dispute_id),
            amount: moneyOut(row.dispute_amount, row.currency),
            reason: row.dispute_reason ?? '',
            openedDate: row.dispute_opened ?? '',
          },
  };
}

/** What can be done with an invoice next (the lib commands check again): SPEC 5.2. */
export function invoiceActions(status: string, model: string | null): { dispute: boolean; chargeBack: boolean; writeOff: boolean } {
  const open = status === 'funded' || status === 'disputed';
  return {
    dispute: status === 'funded',
    chargeBack: open && model !== 'non_recourse',
    writeOff: open && model === 'non_recourse',
  };
}
