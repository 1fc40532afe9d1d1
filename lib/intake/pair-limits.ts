import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, todayIn } from '../dates';
import { notFound, refused, unknownId } from '../errors';
import { Big, moneyOut, parseMoney } from '../money';
import { parseInput } from '../validation';
import { businessDate, currency, id, money, optional, text } from '../validation/fields';
import { overrideActive } from './rules';

/** timestamps as the database driver hands them (a Date or its text) → ISO 8601 */
const iso = (v: Date | string) => new Date(v).toISOString();
/**
 * Issue 16 item 4, client–debtor limits: the most the factor will have out with one debtor for
 * one client, per currency (no FX), beside the debtor's credit limit and the client's (SPEC 5.1).
 * Set by an underwriter, with history (append-only rows: who, when, why); an approver may
 * authorise an override — a higher limit until a date — which expires by itself. Funding a batch
 * that takes a pair over its limit (and no active override covers it) holds the batch for
 * approval (lib/funding/prepare.ts).
 */

export const pairLimitSchema = z.object({
  debtorId: id('Debtor'),
  currency: currency('Currency'),
  /** null or "": remove the pair's limit */
  limit: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), money('Limit').nullable()),
  reason: optional(text('Reason', { max: 2000 })),
});

export const pairOverrideSchema = z.object({
  debtorId: id('Debtor'),
  currency: currency('Currency'),
  limit: money('Override limit', { allowZero: false }),
  until: businessDate('Until'),
  reason: text('Reason', { max: 2000 }),
});

export interface PairLimitView {
  debtorId: string;
  debtorName: string;
  currency: string;
  limit: string;
  /** open funded receivables of the client with the debtor in this currency */
  exposure: string;
  setBy: string | null;
  setAt: string;
  reason: string | null;
  /** the override in force today (the largest), if any */
  override: PairOverrideView | null;
}

export interface PairLimitChange {
  id: string;
  debtorId: string;
  debtorName: string;
  currency: string;
  /** null: the limit was removed */
  limit: string | null;
  reason: string | null;
  setBy: string | null;
  setAt: string;
}

export interface PairOverrideView {
  id: string;
  debtorId: string;
  debtorName: string;
  currency: string;
  limit: string;
  until: string;
  reason: string;
  grantedBy: string | null;
  grantedAt: string;
  active: boolean;
}

export interface PairLimits {
  limits: PairLimitView[];
  history: PairLimitChange[];
  overrides: PairOverrideView[];
}

async function clientAndDebtor(tx: Tx, clientId: number, debtorId: number) {
  const [client] = await tx.sql<{ id: string; name: string }[]>`select id, name from clients where id = ${clientId}`;
  if (!client) throw notFound('Client', clientId);
  const [debtor] = await tx.sql<{ id: string; name: string; merged_into_id: string | null }[]>`
    select id, name, merged_into_id from debtors where id = ${debtorId} for key share`;
  if (!debtor) throw unknownId('debtorId', 'Debtor', debtorId);
  if (debtor.merged_into_id !== null)
    throw refused('debtor_merged', `${debtor.name} (debtor ${debtor.id}) was merged into debtor ${debtor.merged_into_id}; set the limit on that debtor`, {
      debtorId: `was merged into debtor ${debtor.merged_into_id}`,
    });
  return { client, debtor };
}

