import type { Tx } from '../../db/client';
import type { Prepared } from '../funding/prepare';
import { Big, formatMoney, moneyOut } from '../money';
import { emitWebhookEvents } from './outbox';

/**
 * Issue 16 item 8: each business command's event, built from what the command has at hand and
 * queued in its transaction (./outbox.ts) — one line in each command. Money is a decimal string
 * in the currency's minor units, ids are strings, dates are business dates (YYYY-MM-DD).
 */

/** invoice.funded: a funding batch posted (at funding, or when its approval completes), with each invoice's split. */
export function webhookInvoicesFunded(tx: Tx, batchId: number, prepared: Prepared, fundingDate: string): Promise<number> {
  const c = prepared.currency;
  return emitWebhookEvents(tx, [
    {
      type: 'invoice.funded',
      key: `batch-${batchId}`,
      data: {
        fundingBatchId: String(batchId),
        clientId: String(prepared.client.id),
        currency: c,
        fundingDate,
        totalFace: formatMoney(prepared.plan.totals.face, c),
        totalAdvance: formatMoney(prepared.plan.totals.advance, c),
        totalReserve: formatMoney(prepared.plan.totals.reserve, c),
        invoices: prepared.plan.invoices.map((p) => ({
          invoiceId: String(p.invoice.id),
          number: p.invoice.number,
          face: formatMoney(p.face, c),
          advance: formatMoney(p.advance, c),
          reserve: formatMoney(p.reserve, c),
          fees: formatMoney(p.fees, c),
        })),
      },
    },
  ]);
}

/** payment.applied: one application of a payment over one or many invoices (its first application row's id is the key). */
export function webhookPaymentApplied(
  tx: Tx,
  event: {
    paymentId: number;
    applicationId: number;
    currency: string;
    appliedDate: string;
    total: Big;
    unapplied: Big;
    invoices: { invoiceId: string; applied: string; shortfall: string; outcome: string }[];
  },
): Promise<number> {
  const c = event.currency;
  return emitWebhookEvents(tx, [
    {
      type: 'payment.applied',
      key: `application-${event.applicationId}`,
      data: {
        paymentId: String(event.paymentId),
        currency: c,
        appliedDate: event.appliedDate,
        amount: formatMoney(event.total, c),
        unapplied: formatMoney(event.unapplied, c),
        invoices: event.invoices.map((i) => ({ invoiceId: i.invoiceId, applied: i.applied, outstanding: i.shortfall, outcome: i.outcome })),
      },
    },
  ]);
}

/** release.approved: releases posted as approved (by hand, or automatically in a release cycle). */
export function webhookReleasesApproved(tx: Tx, releases: { id: number; clientId: number; currency: string; asOf: string; amount: Big }[]): Promise<number> {
  return emitWebhookEvents(
    tx,
    releases.map((r) => ({
      type: 'release.approved' as const,
      key: `release-${r.id}`,
      data: { releaseId: String(r.id), clientId: String(r.clientId), currency: r.currency, asOf: r.asOf, amount: formatMoney(r.amount, r.currency) },
    })),
  );
}

/** payout.sent: a payout batch marked sent to the bank, with its releases. */
export function webhookPayoutSent(
  tx: Tx,
  batchId: number,
  date: string,
  currency: string,
  items: { release_id: string | number; client_id: string | number; amount: string }[],
): Promise<number> {
  return emitWebhookEvents(tx, [
    {
      type: 'payout.sent',
      key: `batch-${batchId}`,
      data: {
        payoutBatchId: String(batchId),
        currency,
        sentDate: date,
        amount: formatMoney(
          items.reduce((t, i) => t.plus(i.amount), new Big(0)),
          currency,
        ),
        releases: items.map((i) => ({ releaseId: String(i.release_id), clientId: String(i.client_id), amount: moneyOut(i.amount, currency) })),
      },
    },
  ]);
}

/** payout.returned: the bank returned a release's payout. */
export function webhookPayoutReturned(
  tx: Tx,
  event: {
    itemId: number | string;
    releaseId: number;
    clientId: number;
    payoutBatchId: number | string;
    currency: string;
    amount: Big;
    date: string;
    code: string;
    reason: string;
  },
): Promise<number> {
  return emitWebhookEvents(tx, [
    {
      type: 'payout.returned',
      key: `item-${event.itemId}`,
      data: {
        releaseId: String(event.releaseId),
        clientId: String(event.clientId),
        payoutBatchId: String(event.payoutBatchId),
        currency: event.currency,
        amount: formatMoney(event.amount, event.currency),
        returnDate: event.date,
        code: event.code,
        reason: event.reason,
      },
    },
  ]);
}

/** statement.ready: client statements stored (issued by the monthly job or on demand), closing balances per currency. */
export function webhookStatementsReady(
  tx: Tx,
  statements: { id: number; clientId: number; from: string; to: string; closing: Record<string, string> }[],
): Promise<number> {
  return emitWebhookEvents(
    tx,
    statements.map((s) => ({
      type: 'statement.ready' as const,
      key: `statement-${s.id}`,
      data: { statementId: String(s.id), clientId: String(s.clientId), periodFrom: s.from, periodTo: s.to, closing: s.closing },
    })),
  );
}

/** alert.raised: concentration alerts opened by the concentration check. */
export function webhookAlertsRaised(tx: Tx, alerts: { id: number; facts: Record<string, unknown> }[]): Promise<number> {
  return emitWebhookEvents(
    tx,
    alerts.map((a) => ({ type: 'alert.raised' as const, key: `concentration-${a.id}`, data: { alertId: String(a.id), kind: 'concentration', ...a.facts } })),
  );
}
