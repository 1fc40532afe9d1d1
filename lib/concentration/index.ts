import type { Database, Tx } from '../../db/client';
import { recordAudit, type AuditInput } from '../audit';
import { systemActor } from '../auth/actor';
import { todayIn } from '../dates';
import { Big, displayMoney, moneyOut, parseRate } from '../money';
import { appUrl, queueEmail } from '../notifications';
import { SETTINGS } from '../settings';
import { webhookAlertsRaised } from '../webhooks/emit';

/**
 * SPEC 7 "concentration alerts": hourly and after each funding, every debtor's share of each
 * client's open receivables (limit: the agreement's concentrationLimit, SPEC 2) and of the whole
 * portfolio (limit: the `concentration.portfolio_limit` setting), per currency. A share at 90%
 * of a limit opens a `near` alert, a share above it a `breach`; underwriters are emailed once
 * per alert, never once per run.
 */

export type AlertScope = 'client' | 'portfolio';
export type AlertLevel = 'near' | 'breach';

export const JOB_NAME = 'concentration-alerts';
export const PORTFOLIO_LIMIT_SETTING = SETTINGS.portfolioConcentrationLimit;
export const DEFAULT_PORTFOLIO_LIMIT = '0.25';
/** A share at or above this fraction of the limit is "near" the limit. */
export const NEAR_FRACTION = new Big('0.9');
/** Shares are kept to the scale of the `share` column (numeric(12,10)). */
export const SHARE_PLACES = 10;

export interface Exposure {
  scope: AlertScope;
  /** null for the portfolio scope */
  clientId: number | null;
  debtorId: number;
  currency: string;
  /** what the debtor still owes on open (funded, disputed) invoices */
  exposure: Big;
  /** the open receivables of the client (scope `client`) or of the whole portfolio, same currency */
  total: Big;
  limit: Big;
}

export type Flagged<E extends Exposure = Exposure> = E & { level: AlertLevel; share: Big };

/**
 * Classifies one exposure: `breach` when share > limit, `near` when share ≥ 0.9 × limit,
 * otherwise null. The comparisons multiply instead of dividing, so they are exact; the share
 * reported is exposure ÷ total rounded half-up to 10 places. A limit of 1 or more cannot be
 * exceeded (a share is at most 1) and is not checked.
 */
export function classifyExposure(e: Exposure): { level: AlertLevel; share: Big } | null {
  if (e.limit.gte(1) || e.total.lte(0) || e.exposure.lte(0)) return null;
  const ceiling = e.limit.times(e.total);
  const level: AlertLevel | null = e.exposure.gt(ceiling) ? 'breach' : e.exposure.gte(NEAR_FRACTION.times(ceiling)) ? 'near' : null;
  if (!level) return null;
  return { level, share: e.exposure.div(e.total).round(SHARE_PLACES, Big.roundHalfUp) };
}

/** The exposures that are near or over their limit, each with its level and share. */
export function classifyExposures<E extends Exposure>(exposures: readonly E[]): Flagged<E>[] {
  const flagged: Flagged<E>[] = [];
  for (const e of exposures) {
    const c = classifyExposure(e);
    if (c) flagged.push({ ...e, ...c });
  }
  return flagged;
}

/** One debtor's concentration in one scope and currency; an alert is this plus a level. */
export function alertKey(a: { scope: AlertScope; clientId: number | null; debtorId: number; currency: string }): string {
  return `${a.scope}:${a.clientId ?? 0}:${a.debtorId}:${a.currency}`;
}

export interface ExistingAlert {
  id: number;
  scope: AlertScope;
  clientId: number | null;
  debtorId: number;
  currency: string;
  level: AlertLevel;
}

export interface Reconciliation<E extends Exposure, A extends ExistingAlert> {
  /** flagged now, with no open alert of that level: open one (and email) */
  open: Flagged<E>[];
  /** flagged now at the level of an open alert: refresh it */
  keep: { alert: A; now: Flagged<E> }[];
  /** open alerts whose condition is gone; `now` is the other level when it changed level */
  resolve: { alert: A; now: Flagged<E> | null }[];
}

/**
 * Matches what is flagged now against the open alerts by debtor, scope, currency and level. A
 * near that escalates to a breach resolves the near and opens a breach (and the other way).
 */
