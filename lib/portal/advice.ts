import type { RawSql, Tx } from '../../db/client';
import { adviceAttachmentName } from '../../emails/rebate-advice';
import { DomainError, notFound } from '../errors';
import { postedFeeSql } from '../ledger/accrual';
import { Big, ZERO, formatMoney, groupedMoney, sum } from '../money';
import { OFFSET_LABELS } from '../releases/post-releases';
import { factorName } from '../statements';

/**
 * A rebate advice a client can use (issue 14 item 5): what a paid release paid and why — the
 * invoices behind the amount (face value, collected, fees, reserve released), the other reserve
 * it drew on (tranches, the client's pool), what was taken out before payment (offsets) and what
 * was held back — with totals that reconcile to the amount paid. Read from the release's own
 * journal entry (append-only: the same advice every time it is read), so the portal's advice
 * page, its PDF and the PDF attached to the rebate email show one set of figures in one set of
 * words (ADVICE_WORDS).
 */

/** The words of the advice: the portal's page and the PDF use these, nothing else. */
export const ADVICE_WORDS = {
  title: 'Rebate advice',
  sources: 'Reserve released from',
  invoice: 'Invoice',
  debtor: 'Debtor',
  faceValue: 'Face value',
  collected: 'Collected',
  fees: 'Fees',
  released: 'Reserve released',
  otherSources: 'Other reserve released',
  releasedTotal: 'Reserve released',
  offsets: 'Taken out before payment',
  offsetsTotal: 'Taken out before payment',
  noOffsets: 'Nothing was taken out before payment.',
  paid: 'Paid to you',
  /** issue 14: released (client payable) but not yet settled by the bank — approved, in a batch, sent or returned */
  payable: 'Payable to you',
  holdbacks: 'Held back, not part of this payment',
  noHoldbacks: 'Nothing was held back from what was releasable.',
  notApproved: (proposed: string, approved: string) => `Proposed ${proposed}, approved ${approved}: the rest stays held`,
  feesNote: 'Fees: the fee to date on the invoice, taken when it was bought and accrued since (fixed once the invoice is paid).',
  collectedNote: (date: string) => `Collected: payments applied to the invoice up to ${date}.`,
} as const;

export interface AdviceInvoice {
  invoiceId: string;
  number: string;
  debtor: string;
  faceValue: string;
  collected: string;
  fees: string;
  /** the reserve this release drew from the invoice */
  released: string;
}

export interface AdviceLine {
  label: string;
  amount: string;
}

/** Every amount a decimal string in the release's currency ("1900.00"). */
export interface AdviceDetail {
  factorName: string;
  client: { id: string; name: string };
  releaseId: string;
  /** the release's date (the day it was released and paid) */
  date: string;
  currency: string;
  amountPaid: string;
  /** issue 14: whether the bank has settled the payout (status paid); until then the amount is payable, not paid */
  paid: boolean;
  /** "Paid to you" once settled, "Payable to you" before (ADVICE_WORDS) */
  amountLabel: string;
  invoices: AdviceInvoice[];
  /** reserve drawn from tranches and from reserve not tied to an invoice */
  otherSources: AdviceLine[];
  releasedTotal: string;
  offsets: AdviceLine[];
  offsetsTotal: string;
  /** held back when the release was decided: not part of the payment, shown so the amount is understood */
  holdbacks: AdviceLine[];
}

/** What the ledger and the release say, as Big: the input of buildAdvice. */
export interface AdviceInput {
  factorName: string;
  client: { id: string; name: string };
  releaseId: string;
  date: string;
  currency: string;
  amountPaid: Big;
  /** settled by the bank (status paid); default true */
  paid?: boolean;
  proposed: Big;
  invoices: { invoiceId: string; number: string; debtor: string; faceValue: Big; collected: Big; fees: Big; released: Big }[];
  otherSources: { label: string; amount: Big }[];
  offsets: { label: string; amount: Big }[];
  /** the release's breakdown lines of kind holdback (amounts as stored: negative) */
  holdbacks: { label: string; amount: Big }[];
}

/**
 * The advice from its parts, pure: the reserve released less what was taken out before payment
 * is the amount paid, to the cent (SPEC 5.3: offsets come out of the eligible reserve first) —
 * or it is refused, never shown with figures that do not add up.
 */
