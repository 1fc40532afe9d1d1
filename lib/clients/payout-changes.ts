import type postgres from 'postgres';
import type { RawSql, Tx } from '../../db/client';
import type { ClientContact, PayoutAccount } from '../../db/schema';
import { MAKER_RULES, assertNotMaker, makerRefusal, requesterId, requireReason, type PersonId } from '../approvals/maker-checker';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { todayIn } from '../dates';
import { DomainError, conflict, notFound } from '../errors';
import { queueEmails } from '../notifications/outbox';
import { factorName } from '../statements';
import { parseInput } from '../validation';
import { choice, optional } from '../validation/fields';
import { maskPayoutAccount, payoutAccountSchema, sameAccount, type MaskedPayoutAccount } from './payout-account';

/**
 * Issue 14, item 4: a client's payout bank account under four-eyes (SPEC 1, maker ≠ checker).
 *
 * - Someone with `client.payout_account` requests a change (`PUT …/clients/{id}/payout-account`,
 *   the client page's form): a `payout_account_changes` row, pending. Nothing is paid to it yet.
 * - Someone else with `client.payout_account_approve` approves it: clients.payout_account is the
 *   new account, every contact of the client is emailed (through the outbox, in this transaction)
 *   with the new account masked and whom to call, and the audit event holds before and after
 *   masked. The requester may not approve or reject it (403 `maker_checker`); they may cancel it.
 * - Or rejects it with a reason; the account stays as it was.
 *
 * One request waits per client (409 `payout_change_pending` for a second). While one waits, the
 * client's releases wait too: `clientsWithPendingPayoutChange` is the set the payout batches leave
 * out. The account number and IBAN are stored whole only in the request and the client's row:
 * every view, audit event and email masks them (lib/validation/bank.ts).
 */

const MAKER = MAKER_RULES.payoutAccountChange;