export function reconcileAlerts<E extends Exposure, A extends ExistingAlert>(openAlerts: readonly A[], flagged: readonly Flagged<E>[]): Reconciliation<E, A> {
  const byKey = new Map(flagged.map((f) => [alertKey(f), f]));
  const result: Reconciliation<E, A> = { open: [], keep: [], resolve: [] };
  const kept = new Set<string>();
  for (const alert of openAlerts) {
    const now = byKey.get(alertKey(alert)) ?? null;
    if (now && now.level === alert.level && !kept.has(alertKey(alert))) {
      result.keep.push({ alert, now });
      kept.add(alertKey(alert));
    } else {
      result.resolve.push({ alert, now });
    }
  }
  for (const f of flagged) if (!kept.has(alertKey(f))) result.open.push(f);
  return result;
}

export interface ConcentrationTotals {
  opened: number;
  resolved: number;
  /** open alerts after the run */
  open: number;
  emailed: number;
}

interface ExposureRow extends Exposure {
  clientName: string | null;
  debtorName: string;
}

/** A share or a limit as people read it: 0.625 → "62.5%". */
export const percent = (rate: Big | string) => `${new Big(rate).times(100).round(2, Big.roundHalfUp).toString()}%`;

/** The portfolio limit from settings (a JSON string such as "0.25"), 0.25 when absent. */
async function portfolioLimit(tx: Tx): Promise<Big> {
  const [row] = await tx.sql<{ value: string | null }[]>`select value #>> '{}' as value from settings where key = ${PORTFOLIO_LIMIT_SETTING}`;
  // An unreadable setting fails the run loudly (job_runs, the failed job) rather than guessing.
  return parseRate(row?.value ?? DEFAULT_PORTFOLIO_LIMIT, PORTFOLIO_LIMIT_SETTING);
}

/**
 * Every debtor's open receivables against its client's and the portfolio's, per currency, in
 * one statement. Pairs clearly under 90% of their limit are left out here (the same exact
 * numeric comparison); classifyExposure decides the level.
 */
async function currentExposures(tx: Tx, today: string, portfolio: Big): Promise<ExposureRow[]> {
  const rows = await tx.sql<
    {
      scope: AlertScope;
      client_id: string | null;
      client_name: string | null;
      debtor_id: string;
      debtor_name: string;
      currency: string;
      exposure: string;
      total: string;
      lim: string;
    }[]
  >`
    with open as (
      select client_id, debtor_id, currency, sum(outstanding) as exposure
        from invoices
       where status in ('funded', 'disputed')
       group by client_id, debtor_id, currency
      having sum(outstanding) > 0),
    client_limit as (
      select distinct on (client_id) client_id, concentration_limit as lim
        from agreements
       where status = 'approved' and effective_from <= ${today}::date
       order by client_id, effective_from desc, version desc),
    by_client as (
      select 'client'::text as scope, o.client_id, o.debtor_id, o.currency, o.exposure,
             sum(o.exposure) over (partition by o.client_id, o.currency) as total, l.lim
        from open o join client_limit l on l.client_id = o.client_id
       where l.lim < 1),
    by_portfolio as (
      select 'portfolio'::text as scope, null::bigint as client_id, p.debtor_id, p.currency, p.exposure,
             sum(p.exposure) over (partition by p.currency) as total, ${portfolio.toString()}::numeric as lim
        from (select debtor_id, currency, sum(exposure) as exposure from open group by debtor_id, currency) p
       where ${portfolio.toString()}::numeric < 1),
    e as (select * from by_client union all select * from by_portfolio)
    select e.scope, e.client_id, c.name as client_name, e.debtor_id, d.name as debtor_name, e.currency, e.exposure, e.total, e.lim
      from e
      join debtors d on d.id = e.debtor_id
      left join clients c on c.id = e.client_id
     where e.exposure >= ${NEAR_FRACTION.toString()}::numeric * e.lim * e.total
     order by e.scope, e.client_id nulls first, e.debtor_id, e.currency`;
  return rows.map((r) => ({
    scope: r.scope,
    clientId: r.client_id === null ? null : Number(r.client_id),
    clientName: r.client_name,
    debtorId: Number(r.debtor_id),
    debtorName: r.debtor_name,
    currency: r.currency,
    exposure: new Big(r.exposure),
    total: new Big(r.total),
    limit: new Big(r.lim),
  }));
}

interface StoredAlert extends ExistingAlert {
  share: string;
  limit: string;
  exposure: string;
}

const alertFacts = (f: Flagged<ExposureRow>) => ({
  scope: f.scope,
  clientId: f.clientId === null ? null : String(f.clientId),
  debtorId: String(f.debtorId),
  currency: f.currency,
  level: f.level,
  share: f.share.toString(),
  limit: f.limit.toString(),
  exposure: moneyOut(f.exposure, f.currency),
  total: moneyOut(f.total, f.currency),
});

