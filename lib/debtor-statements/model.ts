import { addDays, daysBetween } from '../dates';
import { Big, ZERO, formatMoney, groupedMoney } from '../money';
import type { DebtorStatementData } from '../../emails/debtor-statement';
import { REMINDER_CATCH_UP_DAYS, daysPastDueLabel, statementFilename, stepLabel } from './labels';

/**
 * Issue 15, item 4: a debtor statement as plain data — pure, no database, no pdfkit. The loaders
 * (./statement.ts) give it the debtor's open factored invoices, the factor's remittance
 * instructions and the notices of assignment; the PDF (./render.ts) and the email
 * (emails/debtor-statement.ts) only lay out what this returns. Money is Big inside and decimal
 * strings outside; days past due are counted to the statement's business date.
 */

/**
 * Where and how the debtor pays the factor (Settings → Debtor statements, key debtor.remittance):
 * the payee and at least one way to pay — a US account (routing and account number), an IBAN,
 * or an address for cheques. What the notice of assignment told the debtor; printed on every
 * statement and reminder.
 */
export interface RemittanceInstructions {
  payee: string;
  bankName?: string;
  routing?: string;
  account?: string;
  iban?: string;
  bic?: string;
  /** where cheques are mailed (a lockbox); lines separated by newlines */
  address?: string;
  /** e.g. "Quote the invoice numbers with your payment" */
  note?: string;
}

/** One open invoice as the loaders read it (amounts as decimal strings). */
export interface StatementInvoice {
  invoiceId: string;
  number: string;
  clientName: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  faceValue: string;
  /** what the debtor still owes on it */
  openAmount: string;
  disputed: boolean;
}

/** A client's notice of assignment to this debtor (null: none recorded). */
export interface NoticeLine {
  clientName: string;
  sentDate: string | null;
}

/** Every open invoice of one currency, when the statement lists fewer than all of them (the line cap). */
export interface CurrencyAggregate {
  currency: string;
  invoices: number;
  faceValue: string;
  openAmount: string;
  /** of openAmount, what is past due on the statement's date */
  pastDueAmount: string;
}

export interface DebtorStatementInput {
  factorName: string;
  debtor: { id: string; name: string; apName: string | null; apEmail: string | null };
  asOf: string;
  kind: 'statement' | 'reminder';
  /** reminders: days from the due date */
  step: number | null;
  remittance: RemittanceInstructions;
  notices: NoticeLine[];
  invoices: StatementInvoice[];
  /** every open invoice per currency; without it the listed invoices are all there are */
  all?: CurrencyAggregate[];
}

export interface StatementLine {
  invoiceId: string;
  number: string;
  clientName: string;
  issueDate: string;
  dueDate: string;
  /** the statement's date − the due date (negative: not yet due) */
  daysPastDue: number;
  daysLabel: string;
  currency: string;
  amount: string;
  paid: string;
  open: string;
  disputed: boolean;
}

export interface CurrencyTotal {
  currency: string;
  invoices: number;
  amount: string;
  paid: string;
  open: string;
  /** of `open`, what is past due on the statement's date */
  pastDue: string;
}

export interface DebtorStatement {
  title: string;
  factorName: string;
  debtor: DebtorStatementInput['debtor'];
  asOf: string;
  kind: 'statement' | 'reminder';
  step: number | null;
  /** reminders: "15 days past due" */
  stepLabel: string | null;
  intro: string;
  lines: StatementLine[];
  /** per currency, every open invoice (listed or not) */
  totals: CurrencyTotal[];
  /** the open invoices beyond the line cap, per currency (empty: every one is listed) */
  notListed: { currency: string; invoices: number; open: string }[];
  remittance: [label: string, value: string][];
  noticeText: string;
  notices: NoticeLine[];
}

/** The words of the statement: the PDF, the email and the pages use these. */
export const STATEMENT_WORDS = {
  statementTitle: 'Statement of open invoices',
  reminderTitle: 'Payment reminder',
  invoice: 'Invoice',
  client: 'Client',
  issueDate: 'Invoice date',
  dueDate: 'Due date',
  daysPastDue: 'Days past due',
  currency: 'Cur.',
  amount: 'Amount',
  paid: 'Paid',
  open: 'Open balance',
  totals: 'Totals',
  howToPay: 'How to pay',
  notices: 'Notices of assignment',
  disputedNote: '* Under dispute: the amount stays open while we resolve the dispute with you.',
} as const;

