import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { AgreementTerms } from '../agreements/terms';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, isBusinessDate } from '../dates';
import { DomainError, conflict, notFound, refused } from '../errors';
import { markCredited, settleInvoice } from '../fees/settlement';
import { postEntries } from '../ledger/post';
import { Big, fixed, formatMoney, moneyOut, parseMoney } from '../money';
import { currencyField, parseInput } from '../validation';
import { chargeToClient, type ChargeResult } from './charges';
import { openDispute } from './disputes';
import { matchPayments } from './match-service';
import { paymentSummary, type PaymentSummary, type PaymentSummaryRow } from './payment-summary';
import { normalizePayerName } from './matching';
import { withinTolerance } from './waterfall';
import { webhookPaymentApplied } from '../webhooks/emit';

const date = z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' });

export const paymentInputSchema = z.object({
  amount: z.string({ error: 'must be a decimal string such as "50000.00"' }),
  currency: currencyField(),
  receivedDate: date,
  payerName: z.string().trim().max(300).optional().default(''),
  reference: z.string().trim().max(4000).optional().default(''),
});

const idField = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v);
  if (!/^[1-9]\d{0,15}$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'must be an invoice id' });
    return z.NEVER;
  }
  return Number(text);
});

export const applicationInputSchema = z.object({
  allocations: z
    .array(z.object({ invoiceId: idField, amount: z.string({ error: 'must be a decimal string' }) }), { error: 'must be a list of {invoiceId, amount}' })
    .min(1, { error: 'needs at least one allocation' })
    .max(10_000)
    .refine((a) => new Set(a.map((x) => x.invoiceId)).size === a.length, { error: 'names an invoice twice' }),
  shortPay: z.enum(['accept', 'dispute', 'chargeback'], { error: 'must be accept, dispute or chargeback' }).optional(),
});

export interface PaymentView extends PaymentSummary {
  suggestions: { invoiceId: string; amount: string; confidence: string; invoiceIds?: string[]; reason?: string }[];
  applications: { invoiceId: string; amount: string; date: string }[];
}

type PaymentRow = PaymentSummaryRow & { suggestions: PaymentView['suggestions'] };

export async function paymentView(tx: Tx, paymentId: number): Promise<PaymentView> {
  const [p] = await tx.sql<PaymentRow[]>`select * from payments where id = ${paymentId}`;
  if (!p) throw notFound('Payment', paymentId);
  const apps = await tx.sql<{ invoice_id: string; amount: string; applied_date: string }[]>`
    select invoice_id, amount, applied_date from payment_applications where payment_id = ${paymentId} order by id`;
  return {
    ...paymentSummary(p),
    suggestions: p.suggestions,
    applications: apps.map((a) => ({ invoiceId: a.invoice_id, amount: moneyOut(a.amount, p.currency), date: a.applied_date })),
  };
}

/**
 * SPEC 5.2: a payment received into unapplied cash (Dr cash, Cr unapplied_cash), matched at
 * once: a reference that names invoices of one debtor exactly is applied automatically, anything
 * else is kept as suggestions for the collections inbox.
 */