/**
 * The concentration check (SPEC 7) in one transaction: compute, reconcile with the open alerts,
 * audit, queue the underwriters' emails and record the run — all or nothing, so a crash mid-run
 * leaves the last run's state and the next run does the work. Runs are serialized by a
 * transaction-scoped advisory lock: two workers never open the same alert twice.
 */
export async function runConcentrationCheck(database: Database, options: { now?: Date } = {}): Promise<ConcentrationTotals> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const today = todayIn(undefined, now);
  const actor = systemActor(`job:${JOB_NAME}`);
  try {
    return await database.transaction(async (tx) => {
      await tx.sql`select pg_advisory_xact_lock(hashtext('holdback.concentration_alerts'))`;
      const flagged = classifyExposures(await currentExposures(tx, today, await portfolioLimit(tx)));
      const stored = await tx.sql<
        {
          id: string;
          scope: AlertScope;
          client_id: string | null;
          debtor_id: string;
          currency: string;
          level: AlertLevel;
          share: string;
          limit: string;
          exposure: string;
        }[]
      >`select id, scope, client_id, debtor_id, currency, level, share, "limit", exposure from concentration_alerts where status = 'open' order by id`;
      const openAlerts: StoredAlert[] = stored.map((a) => ({
        id: Number(a.id),
        scope: a.scope,
        clientId: a.client_id === null ? null : Number(a.client_id),
        debtorId: Number(a.debtor_id),
        currency: a.currency,
        level: a.level,
        share: a.share,
        limit: a.limit,
        exposure: a.exposure,
      }));
      const plan = reconcileAlerts(openAlerts, flagged);

      if (plan.resolve.length > 0) {
        await tx.sql`
          update concentration_alerts set status = 'resolved', resolved_at = ${at}::timestamptz
           where id = any(${plan.resolve.map((r) => r.alert.id)}::bigint[]) and status = 'open'`;
      }
      if (plan.keep.length > 0) {
        const col = <T>(f: (k: (typeof plan.keep)[number]) => T) => plan.keep.map(f);
        await tx.sql`
          update concentration_alerts a
             set share = u.share, "limit" = u.lim, exposure = u.exposure, last_seen_at = ${at}::timestamptz
            from unnest(${col((k) => k.alert.id)}::bigint[], ${col((k) => k.now.share.toString())}::numeric[],
                        ${col((k) => k.now.limit.toString())}::numeric[], ${col((k) => k.now.exposure.toString())}::numeric[])
                 as u(id, share, lim, exposure)
           where a.id = u.id`;
      }
      const opened: { alert: Flagged<ExposureRow>; id: number }[] = [];
      if (plan.open.length > 0) {
        const col = <T>(f: (o: Flagged<ExposureRow>) => T) => plan.open.map(f);
        const inserted = await tx.sql<{ id: string; scope: AlertScope; client_id: string | null; debtor_id: string; currency: string }[]>`
          insert into concentration_alerts (scope, client_id, debtor_id, currency, level, share, "limit", exposure, status, opened_at, last_seen_at)
          select u.scope, u.client_id, u.debtor_id, u.currency, u.level, u.share, u.lim, u.exposure, 'open', ${at}::timestamptz, ${at}::timestamptz
            from unnest(${col((o) => o.scope)}::text[], ${col((o) => o.clientId) as never}::bigint[], ${col((o) => o.debtorId)}::bigint[],
                        ${col((o) => o.currency)}::text[], ${col((o) => o.level)}::text[], ${col((o) => o.share.toString())}::numeric[],
                        ${col((o) => o.limit.toString())}::numeric[], ${col((o) => o.exposure.toString())}::numeric[])
                 as u(scope, client_id, debtor_id, currency, level, share, lim, exposure)
          returning id, scope, client_id, debtor_id, currency`;
        // RETURNING order is not promised; match the new rows back by their key.
        const idByKey = new Map(
          inserted.map((r) => [
            alertKey({ scope: r.scope, clientId: r.client_id === null ? null : Number(r.client_id), debtorId: Number(r.debtor_id), currency: r.currency }),
            Number(r.id),
          ]),
        );
        for (const alert of plan.open) opened.push({ alert, id: idByKey.get(alertKey(alert))! });
      }

      const events: AuditInput[] = [
        ...plan.resolve.map(({ alert, now: current }) => ({
          action: 'concentration.resolve',
          targetType: 'concentration_alert',
          targetId: alert.id,
          before: {
            status: 'open',
            level: alert.level,
            share: new Big(alert.share).toString(),
            limit: new Big(alert.limit).toString(),
            exposure: moneyOut(alert.exposure, alert.currency),
          },
          after: {
            status: 'resolved',
            reason: current ? (current.level === 'breach' ? 'escalated to breach' : 'back under the limit, still near it') : 'under 90% of the limit',
            share: current?.share.toString() ?? null,
          },
        })),
        ...opened.map(({ alert, id }) => ({
          action: 'concentration.open',
          targetType: 'concentration_alert',
          targetId: id,
          after: { status: 'open', ...alertFacts(alert) },
        })),
      ];
      await recordAudit(tx, actor, events);
      await webhookAlertsRaised(
        tx,
        opened.map(({ alert, id }) => ({ id, facts: alertFacts(alert) })),
      );

      let emailed = 0;
      if (opened.length > 0) {
        const underwriters = await tx.sql<{ id: string; email: string }[]>`
          select id, email from users where role = 'underwriter' and disabled_at is null order by id`;
        const url = `${appUrl()}/dashboard`;
        for (const { alert, id } of opened) {
          for (const user of underwriters) {
            const queued = await queueEmail(tx, {
              to: user.email,
              template: 'concentration_alert',
              dedupeKey: `concentration:${id}:${user.id}`,
              data: {
                level: alert.level,
                scope: alert.scope,
                clientName: alert.clientName,
                debtorName: alert.debtorName,
                currency: alert.currency,
                share: percent(alert.share),
                limit: percent(alert.limit),
                exposure: displayMoney(alert.exposure, alert.currency),
                total: displayMoney(alert.total, alert.currency),
                url,
              },
            });
            if (queued !== null) emailed += 1;
          }
        }
      }

      const totals: ConcentrationTotals = { opened: opened.length, resolved: plan.resolve.length, open: plan.keep.length + opened.length, emailed };
      await tx.sql`
        insert into job_runs (job, business_date, status, progress, totals, started_at, finished_at)
        values (${JOB_NAME}, ${today}::date, 'completed', 100, ${JSON.stringify(totals)}::jsonb, ${at}::timestamptz, clock_timestamp())`;
      return totals;
    });
  } catch (error) {
    // The work rolled back; the failure itself is recorded (never swallowed: rethrown).
    await database.sql`
      insert into job_runs (job, business_date, status, error, started_at, finished_at)
      values (${JOB_NAME}, ${today}::date, 'failed', ${(error instanceof Error ? error.message : String(error)).slice(0, 1000)}, ${at}::timestamptz, clock_timestamp())`;
    throw error;
  }
}

