import type { Tx } from '../../db/client';
import type { Hold } from '../../db/schema';
import { refused } from '../errors';
import { detectIntakeFlags, openIntakeFlags, raiseIntakeFlags } from '../intake/flags';
import { pairLimitsFor } from '../intake/pair-limits';
import { holdingFlagKinds } from '../intake/settings';
import { FLAG_SHORT, openFlagsMessage, pairBreachMessage, pairLimitBreaches } from '../intake/rules';
import type { Actor } from '../auth/actor';
import { Big, formatMoney } from '../money';

/**
 * Issue 16 item 5 at funding (the kinds that hold: lib/intake/settings.ts). Intake flags recorded and not cleared refuse the batch (422
 * `intake_flags_open`, naming each invoice and its flags; nothing is written) — someone clears
 * them on the invoice page first. Flags that only show now (an issue date after the funding
 * date; a twin another client entered since) are raised (when `raise`: funding and approval) and
 * hold the batch for approval (`intake_flags`), so they are kept; its approval is refused until
 * they are cleared. The preview shows them as the same hold without writing.
 */
export async function intakeFlagHolds(tx: Tx, rows: { id: string }[], fundingDate: string, raise: Actor | null): Promise<Hold[]> {
  const ids = rows.map((r) => Number(r.id));
  const holding = await holdingFlagKinds(tx);
  const open = (await openIntakeFlags(tx, ids)).filter((f) => holding.has(f.kind));
  if (open.length > 0) {
    throw refused('intake_flags_open', openFlagsMessage(open.map((f) => ({ invoiceNumber: f.invoiceNumber, kind: f.kind }))), {
      invoiceNumbers: [...new Set(open.map((f) => f.invoiceNumber))],
      flags: open.map((f) => ({ invoiceId: f.invoiceId, invoiceNumber: f.invoiceNumber, kind: f.kind, detail: f.detail })),
    });
  }
  const at = { at: 'funding' as const, fundingDate };
  const found = (raise ? await raiseIntakeFlags(tx, ids, at, raise) : await detectIntakeFlags(tx, ids, at)).filter((f) => holding.has(f.kind));
  if (found.length === 0) return [];
  return [
    {
      code: 'intake_flags',
      message: `Intake flags raised at funding: ${found.map((f) => `${f.invoiceNumber} (${FLAG_SHORT[f.kind]})`).join(', ')}; clear them on the invoice page before the batch is approved`,
      details: {
        invoiceNumbers: [...new Set(found.map((f) => f.invoiceNumber))].join(', '),
        flags: found.map((f) => `${f.invoiceNumber}: ${f.detail}`).join('; '),
      },
    },
  ];
}

/** Issue 16 item 4: the batch's pairs over their client–debtor limit (no active override covering it). */
export async function pairLimitHolds(
  tx: Tx,
  clientId: number,
  currency: string,
  fundingDate: string,
  exposures: { id: string; name: string; client_open: string }[],
  batchByDebtor: Map<string, Big>,
): Promise<Hold[]> {
  const limits = await pairLimitsFor(
    tx,
    clientId,
    exposures.map((d) => d.id),
    currency,
    fundingDate,
  );
  const breaches = pairLimitBreaches(
    exposures.map((d) => ({
      debtorId: String(d.id),
      debtorName: d.name,
      currency,
      open: d.client_open,
      batch: batchByDebtor.get(d.id) ?? new Big(0),
      limit: limits.get(String(d.id))?.limit ?? null,
      override: limits.get(String(d.id))?.override ?? null,
    })),
  );
  return breaches.map((b) => ({
    code: 'client_debtor_limit',
    message: pairBreachMessage(b),
    details: { debtorId: b.debtorId, exposure: formatMoney(b.exposure, currency), limit: formatMoney(b.limit, currency) },
  }));
}
