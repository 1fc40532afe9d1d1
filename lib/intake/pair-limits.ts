import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, todayIn } from '../dates';
import { conflict, notFound, refused, unknownId } from '../errors';
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
  /** in force today: not past `until` and not revoked */
  active: boolean;
  /** revoked before its `until` (migration 0041): who, when, why; null when not revoked */
  revokedBy: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
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
    revokedBy: null,
    revokedAt: null,
    revokedReason: null,
  };
  await recordAudit(tx, actor, { action: 'pair_limit.override', targetType: 'client', targetId: clientId, after: view });
  return view;
}

/** An override row as the views show it, with whether it is in force and its revocation. */
function overrideView(
  o: {
    id: string | number;
    debtor_id: string | number;
    name: string;
    currency: string;
    limit: string;
    until: string;
    reason: string;
    granted_by: string | null;
    created_at: Date | string;
  },
  state: Pick<PairOverrideView, 'active' | 'revokedBy' | 'revokedAt' | 'revokedReason'>,
): PairOverrideView {
  return {
    id: String(o.id),
    debtorId: String(o.debtor_id),
    debtorName: o.name,
    currency: o.currency,
    limit: moneyOut(o.limit, o.currency),
    until: o.until,
    reason: o.reason,
    grantedBy: o.granted_by,
    grantedAt: iso(o.created_at),
    ...state,
  };
}

export const revokeOverrideSchema = z.object({ reason: text('Reason', { max: 2000 }) });

/**
 * Revokes an override before its `until` (the same permission as granting it, with a reason): a
 * revocation row (append-only, migration 0041), audited; funding after it no longer sees the
 * override. 404 for an override not of this client; 409 `already_revoked` the second time and
 * `override_expired` for one whose `until` has passed (nothing left to revoke).
 */
export async function revokePairOverride(tx: Tx, clientId: number, overrideId: number, input: unknown, actor: Actor): Promise<PairOverrideView> {
  requirePermission(actor, 'pair_limit.override');
  const { reason } = parseInput(revokeOverrideSchema, input);
  assertClientScope(actor, clientId, 'Client');
  const [o] = await tx.sql<
    {
      id: string;
      debtor_id: string;
      name: string;
      currency: string;
      limit: string;
      until: string;
      reason: string;
      created_at: Date | string;
      granted_by: string | null;
    }[]
  >`
    select o.id, o.debtor_id, d.name, o.currency, o."limit", o.until, o.reason, o.created_at, u.name as granted_by
      from client_debtor_limit_overrides o join debtors d on d.id = o.debtor_id left join users u on u.id = o.granted_by
     where o.id = ${overrideId} and o.client_id = ${clientId}`;
  if (!o) throw notFound('Override', overrideId);
  if (!overrideActive(o.until, todayIn()))
    throw conflict('override_expired', `The override for ${o.name} ran until ${o.until}; it has expired already, so there is nothing to revoke`, {
      overrideId: String(overrideId),
    });
  // once per override: a second revocation (or two at once) meets the unique key and inserts nothing
  const [row] = await tx.sql<{ created_at: Date | string; revoked_by: string | null }[]>`
    insert into client_debtor_limit_override_revocations (override_id, reason, revoked_by)
    values (${overrideId}, ${reason}, ${actor.userId}::bigint)
    on conflict on constraint client_debtor_limit_override_revocations_override do nothing
    returning created_at, (select u.name from users u where u.id = revoked_by) as revoked_by`;
  if (!row) throw conflict('already_revoked', `The override for ${o.name} was revoked already`, { overrideId: String(overrideId) });
  const view = overrideView(o, { active: false, revokedBy: row.revoked_by, revokedAt: iso(row.created_at), revokedReason: reason });
  await recordAudit(tx, actor, {
    action: 'pair_limit.override_revoke',
    targetType: 'client',
    targetId: clientId,
    before: { overrideId: view.id, debtorId: view.debtorId, currency: view.currency, limit: view.limit, until: view.until, active: true },
    after: { overrideId: view.id, active: false, reason },
  });
  return view;
}

