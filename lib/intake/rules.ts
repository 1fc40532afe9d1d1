import { Big, displayMoney } from '../money';
import { listNumbers } from '../verifications/labels';

/**
 * Issue 16 items 4 and 5, the pure rules: intake flags (likely duplicates and fraud signs) and
 * client–debtor limits. No database: lib/intake/flags.ts and lib/intake/pair-limits.ts feed
 * them from set-based queries; pages (client components too) read the labels from here.
 */

export const FLAG_KINDS = ['duplicate_amount_date', 'number_reused', 'future_issue_date', 'issued_after_funding', 'new_debtor'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** What each flag means, as a person reads it. */
export const FLAG_LABELS: Record<FlagKind, string> = {
  duplicate_amount_date: 'Same debtor, amount and date as another invoice',
  number_reused: 'Invoice number used by another client',
  future_issue_date: 'Issue date in the future',
  issued_after_funding: 'Issued after the funding date',
  new_debtor: 'First invoice with this debtor',
};

/** Short names for messages and the batch builder. */
export const FLAG_SHORT: Record<FlagKind, string> = {
  duplicate_amount_date: 'possible duplicate',
  number_reused: 'number reused',
  future_issue_date: 'future issue date',
  issued_after_funding: 'issued after funding date',
  new_debtor: 'new debtor',
};

export function isFlagKind(value: unknown): value is FlagKind {
  return typeof value === 'string' && (FLAG_KINDS as readonly string[]).includes(value);
}

/** (c) An issue date after today (entry) is a fraud sign: an invoice for goods not yet delivered. */
export function issuedInFuture(issueDate: string, today: string): boolean {
  return issueDate > today;
}

/** (c) At funding: an invoice issued after the funding date was bought before it existed. */
export function issuedAfterFunding(issueDate: string, fundingDate: string): boolean {
  return issueDate > fundingDate;
}

export interface OpenFlag {
  invoiceNumber: string;
  kind: FlagKind;
}

/**
 * The refusal a person reads at funding, naming each invoice and its open flags:
 * "Invoices A-1 (future issue date) and A-2 (possible duplicate, new debtor) have intake flags
 * nobody has cleared: …"
 */
export function openFlagsMessage(flags: readonly OpenFlag[]): string {
  const byInvoice = new Map<string, FlagKind[]>();
  for (const f of flags) byInvoice.set(f.invoiceNumber, [...(byInvoice.get(f.invoiceNumber) ?? []), f.kind]);
  const parts = [...byInvoice].map(([number, kinds]) => `${number} (${kinds.map((k) => FLAG_SHORT[k]).join(', ')})`);
  const subject = parts.length === 1 ? `Invoice ${parts[0]} has` : `Invoices ${listNumbers(parts)} have`;
  return (
    `${subject} ${flags.length === 1 ? 'an intake flag' : 'intake flags'} nobody has cleared yet. ` +
    'An underwriter or approver checks each one and clears it with a reason on the invoice page; then fund again.'
  );
}

/** One pair of a batch: what the client already has open with the debtor, what the batch adds. */
export interface PairExposure {
  debtorId: string;
  debtorName: string;
  currency: string;
  /** open funded receivables of the client with the debtor, in `currency` */
  open: Big | string;
  /** the batch's face value for the debtor */
  batch: Big | string;
  /** the pair's limit in `currency`; null: none set */
  limit: Big | string | null;
  /** the largest active override's limit on the funding date; null: none */
  override: { limit: Big | string; until: string } | null;
}

export interface PairBreach {
  debtorId: string;
  debtorName: string;
  currency: string;
  exposure: Big;
  limit: Big;
}

/**
 * SPEC 5.1 beside the debtor's and the client's limits: the pair's exposure after the batch
 * (open + batch, same currency, no FX) above the pair's limit, unless an active override allows
 * that much.
 */
export function pairLimitBreaches(pairs: readonly PairExposure[]): PairBreach[] {
  const breaches: PairBreach[] = [];
  for (const p of pairs) {
    if (p.limit === null) continue;
    const exposure = new Big(p.open).plus(p.batch);
    const limit = new Big(p.limit);
    if (!exposure.gt(limit)) continue;
    if (p.override && !exposure.gt(p.override.limit)) continue;
    breaches.push({ debtorId: p.debtorId, debtorName: p.debtorName, currency: p.currency, exposure, limit });
  }
  return breaches;
}

/** "over the client–debtor limit for Acme: exposure 12,000.00 USD, limit 10,000.00 USD" */
export function pairBreachMessage(b: PairBreach): string {
  return `Over the client–debtor limit for ${b.debtorName}: exposure ${displayMoney(b.exposure, b.currency)}, limit ${displayMoney(b.limit, b.currency)}`;
}

/** An override is active on a business date up to and including its `until`. */
export function overrideActive(until: string, on: string): boolean {
  return on <= until;
}
