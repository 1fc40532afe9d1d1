import type { Tx } from '../../db/client';
import { groupBy } from '../group-by';
import { Big } from '../money';
import { extractInvoiceRefs, matchPayment, normalizeInvoiceNumber, normalizePayerName, type MatchResult, type OpenInvoice } from './matching';

/** Open invoices of one payer-debtor handed to the matcher (oldest due first). */
export const CANDIDATES_PER_DEBTOR = 500;

type InvoiceRow = {
  id: string;
  number: string;
  debtor_id: string;
  client_id: string;
  currency: string;
  outstanding: string;
  due_date: string;
  funding_date: string | null;
};

const toOpen = (r: InvoiceRow): OpenInvoice => ({
  id: r.id,
  number: r.number,
  debtorId: r.debtor_id,
  clientId: r.client_id,
  currency: r.currency,
  outstanding: new Big(r.outstanding),
  dueDate: r.due_date,
});

/**
 * Gathers every payment's candidates with a fixed number of set-based queries — invoices named in
 * the remittance texts, the debtors the payer names point to (learned names, then debtor names),
 * and those debtors' open invoices — then runs the pure matcher on each payment.
 */
export async function matchPayments(tx: Tx, paymentIds: number[]): Promise<Map<number, MatchResult & { currency: string }>> {
  const payments = await tx.sql<
    { id: string; amount: string; unapplied: string; currency: string; reference: string; payer_name: string; received_date: string }[]
  >`
    select id, amount, unapplied, currency, reference, payer_name, received_date from payments where id = any(${paymentIds}::bigint[]) and unapplied > 0`;
  // A payment pays only invoices the factor had bought by the day it came in (applyAllocations refuses the rest).
  const receivedOf = new Map(payments.map((p) => [p.id, p.received_date]));
  const ownedBy = (paymentId: string) => (r: InvoiceRow) => r.funding_date === null || r.funding_date <= receivedOf.get(paymentId)!;
  const tokensOf = new Map(payments.map((p) => [p.id, extractInvoiceRefs(p.reference)]));
  const allTokens = [...new Set([...tokensOf.values()].flat())];
  const named = allTokens.length
    ? await tx.sql<InvoiceRow[]>`
        select id, number, debtor_id, client_id, currency, outstanding, due_date, funding_date from invoices
         where upper(number) collate "C" = any(${allTokens}::text[]) and status in ('funded', 'disputed') and outstanding > 0`
    : [];
  const namedByKey = groupBy(named, (r) => normalizeInvoiceNumber(r.number));

  // Payments the invoices they name settle exactly need nothing more; only the rest are
  // matched against their payer-debtors' open invoices.
  const results = new Map<number, MatchResult & { currency: string }>();
  const rest = payments.filter((p) => {
    const byNumber = (tokensOf.get(p.id) ?? [])
      .flatMap((t) => namedByKey.get(t) ?? [])
      .filter(ownedBy(p.id))
      .map(toOpen);
    if (byNumber.length === 0) return true;
    const quick = matchPayment(
      { amount: new Big(p.unapplied), currency: p.currency, reference: p.reference, payerName: p.payer_name },
      { byNumber, payerDebtors: [], byDebtor: new Map() },
    );
    if (quick.auto && quick.auto.length > 0) {
      results.set(Number(p.id), { ...quick, currency: p.currency });
      return false;
    }
    return true;
  });
  const names = [...new Set(rest.map((p) => normalizePayerName(p.payer_name)).filter(Boolean))];
  const aliases = names.length
    ? await tx.sql<{ debtor_id: string; name: string }[]>`select debtor_id, name from payer_aliases where name = any(${names}::text[])`
    : [];
  const aliasDebtors = groupBy(aliases, (a) => a.name);
  const debtors = names.length ? await tx.sql<{ id: string; name: string }[]>`select id, name from debtors` : [];
  const debtorsByName = groupBy(debtors, (d) => normalizePayerName(d.name));

  const payerDebtorsOf = new Map<string, { debtorId: string; confidence: Big }[]>();
  const wanted = new Set<string>();
  for (const p of rest) {
    const found = new Map<string, Big>();
    for (const t of tokensOf.get(p.id) ?? []) for (const inv of namedByKey.get(t) ?? []) found.set(inv.debtor_id, new Big('1'));
    const name = normalizePayerName(p.payer_name);
    for (const a of aliasDebtors.get(name) ?? []) if (!found.has(a.debtor_id)) found.set(a.debtor_id, new Big('0.95'));
    for (const d of debtorsByName.get(name) ?? []) if (!found.has(d.id)) found.set(d.id, new Big('0.9'));
    const list = [...found.entries()].map(([debtorId, confidence]) => ({ debtorId, confidence })).sort((a, b) => b.confidence.cmp(a.confidence));
    payerDebtorsOf.set(p.id, list);
    for (const d of list) wanted.add(d.debtorId);
  }
  const debtorIds = [...wanted];
  const open = debtorIds.length
    ? await tx.sql<InvoiceRow[]>`
        select id, number, debtor_id, client_id, currency, outstanding, due_date, funding_date from (
          select i.*, row_number() over (partition by i.debtor_id order by i.due_date, i.id) as rn
            from invoices i where i.debtor_id = any(${debtorIds}::bigint[]) and i.status in ('funded', 'disputed') and i.outstanding > 0) x
         where rn <= ${CANDIDATES_PER_DEBTOR}`
    : [];
  const openByDebtor = groupBy(open, (i) => i.debtor_id);

  for (const p of rest) {
    const byNumber = (tokensOf.get(p.id) ?? [])
      .flatMap((t) => namedByKey.get(t) ?? [])
      .filter(ownedBy(p.id))
      .map(toOpen);
    const payerDebtors = payerDebtorsOf.get(p.id) ?? [];
    const byDebtor = new Map(payerDebtors.map((d) => [d.debtorId, (openByDebtor.get(d.debtorId) ?? []).filter(ownedBy(p.id)).map(toOpen)]));
    const result = matchPayment(
      { amount: new Big(p.unapplied), currency: p.currency, reference: p.reference, payerName: p.payer_name },
      { byNumber, payerDebtors, byDebtor },
    );
    results.set(Number(p.id), { ...result, currency: p.currency });
  }
  return results;
}
