import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { ReservePolicy } from '../agreements/terms';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { parseBusinessDate, todayIn } from '../dates';
import { DomainError, notFound } from '../errors';
import { postEntries } from '../ledger/post';
import { Big, ZERO, assertCurrency, formatMoney, parseMoney, roundMoney } from '../money';
import { invalidInput } from '../validation';
import { getRelease } from './queries';
import type { ReleaseView } from './release-rows';

/**
 * Issue 16 item 3: the escrow cap. A client whose reserve policy is `escrow` releases its reserve
 * as `per_invoice` does, but each rebate's `share` (e.g. 0.10) is credited to the client's
 * `escrow` account instead of its payable, until the escrow holds `cap` — in each currency the
 * client is funded in, the same figure. Near the cap only what still fits goes to escrow; at the
 * cap the whole rebate is paid. The escrow is paid back by an escrow release: requested by a
 * person (at the end of the relationship — client closed, agreement ended — or whenever the
 * agreement's terms allow), approved under maker-checker like a rebate (above the controller
 * threshold a controller too), posted Dr escrow, Cr client_payable, and paid through the normal
 * payout path (lib/payouts takes approved releases of either kind).
 */

export type EscrowPolicy = Extract<ReservePolicy, { kind: 'escrow' }>;

export function escrowPolicy(policy: ReservePolicy | undefined | null): EscrowPolicy | null {
  return policy?.kind === 'escrow' ? policy : null;
}

/**
 * The split of one rebate of `amount` (already rounded): the escrow's share rounded half-up to the
 * currency's minor unit, never more than what still fits under the cap, and the rest paid. The
 * two parts sum to `amount` exactly.
 */
export function escrowSplit(amount: Big, policy: { share: string; cap: string }, balance: Big, currency: string): { escrow: Big; paid: Big } {
  if (amount.lte(0)) return { escrow: ZERO, paid: amount };
  const wanted = roundMoney(amount.times(policy.share), currency);
  const room = roundMoney(new Big(policy.cap), currency).minus(balance);
  let escrow = wanted.lt(room) ? wanted : room;
  if (escrow.lt(0)) escrow = ZERO;
  if (escrow.gt(amount)) escrow = amount;
  return { escrow, paid: amount.minus(escrow) };
}

/**
 * The escrow balances (natural: a held escrow is positive) of clients, per currency — from the
 * kept account balances, in one read. With `lock` the account rows are locked (the client rows are
 * locked first by every caller that posts, so the cap cannot be passed by two postings at once).
 */
export async function escrowBalances(tx: Tx, clientIds: number[], options: { lock?: boolean } = {}): Promise<Map<string, Big>> {
  if (clientIds.length === 0) return new Map();
  const rows = options.lock
    ? await tx.sql<{ client_id: string; currency: string; balance: string }[]>`
        select client_id, currency, balance from ledger_accounts where code = 'escrow' and client_id = any(${clientIds}::bigint[]) order by id for update`
    : await tx.sql<{ client_id: string; currency: string; balance: string }[]>`
        select client_id, currency, balance from ledger_accounts where code = 'escrow' and client_id = any(${clientIds}::bigint[])`;
  return new Map(rows.map((r) => [`${r.client_id}|${r.currency}`, new Big(r.balance).times(-1)]));
}

/** The client page's figures: each currency's escrow held and the cap (when the policy is escrow). */
export async function clientEscrow(
  tx: Tx,
  clientId: number,
  actor: Actor,
  today: string = todayIn(),
): Promise<{ share: string | null; cap: string | null; balances: { currency: string; held: string; cap: string | null; pendingRelease: string | null }[] }> {
  assertClientScope(actor, clientId);
  const [agreement] = await tx.sql<{ terms: { reservePolicy?: ReservePolicy; currency?: string } }[]>`
    select terms from agreements where client_id = ${clientId} and status = 'approved' and effective_from <= ${today}::date
     order by effective_from desc, version desc limit 1`;
  const policy = escrowPolicy(agreement?.terms.reservePolicy);
  const balances = await escrowBalances(tx, [clientId]);
  const pendingBy = await pendingEscrow(tx, clientId);
  const out = [...balances.entries()].map(([k, held]) => {
    const currency = k.split('|')[1]!;
    return {
      currency,
      held: formatMoney(held, currency),
      cap: policy ? formatMoney(new Big(policy.cap), currency) : null,
      pendingRelease: pendingBy.has(currency) ? formatMoney(pendingBy.get(currency)!, currency) : null,
    };
  });
  return { share: policy?.share ?? null, cap: policy?.cap ?? null, balances: out.sort((a, b) => a.currency.localeCompare(b.currency)) };
}

