import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { postEntries, type LineInput } from '../ledger/post';
import { Big, formatMoney } from '../money';
import { chargebackWaterfall, type ReserveSource } from './waterfall';

export type ChargeKind = 'short_pay' | 'chargeback' | 'credit_note';

export interface ChargeResult {
  invoiceId: number;
  amount: string;
  fromInvoiceReserve: string;
  fromOtherReserves: { invoiceId: string; amount: string }[];
  clientDue: string;
}

/** What the reserve still holds on one invoice (its tagged reserve lines). */
export async function reserveHeld(tx: Tx, invoiceId: number): Promise<Big> {
  const [row] = await tx.sql<{ held: string }[]>`
    select coalesce(-sum(l.amount), 0) as held from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
     where l.invoice_id = ${invoiceId} and not l.accrual`;
  return new Big(row!.held);
}

/**
 * The client's other releasable reserve: what is held on its settled invoices with no open
 * dispute, oldest settlement first (SPEC 5.2 chargebacks draw on it after the invoice's own).
 */
export async function otherReleasableReserves(tx: Tx, clientId: number, currency: string, exceptInvoiceId: number): Promise<ReserveSource[]> {
  const rows = await tx.sql<{ invoice_id: string; held: string }[]>`
    select l.invoice_id, -sum(l.amount) as held
      from journal_lines l
      join ledger_accounts a on a.id = l.account_id and a.code = 'reserve' and a.client_id = ${clientId} and a.currency = ${currency}
      join invoices i on i.id = l.invoice_id and i.status = 'settled' and i.id <> ${exceptInvoiceId}
     where not l.accrual
       and not exists (select 1 from disputes d where d.invoice_id = i.id and d.status = 'open')
     group by l.invoice_id, i.settled_date
    having -sum(l.amount) > 0
     order by i.settled_date, l.invoice_id`;
  return rows.map((r) => ({ invoiceId: Number(r.invoice_id), held: new Big(r.held) }));
}

/**
 * Charges part of an invoice back to the client (a short pay, a chargeback, a credit note): the
 * receivable is credited and the money comes from the invoice's reserve, the client's other
 * releasable reserve, then `client_due` (SPEC 5.2). The caller holds the client's row lock, so
 * two charges never draw on the same reserve at once.
 */
export async function chargeToClient(
  tx: Tx,
  args: { kind: ChargeKind; invoice: { id: number; number: string; clientId: number; currency: string }; amount: Big; date: string; key: string; memo: string },
  by: Actor,
): Promise<ChargeResult> {
  const { invoice, amount, date } = args;
  const c = invoice.currency;
  const waterfall = chargebackWaterfall(amount, await reserveHeld(tx, invoice.id), await otherReleasableReserves(tx, invoice.clientId, c, invoice.id));
  const lines: LineInput[] = [{ account: 'receivable', currency: c, clientId: invoice.clientId, invoiceId: invoice.id, amount: amount.times(-1) }];
  if (waterfall.fromInvoice.gt(0)) lines.push({ account: 'reserve', currency: c, clientId: invoice.clientId, invoiceId: invoice.id, amount: waterfall.fromInvoice });
  for (const o of waterfall.fromOthers) lines.push({ account: 'reserve', currency: c, clientId: invoice.clientId, invoiceId: o.invoiceId, amount: o.amount });
  if (waterfall.clientDue.gt(0)) lines.push({ account: 'client_due', currency: c, clientId: invoice.clientId, invoiceId: invoice.id, amount: waterfall.clientDue });
  await postEntries(tx, [{ effectiveDate: date, kind: args.kind, idempotencyKey: args.key, clientId: invoice.clientId, invoiceId: invoice.id, memo: args.memo, lines }], by);
  await tx.sql`update invoices set outstanding = outstanding - ${amount.toString()}::numeric where id = ${invoice.id}`;
  return {
    invoiceId: invoice.id,
    amount: formatMoney(amount, c),
    fromInvoiceReserve: formatMoney(waterfall.fromInvoice, c),
    fromOtherReserves: waterfall.fromOthers.map((o) => ({ invoiceId: String(o.invoiceId), amount: formatMoney(o.amount, c) })),
    clientDue: formatMoney(waterfall.clientDue, c),
  };
}
