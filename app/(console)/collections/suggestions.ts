import type { PaymentSummary } from '@/lib/collections/payment-summary';
import type { InboxPayment } from '@/lib/collections/payments';
import { Big } from '@/lib/money';

/** One suggestion of the matching engine: the invoices it would pay and how much of each. */
export interface SuggestionGroup {
  key: string;
  reason: string;
  /** "85%" */
  confidence: string;
  rows: { invoiceId: string; number: string; debtorName: string; clientName: string; outstanding: string; amount: string }[];
}

/** A payment of the inbox: its summary (but its debtor), the suggestions to confirm and the invoices they name. */
export interface InboxCard extends Omit<PaymentSummary, 'debtorId'> {
  groups: SuggestionGroup[];
  /** the suggested invoices, once each, for the split form's picker */
  invoices: { invoiceId: string; number: string; debtorName: string; outstanding: string }[];
}

function percent(confidence: string): string {
  try {
    return `${new Big(confidence).times(100).round(0, Big.roundDown).toString()}%`;
  } catch {
    return confidence;
  }
}

/**
 * The stored suggestions are one row per (suggestion, invoice); a suggestion is the rows that
 * share their invoice set (`invoiceIds`) — or, in rows stored before that was kept, their reason.
 * A suggestion naming an invoice that is no longer open is dropped whole: confirming it would fail.
 */
export function inboxCard(p: InboxPayment): InboxCard {
  const open = new Map(p.candidates.map((c) => [c.invoiceId, c]));
  const groups = new Map<string, SuggestionGroup & { stale: boolean }>();
  for (const s of p.suggestions) {
    const key = s.invoiceIds && s.invoiceIds.length > 0 ? [...s.invoiceIds].sort().join(',') : `reason:${s.reason ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, reason: s.reason ?? '', confidence: percent(s.confidence), rows: [], stale: false };
      groups.set(key, group);
    }
    const c = open.get(s.invoiceId);
    if (!c) {
      group.stale = true;
      continue;
    }
    if (group.rows.some((r) => r.invoiceId === s.invoiceId)) continue;
    group.rows.push({
      invoiceId: s.invoiceId,
      number: c.number,
      debtorName: c.debtorName,
      clientName: c.clientName,
      outstanding: c.outstanding,
      amount: s.amount,
    });
  }
  const invoices = [...open.values()].map((c) => ({ invoiceId: c.invoiceId, number: c.number, debtorName: c.debtorName, outstanding: c.outstanding }));
  return {
    id: p.id,
    currency: p.currency,
    amount: p.amount,
    unapplied: p.unapplied,
    receivedDate: p.receivedDate,
    payerName: p.payerName,
    reference: p.reference,
    source: p.source,
    status: p.status,
    unappliedReason: p.unappliedReason,
    groups: [...groups.values()].filter((g) => !g.stale && g.rows.length > 0).map(({ stale: _stale, ...g }) => g),
    invoices,
  };
}
