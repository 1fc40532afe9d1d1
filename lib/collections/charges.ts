import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { postEntries, type LineInput } from '../ledger/post';
import { Big, formatMoney } from '../money';
import { chargebackWaterfall, drawFrom, type ReserveSource } from './waterfall';

export type ChargeKind = 'short_pay' | 'chargeback' | 'credit_note';

export interface ChargeResult {
  invoiceId: number;
  amount: string;
  fromInvoiceReserve: string;
  fromOtherReserves: { invoiceId: string; amount: string }[];
  clientDue: string;
}

type SourceRow = { invoice_id: string; tranche_id: string | null; held: string };

function toSources(rows: SourceRow[]): ReserveSource[] {
  return rows.map((r) => ({ invoiceId: Number(r.invoice_id), trancheId: r.tranche_id === null ? null : Number(r.tranche_id), held: new Big(r.held) }));
}

/**
 * What an invoice's reserve still holds, per source: its own reserve (lines tagged with the
 * invoice and no tranche) and its share of each tranche it was funded into (lines tagged with
 * both). A tranche's share is further capped by what the tranche still holds (see
 * `trancheRemaining`): a matured tranche may have been released since.
 */
export async function invoiceReserveSources(tx: Tx, invoiceId: number): Promise<ReserveSource[]> {
  const rows = await tx.sql<SourceRow[]>`
    select l.invoice_id, l.tranche_id, -sum(l.amount) as held
      from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
     where l.invoice_id = ${invoiceId} and not l.accrual
     group by l.invoice_id, l.tranche_id
    having -sum(l.amount) > 0
     order by l.tranche_id nulls first`;
  return toSources(rows);
}

/** What each tranche of a client still holds (all its lines, whichever invoice they name). */
export async function trancheRemaining(
  tx: Tx,
  clientId: number,
  currency: string,
  trancheIds: readonly (number | null | undefined)[],
): Promise<Map<number, Big>> {
  const ids = [...new Set(trancheIds.filter((t): t is number => t !== null && t !== undefined))];
  if (ids.length === 0) return new Map();
  // One index range over the client's reserve account, not a scan of the ledger by tranche.
  const rows = await tx.sql<{ tranche_id: string; held: string }[]>`
    select l.tranche_id, -sum(l.amount) as held
      from journal_lines l
     where l.account_id = (select id from ledger_accounts where code = 'reserve' and client_id = ${clientId} and currency = ${currency})
       and l.tranche_id = any(${ids}::bigint[])
     group by l.tranche_id`;
  return new Map(rows.map((r) => [Number(r.tranche_id), new Big(r.held)]));
}

/** What the reserve still holds on one invoice, all its sources together (tranche shares capped). */
export async function reserveHeld(tx: Tx, invoiceId: number): Promise<Big> {
  const sources = await invoiceReserveSources(tx, invoiceId);
  if (sources.length === 0) return new Big(0);
  const [owner] = await tx.sql<{ client_id: string; currency: string }[]>`select client_id, currency from invoices where id = ${invoiceId}`;
  const caps = await trancheRemaining(
    tx,
    Number(owner!.client_id),
    owner!.currency,
    sources.map((s) => s.trancheId),
  );
  const { draws } = drawFrom(
    sources.reduce((t, s) => t.plus(s.held), new Big(0)),
    sources,
    caps,
  );
  return draws.reduce((t, d) => t.plus(d.amount), new Big(0));
}

/**
 * The client's other releasable reserve: what is held on its invoices settled by `date` with no
 * open dispute, oldest settlement first (SPEC 5.2 chargebacks draw on it after the invoice's
 * own). An invoice settled (or bought) after the charge's date is not drawn on for it.
 */
export async function otherReleasableReserves(tx: Tx, clientId: number, currency: string, exceptInvoiceId: number, date: string): Promise<ReserveSource[]> {
  const rows = await tx.sql<SourceRow[]>`
    select l.invoice_id, l.tranche_id, -sum(l.amount) as held
      from journal_lines l
      join ledger_accounts a on a.id = l.account_id and a.code = 'reserve' and a.client_id = ${clientId} and a.currency = ${currency}
      join invoices i on i.id = l.invoice_id and i.status = 'settled' and i.id <> ${exceptInvoiceId} and i.settled_date <= ${date}::date
     where not l.accrual
       and not exists (select 1 from disputes d where d.invoice_id = i.id and d.status = 'open')
     group by l.invoice_id, l.tranche_id, i.settled_date
    having -sum(l.amount) > 0
     order by i.settled_date, l.invoice_id, l.tranche_id nulls first`;
  return toSources(rows);
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
  const own = await invoiceReserveSources(tx, invoice.id);
  const others = await otherReleasableReserves(tx, invoice.clientId, c, invoice.id, date);
  const caps = await trancheRemaining(
    tx,
    invoice.clientId,
    c,
    [...own, ...others].map((s) => s.trancheId),
  );
  const waterfall = chargebackWaterfall(amount, own, others, caps);
  const lines: LineInput[] = [{ account: 'receivable', currency: c, clientId: invoice.clientId, invoiceId: invoice.id, amount: amount.times(-1) }];
  // Each draw is posted to the sub-ledger it came from (the invoice's own reserve or its tranche).
  for (const d of [...waterfall.ownDraws, ...waterfall.fromOthers]) {
    lines.push({ account: 'reserve', currency: c, clientId: invoice.clientId, invoiceId: d.invoiceId, trancheId: d.trancheId, amount: d.amount });
  }
  if (waterfall.clientDue.gt(0))
    lines.push({ account: 'client_due', currency: c, clientId: invoice.clientId, invoiceId: invoice.id, amount: waterfall.clientDue });
  await postEntries(
    tx,
    [{ effectiveDate: date, kind: args.kind, idempotencyKey: args.key, clientId: invoice.clientId, invoiceId: invoice.id, memo: args.memo, lines }],
    by,
  );
  await tx.sql`update invoices set outstanding = outstanding - ${amount.toString()}::numeric where id = ${invoice.id}`;
  return {
    invoiceId: invoice.id,
    amount: formatMoney(amount, c),
    fromInvoiceReserve: formatMoney(waterfall.fromInvoice, c),
    fromOtherReserves: waterfall.fromOthers.map((o) => ({ invoiceId: String(o.invoiceId), amount: formatMoney(o.amount, c) })),
    clientDue: formatMoney(waterfall.clientDue, c),
  };
}