export async function receivePayment(tx: Tx, input: unknown, actor: Actor, options: { source?: 'manual' | 'api' | 'misdirected' } = {}): Promise<PaymentView> {
  requirePermission(actor, 'payment.apply');
  const data = parseInput(paymentInputSchema, input);
  const amount = parseMoney(data.amount, data.currency, { field: 'amount' });
  if (amount.lte(0)) throw new DomainError('invalid_input', 'amount must be more than zero', { status: 400, details: { amount: 'must be more than zero' } });
  // A payment dated 2099 would freeze every fee it settles 73 years long (SPEC 3: business dates).
  assertBusinessDateInWindow(data.receivedDate, 'Received date', 'happened', { field: 'receivedDate' });
  const [row] = await tx.sql<{ id: string }[]>`
    insert into payments (currency, amount, unapplied, received_date, payer_name, reference, source, created_by)
    values (${data.currency}, ${amount.toString()}, ${amount.toString()}, ${data.receivedDate}, ${data.payerName}, ${data.reference}, ${options.source ?? 'manual'}, ${actor.userId})
    returning id`;
  const paymentId = Number(row!.id);
  await postEntries(
    tx,
    [
      {
        effectiveDate: data.receivedDate,
        kind: 'receipt',
        idempotencyKey: `receipt:${paymentId}`,
        paymentId,
        memo: `Payment received${data.payerName ? ` from ${data.payerName}` : ''}`,
        lines: [
          { account: 'cash', currency: data.currency, amount },
          { account: 'unapplied_cash', currency: data.currency, amount: amount.times(-1) },
        ],
      },
    ],
    actor,
  );
  await recordAudit(tx, actor, {
    action: 'payment.receive',
    targetType: 'payment',
    targetId: paymentId,
    after: {
      amount: formatMoney(amount, data.currency),
      currency: data.currency,
      receivedDate: data.receivedDate,
      payerName: data.payerName,
      reference: data.reference,
    },
  });
  await autoMatch(tx, [paymentId], actor);
  return paymentView(tx, paymentId);
}

/**
 * Matches payments (one set of queries for all of them) and applies the exact ones; stores the
 * suggestions of the rest. Used on receipt and after a bank file import.
 */
export async function autoMatch(tx: Tx, paymentIds: number[], actor: Actor): Promise<{ applied: number; suggested: number }> {
  if (paymentIds.length === 0) return { applied: 0, suggested: 0 };
  const results = await matchPayments(tx, paymentIds);
  let applied = 0;
  let suggested = 0;
  const suggestionRows: { id: number; suggestions: string }[] = [];
  // The matches were all made against the invoices as they stood before this call: a second
  // payment of the same file naming an invoice an earlier one has just been applied to (a debtor
  // that paid twice) is left to a person (its reason says the invoice is paid), never applied
  // on top — nor a refusal of the whole file.
  const claimed = new Set<string>();
  for (const [paymentId, result] of results) {
    const clash = result.auto?.some((a) => claimed.has(String(a.invoiceId))) ?? false;
    if (result.auto && result.auto.length > 0 && !clash) {
      for (const a of result.auto) claimed.add(String(a.invoiceId));
      await applyAllocations(
        tx,
        paymentId,
        result.auto.map((a) => ({ invoiceId: Number(a.invoiceId), amount: a.amount })),
        { learn: false, automatic: true },
        actor,
      );
      applied += 1;
    } else {
      const currency = result.currency;
      suggestionRows.push({
        id: paymentId,
        suggestions: JSON.stringify(
          result.suggestions.flatMap((s) =>
            s.allocations.map((a) => ({
              invoiceId: a.invoiceId,
              amount: formatMoney(a.amount, currency),
              confidence: fixed(s.confidence, 2),
              invoiceIds: s.invoiceIds,
              reason: s.reason,
            })),
          ),
        ),
      });
      if (result.suggestions.length > 0) suggested += 1;
    }
  }
  if (suggestionRows.length > 0) {
    await tx.sql`
      update payments p set suggestions = s.suggestions::jsonb
        from unnest(${suggestionRows.map((r) => r.id)}::bigint[], ${suggestionRows.map((r) => r.suggestions)}::text[]) as s(id, suggestions)
       where p.id = s.id`;
  }
  return { applied, suggested };
}

type InvoiceRow = {
  id: string;
  number: string;
  client_id: string;
  debtor_id: string;
  currency: string;
  face_value: string;
  outstanding: string;
  status: string;
  funding_date: string | null;
  terms: AgreementTerms | null;
};

export interface ApplicationOutcome {
  invoiceId: string;
  applied: string;
  outcome: 'open' | 'settled' | 'short_pay_accepted' | 'charged_back' | 'disputed';
  shortfall: string;
  charge?: ChargeResult;
}