/** A client's pair limits in force (with today's exposure and override), their history and the overrides. */
export async function listPairLimits(tx: Tx, clientId: number, actor: Actor, options: { known?: boolean } = {}): Promise<PairLimits> {
  requirePermission(actor, 'staff.read');
  assertClientScope(actor, clientId, 'Client');
  // known: the caller (the client page) has just read the client; else an unknown id is a 404
  if (!options.known) {
    const [client] = await tx.sql<{ id: string }[]>`select id from clients where id = ${clientId}`;
    if (!client) throw notFound('Client', clientId);
  }
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
      revoked_by: string | null;
      revoked_at: Date | string | null;
      revoked_reason: string | null;
    }[]
  >`
    select o.id, o.debtor_id, d.name, o.currency, o."limit", o.until, o.reason, u.name as granted_by, o.created_at,
           ru.name as revoked_by, r.created_at as revoked_at, r.reason as revoked_reason
      from client_debtor_limit_overrides o join debtors d on d.id = o.debtor_id left join users u on u.id = o.granted_by
      left join client_debtor_limit_override_revocations r on r.override_id = o.id left join users ru on ru.id = r.revoked_by
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
  const overrideViews = overrides.map((o) =>
    overrideView(o, {
      active: o.revoked_at === null && overrideActive(o.until, today),
      revokedBy: o.revoked_by,
      revokedAt: o.revoked_at ? iso(o.revoked_at) : null,
      revokedReason: o.revoked_reason,
    }),
  );
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
           -- a revoked override no longer counts, from its revocation on (0041; probed by its unique key)
           and not exists (select 1 from client_debtor_limit_override_revocations r where r.override_id = o.id)
         order by o."limit" desc limit 1) o on true`;
  return new Map(
    rows.map((r) => [
      String(r.debtor_id),
      { limit: r.limit, override: r.override_limit === null ? null : { limit: r.override_limit, until: r.override_until! } },
    ]),
  );
}

export interface CarriedPairLimits {
  /** new client_debtor_limits rows on the survivor: B's limit where it is the lower (or A had none) */
  limits: { clientId: string; currency: string; limit: string }[];
  /** overrides copied from B to the survivor */
  overrides: { clientId: string; currency: string; limit: string; until: string; fromOverrideId: string; id: string }[];
  /** the survivor's active overrides revoked because B's (carried) was lower */
  revokedOnSurvivor: string[];
  /** B's active overrides, revoked: the survivor's pair now carries them */
  revokedOnMerged: string[];
}

/**
 * Issue 16 item 4 at a debtor merge (lib/debtors/merge.ts, in the approval's transaction): each
 * client's limit and active override on the merged debtor B apply to the pair client–survivor A
 * from the merge on. Conservative, per client and currency:
 *
 * - limits: B's limit in force becomes A's when A has none, or when B's is LOWER than A's (a new
 *   row on A; A's own stays in force when it is the lower or equal) — the combined exposure
 *   (B's invoices move to A) is held to the smaller of the two limits anyone had set;
 * - overrides active today: B's (the largest, as funding reads it) is copied to A with its limit,
 *   until and grantor when A has none, or when B's is LOWER than A's — then A's active ones are
 *   revoked, so one override, the lower, remains; B's own active overrides are revoked (carried).
 *
 * Append-only throughout (new rows, revocation rows: the history stays), set-based (one
 * statement for the limits, one for the overrides, whatever the number of clients). A merge is a
 * one-off: the limits of one debtor are read by its id without an index on debtor_id alone.
 */
