import { DomainError } from '../errors';
import { type Big, ZERO, formatMoney } from '../money';
import type { StatementPeriod } from './period';

/**
 * A client's reserve statement (SPEC 7, 8), pure: plain data from the ledger in, the statement
 * out. Per currency: the reserve held at the start of the period (opening), every movement of
 * the `reserve` account in the period with its date, description and invoice, the running
 * balance, totals by kind, fees and releases, and the closing balance — which must equal the
 * opening plus the movements and the ledger's own balance at the end of the period.
 */

export type MovementCategory = 'withheld' | 'fees' | 'charges' | 'released' | 'adjustments';

export const CATEGORY_LABELS: Readonly<Record<MovementCategory, string>> = {
  withheld: 'Reserve withheld at purchase',
  fees: 'Fees settled from the reserve',
  charges: 'Chargebacks and short pays',
  released: 'Released (including offsets)',
  adjustments: 'Adjustments and other movements',
};

export const CATEGORY_ORDER: readonly MovementCategory[] = ['withheld', 'fees', 'charges', 'released', 'adjustments'];

/** One journal line of the client's reserve account, as the ledger has it. */
export interface ReserveLineInput {
  date: string;
  entryId: number;
  lineId: number;
  /** the journal entry's kind: funding, fee_settlement, release, chargeback, … */
  kind: string;
  memo: string;
  invoiceNumber: string | null;
  trancheId: number | null;
  releaseId: number | null;
  /** signed as the ledger stores it: debit positive; a credit to the reserve adds to what is held */
  ledgerAmount: Big;
}

export interface FeeFigures {
  /** flat and service fees taken when invoices were bought in the period */
  atFunding: Big;
  /** daily and tiered fees accrued in the period */
  accrued: Big;
  /** other fees charged (a fee frozen at settlement, a minimum-fee top-up) */
  otherCharged: Big;
  /** fees settled in the period (from the reserve or offset at a release) */
  settled: Big;
  /** fees receivable at the end of the period: accruedOnOpen + due (kept in the stored figures as feesOutstanding) */
  outstanding: Big;
  /** at the end of the period: "Fees accrued on open invoices" (lib/fees/client-fees.ts) */
  accruedOnOpen: Big;
  /** at the end of the period: "Fees due" (lib/fees/client-fees.ts) */
  due: Big;
}

export interface ReleaseInput {
  id: string;
  date: string;
  /** what was paid to the client */
  paid: Big;
}

export interface CurrencyInput {
  currency: string;
  /** reserve held at the end of the day before the period (as a person reads it: held is positive) */
  opening: Big;
  /** the ledger's reserve balance at the end of the period (balancesAsOf), for the tie-out */
  ledgerClosing: Big;
  lines: ReserveLineInput[];
  fees: FeeFigures;
  releases: ReleaseInput[];
}

export interface StatementInput {
  factorName: string;
  client: { id: number; name: string };
  period: StatementPeriod;
  currencies: CurrencyInput[];
}

export interface StatementMovement {
  date: string;
  entryId: number;
  lineId: number;
  kind: string;
  category: MovementCategory;
  description: string;
  /** the invoice number, or "Tranche 12" for a tranche, or null for the client's pool */
  reference: string | null;
  /** positive adds to the reserve held, negative takes from it */
  amount: Big;
  /** the reserve held after this movement */
  balance: Big;
}

export interface CurrencyStatement {
  currency: string;
  opening: Big;
  closing: Big;
  movements: StatementMovement[];
  totals: Record<MovementCategory, Big> & { added: Big; taken: Big; net: Big };
  fees: FeeFigures & { charged: Big };
  releases: ReleaseInput[];
  releasedTotal: Big;
}

export interface Statement {
  factorName: string;
  client: { id: number; name: string };
  period: StatementPeriod;
  currencies: CurrencyStatement[];
}

export function categoryOf(kind: string): MovementCategory {
  switch (kind) {
    case 'funding':
      return 'withheld';
    case 'fee_settlement':
      return 'fees';
    case 'chargeback':
    case 'short_pay':
      return 'charges';
    case 'release':
      return 'released';
    default:
      return 'adjustments';
  }
}

/** What a person reads on the statement line: fixed words for the usual kinds, else the entry's memo. */
export function describeMovement(line: Pick<ReserveLineInput, 'kind' | 'memo' | 'releaseId'>): string {
  switch (line.kind) {
    case 'funding':
      return 'Reserve withheld at purchase';
    case 'fee_settlement':
      return 'Fee settled from the reserve';
    case 'release':
      return line.releaseId === null ? 'Reserve released' : `Reserve released (release ${line.releaseId})`;
    case 'reversal':
      return line.memo ? `Reversal: ${line.memo}` : 'Reversal';
    default:
      return line.memo || line.kind.replace(/_/g, ' ');
  }
}