export const escrowReleaseInputSchema = z.object({
  currency: z.string({ error: 'Currency is required' }),
  /** absent: the whole escrow held */
  amount: z.string({ error: 'Amount must be a decimal string such as "1000.00"' }).optional(),
  asOf: z.string({ error: 'Release date must be a date written YYYY-MM-DD' }),
  reason: z.string({ error: 'Reason must be text' }).trim().max(500, { error: 'Reason: at most 500 characters' }).optional(),
});

/**
 * Requests an escrow release (issue 16 item 3): a `releases` row of kind `escrow`, pending
 * approval, for at most what the client's escrow holds in the currency. Nothing is posted until
 * another person approves it (lib/releases/approve-release.ts), which re-checks the escrow held.
 *
 * Errors: 401/403 (needs `release.run_cycle`); 404 `not_found` (client); 400 `invalid_input`,
 * `invalid_date`, the amount's codes; 409 `nothing_in_escrow`, `exceeds_escrow`,
 * `already_pending` (an escrow release of the client and currency waits already).
 */
export async function requestEscrowRelease(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<ReleaseView> {
  requirePermission(actor, 'release.run_cycle');
  const parsed = escrowReleaseInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const currency = assertCurrency(parsed.data.currency);
  const asOf = parseBusinessDate(parsed.data.asOf, 'asOf');
  const [client] = await tx.sql<{ id: string }[]>`select id from clients where id = ${clientId} for update`;
  if (!client) throw notFound('Client', clientId);
  const held = (await escrowBalances(tx, [clientId])).get(`${clientId}|${currency}`) ?? ZERO;
  if (held.lte(0)) throw new DomainError('nothing_in_escrow', `The client holds no escrow in ${currency}`, { status: 409 });
  const amount = parsed.data.amount === undefined ? held : parseMoney(parsed.data.amount, currency, { field: 'amount' });
  if (amount.lte(0)) throw new DomainError('invalid_input', 'Amount must be more than zero', { status: 400, details: { amount: 'must be more than zero' } });
  if (amount.gt(held)) {
    throw new DomainError('exceeds_escrow', `Only ${formatMoney(held, currency)} ${currency} is held in escrow`, {
      status: 409,
      details: { held: formatMoney(held, currency) },
    });
  }
  if ((await pendingEscrow(tx, clientId)).has(currency)) {
    throw new DomainError('already_pending', `An escrow release of this client in ${currency} is waiting for approval already`, { status: 409 });
  }
  const id = await insertEscrowRelease(tx, { clientId, currency, asOf, amount, held, reason: parsed.data.reason ?? null }, actor);
  return getRelease(tx, id, actor);
}

/**
 * What waits for approval in escrow releases of a client, per currency: each one's requested
 * amount, or what its first approval lowered it to (a second approval never raises it).
 */
async function pendingEscrow(tx: Tx, clientId: number): Promise<Map<string, Big>> {
  const rows = await tx.sql<{ currency: string; amount: string }[]>`
    select currency, sum(case when first_approved_by is not null and approved_amount is not null then approved_amount else amount end)::text as amount
      from releases where client_id = ${clientId} and kind = 'escrow' and status = 'pending_approval' group by currency`;
  return new Map(rows.map((r) => [r.currency, new Big(r.amount)]));
}

/** The escrow release row (pending approval) and its audit event; the caller holds the client's lock and checked the amount. */
async function insertEscrowRelease(
  tx: Tx,
  r: { clientId: number; currency: string; asOf: string; amount: Big; held: Big; reason: string | null; closing?: boolean },
  actor: Actor,
): Promise<number> {
  const c = r.currency;
  const [row] = await tx.sql<{ id: string }[]>`
    insert into releases (cycle_id, client_id, currency, as_of, amount, status, release_mode, kind, breakdown, created_by)
    values (null, ${r.clientId}, ${c}, ${r.asOf}, ${r.amount.toString()}, 'pending_approval', 'review', 'escrow',
            ${JSON.stringify({ lines: [{ kind: 'eligible', label: 'Escrow held', amount: formatMoney(r.held, c) }], summary: { reason: r.reason ?? '' } })}::jsonb,
            ${actor.userId})
    returning id`;
  await recordAudit(tx, actor, {
    action: 'escrow.release_request',
    targetType: 'release',
    targetId: Number(row!.id),
    after: {
      clientId: String(r.clientId),
      currency: c,
      amount: formatMoney(r.amount, c),
      held: formatMoney(r.held, c),
      reason: r.reason,
      ...(r.closing ? { clientClosed: true } : {}),
    },
  });
  return Number(row!.id);
}

/**
 * What closing a client would ask to release (issue 16 item 3, "released at the end of the
 * relationship"): per currency, the escrow held less what escrow releases waiting for approval
 * already ask for, when more than zero. Read by the client page to say so before closing.
 */
export async function escrowDueOnClose(tx: Tx, clientId: number): Promise<{ currency: string; held: Big; amount: Big }[]> {
  const held = await escrowBalances(tx, [clientId]);
  const pending = await pendingEscrow(tx, clientId);
  const out: { currency: string; held: Big; amount: Big }[] = [];
  for (const [k, balance] of held) {
    const currency = k.split('|')[1]!;
    const amount = balance.minus(pending.get(currency) ?? ZERO);
    if (amount.gt(0)) out.push({ currency, held: balance, amount });
  }
  return out.sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * Closing a client (lib/clients/onboarding.ts setClientStatus, in its transaction, the client
 * locked): for each currency with escrow not yet asked for, an escrow release of that rest,
 * requested by the person closing (reason "Client closed: …"). It waits for approval by someone
 * else (approveRelease: maker-checker, the controller threshold) and is then paid by a payout
 * batch like any escrow release. Needs no `release.run_cycle`: closing is the agreement's term
 * that releases the escrow; the approval is the control. Returns what was requested.
 */
export async function requestEscrowOnClose(
  tx: Tx,
  clientId: number,
  reason: string,
  actor: Actor,
  asOf: string = todayIn(),
): Promise<{ releaseId: number; currency: string; amount: string }[]> {
  const out: { releaseId: number; currency: string; amount: string }[] = [];
  for (const due of await escrowDueOnClose(tx, clientId)) {
    const id = await insertEscrowRelease(
      tx,
      { clientId, currency: due.currency, asOf, amount: due.amount, held: due.held, reason: `Client closed: ${reason}`, closing: true },
      actor,
    );
    out.push({ releaseId: id, currency: due.currency, amount: formatMoney(due.amount, due.currency) });
  }
  return out;
}

/**
 * Posts an approved escrow release (the caller holds the client's lock and has re-checked the
 * amount): Dr escrow, Cr client_payable, status `approved` — paid later by a payout batch.
 */
export async function postEscrowRelease(
  tx: Tx,
  release: { id: number; clientId: number; currency: string; asOf: string; amount: Big },
  by: Actor,
): Promise<void> {
  const tag = { currency: release.currency, clientId: release.clientId };
  const [posted] = await postEntries(
    tx,
    [
      {
        effectiveDate: release.asOf,
        kind: 'escrow_release',
        idempotencyKey: `escrow-release:${release.id}`,
        clientId: release.clientId,
        releaseId: release.id,
        memo: `Escrow release ${release.id}`,
        lines: [
          { account: 'escrow', ...tag, amount: release.amount },
          { account: 'client_payable', ...tag, amount: release.amount.times(-1) },
        ],
      },
    ],
    by,
  );
  await tx.sql`update releases set status = 'approved', approved_amount = ${release.amount.toString()}, entry_id = ${posted!.id} where id = ${release.id}`;
}