/**
 * SPEC 5.2 application: one payment over one or many invoices (Dr unapplied_cash, Cr receivable
 * per invoice). An invoice brought to zero is settled (its fee frozen and settled from its
 * reserve). One left short: within the agreement's tolerance it is accepted at once; otherwise
 * `shortPay` says dispute or chargeback, or — omitted — it simply stays open.
 */
export async function applyAllocations(
  tx: Tx,
  paymentId: number,
  allocations: { invoiceId: number; amount: Big }[],
  options: { shortPay?: 'accept' | 'dispute' | 'chargeback'; learn: boolean; automatic?: boolean },
  actor: Actor,
): Promise<ApplicationOutcome[]> {
  const [payment] = await tx.sql<PaymentRow[]>`select * from payments where id = ${paymentId} for update`;
  if (!payment) throw notFound('Payment', paymentId);
  if (payment.status === 'refunded') throw refused('payment_refunded', `Payment ${paymentId} was refunded`);
  const c = payment.currency;
  const total = allocations.reduce((s, a) => s.plus(a.amount), new Big(0));
  if (total.gt(payment.unapplied)) {
    throw conflict(
      'exceeds_unapplied',
      `The allocations total ${formatMoney(total, c)} ${c} but only ${moneyOut(payment.unapplied, c)} ${c} of payment ${paymentId} is unapplied`,
      {
        unapplied: moneyOut(payment.unapplied, c),
        allocated: formatMoney(total, c),
      },
    );
  }
  const ids = allocations.map((a) => a.invoiceId).sort((a, b) => a - b);
  // Charges and settlements draw on client reserves: lock the clients (in id order) before the
  // invoices, the order every command that moves a reserve uses (disputes, chargebacks, releases),
  // so two of them never wait for each other in a circle.
  const owners = await tx.sql<{ client_id: string }[]>`select distinct client_id from invoices where id = any(${ids}::bigint[]) order by client_id`;
  await tx.sql`select id from clients where id = any(${owners.map((o) => Number(o.client_id))}::bigint[]) order by id for update`;
  const invoices = await tx.sql<InvoiceRow[]>`
    select i.id, i.number, i.client_id, i.debtor_id, i.currency, i.face_value, i.outstanding, i.status, i.funding_date, a.terms
      from invoices i left join agreements a on a.id = i.agreement_id
     where i.id = any(${ids}::bigint[]) order by i.id for update of i`;
  const byId = new Map(invoices.map((i) => [Number(i.id), i]));
  for (const a of allocations) {
    const inv = byId.get(a.invoiceId);
    if (!inv) throw notFound('Invoice', a.invoiceId);
    if (a.amount.lte(0))
      throw new DomainError('invalid_input', `The amount for invoice ${inv.number} must be more than zero`, {
        status: 400,
        details: { allocations: 'amounts must be more than zero' },
      });
    if (inv.currency !== c) throw refused('currency_mismatch', `Invoice ${inv.number} is in ${inv.currency}; payment ${paymentId} is in ${c}`);
    if (inv.status !== 'funded' && inv.status !== 'disputed')
      throw refused('invoice_not_open', `Invoice ${inv.number} is ${inv.status}; only funded invoices take payments`);
    // The receivable credit is dated the day the money came in: never before the factor bought the invoice.
    if (inv.funding_date !== null && payment.received_date < inv.funding_date) {
      throw refused(
        'payment_before_funding',
        `Payment ${paymentId} was received on ${payment.received_date}, before invoice ${inv.number} was funded on ${inv.funding_date}; it cannot pay an invoice the factor had not bought yet`,
        { invoiceId: String(a.invoiceId), receivedDate: payment.received_date, fundingDate: inv.funding_date },
      );
    }
    if (a.amount.gt(inv.outstanding)) {
      throw refused(
        'exceeds_outstanding',
        `${formatMoney(a.amount, c)} is more than the ${moneyOut(inv.outstanding, c)} still owed on invoice ${inv.number}; the rest stays unapplied`,
        {
          invoiceId: String(a.invoiceId),
        },
      );
    }
  }
  const clientIds = [...new Set(invoices.map((i) => Number(i.client_id)))].sort((a, b) => a - b);

  const appRows = await tx.sql<{ id: string; invoice_id: string }[]>`
    insert into payment_applications (payment_id, invoice_id, amount, applied_date, client_id, debtor_id, currency, created_by)
    select ${paymentId}, a.invoice_id, a.amount, ${payment.received_date}::date, a.client_id, a.debtor_id, ${c}, ${actor.userId}::bigint
      from unnest(${allocations.map((a) => a.invoiceId)}::bigint[], ${allocations.map((a) => a.amount.toString())}::numeric[],
                  ${allocations.map((a) => byId.get(a.invoiceId)!.client_id)}::bigint[], ${allocations.map((a) => byId.get(a.invoiceId)!.debtor_id)}::bigint[])
           as a(invoice_id, amount, client_id, debtor_id)
    returning id, invoice_id`;
  const first = Math.min(...appRows.map((r) => Number(r.id)));
  const [posted] = await postEntries(
    tx,
    [
      {
        effectiveDate: payment.received_date,
        kind: 'application',
        idempotencyKey: `application:${paymentId}:${first}`,
        paymentId,
        clientId: clientIds.length === 1 ? clientIds[0] : null,
        invoiceId: allocations.length === 1 ? allocations[0]!.invoiceId : null,
        memo: `Payment ${paymentId} applied to ${allocations.length} invoice(s)`,
        lines: [
          { account: 'unapplied_cash', currency: c, amount: total },
          ...allocations.map((a) => {
            const inv = byId.get(a.invoiceId)!;
            return { account: 'receivable' as const, currency: c, clientId: Number(inv.client_id), invoiceId: a.invoiceId, amount: a.amount.times(-1) };
          }),
        ],
      },
    ],
    actor,
  );
  await tx.sql`update payment_applications set entry_id = ${posted!.id} where payment_id = ${paymentId} and entry_id is null`;
  await tx.sql`
    update invoices i set outstanding = i.outstanding - a.amount
      from unnest(${allocations.map((a) => a.invoiceId)}::bigint[], ${allocations.map((a) => a.amount.toString())}::numeric[]) as a(id, amount)
     where i.id = a.id`;
  const unapplied = new Big(payment.unapplied).minus(total);
  await tx.sql`
    update payments set unapplied = ${unapplied.toString()}, status = ${unapplied.eq(0) ? 'applied' : 'partially_applied'}, unapplied_reason = null
     where id = ${paymentId}`;
  await markCredited(
    tx,
    allocations.map((a) => a.invoiceId),
  );

  // A collector's confirmed match teaches the payer's name for the debtor (SPEC: learned payer names).
  const debtorIds = new Set(invoices.map((i) => i.debtor_id));
  if (debtorIds.size === 1) {
    const debtorId = [...debtorIds][0]!;
    await tx.sql`update payments set debtor_id = ${debtorId} where id = ${paymentId}`;
    const name = normalizePayerName(payment.payer_name);
    if (options.learn && name) {
      await tx.sql`insert into payer_aliases (debtor_id, name, learned_from) values (${debtorId}, ${name}, ${paymentId}) on conflict do nothing`;
    }
  }

  const outcomes: ApplicationOutcome[] = [];
  for (const a of allocations) {
    const inv = byId.get(a.invoiceId)!;
    const remaining = new Big(inv.outstanding).minus(a.amount);
    const ref = { id: a.invoiceId, number: inv.number, clientId: Number(inv.client_id), currency: c };
    const base = { invoiceId: String(a.invoiceId), applied: formatMoney(a.amount, c), shortfall: formatMoney(remaining, c) };
    if (remaining.eq(0)) {
      await settleInvoice(tx, a.invoiceId, payment.received_date, actor);
      outcomes.push({ ...base, outcome: 'settled' });
      continue;
    }
    const tolerance = inv.terms?.shortPayTolerance ?? { amount: '0', percent: '0' };
    const tolerated = withinTolerance(remaining, new Big(inv.face_value), tolerance);
    if (options.shortPay === 'accept' && !tolerated) {
      throw refused(
        'beyond_tolerance',
        `Invoice ${inv.number} is short by ${formatMoney(remaining, c)} ${c}, beyond the agreement's tolerance; dispute it or charge it back`,
      );
    }
    if (tolerated && options.shortPay !== 'dispute' && options.shortPay !== 'chargeback') {
      // SPEC 5.2: a short pay within tolerance is accepted at once (the client's reserve bears it).
      const charge = await chargeToClient(
        tx,
        {
          kind: 'short_pay',
          invoice: ref,
          amount: remaining,
          date: payment.received_date,
          key: `short_pay:${a.invoiceId}:${paymentId}`,
          memo: `Short pay of ${formatMoney(remaining, c)} on invoice ${inv.number} accepted (within tolerance)`,
        },
        actor,
      );
      await settleInvoice(tx, a.invoiceId, payment.received_date, actor);
      outcomes.push({ ...base, outcome: 'short_pay_accepted', charge });
    } else if (options.shortPay === 'chargeback') {
      const charge = await chargeToClient(
        tx,
        {
          kind: 'chargeback',
          invoice: ref,
          amount: remaining,
          date: payment.received_date,
          key: `chargeback:${a.invoiceId}:${paymentId}`,
          memo: `Short pay of ${formatMoney(remaining, c)} on invoice ${inv.number} charged back`,
        },
        actor,
      );
      await settleInvoice(tx, a.invoiceId, payment.received_date, actor);
      outcomes.push({ ...base, outcome: 'charged_back', charge });
    } else if (options.shortPay === 'dispute') {
      await openDispute(
        tx,
        a.invoiceId,
        { amount: formatMoney(remaining, c), reason: `Short pay of ${formatMoney(remaining, c)} ${c} on payment ${paymentId}`, date: payment.received_date },
        actor,
        { skipRole: true },
      );
      outcomes.push({ ...base, outcome: 'disputed' });
    } else {
      outcomes.push({ ...base, outcome: 'open' });
    }
  }
  await recordAudit(tx, actor, {
    action: options.automatic ? 'payment.auto_apply' : 'payment.apply',
    targetType: 'payment',
    targetId: paymentId,
    before: { unapplied: moneyOut(payment.unapplied, c) },
    after: { unapplied: formatMoney(unapplied, c), shortPay: options.shortPay ?? null, outcomes },
  });
  await webhookPaymentApplied(tx, { paymentId, applicationId: first, currency: c, appliedDate: payment.received_date, total, unapplied, invoices: outcomes });
  return outcomes;
}