export function buildAdvice(input: AdviceInput): AdviceDetail {
  const c = input.currency;
  const releasedTotal = sum([...input.invoices.map((i) => i.released), ...input.otherSources.map((s) => s.amount)]);
  const offsetsTotal = sum(input.offsets.map((o) => o.amount));
  if (!releasedTotal.minus(offsetsTotal).eq(input.amountPaid)) {
    throw new DomainError(
      'advice_does_not_reconcile',
      `Release ${input.releaseId}: ${formatMoney(releasedTotal, c)} released less ${formatMoney(offsetsTotal, c)} taken out is not the ${formatMoney(input.amountPaid, c)} ${c} paid`,
      { status: 409 },
    );
  }
  const holdbacks: AdviceLine[] = input.holdbacks.filter((h) => !h.amount.eq(0)).map((h) => ({ label: h.label, amount: formatMoney(h.amount.abs(), c) }));
  if (input.proposed.gt(input.amountPaid)) {
    holdbacks.push({
      label: ADVICE_WORDS.notApproved(groupedMoney(input.proposed, c), groupedMoney(input.amountPaid, c)),
      amount: formatMoney(input.proposed.minus(input.amountPaid), c),
    });
  }
  return {
    factorName: input.factorName,
    client: input.client,
    releaseId: input.releaseId,
    date: input.date,
    currency: c,
    amountPaid: formatMoney(input.amountPaid, c),
    paid: input.paid ?? true,
    amountLabel: (input.paid ?? true) ? ADVICE_WORDS.paid : ADVICE_WORDS.payable,
    invoices: input.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      number: i.number,
      debtor: i.debtor,
      faceValue: formatMoney(i.faceValue, c),
      collected: formatMoney(i.collected, c),
      fees: formatMoney(i.fees, c),
      released: formatMoney(i.released, c),
    })),
    otherSources: input.otherSources.map((s) => ({ label: s.label, amount: formatMoney(s.amount, c) })),
    releasedTotal: formatMoney(releasedTotal, c),
    offsets: input.offsets.map((o) => ({ label: o.label, amount: formatMoney(o.amount, c) })),
    offsetsTotal: formatMoney(offsetsTotal, c),
    holdbacks,
  };
}

/** The PDF's name, for the download and the email's attachment (emails/rebate-advice.ts adviceAttachmentName). */
export function adviceFilename(releaseId: number | string): string {
  return adviceAttachmentName(String(releaseId));
}

/** The PDF's path under the API (an API key or the signed-in session). */
export function adviceDownloadPath(clientId: number | string, releaseId: number | string): string {
  return `/api/v1/clients/${clientId}/releases/${releaseId}/advice.pdf`;
}

type ReleaseRow = {
  id: string;
  client_id: string;
  client_name: string;
  currency: string;
  as_of: string;
  amount: string;
  approved_amount: string | null;
  escrow_amount: string | null;
  breakdown: { lines?: { kind: string; label: string; amount: string }[] } | null;
  status: string;
};

type LineRow = {
  code: string;
  invoice_id: string | null;
  tranche_id: string | null;
  amount: string;
  number: string | null;
  face_value: string | null;
  debtor: string | null;
  tranche_label: string | null;
  collected: string | null;
  fees: string | null;
};

/**
 * The advice of a released release of this client (approved, in a batch, sent, paid, or returned
 * to be paid again — issue 14), from the ledger. No permission check: the
 * portal's reader (rebateAdvice, lib/portal/index.ts) checks who asks; the email outbox builds
 * the attachment of an advice it was given to send. Not this client's, or never approved: 404.
 */