/** The remittance instructions as label / value rows, in the order a debtor's AP clerk reads them. */
export function remittanceRows(r: RemittanceInstructions): [string, string][] {
  const rows: [string, string][] = [['Pay to', r.payee]];
  if (r.bankName) rows.push(['Bank', r.bankName]);
  if (r.routing) rows.push(['Routing number (ABA)', r.routing]);
  if (r.account) rows.push(['Account number', r.account]);
  if (r.iban) rows.push(['IBAN', r.iban.replace(/(.{4})(?=.)/g, '$1 ')]);
  if (r.bic) rows.push(['BIC', r.bic]);
  if (r.address) {
    const lines = r.address
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    lines.forEach((line, i) => rows.push([i === 0 ? 'Cheques to' : '', line]));
  }
  if (r.note) rows.push(['Reference', r.note]);
  return rows;
}

/** Builds the statement: lines with days past due, totals per currency, the remittance block and the notice. */
export function buildDebtorStatement(input: DebtorStatementInput): DebtorStatement {
  const lines: StatementLine[] = [...input.invoices]
    .sort((a, b) => (a.dueDate === b.dueDate ? (a.number < b.number ? -1 : a.number > b.number ? 1 : 0) : a.dueDate < b.dueDate ? -1 : 1))
    .map((i) => {
      const face = new Big(i.faceValue);
      const open = new Big(i.openAmount);
      const days = daysBetween(i.dueDate, input.asOf);
      return {
        invoiceId: i.invoiceId,
        number: i.number,
        clientName: i.clientName,
        issueDate: i.issueDate,
        dueDate: i.dueDate,
        daysPastDue: days,
        daysLabel: i.disputed ? `${daysPastDueLabel(days)} *` : daysPastDueLabel(days),
        currency: i.currency,
        amount: formatMoney(face, i.currency),
        // SPEC 5.2: what lowered the invoice's balance — payments applied (and credits) — is face − open
        paid: formatMoney(face.minus(open), i.currency),
        open: formatMoney(open, i.currency),
        disputed: i.disputed,
      };
    });

  const listed = new Map<string, { invoices: number; amount: Big; open: Big; pastDue: Big }>();
  for (const l of lines) {
    const t = listed.get(l.currency) ?? { invoices: 0, amount: ZERO, open: ZERO, pastDue: ZERO };
    t.invoices += 1;
    t.amount = t.amount.plus(l.amount);
    t.open = t.open.plus(l.open);
    if (l.daysPastDue > 0) t.pastDue = t.pastDue.plus(l.open);
    listed.set(l.currency, t);
  }
  const currencies = new Set([...listed.keys(), ...(input.all ?? []).map((a) => a.currency)]);
  const totals: CurrencyTotal[] = [];
  const notListed: DebtorStatement['notListed'] = [];
  for (const currency of [...currencies].sort()) {
    const l = listed.get(currency) ?? { invoices: 0, amount: ZERO, open: ZERO, pastDue: ZERO };
    const all = input.all?.find((a) => a.currency === currency);
    const whole =
      all && all.invoices > l.invoices
        ? { invoices: all.invoices, amount: new Big(all.faceValue), open: new Big(all.openAmount), pastDue: new Big(all.pastDueAmount) }
        : l;
    if (whole !== l) notListed.push({ currency, invoices: whole.invoices - l.invoices, open: formatMoney(whole.open.minus(l.open), currency) });
    totals.push({
      currency,
      invoices: whole.invoices,
      amount: formatMoney(whole.amount, currency),
      paid: formatMoney(whole.amount.minus(whole.open), currency),
      open: formatMoney(whole.open, currency),
      pastDue: formatMoney(whole.pastDue, currency),
    });
  }

  const reminder = input.kind === 'reminder' && input.step !== null;
  const owed = totals.map((t) => `${groupedMoney(t.open, t.currency)} ${t.currency}`).join(' and ');
  const count = totals.reduce((n, t) => n + t.invoices, 0);
  const invoicesWord = `${count} invoice${count === 1 ? '' : 's'}`;
  const intro = reminder
    ? input.step! < 0
      ? `A reminder: the ${invoicesWord} below ${count === 1 ? 'falls' : 'fall'} due on ${lines[0]?.dueDate ?? input.asOf} (${stepLabel(input.step!)}), ${owed} in all. Please schedule payment to the account below.`
      : input.step === 0
        ? `A reminder: the ${invoicesWord} below ${count === 1 ? 'is' : 'are'} due today, ${owed} in all. Please pay to the account below.`
        : `A reminder: the ${invoicesWord} below ${count === 1 ? 'is' : 'are'} ${stepLabel(input.step!)}, ${owed} still open. Please pay now to the account below, or tell us why if you dispute ${count === 1 ? 'it' : 'them'}.`
    : count === 0
      ? `On ${input.asOf} no factored invoice of yours is open with us.`
      : `On ${input.asOf} you owe ${owed} on the ${invoicesWord} below, which ${count === 1 ? 'was' : 'were'} assigned to ${input.factorName}.`;
  const noticeText =
    `These invoices were sold and assigned to ${input.factorName}, as the notice of assignment told you. ` +
    `Pay them only to ${input.remittance.payee} as below: a payment made to anyone else does not settle them. ` +
    'If an amount here is wrong or disputed, tell us within 10 days.';
  return {
    title: reminder ? STATEMENT_WORDS.reminderTitle : STATEMENT_WORDS.statementTitle,
    factorName: input.factorName,
    debtor: input.debtor,
    asOf: input.asOf,
    kind: input.kind,
    step: reminder ? input.step : null,
    stepLabel: reminder ? stepLabel(input.step!) : null,
    intro,
    lines,
    totals,
    notListed,
    remittance: remittanceRows(input.remittance),
    noticeText,
    notices: input.notices,
  };
}

