import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, isBusinessDate } from '../dates';
import { DomainError, notFound, refused, unknownId } from '../errors';
import { Big, formatMoney, moneyOut, parseMoney } from '../money';
import { currencyField, parseInput } from '../validation';
import { applyAllocations, paymentView, receivePayment, type PaymentView } from './payments';

/**
 * Misdirected payments (SPEC 5.2 inbox): the debtor paid the client instead of the factor. The
 * money is tracked against the client until the client remits it; the remittance is then
 * received as a payment and applied to the invoices it paid.
 */
const recordSchema = z.object({
  clientId: z
    .union([z.string(), z.number()], { error: 'is required' })
    .transform(Number)
    .refine((v) => Number.isSafeInteger(v) && v > 0, { error: 'must be a client id' }),
  debtorId: z
    .union([z.string(), z.number()], { error: 'is required' })
    .transform(Number)
    .refine((v) => Number.isSafeInteger(v) && v > 0, { error: 'must be a debtor id' }),
  amount: z.string({ error: 'must be a decimal string' }),
  currency: currencyField(),
  paidDate: z.string().refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }),
  invoiceIds: z
    .array(z.union([z.string().regex(/^[1-9]\d{0,15}$/, { error: 'must be invoice ids' }), z.number().int().positive()]).transform(String), {
      error: 'must be a list of invoice ids',
    })
    .max(1000)
    .default([]),
  note: z.string().trim().max(1000).optional().default(''),
});

export interface MisdirectedView {
  id: string;
  clientId: string;
  clientName: string;
  debtorId: string;
  debtorName: string;
  currency: string;
  amount: string;
  paidDate: string;
  invoiceIds: string[];
  note: string;
  status: string;
  remittedPaymentId: string | null;
  remittedDate: string | null;
}

export async function recordMisdirected(tx: Tx, input: unknown, actor: Actor): Promise<MisdirectedView> {
  requirePermission(actor, 'payment.apply');
  const data = parseInput(recordSchema, input);
  const amount = parseMoney(data.amount, data.currency, { field: 'amount' });
  if (amount.lte(0)) throw new DomainError('invalid_input', 'amount must be more than zero', { status: 400, details: { amount: 'must be more than zero' } });
  assertBusinessDateInWindow(data.paidDate, 'Paid date', 'happened', { field: 'paidDate' });
  const [client] = await tx.sql`select id from clients where id = ${data.clientId}`;
  if (!client) throw unknownId('clientId', 'Client', data.clientId);
  const [debtor] = await tx.sql`select id from debtors where id = ${data.debtorId}`;
  if (!debtor) throw unknownId('debtorId', 'Debtor', data.debtorId);
  if (data.invoiceIds.length > 0) {
    const found = await tx.sql<{ id: string }[]>`
      select id from invoices where id = any(${data.invoiceIds}::bigint[]) and client_id = ${data.clientId} and debtor_id = ${data.debtorId}`;
    const known = new Set(found.map((f) => f.id));
    const unknown = data.invoiceIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new DomainError('unknown_invoice', `No invoice ${unknown.slice(0, 10).join(', ')} of this client and debtor`, {
        status: 422,
        details: { invoiceIds: 'no such invoice of this client and debtor' },
      });
    }
  }
  const [row] = await tx.sql<{ id: string }[]>`
    insert into misdirected_payments (client_id, debtor_id, currency, amount, paid_date, invoice_ids, note, created_by)
    values (${data.clientId}, ${data.debtorId}, ${data.currency}, ${amount.toString()}, ${data.paidDate}, ${JSON.stringify(data.invoiceIds)}::jsonb, ${data.note}, ${actor.userId})
    returning id`;
  const view = (await listMisdirected(tx, { id: Number(row!.id) }))[0]!;
  await recordAudit(tx, actor, { action: 'misdirected.record', targetType: 'misdirected_payment', targetId: row!.id, after: view });
  return view;
}