function referenceOf(line: ReserveLineInput): string | null {
  if (line.invoiceNumber) return line.invoiceNumber;
  if (line.trancheId !== null) return `Tranche ${line.trancheId}`;
  return null;
}

function byLedgerOrder(a: ReserveLineInput, b: ReserveLineInput): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.entryId !== b.entryId) return a.entryId - b.entryId;
  return a.lineId - b.lineId;
}

function currencyStatement(period: StatementPeriod, input: CurrencyInput): CurrencyStatement {
  const totals = { withheld: ZERO, fees: ZERO, charges: ZERO, released: ZERO, adjustments: ZERO, added: ZERO, taken: ZERO, net: ZERO };
  let balance = input.opening;
  const movements: StatementMovement[] = [];
  for (const line of [...input.lines].sort(byLedgerOrder)) {
    if (line.date < period.from || line.date > period.to) {
      throw new DomainError('statement_line_outside_period', `Reserve line ${line.lineId} of ${line.date} is outside ${period.from} – ${period.to}`, {
        status: 409,
      });
    }
    // The reserve is a liability: a credit (negative ledger amount) adds to what is held.
    const amount = line.ledgerAmount.times(-1);
    const category = categoryOf(line.kind);
    balance = balance.plus(amount);
    totals[category] = totals[category].plus(amount);
    if (amount.gt(0)) totals.added = totals.added.plus(amount);
    else totals.taken = totals.taken.plus(amount);
    totals.net = totals.net.plus(amount);
    movements.push({
      date: line.date,
      entryId: line.entryId,
      lineId: line.lineId,
      kind: line.kind,
      category,
      description: describeMovement(line),
      reference: referenceOf(line),
      amount,
      balance,
    });
  }
  const closing = input.opening.plus(totals.net);
  if (!closing.eq(input.ledgerClosing)) {
    // SPEC 3: the ledger is the truth; a statement that does not tie to it is never issued.
    const c = input.currency;
    throw new DomainError(
      'statement_out_of_balance',
      `The ${c} reserve statement does not tie to the ledger: opening ${formatMoney(input.opening, c)} + movements ${formatMoney(totals.net, c)} = ${formatMoney(closing, c)}, but the ledger holds ${formatMoney(input.ledgerClosing, c)} on ${period.to}`,
      { status: 409, details: { currency: c, closing: formatMoney(closing, c), ledger: formatMoney(input.ledgerClosing, c) } },
    );
  }
  const releases = [...input.releases].sort((a, b) => (a.date === b.date ? Number(a.id) - Number(b.id) : a.date < b.date ? -1 : 1));
  return {
    currency: input.currency,
    opening: input.opening,
    closing,
    movements,
    totals,
    fees: { ...input.fees, charged: input.fees.atFunding.plus(input.fees.accrued).plus(input.fees.otherCharged) },
    releases,
    releasedTotal: releases.reduce((t, r) => t.plus(r.paid), ZERO),
  };
}

/** Builds the statement; throws `statement_out_of_balance` when a currency does not tie to the ledger. */
export function buildStatement(input: StatementInput): Statement {
  if (input.period.from > input.period.to) throw new DomainError('invalid_period', 'The period ends before it starts', { status: 400 });
  const currencies = [...input.currencies].sort((a, b) => a.currency.localeCompare(b.currency)).map((c) => currencyStatement(input.period, c));
  return { factorName: input.factorName, client: input.client, period: input.period, currencies };
}

export interface CurrencyFigures {
  currency: string;
  opening: string;
  closing: string;
  withheld: string;
  fees: string;
  charges: string;
  released: string;
  adjustments: string;
  movements: number;
  feesCharged: string;
  feesOutstanding: string;
  /** issue 14 item 6: the two fee figures the portal shows, at the end of the period (absent in statements issued before) */
  feesAccruedOnOpen: string;
  feesDue: string;
  releasesPaid: string;
}

/** The statement's figures as decimal strings (stored beside the PDF, answered by the API). */
export function statementFigures(statement: Statement): CurrencyFigures[] {
  return statement.currencies.map((s) => {
    const m = (v: Big) => formatMoney(v, s.currency);
    return {
      currency: s.currency,
      opening: m(s.opening),
      closing: m(s.closing),
      withheld: m(s.totals.withheld),
      fees: m(s.totals.fees),
      charges: m(s.totals.charges),
      released: m(s.totals.released),
      adjustments: m(s.totals.adjustments),
      movements: s.movements.length,
      feesCharged: m(s.fees.charged),
      feesOutstanding: m(s.fees.outstanding),
      feesAccruedOnOpen: m(s.fees.accruedOnOpen),
      feesDue: m(s.fees.due),
      releasesPaid: m(s.releasedTotal),
    };
  });
}