export interface OpenAlertView {
  id: string;
  scope: AlertScope;
  level: AlertLevel;
  clientId: string | null;
  /** null for the portfolio scope */
  clientName: string | null;
  debtorId: string;
  debtorName: string;
  currency: string;
  /** percent strings: "62.5%" */
  share: string;
  limit: string;
  /** money in the edge format of `currency`: "6000.00" */
  exposure: string;
  openedAt: string;
  lastSeenAt: string;
}

/** An alert as read with its client's and debtor's names: share and limit decimal strings, times UTC to the minute. */
export type AlertRow = {
  id: string;
  scope: AlertScope;
  level: AlertLevel;
  client_id: string | null;
  client_name: string | null;
  debtor_id: string;
  debtor_name: string;
  currency: string;
  share: string;
  limit: string;
  exposure: string;
  opened_at: string;
  last_seen_at: string;
};

/** Open concentration alerts for the dashboard (SPEC 8 "alerts"): breaches first, largest share first. */
export async function listOpenAlerts(tx: Tx): Promise<OpenAlertView[]> {
  const rows = await tx.sql<AlertRow[]>`
    select a.id, a.scope, a.level, a.client_id, c.name as client_name, a.debtor_id, d.name as debtor_name, a.currency,
           a.share, a."limit", a.exposure,
           to_char(a.opened_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as opened_at,
           to_char(a.last_seen_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as last_seen_at
      from concentration_alerts a
      join debtors d on d.id = a.debtor_id
      left join clients c on c.id = a.client_id
     where a.status = 'open'
     order by (a.level = 'breach') desc, a.share desc, a.id`;
  return rows.map((r) => ({
    id: r.id,
    scope: r.scope,
    level: r.level,
    clientId: r.client_id,
    clientName: r.client_name,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    currency: r.currency,
    share: percent(r.share),
    limit: percent(r.limit),
    exposure: moneyOut(r.exposure, r.currency),
    openedAt: r.opened_at,
    lastSeenAt: r.last_seen_at,
  }));
}