/** API.md: POST /payments/{id}/applications. */
export async function applyPayment(tx: Tx, paymentId: number, input: unknown, actor: Actor): Promise<{ payment: PaymentView; invoices: ApplicationOutcome[] }> {
  requirePermission(actor, 'payment.apply');
  const data = parseInput(applicationInputSchema, input);
  const [p] = await tx.sql<{ currency: string }[]>`select currency from payments where id = ${paymentId}`;
  if (!p) throw notFound('Payment', paymentId);
  const allocations = data.allocations.map((a, i) => ({
    invoiceId: a.invoiceId,
    amount: parseMoney(a.amount, p.currency, { field: `allocations.${i}.amount` }),
  }));
  const outcomes = await applyAllocations(tx, paymentId, allocations, { shortPay: data.shortPay, learn: true }, actor);
  return { payment: await paymentView(tx, paymentId), invoices: outcomes };
}

/** An overpayment given back to the payer: Dr unapplied_cash, Cr cash. */
export async function refundPayment(tx: Tx, paymentId: number, input: { amount?: unknown; date?: unknown }, actor: Actor): Promise<PaymentView> {
  requirePermission(actor, 'payment.apply');
  const [p] = await tx.sql<PaymentRow[]>`select * from payments where id = ${paymentId} for update`;
  if (!p) throw notFound('Payment', paymentId);
  const amount = input.amount === undefined ? new Big(p.unapplied) : parseMoney(input.amount, p.currency, { field: 'amount' });
  const refundDate = input.date === undefined ? p.received_date : assertBusinessDateInWindow(input.date, 'Refund date', 'happened', { field: 'date' });
  if (refundDate < p.received_date) {
    throw refused(
      'refund_before_receipt',
      `Refund date ${refundDate} is before payment ${paymentId} was received on ${p.received_date}; money is given back after it came in`,
      {
        date: `must be on or after ${p.received_date}`,
      },
    );
  }
  if (amount.lte(0) || amount.gt(p.unapplied))
    throw conflict('exceeds_unapplied', `Only ${moneyOut(p.unapplied, p.currency)} ${p.currency} of payment ${paymentId} is unapplied`);
  await postEntries(
    tx,
    [
      {
        effectiveDate: refundDate,
        kind: 'refund',
        idempotencyKey: `refund:${paymentId}:${new Big(p.unapplied).toString()}`,
        paymentId,
        memo: `Refund of payment ${paymentId}`,
        lines: [
          { account: 'unapplied_cash', currency: p.currency, amount },
          { account: 'cash', currency: p.currency, amount: amount.times(-1) },
        ],
      },
    ],
    actor,
  );
  const left = new Big(p.unapplied).minus(amount);
  const applied = new Big(p.amount).minus(p.unapplied);
  await tx.sql`update payments set unapplied = ${left.toString()}, status = ${left.gt(0) ? p.status : applied.gt(0) ? 'applied' : 'refunded'} where id = ${paymentId}`;
  await recordAudit(tx, actor, {
    action: 'payment.refund',
    targetType: 'payment',
    targetId: paymentId,
    after: { amount: formatMoney(amount, p.currency), date: refundDate },
  });
  return paymentView(tx, paymentId);
}