/** Sets (or, with `limit` null, removes) a pair's limit: a new history row, audited. */
export async function setPairLimit(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<PairLimitChange> {
  requirePermission(actor, 'pair_limit.set');
  const data = parseInput(pairLimitSchema, input);
  const limit = data.limit === null ? null : parseMoney(data.limit, data.currency, { field: 'limit' });
  const { debtor } = await clientAndDebtor(tx, clientId, data.debtorId);
  const [before] = await tx.sql<{ limit: string | null }[]>`
    select "limit" from client_debtor_limits where client_id = ${clientId} and debtor_id = ${data.debtorId} and currency = ${data.currency}
     order by id desc limit 1`;
  const [row] = await tx.sql<{ id: string; created_at: Date | string }[]>`
    insert into client_debtor_limits (client_id, debtor_id, currency, "limit", reason, set_by)
    values (${clientId}, ${data.debtorId}, ${data.currency}, ${limit === null ? null : limit.toString()}, ${data.reason ?? null}, ${actor.userId}::bigint)
    returning id, created_at`;
  const change: PairLimitChange = {
    id: String(row!.id),
    debtorId: String(debtor.id),
    debtorName: debtor.name,
    currency: data.currency,
    limit: limit === null ? null : moneyOut(limit, data.currency),
    reason: data.reason ?? null,
    setBy: actor.userId === null ? null : String(actor.userId),
    setAt: iso(row!.created_at),
  };
  await recordAudit(tx, actor, {
    action: 'pair_limit.set',
    targetType: 'client',
    targetId: clientId,
    before: { debtorId: change.debtorId, currency: data.currency, limit: before?.limit ? moneyOut(before.limit, data.currency) : null },
    after: { debtorId: change.debtorId, currency: data.currency, limit: change.limit, reason: change.reason },
  });
  return change;
}

/** An approver's override: exposure up to `limit` allowed for fundings dated up to `until`. */
export async function grantPairOverride(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<PairOverrideView> {
  requirePermission(actor, 'pair_limit.override');
  const data = parseInput(pairOverrideSchema, input);
  const limit = parseMoney(data.limit, data.currency, { field: 'limit' });
  assertBusinessDateInWindow(data.until, 'Until', 'ahead', { field: 'until' });
  if (data.until < todayIn())
    throw refused('date_out_of_range', `Until ${data.until} has passed; an override runs until today or later`, { until: 'must be today or later' });
  const { debtor } = await clientAndDebtor(tx, clientId, data.debtorId);
  const [row] = await tx.sql<{ id: string; created_at: Date | string }[]>`
    insert into client_debtor_limit_overrides (client_id, debtor_id, currency, "limit", until, reason, granted_by)
    values (${clientId}, ${data.debtorId}, ${data.currency}, ${limit.toString()}, ${data.until}, ${data.reason}, ${actor.userId}::bigint)
    returning id, created_at`;
  const view: PairOverrideView = {
    id: String(row!.id),
    debtorId: String(debtor.id),
    debtorName: debtor.name,
    currency: data.currency,
    limit: moneyOut(limit, data.currency),
    until: data.until,
    reason: data.reason,
    grantedBy: actor.userId === null ? null : String(actor.userId),
    grantedAt: iso(row!.created_at),
    active: true,
  };
  await recordAudit(tx, actor, { action: 'pair_limit.override', targetType: 'client', targetId: clientId, after: view });
  return view;
}

/** A client's pair limits in force (with today's exposure and override), their history and the overrides. */
export async function listPairLimits(tx: Tx, clientId: number, actor: Actor): Promise<PairLimits> {
  requirePermission(actor, 'staff.read');
  assertClientScope(actor, clientId, 'Client');
  const [client] = await tx.sql<{ id: string }[]>`select id from clients where id = ${clientId}`;
  if (!client) throw notFound('Client', clientId);
  const today = todayIn();
  const history = await tx.sql<
    {
      id: string;
      debtor_id: string;
      name: string;
      currency: string;
      limit: string | null;
      reason: string | null;
      set_by: string | null;
      created_at: Date | string;
    }[]
  >`
    select l.id, l.debtor_id, d.name, l.currency, l."limit", l.reason, u.name as set_by, l.created_at
      from client_debtor_limits l join debtors d on d.id = l.debtor_id left join users u on u.id = l.set_by
     where l.client_id = ${clientId} order by l.id desc limit 200`;
  const overrides = await tx.sql<
    {
      id: string;
      debtor_id: string;
      name: string;
      currency: string;
      limit: string;
      until: string;
      reason: string;
      granted_by: string | null;
      created_at: Date | string;
    }[]
  >`
    select o.id, o.debtor_id, d.name, o.currency, o."limit", o.until, o.reason, u.name as granted_by, o.created_at
      from client_debtor_limit_overrides o join debtors d on d.id = o.debtor_id left join users u on u.id = o.granted_by
     where o.client_id = ${clientId} order by o.id desc limit 200`;
  // the latest row per pair (the history index), and the pair's open exposure from the client's open invoices
  const current = await tx.sql<
    {
      debtor_id: string;
      name: string;
      currency: string;
      limit: string;
      reason: string | null;
      set_by: string | null;
      created_at: Date | string;
      exposure: string;
    }[]
  >`
    select l.debtor_id, d.name, l.currency, l."limit", l.reason, u.name as set_by, l.created_at,
           coalesce((select sum(i.outstanding) from invoices i
                      where i.client_id = l.client_id and i.debtor_id = l.debtor_id and i.currency = l.currency and i.status in ('funded', 'disputed')), 0) as exposure
      from (select distinct on (debtor_id, currency) * from client_debtor_limits where client_id = ${clientId} order by debtor_id, currency, id desc) l
      join debtors d on d.id = l.debtor_id left join users u on u.id = l.set_by
     where l."limit" is not null
     order by d.name, l.currency`;
  const overrideViews = overrides.map((o): PairOverrideView => ({
    id: String(o.id),
    debtorId: String(o.debtor_id),
    debtorName: o.name,
    currency: o.currency,
    limit: moneyOut(o.limit, o.currency),
    until: o.until,
    reason: o.reason,
    grantedBy: o.granted_by,
    grantedAt: iso(o.created_at),
    active: overrideActive(o.until, today),
  }));
  return {
    limits: current.map((l) => {
      const active = overrideViews
        .filter((o) => o.active && o.debtorId === String(l.debtor_id) && o.currency === l.currency)
        .sort((a, b) => new Big(b.limit).cmp(a.limit))[0];
      return {
        debtorId: String(l.debtor_id),
        debtorName: l.name,
        currency: l.currency,
        limit: moneyOut(l.limit, l.currency),
        exposure: moneyOut(l.exposure, l.currency),
        setBy: l.set_by,
        setAt: iso(l.created_at),
        reason: l.reason,
        override: active ?? null,
      };
    }),
    history: history.map((h) => ({
      id: String(h.id),
      debtorId: String(h.debtor_id),
      debtorName: h.name,
      currency: h.currency,
      limit: h.limit === null ? null : moneyOut(h.limit, h.currency),
      reason: h.reason,
      setBy: h.set_by,
      setAt: iso(h.created_at),
    })),
    overrides: overrideViews,
  };
}

/**
 * Funding's look-up (one query for the batch's debtors): each pair's limit in force and the
 * largest override active on the funding date.
 */
export async function pairLimitsFor(
  tx: Tx,
  clientId: number,
  debtorIds: string[],
  currency: string,
  fundingDate: string,
): Promise<Map<string, { limit: string | null; override: { limit: string; until: string } | null }>> {
  const rows = await tx.sql<{ debtor_id: string; limit: string | null; override_limit: string | null; override_until: string | null }[]>`
    select d.id as debtor_id,
           (select l."limit" from client_debtor_limits l
             where l.client_id = ${clientId} and l.debtor_id = d.id and l.currency = ${currency} order by l.id desc limit 1) as "limit",
           o."limit" as override_limit, o.until as override_until
      from unnest(${debtorIds}::bigint[]) as d(id)
      left join lateral (
        select o."limit", o.until from client_debtor_limit_overrides o
         where o.client_id = ${clientId} and o.debtor_id = d.id and o.currency = ${currency} and o.until >= ${fundingDate}::date
         order by o."limit" desc limit 1) o on true`;
  return new Map(
    rows.map((r) => [
      String(r.debtor_id),
      { limit: r.limit, override: r.override_limit === null ? null : { limit: r.override_limit, until: r.override_until! } },
    ]),
  );
}
