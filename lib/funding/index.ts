import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { clients, invoices } from '../../db/schema';
import { agreementOn } from '../clients';
import { recordAudit } from '../audit';
import { requireRole, type Actor } from '../auth/actor';
import { parseBusinessDate } from '../dates';
import { conflict, notFound, refused } from '../errors';
import { postEntries } from '../ledger/post';
import { Big, formatMoney } from '../money';
import { fundingEntries, fundingSplit } from '../reserves/funding-split';

export const FUNDING_ROLES = ['funding'] as const;

export interface FundedInvoice {
  invoiceId: string;
  advance: string;
  reserve: string;
  fees: string;
}

/**
 * Funds verified invoices of one active client on a business date: the SPEC 5.1 split per
 * invoice from the agreement in force that day, all postings in one set of statements.
 */
export async function fundInvoices(
  tx: Tx,
  input: { clientId: number; invoiceIds: number[]; fundingDate: string },
  actor: Actor,
): Promise<{ totalAdvance: string; invoices: FundedInvoice[] }> {
  requireRole(actor, FUNDING_ROLES);
  const fundingDate = parseBusinessDate(input.fundingDate, 'fundingDate');
  const [client] = await tx.db.select().from(clients).where(eq(clients.id, input.clientId)).for('update');
  if (!client) throw notFound('Client', input.clientId);
  if (client.status !== 'active') throw refused('client_not_active', `${client.name} is ${client.status}; only active clients are funded`);
  const agreement = await agreementOn(tx, client.id, fundingDate);
  if (!agreement) throw refused('no_agreement', `${client.name} has no approved agreement in force on ${fundingDate}`);
  const rows = await tx.db
    .select()
    .from(invoices)
    .where(and(eq(invoices.clientId, client.id), inArray(invoices.id, input.invoiceIds)))
    .orderBy(invoices.id)
    .for('update');
  if (rows.length !== new Set(input.invoiceIds).size) {
    const found = new Set(rows.map((r) => r.id));
    throw notFound('Invoice', input.invoiceIds.find((id) => !found.has(id)));
  }
  const splits = rows.map((row) => {
    if (row.fundingDate !== null) throw conflict('already_funded', `Invoice ${row.number} was funded on ${row.fundingDate}`);
    if (row.status !== 'verified') throw refused('not_verified', `Invoice ${row.number} is ${row.status}; only verified invoices are funded`);
    return { row, split: fundingSplit(new Big(row.faceValue), row.currency, agreement) };
  });
  await postEntries(
    tx,
    splits.flatMap(({ row, split }) =>
      fundingEntries({ invoiceId: row.id, invoiceNumber: row.number, clientId: client.id, currency: row.currency, fundingDate, split }),
    ),
    actor,
  );
  await tx.sql`
    update invoices i set status = 'funded', funding_date = ${fundingDate}::date, advance = u.advance, reserve = u.reserve
      from unnest(${splits.map((s) => s.row.id)}::bigint[], ${splits.map((s) => s.split.advance.toString())}::numeric[],
                  ${splits.map((s) => s.split.reserve.toString())}::numeric[]) as u(id, advance, reserve)
     where i.id = u.id`;
  const funded = splits.map(({ row, split }) => ({
    invoiceId: String(row.id),
    advance: formatMoney(split.advance, row.currency),
    reserve: formatMoney(split.reserve, row.currency),
    fees: formatMoney(split.fees, row.currency),
  }));
  await recordAudit(
    tx,
    actor,
    funded.map((f) => ({ action: 'invoice.fund', targetType: 'invoice', targetId: f.invoiceId, before: { status: 'verified' }, after: { status: 'funded', fundingDate, ...f } })),
  );
  const total = splits.reduce((t, s) => t.plus(s.split.advance), new Big(0));
  return { totalAdvance: formatMoney(total, client.currency), invoices: funded };
}