/**
 * The reminder step of an open invoice on `asOf`: the latest step it has reached (`asOf` − due
 * date ≥ step), if that step was reached no more than `catchUpDays` − 1 days ago — a day without
 * a worker is caught up within the week, and only the latest step is sent (an invoice 31 days past
 * due is not sent its −7, 0 and 15 reminders the day reminders are switched on). Null: nothing to send.
 */
export function reminderStepFor(dueDate: string, asOf: string, steps: readonly number[], catchUpDays = REMINDER_CATCH_UP_DAYS): number | null {
  const days = daysBetween(dueDate, asOf);
  const reached = [...steps].filter((s) => s <= days).sort((a, b) => b - a)[0];
  if (reached === undefined) return null;
  return days - reached < catchUpDays ? reached : null;
}

export interface ReminderWindow {
  step: number;
  /** the due dates whose reminder at this step falls on `asOf` (or was missed in the catch-up days before) */
  dueFrom: string;
  dueTo: string;
}

/**
 * reminderStepFor, as due-date ranges for one set-based query: for each step, the due dates D
 * with step ≤ asOf − D < the next step and asOf − D < step + catchUpDays. The ranges do not
 * overlap, so an invoice falls in one window at most, exactly when reminderStepFor gives that step.
 */
export function reminderWindows(asOf: string, steps: readonly number[], catchUpDays = REMINDER_CATCH_UP_DAYS): ReminderWindow[] {
  const sorted = [...new Set(steps)].sort((a, b) => a - b);
  return sorted.map((step, i) => {
    const next = sorted[i + 1];
    const lastDay = Math.min(step + catchUpDays - 1, next === undefined ? Number.POSITIVE_INFINITY : next - 1);
    return { step, dueFrom: addDays(asOf, -lastDay), dueTo: addDays(asOf, -step) };
  });
}

/** The email's words: the statement's totals and how to pay. */
export function emailData(statement: DebtorStatement, debtorId: number | string, sendId: string): DebtorStatementData {
  return {
    factorName: statement.factorName,
    debtorName: statement.debtor.name,
    apName: statement.debtor.apName,
    asOf: statement.asOf,
    kind: statement.kind,
    stepLabel: statement.stepLabel,
    invoices: statement.totals.reduce((n, t) => n + t.invoices, 0),
    totals: statement.totals.map((t) => ({
      currency: t.currency,
      open: groupedMoney(t.open, t.currency),
      pastDue: /^0(\.0*)?$/.test(t.pastDue) ? null : groupedMoney(t.pastDue, t.currency),
    })),
    remittance: statement.remittance,
    filename: statementFilename(debtorId, statement.asOf, sendId),
  };
}
