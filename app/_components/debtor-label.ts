import { idFromLabel } from '@/lib/clients/pick';
import { displayMoney } from '@/lib/money';

/**
 * How a picked debtor is written in the debtor typeahead (app/_components/debtor-picker.tsx) and
 * read back: enough to tell two debtors of the same name apart — its number, credit limit (USD,
 * debtors' limits are kept in the base currency), rating and open invoices, from the debtors
 * list API (GET /api/v1/debtors, lib/debtors/lists.ts).
 */
export interface PickedDebtor {
  id: string;
  name: string;
  /** null when the list does not show it (a client user's key) */
  creditLimit: string | null;
  riskRating: string | null;
  openInvoices: number;
}

export function debtorLabel(d: PickedDebtor): string {
  const open = d.openInvoices === 1 ? '1 open invoice' : `${d.openInvoices.toLocaleString('en-US')} open invoices`;
  const limit = d.creditLimit === null ? null : `limit ${displayMoney(d.creditLimit, 'USD')}`;
  const rating = d.riskRating === null ? null : `rating ${d.riskRating}`;
  return `${d.name} (${[`#${d.id}`, limit, rating, open].filter(Boolean).join(', ')})`;
}

/** A debtors list API item (GET /api/v1/debtors) as the picker keeps it. */
export function pickedDebtor(item: Record<string, unknown>): PickedDebtor {
  return {
    id: String(item.id),
    name: String(item.name),
    creditLimit: typeof item.creditLimit === 'string' ? item.creditLimit : null,
    riskRating: typeof item.riskRating === 'string' ? item.riskRating : null,
    openInvoices: typeof item.openInvoices === 'number' ? item.openInvoices : 0,
  };
}

export { idFromLabel };
