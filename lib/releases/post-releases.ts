import type { Tx } from '../../db/client';
import type { ClientContact } from '../../db/schema/clients';
import type { Actor } from '../auth/actor';
import { DomainError, refused } from '../errors';
import { CLIENT_FEE_WORDS } from '../fees/client-fees';
import { postEntries, type EntryInput, type LineInput } from '../ledger/post';
import { type Big, ZERO, formatMoney } from '../money';
import { queueEmails, type QueuedEmail } from '../notifications/outbox';
import { recipientsFor } from '../notifications/preferences';
import { webhookReleasesApproved } from '../webhooks/emit';
import { escrowBalances, escrowPolicy, escrowSplit } from './escrow';
import { computeReleasable, drawPlan, type Releasable, type ReleaseState } from './releasable';

/** The offsets' words, in the rebate email and the advice (lib/portal/advice.ts) alike: "Fees due" as the portal and the statement say it (lib/fees/client-fees.ts). */
export const OFFSET_LABELS = { fees: CLIENT_FEE_WORDS.due, clientDue: 'Chargebacks owed' } as const;

export interface ReleaseToPay {
  id: number;
  clientId: number;
  currency: string;
  asOf: string;
  amount: Big;
  /** the client's reserve in this currency as of asOf, with every source the release may draw on */
  state: ReleaseState | undefined;
}

/**
 * Posts approved releases (SPEC 5.3) — one, or every auto-approved release of a cycle's chunk
 * in one set of statements: Dr reserve (drawn from the eligible invoices and tranches, oldest
 * first) for the amount and its offsets; Cr fees_receivable and client_due for the offsets;
 * Cr client_payable for the amount. Status `approved`: the money is paid later through a payout
 * batch (lib/payouts: sent → cash in transit, settled → cash). Queues the rebate advice to each
 * client's contacts (once per release and address), worded as released, not as paid.
 */