export async function carryPairLimitsOnMerge(
  tx: Tx,
  merge: { mergeId: number; fromId: number; fromName: string; intoId: number; intoName: string },
  actor: Actor,
): Promise<CarriedPairLimits> {
  const { mergeId, fromId, fromName, intoId, intoName } = merge;
  const today = todayIn();
  const limitReason = `Debtor merge ${mergeId}: ${fromName} (#${fromId}) merged into ${intoName} (#${intoId}); ${fromName}'s limit is the lower, so it applies`;
  const limits = await tx.sql<{ client_id: string; currency: string; limit: string }[]>`
    with b as (
      select distinct on (client_id, currency) client_id, currency, "limit" from client_debtor_limits
       where debtor_id = ${fromId} order by client_id, currency, id desc),
    a as (
      select distinct on (client_id, currency) client_id, currency, "limit" from client_debtor_limits
       where debtor_id = ${intoId} order by client_id, currency, id desc)
    insert into client_debtor_limits (client_id, debtor_id, currency, "limit", reason, set_by)
    select b.client_id, ${intoId}, b.currency, b."limit", ${limitReason}, ${actor.userId}::bigint
      from b left join a on a.client_id = b.client_id and a.currency = b.currency
     where b."limit" is not null and (a."limit" is null or b."limit" < a."limit")
     order by b.client_id, b.currency
    returning client_id, currency, "limit"`;
  const carriedPrefix = `Carried from ${fromName} (#${fromId}) at debtor merge ${mergeId}: `;
  const revokeSurvivor = `Debtor merge ${mergeId}: ${fromName}'s lower override for this client now applies to ${intoName}`;
  const revokeMerged = `Debtor merge ${mergeId}: ${fromName} merged into ${intoName}; the override was carried to ${intoName}`;
  const [out] = await tx.sql<
    {
      carried: { id: string; client_id: string; currency: string; limit: string; until: string; from_id: string }[] | null;
      revoked_a: string[] | null;
      revoked_b: string[] | null;
    }[]
  >`
    with live as (
      select o.* from client_debtor_limit_overrides o
       where o.debtor_id = any(${[fromId, intoId]}::bigint[]) and o.until >= ${today}::date
         and not exists (select 1 from client_debtor_limit_override_revocations r where r.override_id = o.id)),
    bo as (select distinct on (client_id, currency) * from live where debtor_id = ${fromId} order by client_id, currency, "limit" desc, id),
    ao as (select distinct on (client_id, currency) * from live where debtor_id = ${intoId} order by client_id, currency, "limit" desc, id),
    take as (
      select bo.* from bo left join ao on ao.client_id = bo.client_id and ao.currency = bo.currency
       where ao.id is null or bo."limit" < ao."limit"),
    carried as (
      insert into client_debtor_limit_overrides (client_id, debtor_id, currency, "limit", until, reason, granted_by)
      select t.client_id, ${intoId}, t.currency, t."limit", t.until, ${carriedPrefix} || t.reason || ' (override ' || t.id || ')', t.granted_by
        from take t order by t.client_id, t.currency
      returning id, client_id, currency, "limit", until, reason),
    revoked_a as (
      insert into client_debtor_limit_override_revocations (override_id, reason, revoked_by)
      select l.id, ${revokeSurvivor}, ${actor.userId}::bigint
        from live l join take t on t.client_id = l.client_id and t.currency = l.currency
       where l.debtor_id = ${intoId}
       order by l.id
      on conflict on constraint client_debtor_limit_override_revocations_override do nothing
      returning override_id),
    revoked_b as (
      insert into client_debtor_limit_override_revocations (override_id, reason, revoked_by)
      select l.id, ${revokeMerged}, ${actor.userId}::bigint from live l where l.debtor_id = ${fromId} order by l.id
      on conflict on constraint client_debtor_limit_override_revocations_override do nothing
      returning override_id)
    select (select json_agg(json_build_object('id', c.id::text, 'client_id', c.client_id::text, 'currency', c.currency, 'limit', c."limit"::text,
                                              'until', c.until::text, 'from_id', t.id::text) order by c.client_id, c.currency)
              from carried c join take t on t.client_id = c.client_id and t.currency = c.currency) as carried,
           (select array_agg(override_id::text order by override_id) from revoked_a) as revoked_a,
           (select array_agg(override_id::text order by override_id) from revoked_b) as revoked_b`;
  const result: CarriedPairLimits = {
    limits: limits.map((l) => ({ clientId: String(l.client_id), currency: l.currency, limit: moneyOut(l.limit, l.currency) })),
    overrides: (out?.carried ?? []).map((c) => ({
      id: c.id,
      clientId: c.client_id,
      currency: c.currency,
      limit: moneyOut(c.limit, c.currency),
      until: c.until,
      fromOverrideId: c.from_id,
    })),
    revokedOnSurvivor: out?.revoked_a ?? [],
    revokedOnMerged: out?.revoked_b ?? [],
  };
  if (result.limits.length + result.overrides.length + result.revokedOnMerged.length + result.revokedOnSurvivor.length > 0) {
    await recordAudit(tx, actor, {
      action: 'pair_limit.merge_carry',
      targetType: 'debtor',
      targetId: intoId,
      after: { mergeId: String(mergeId), fromDebtorId: String(fromId), ...result },
    });
  }
  return result;
}
