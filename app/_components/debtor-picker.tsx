'use client';

/**
 * Issue 13 item 4: picking one debtor of 2,000+ by typing, not from a select of them all (which
 * cost every client, debtor, invoice-entry and collections page view hundreds of ms). The
 * suggestions come from GET /api/v1/debtors?name=…&limit=10 (merged debtors are not listed: the
 * list's `status` is `active` by default), each labelled "Name (#id, limit … USD, rating …, n open
 * invoices)". The form receives `name` (the debtor's id) from a hidden field and `${name}Label`
 * (what was typed), so a refused form shows it again.
 */
import { debtorLabel, idFromLabel, pickedDebtor, type PickedDebtor } from './debtor-label';
import { PartyPicker } from './party-picker';

export { debtorLabel, idFromLabel, type PickedDebtor };

export function DebtorPicker({
  name = 'debtorId',
  label = 'Debtor',
  initialId = '',
  initialLabel = '',
  error,
  hint = 'Type part of the name, or the debtor number',
  onPick,
  required = true,
  excludeId,
}: {
  name?: string;
  label?: string;
  initialId?: string;
  initialLabel?: string;
  error?: string;
  hint?: string;
  onPick?: (debtor: PickedDebtor) => void;
  required?: boolean;
  excludeId?: string;
}) {
  return (
    <PartyPicker
      endpoint="/api/v1/debtors"
      toParty={pickedDebtor}
      labelOf={debtorLabel}
      name={name}
      label={label}
      initialId={initialId}
      initialLabel={initialLabel}
      error={error}
      hint={hint}
      onPick={onPick}
      required={required}
      excludeId={excludeId}
    />
  );
}