export async function loadAdvice(tx: Tx, clientId: number, releaseId: number): Promise<AdviceDetail> {
  const [release] = await tx.sql<ReleaseRow[]>`
    select r.id, r.client_id, c.name as client_name, r.currency, r.as_of, r.amount, r.approved_amount, r.escrow_amount, r.breakdown, r.status
      from releases r join clients c on c.id = r.client_id
     where r.id = ${releaseId} and r.client_id = ${clientId} and r.status in ('approved', 'in_batch', 'sent', 'paid', 'returned')`;
  if (!release) throw notFound('Release', releaseId);
  const c = release.currency;
  const lines = await releaseLines(tx.sql, release);
  const invoices = new Map<string, AdviceInput['invoices'][number]>();
  const otherSources: AdviceInput['otherSources'] = [];
  let fees = ZERO;
  let clientDue = ZERO;
  let escrow = ZERO;
  for (const l of lines) {
    const amount = new Big(l.amount);
    if (l.code === 'reserve') {
      // a release debits the reserve (debit positive): what it drew from each source
      if (l.invoice_id !== null && l.tranche_id === null) {
        const known = invoices.get(l.invoice_id);
        if (known) known.released = known.released.plus(amount);
        else
          invoices.set(l.invoice_id, {
            invoiceId: l.invoice_id,
            number: l.number ?? '',
            debtor: l.debtor ?? '',
            faceValue: new Big(l.face_value ?? 0),
            collected: new Big(l.collected ?? 0),
            fees: new Big(l.fees ?? 0),
            released: amount,
          });
      } else {
        otherSources.push({ label: l.tranche_label ?? 'Client reserve', amount });
      }
    } else if (l.code === 'escrow') {
      // issue 16 item 3: a rebate's escrow share is taken out before payment; an escrow release draws on the escrow
      if (amount.gt(0)) otherSources.push({ label: 'Escrow released', amount });
      else escrow = escrow.plus(amount.times(-1));
    } else if (l.code === 'fees_receivable') fees = fees.plus(amount.times(-1));
    else if (l.code === 'client_due') clientDue = clientDue.plus(amount.times(-1));
  }
  const offsets = [
    ...(fees.gt(0) ? [{ label: OFFSET_LABELS.fees, amount: fees }] : []),
    ...(clientDue.gt(0) ? [{ label: OFFSET_LABELS.clientDue, amount: clientDue }] : []),
    ...(escrow.gt(0) ? [{ label: 'Kept in escrow (until its cap)', amount: escrow }] : []),
  ];
  const holdbacks = (release.breakdown?.lines ?? []).filter((l) => l.kind === 'holdback').map((l) => ({ label: l.label, amount: new Big(l.amount) }));
  return buildAdvice({
    factorName: await factorName(tx),
    client: { id: String(release.client_id), name: release.client_name },
    releaseId: String(release.id),
    date: release.as_of,
    currency: c,
    amountPaid: new Big(release.approved_amount ?? release.amount),
    paid: release.status === 'paid',
    // a rebate's escrow share is not "not approved": it was released into escrow
    proposed: new Big(release.amount).minus(release.escrow_amount ?? '0'),
    invoices: [...invoices.values()],
    otherSources,
    offsets,
    holdbacks,
  });
}

/**
 * The lines of the release's own entry (kind `release`, found through the client's entries of
 * its date — indexed, not a scan of the journal), each invoice line with the invoice's face
 * value, debtor, what was collected on it up to the release's date, and its fee to date (what
 * the funding took plus the accrued fee as the invoice's page shows it: postedFeeSql, fixed
 * once the invoice is paid).
 */
async function releaseLines(sql: RawSql, release: ReleaseRow): Promise<LineRow[]> {
  return sql<LineRow[]>`
    select a.code, l.invoice_id, l.tranche_id, l.amount, i.number, i.face_value, d.name as debtor,
           case when t.id is not null then initcap(t.kind) || ' tranche funded ' || t.funded_on || coalesce(', matures ' || t.matures_on, '') end as tranche_label,
           (select coalesce(sum(p.amount), 0) from payment_applications p where p.invoice_id = i.id and p.applied_date <= ${release.as_of}::date) as collected,
           coalesce(i.fees, 0) + coalesce((select ${postedFeeSql(sql)} from fee_accruals f where f.invoice_id = i.id), 0) as fees
      from journal_entries e
      join journal_lines l on l.entry_id = e.id
      join ledger_accounts a on a.id = l.account_id
      left join invoices i on i.id = l.invoice_id
      left join debtors d on d.id = i.debtor_id
      left join reserve_tranches t on t.id = l.tranche_id
     where e.client_id = ${release.client_id} and e.effective_date = ${release.as_of}::date and e.release_id = ${release.id} and e.kind in ('release', 'escrow_release')
     order by l.id`;
}