/** The client remitted the money: received as a payment and applied to the invoices it paid. */
export async function remitMisdirected(
  tx: Tx,
  id: number,
  input: { receivedDate: unknown },
  actor: Actor,
): Promise<{ misdirected: MisdirectedView; payment: PaymentView }> {
  requirePermission(actor, 'payment.apply');
  const [m] = await tx.sql<{ id: string; client_id: string; currency: string; amount: string; invoice_ids: string[]; status: string; client_name: string }[]>`
    select m.*, c.name as client_name from misdirected_payments m join clients c on c.id = m.client_id where m.id = ${id} for update of m`;
  if (!m) throw notFound('Misdirected payment', id);
  if (m.status !== 'open') throw refused('already_remitted', `Misdirected payment ${id} was remitted already`);
  if (!isBusinessDate(input.receivedDate))
    throw new DomainError('invalid_input', 'receivedDate must be a date written YYYY-MM-DD', { status: 400, details: { receivedDate: 'YYYY-MM-DD' } });
  const payment = await receivePayment(
    tx,
    {
      amount: moneyOut(m.amount, m.currency),
      currency: m.currency,
      receivedDate: input.receivedDate,
      payerName: m.client_name,
      reference: `Remittance of misdirected payment ${id}`,
    },
    actor,
    { source: 'misdirected' },
  );
  // Apply to the invoices it paid, oldest first, as far as the money goes.
  let left = new Big(payment.unapplied);
  if (m.invoice_ids.length > 0 && left.gt(0)) {
    const invoices = await tx.sql<{ id: string; outstanding: string }[]>`
      select id, outstanding from invoices where id = any(${m.invoice_ids}::bigint[]) and status in ('funded', 'disputed') and outstanding > 0 order by due_date, id`;
    const allocations: { invoiceId: number; amount: Big }[] = [];
    for (const inv of invoices) {
      if (left.lte(0)) break;
      const take = left.lt(inv.outstanding) ? left : new Big(inv.outstanding);
      allocations.push({ invoiceId: Number(inv.id), amount: take });
      left = left.minus(take);
    }
    if (allocations.length > 0) await applyAllocations(tx, Number(payment.id), allocations, { learn: false }, actor);
  }
  await tx.sql`update misdirected_payments set status = 'remitted', remitted_payment_id = ${payment.id}, remitted_date = ${input.receivedDate as string}, updated_at = now() where id = ${id}`;
  const view = (await listMisdirected(tx, { id }))[0]!;
  await recordAudit(tx, actor, {
    action: 'misdirected.remit',
    targetType: 'misdirected_payment',
    targetId: id,
    before: { status: 'open' },
    after: { status: 'remitted', paymentId: payment.id, amount: formatMoney(new Big(m.amount), m.currency) },
  });
  return { misdirected: view, payment: await paymentView(tx, Number(payment.id)) };
}

export async function listMisdirected(tx: Tx, filter: { id?: number; status?: 'open' | 'remitted' } = {}): Promise<MisdirectedView[]> {
  const rows = await tx.sql<
    {
      id: string;
      client_id: string;
      client_name: string;
      debtor_id: string;
      debtor_name: string;
      currency: string;
      amount: string;
      paid_date: string;
      invoice_ids: string[];
      note: string;
      status: string;
      remitted_payment_id: string | null;
      remitted_date: string | null;
    }[]
  >`
    select m.id, m.client_id, c.name as client_name, m.debtor_id, d.name as debtor_name, m.currency, m.amount, m.paid_date, m.invoice_ids, m.note, m.status,
           m.remitted_payment_id, m.remitted_date
      from misdirected_payments m join clients c on c.id = m.client_id join debtors d on d.id = m.debtor_id
     where (${filter.id ?? null}::bigint is null or m.id = ${filter.id ?? null})
       and (${filter.status ?? null}::text is null or m.status = ${filter.status ?? null})
     order by m.id desc limit 500`;
  return rows.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    currency: r.currency,
    amount: moneyOut(r.amount, r.currency),
    paidDate: r.paid_date,
    invoiceIds: r.invoice_ids,
    note: r.note,
    status: r.status,
    remittedPaymentId: r.remitted_payment_id,
    remittedDate: r.remitted_date,
  }));
}