export async function postReleases(tx: Tx, releases: ReleaseToPay[], by: Actor): Promise<void> {
  if (releases.length === 0) return;
  const entries: EntryInput[] = [];
  // Issue 16 item 3: under an escrow policy a share of each rebate goes to the client's escrow
  // until its cap (the clients' rows are locked by every caller, the escrow accounts here).
  const escrowClients = [...new Set(releases.filter((r) => escrowPolicy(r.state?.policy)).map((r) => r.clientId))];
  const escrowHeld = await escrowBalances(tx, escrowClients, { lock: true });
  const escrowShares = new Map<number, Big>();
  const advices: { release: ReleaseToPay; result: Releasable; plan: ReturnType<typeof drawPlan>; state: ReleaseState }[] = [];
  for (const release of releases) {
    const { state, amount } = release;
    if (!state) throw refused('nothing_releasable', 'There is no reserve in this currency to release');
    const result = computeReleasable(state);
    if (amount.gt(result.releasable)) {
      throw new DomainError('exceeds_releasable', `Only ${formatMoney(result.releasable, release.currency)} ${release.currency} is releasable now`, {
        status: 409,
        details: { releasable: formatMoney(result.releasable, release.currency) },
      });
    }
    const c = release.currency;
    const plan = drawPlan(state, result, amount);
    const tag = { currency: c, clientId: release.clientId };
    const lines: LineInput[] = plan.map((p) => ({
      account: 'reserve' as const,
      ...tag,
      amount: p.amount,
      invoiceId: p.kind === 'invoice' ? Number(p.sourceId) : null,
      trancheId: p.kind === 'tranche' ? Number(p.sourceId) : null,
    }));
    if (result.offsets.fees.gt(0)) lines.push({ account: 'fees_receivable', ...tag, amount: result.offsets.fees.times(-1) });
    if (result.offsets.clientDue.gt(0)) lines.push({ account: 'client_due', ...tag, amount: result.offsets.clientDue.times(-1) });
    const policy = escrowPolicy(state.policy);
    const key = `${release.clientId}|${c}`;
    const split = policy ? escrowSplit(amount, policy, escrowHeld.get(key) ?? ZERO, c) : { escrow: ZERO, paid: amount };
    if (split.escrow.gt(0)) {
      lines.push({ account: 'escrow', ...tag, amount: split.escrow.times(-1) });
      escrowHeld.set(key, (escrowHeld.get(key) ?? ZERO).plus(split.escrow));
    }
    escrowShares.set(release.id, split.escrow);
    if (split.paid.gt(0)) lines.push({ account: 'client_payable', ...tag, amount: split.paid.times(-1) });
    entries.push({
      effectiveDate: release.asOf,
      kind: 'release',
      idempotencyKey: `release:${release.id}`,
      clientId: release.clientId,
      releaseId: release.id,
      memo: `Reserve release ${release.id}`,
      lines,
    });
    advices.push({ release, result, plan, state });
  }
  const posted = await postEntries(tx, entries, by);
  const entryOf = new Map(posted.map((p) => [p.idempotencyKey, p.id]));
  await tx.sql`
    update releases r set status = 'approved', approved_amount = u.amount, escrow_amount = u.escrow, entry_id = u.entry_id
      from unnest(${releases.map((r) => r.id)}::bigint[], ${releases.map((r) => r.amount.minus(escrowShares.get(r.id) ?? ZERO).toString())}::numeric[],
                  ${releases.map((r) => (escrowShares.get(r.id) ?? ZERO).toString())}::numeric[], ${releases.map((r) => entryOf.get(`release:${r.id}`)!)}::bigint[]) as u(id, amount, escrow, entry_id)
     where r.id = u.id`;
  // The rebate advice, to every contact of the client who wants it (once per release and address).
  const clients = await tx.sql<{ id: string; name: string; contacts: ClientContact[] }[]>`
    select id, name, contacts from clients where id = any(${[...new Set(releases.map((r) => r.clientId))]}::bigint[])`;
  const clientById = new Map(clients.map((k) => [Number(k.id), k]));
  const emails: QueuedEmail<'rebate_advice'>[] = [];
  for (const { release, result, plan, state } of advices) {
    const client = clientById.get(release.clientId);
    const recipients = recipientsFor(client?.contacts, 'rebates');
    if (!client || recipients.length === 0) continue;
    const c = release.currency;
    const labels = new Map(state.sources.map((s) => [`${s.kind}:${s.id}`, s.label]));
    const sources = plan.map((p) => ({ label: labels.get(`${p.kind}:${p.sourceId}`) ?? 'Reserve', amount: formatMoney(p.amount, c) }));
    const offsets = [
      ...(result.offsets.fees.gt(0) ? [{ label: OFFSET_LABELS.fees, amount: formatMoney(result.offsets.fees, c) }] : []),
      ...(result.offsets.clientDue.gt(0) ? [{ label: OFFSET_LABELS.clientDue, amount: formatMoney(result.offsets.clientDue, c) }] : []),
    ];
    const escrowShare = escrowShares.get(release.id) ?? ZERO;
    const heldAfter = result.held.minus(plan.reduce((t, p) => t.plus(p.amount), ZERO));
    const data = {
      clientName: client.name,
      releaseId: String(release.id),
      date: release.asOf,
      currency: c,
      amount: formatMoney(release.amount, c),
      sources,
      offsets,
      held: formatMoney(heldAfter, c),
      // issue 16 item 3: the escrow share is kept, the rest is payable
      escrow: escrowShare.gt(0) ? formatMoney(escrowShare, c) : null,
      paid: formatMoney(release.amount.minus(escrowShare), c),
    };
    for (const contact of recipients) {
      emails.push({ to: contact.email, template: 'rebate_advice', data, dedupeKey: `rebate:${release.id}:${contact.email}`, clientId: release.clientId });
    }
  }
  await queueEmails(tx, emails);
  await webhookReleasesApproved(tx, releases);
}
