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

/** One line each for Settings → Intake flags: what raises the flag. */
export const FLAG_MEANINGS: Record<FlagKind, string> = {
  duplicate_amount_date: 'Another invoice (any client, any number) has the same debtor, face value and issue date: possibly the same invoice twice.',
  number_reused: 'Another client has an invoice with the same number: a copied or made-up invoice.',
  future_issue_date: 'Entered with an issue date after today: an invoice for goods or work not yet delivered.',
  issued_after_funding: 'Funded on a date before its issue date: bought before it existed.',
  new_debtor: 'The client has never invoiced this debtor before: a new relationship worth a check.',
};

/**
 * How the funding builder and the batch page name an open flag: "Held: issue date in the
 * future" when its kind holds funding (Settings → Intake flags), "Flag: …" when it is shown only.
 */
export function flagBadge(kind: FlagKind, holding: boolean): string {
  const label = FLAG_LABELS[kind];
  return `${holding ? 'Held' : 'Flag'}: ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
}

export interface FlagBadge {
  kind: FlagKind;
  /** its kind holds funding until cleared (Settings → Intake flags) */
  holding: boolean;
  /** "Held: issue date in the future", "Flag: first invoice with this debtor" */
  text: string;
}

/** Open flags grouped by invoice id, those that hold first, each named as flagBadge names it. */
export function badgesByInvoice(flags: readonly { invoiceId: string; kind: FlagKind }[], holding: ReadonlySet<FlagKind>): Record<string, FlagBadge[]> {
  const out: Record<string, FlagBadge[]> = {};
  for (const f of flags) {
    const held = holding.has(f.kind);
    (out[f.invoiceId] ??= []).push({ kind: f.kind, holding: held, text: flagBadge(f.kind, held) });
  }
  for (const list of Object.values(out)) list.sort((a, b) => Number(b.holding) - Number(a.holding) || FLAG_KINDS.indexOf(a.kind) - FLAG_KINDS.indexOf(b.kind));
  return out;
}

/** The confirmation after saving which kinds hold: "Funding now waits for: …" in plain words. */
export function holdingFlagsSummary(kinds: readonly FlagKind[]): string {
  const ordered = FLAG_KINDS.filter((k) => kinds.includes(k));
  if (ordered.length === 0) return 'Saved: no intake flag holds funding now; flags are still raised and shown.';
  return `Saved: funding now waits until these flags are cleared — ${ordered.map((k) => FLAG_LABELS[k].toLowerCase()).join('; ')}.`;
}

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