export type PayoutChangeStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface PayoutAccountChangeView {
  id: string;
  clientId: string;
  clientName: string;
  currency: string;
  status: PayoutChangeStatus;
  /** the account asked for, masked */
  proposed: MaskedPayoutAccount;
  /** the account rebates are paid to now, masked (null: none recorded) */
  current: MaskedPayoutAccount | null;
  requestedById: string;
  /** the requester's email ("system" for a job or the command line) */
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

/**
 * The clients whose payout account change waits for approval: their releases must not be paid
 * (batched) until it is decided. A SQL fragment to nest: `… and r.client_id not in (${clientsWithPendingPayoutChange(tx.sql)})`.
 * Read from the partial unique index payout_account_changes_one_pending (every row of it pending).
 */
export function clientsWithPendingPayoutChange(sql: RawSql): postgres.PendingQuery<postgres.Row[]> {
  return sql`select pc.client_id from payout_account_changes pc where pc.status = 'pending'`;
}

/** The same set as plain SQL, for drizzle's sql`` or a hand-written statement. */
export const CLIENTS_WITH_PENDING_PAYOUT_CHANGE_SQL = `select pc.client_id from payout_account_changes pc where pc.status = 'pending'`;

/** Of these clients, those whose payout account change waits (for messages: "waits for its payout account change"). */
export async function pendingPayoutChangeClients(tx: Pick<Tx, 'sql'>, clientIds: readonly number[]): Promise<Set<number>> {
  if (clientIds.length === 0) return new Set();
  const rows = await tx.sql<{ client_id: string }[]>`
    select client_id from payout_account_changes where status = 'pending' and client_id = any(${clientIds as number[]}::bigint[])`;
  return new Set(rows.map((r) => Number(r.client_id)));
}

interface ChangeRow {
  id: string;
  client_id: string;
  client_name: string;
  currency: string;
  status: PayoutChangeStatus;
  proposed: PayoutAccount;
  current: PayoutAccount | null;
  requested_by: string;
  requested_by_label: string | null;
  requested_at: string;
  decided_by_label: string | null;
  decided_at: string | null;
  reason: string | null;
}

function view(r: ChangeRow): PayoutAccountChangeView {
  return {
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    currency: r.currency,
    status: r.status,
    proposed: maskPayoutAccount(r.proposed),
    current: r.current ? maskPayoutAccount(r.current) : null,
    requestedById: r.requested_by,
    requestedBy: r.requested_by_label ?? 'system',
    requestedAt: r.requested_at,
    decidedBy: r.decided_by_label,
    decidedAt: r.decided_at,
    reason: r.reason,
  };
}

async function changeRows(tx: Pick<Tx, 'sql'>, filter: { id?: number; clientId?: number; status?: PayoutChangeStatus; limit?: number }): Promise<ChangeRow[]> {
  return tx.sql<ChangeRow[]>`
    select pc.id::text, pc.client_id::text, c.name as client_name, c.currency, pc.status, pc.proposed, c.payout_account as current,
           pc.requested_by::text, ru.email as requested_by_label,
           to_char(pc.requested_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as requested_at,
           du.email as decided_by_label, to_char(pc.decided_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as decided_at, pc.reason
      from payout_account_changes pc
      join clients c on c.id = pc.client_id
      left join users ru on ru.id = pc.requested_by
      left join users du on du.id = pc.decided_by
     where (${filter.id ?? null}::bigint is null or pc.id = ${filter.id ?? null})
       and (${filter.clientId ?? null}::bigint is null or pc.client_id = ${filter.clientId ?? null})
       and (${filter.status ?? null}::text is null or pc.status = ${filter.status ?? null})
     order by pc.id desc
     limit ${filter.limit ?? 200}`;
}

export const payoutChangeFilterSchema = optional(choice('Status', ['pending', 'approved', 'rejected', 'cancelled']));

/**
 * Payout account changes, newest first (at most 200): `GET /api/v1/payout-account-changes?status=pending`
 * and the approval queue. Staff only (`staff.read` at the route); masked.
 */
export async function listPayoutAccountChanges(
  tx: Pick<Tx, 'sql'>,
  filter: { status?: PayoutChangeStatus; clientId?: number; limit?: number } = {},
): Promise<PayoutAccountChangeView[]> {
  return (await changeRows(tx, filter)).map(view);
}

/** The change of this client's payout account that waits for approval, or null. */
export async function pendingPayoutAccountChange(tx: Pick<Tx, 'sql'>, clientId: number, actor: Actor): Promise<PayoutAccountChangeView | null> {
  assertClientScope(actor, clientId);
  const [row] = await changeRows(tx, { clientId, status: 'pending', limit: 1 });
  return row ? view(row) : null;
}

export async function getPayoutAccountChange(tx: Pick<Tx, 'sql'>, changeId: number): Promise<PayoutAccountChangeView> {
  const [row] = await changeRows(tx, { id: changeId, limit: 1 });
  if (!row) throw notFound('Payout account change', changeId);
  return view(row);
}

/** Why this person may not approve or reject the change (they requested it), or null — for pages. */
export function payoutChangeRefusal(actor: Pick<Actor, 'userId'>, requestedBy: PersonId): string | null {
  return makerRefusal(actor, { ...MAKER, makers: [requestedBy] });
}

function pendingConflict(clientName: string, pending: { id: string; requested_by_label: string | null; requested_at: string }): DomainError {
  return conflict(
    'payout_change_pending',
    `A change of ${clientName}'s payout account waits for approval already (request ${pending.id}, by ${pending.requested_by_label ?? 'system'} on ${pending.requested_at}): ` +
      'it must be approved, rejected or cancelled before another is requested',
    { changeId: pending.id },
  );
}

/**
 * Requests a change of the client's payout account (202: pending until someone else approves).
 * A EUR client's account must be an IBAN account. Asking for the account already recorded is
 * 422 `payout_account_unchanged`; a second request while one waits, 409 `payout_change_pending`.
 *
 * Errors: 401, 403 (needs `client.payout_account`); 404 client; 400 `invalid_input` naming the field.
 */
export async function requestPayoutAccountChange(
  tx: Tx,
  clientId: number,
  input: unknown,
  actor: Actor,
): Promise<{ changeId: string; status: 'pending'; proposed: MaskedPayoutAccount }> {
  requirePermission(actor, 'client.payout_account');
  const proposed = parseInput(payoutAccountSchema, input);
  // the client's row, locked: two requests for one client queue here (the unique index backs it)
  const [client] = await tx.sql<{ name: string; currency: string; payout_account: PayoutAccount | null }[]>`
    select name, currency, payout_account from clients where id = ${clientId} for update`;
  if (!client) throw notFound('Client', clientId);
  if (client.currency === 'EUR' && proposed.kind !== 'iban') {
    const message = `${client.name} is paid in EUR: its payout account must be an IBAN account (IBAN and BIC)`;
    throw new DomainError('invalid_input', message, { status: 400, details: { iban: message } });
  }
  const [pending] = await tx.sql<{ id: string; requested_by_label: string | null; requested_at: string }[]>`
    select pc.id::text, u.email as requested_by_label, to_char(pc.requested_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as requested_at
      from payout_account_changes pc left join users u on u.id = pc.requested_by
     where pc.client_id = ${clientId} and pc.status = 'pending'`;
  if (pending) throw pendingConflict(client.name, pending);
  if (sameAccount(client.payout_account, proposed) && client.payout_account?.holderName === proposed.holderName) {
    throw new DomainError('payout_account_unchanged', `Rebates to ${client.name} are paid to that account already: nothing to change`, { status: 422 });
  }
  const [row] = await tx.sql<{ id: string }[]>`
    insert into payout_account_changes (client_id, proposed, requested_by)
    values (${clientId}, ${JSON.stringify(proposed)}::jsonb, ${requesterId(actor)})
    returning id::text`;
  const masked = maskPayoutAccount(proposed);
  await recordAudit(tx, actor, {
    action: 'client.payout_account_change_requested',
    targetType: 'client',
    targetId: clientId,
    before: client.payout_account ? maskPayoutAccount(client.payout_account) : null,
    after: { changeId: row!.id, status: 'pending', proposed: masked },
  });
  return { changeId: row!.id, status: 'pending', proposed: masked };
}

interface LockedChange {
  id: string;
  client_id: string;
  status: PayoutChangeStatus;
  proposed: PayoutAccount;
  requested_by: string;
}

/** The change, locked: it exists (404), still waits (409 `already_decided`). */
async function lockChange(tx: Tx, changeId: number): Promise<LockedChange> {
  const [row] = await tx.sql<LockedChange[]>`
    select id::text, client_id::text, status, proposed, requested_by::text from payout_account_changes where id = ${changeId} for update`;
  if (!row) throw notFound('Payout account change', changeId);
  if (row.status !== 'pending') throw conflict('already_decided', `This payout account change was ${row.status} already`, { status: row.status });
  return row;
}

/**
 * Approves a pending change: the client's payout account becomes the one asked for, the client's
 * contacts are emailed (all of them: a change of bank details is never opted out of), and the
 * audit event holds before and after, masked. Two approvals at once: the second waits for the
 * row lock and is told it was approved already (409 `already_decided`).
 *
 * Errors: 401, 403 (needs `client.payout_account_approve`; 403 `maker_checker` for the requester);
 * 404; 409 `already_decided`.
 */
export async function approvePayoutAccountChange(tx: Tx, changeId: number, actor: Actor): Promise<PayoutAccountChangeView> {
  requirePermission(actor, 'client.payout_account_approve');
  const change = await lockChange(tx, changeId);
  assertNotMaker(actor, { ...MAKER, makers: [change.requested_by] });
  const [client] = await tx.sql<{ name: string; payout_account: PayoutAccount | null; contacts: ClientContact[] }[]>`
    select name, payout_account, contacts from clients where id = ${change.client_id} for update`;
  // A new account (approved) clears a flag a payout return left (issue 14): its releases may be batched again.
  await tx.sql`update clients set payout_account = ${JSON.stringify(change.proposed)}::jsonb, payout_account_flag = null where id = ${change.client_id}`;
  await tx.sql`update payout_account_changes set status = 'approved', decided_by = ${actor.userId}, decided_at = now() where id = ${changeId}`;
  const before = client!.payout_account ? maskPayoutAccount(client!.payout_account) : null;
  const after = maskPayoutAccount(change.proposed);
  const factor = await factorName(tx);
  const changedOn = todayIn();
  await queueEmails(
    tx,
    client!.contacts.map((c) => ({
      to: c.email,
      template: 'payout_account_changed' as const,
      data: { clientName: client!.name, factorName: factor, account: after.masked, holderName: after.holderName, previous: before?.masked ?? null, changedOn },
      dedupeKey: `payout-account-changed:${changeId}:${c.email}`,
      clientId: Number(change.client_id),
    })),
  );
  await recordAudit(tx, actor, {
    action: 'client.payout_account',
    targetType: 'client',
    targetId: change.client_id,
    before,
    after: { ...after, changeId: change.id, requestedBy: change.requested_by, contactsEmailed: client!.contacts.length },
  });
  return getPayoutAccountChange(tx, changeId);
}

/**
 * Rejects a pending change with a reason; the account stays as it was.
 *
 * Errors: 401, 403 (needs `client.payout_account_approve`; 403 `maker_checker` for the requester,
 * who cancels instead); 400 `reason_required`; 404; 409 `already_decided`.
 */
export async function rejectPayoutAccountChange(tx: Tx, changeId: number, input: { reason?: unknown }, actor: Actor): Promise<PayoutAccountChangeView> {
  requirePermission(actor, 'client.payout_account_approve');
  const reason = requireReason(input.reason);
  const change = await lockChange(tx, changeId);
  assertNotMaker(actor, { ...MAKER, makers: [change.requested_by] });
  await tx.sql`
    update payout_account_changes set status = 'rejected', decided_by = ${actor.userId}, decided_at = now(), reason = ${reason} where id = ${changeId}`;
  await recordAudit(tx, actor, {
    action: 'client.payout_account_change_rejected',
    targetType: 'client',
    targetId: change.client_id,
    after: { changeId: change.id, proposed: maskPayoutAccount(change.proposed), reason },
  });
  return getPayoutAccountChange(tx, changeId);
}

/**
 * Withdraws a pending change (its requester, or anyone who may request one: e.g. it was typed
 * wrong); the account stays as it was.
 *
 * Errors: 401, 403 (needs `client.payout_account`); 404; 409 `already_decided`.
 */
export async function cancelPayoutAccountChange(tx: Tx, changeId: number, input: { reason?: unknown }, actor: Actor): Promise<PayoutAccountChangeView> {
  requirePermission(actor, 'client.payout_account');
  const change = await lockChange(tx, changeId);
  const reason = typeof input.reason === 'string' && input.reason.trim() !== '' ? input.reason.trim() : null;
  await tx.sql`
    update payout_account_changes set status = 'cancelled', decided_by = ${actor.userId}, decided_at = now(), reason = ${reason} where id = ${changeId}`;
  await recordAudit(tx, actor, {
    action: 'client.payout_account_change_cancelled',
    targetType: 'client',
    targetId: change.client_id,
    after: { changeId: change.id, proposed: maskPayoutAccount(change.proposed), reason },
  });
  return getPayoutAccountChange(tx, changeId);
}