export interface InboxPayment extends PaymentView {
  /** suggestions with the invoice's number, debtor and what it still owes, for the inbox */
  candidates: {
    invoiceId: string;
    number: string;
    debtorName: string;
    clientName: string;
    outstanding: string;
    amount: string;
    confidence: string;
    reason: string;
  }[];
}

/** The collections inbox: payments with money left to apply, oldest first, with their suggestions. */
export async function listUnapplied(tx: Tx, options: { limit?: number } = {}): Promise<InboxPayment[]> {
  const rows = await tx.sql<{ id: string }[]>`
    select id from payments where status in ('unapplied', 'partially_applied') and unapplied > 0 order by received_date, id limit ${options.limit ?? 200}`;
  const out: InboxPayment[] = [];
  for (const r of rows) {
    const view = await paymentView(tx, Number(r.id));
    const ids = view.suggestions.map((s) => s.invoiceId);
    const details = ids.length
      ? await tx.sql<{ id: string; number: string; debtor_name: string; client_name: string; outstanding: string; currency: string; status: string }[]>`
          select i.id, i.number, d.name as debtor_name, c.name as client_name, i.outstanding, i.currency, i.status
            from invoices i join debtors d on d.id = i.debtor_id join clients c on c.id = i.client_id where i.id = any(${ids}::bigint[])`
      : [];
    const byId = new Map(details.map((d) => [d.id, d]));
    out.push({
      ...view,
      candidates: view.suggestions
        .filter((s) => byId.get(s.invoiceId)?.status === 'funded' || byId.get(s.invoiceId)?.status === 'disputed')
        .map((s) => {
          const d = byId.get(s.invoiceId)!;
          return {
            invoiceId: s.invoiceId,
            number: d.number,
            debtorName: d.debtor_name,
            clientName: d.client_name,
            outstanding: moneyOut(d.outstanding, d.currency),
            amount: s.amount,
            confidence: s.confidence,
            reason: s.reason ?? '',
          };
        }),
    });
  }
  return out;
}
