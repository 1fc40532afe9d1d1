import type { RawSql } from '../../db/client';
import { containsPattern } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { moneyOut } from '../money';
import { choice, currency, id, optional, text } from '../validation/fields';
import { percent, type AlertRow } from './index';

/**
 * Issue 13: concentration alerts as a list (`GET /api/v1/concentration-alerts`, Reports →
 * Concentration alerts at /reports/alerts; the dashboard's alerts link there): sorts raised (when
 * the alert opened; default newest first) and share; filters open or resolved, client (id or a
 * part of its name), debtor (id or name), level, scope and currency. Indexes (0020_lists):
 * (opened_at, id), (share, id), and (status | client_id | debtor_id, opened_at, id).
 */

export const ALERT_STATUSES = ['open', 'resolved'] as const;
export const ALERT_LEVELS = ['near', 'breach'] as const;
export const ALERT_SCOPES = ['client', 'portfolio'] as const;

const alertFilters = filterSchema({
  status: optional(choice('Open or resolved', ALERT_STATUSES)),
  clientId: optional(id('Client')),
  clientName: optional(text('Client name contains', { max: 200 })),
  debtorId: optional(id('Debtor')),
  debtorName: optional(text('Debtor name contains', { max: 200 })),
  level: optional(choice('Level', ALERT_LEVELS, { near: 'near the limit', breach: 'over the limit' })),
  scope: optional(choice('Limit', ALERT_SCOPES, { client: "the client's limit", portfolio: 'the portfolio limit' })),
  currency: optional(currency('Currency')),
});

export type AlertFilters = ReturnType<typeof alertFilters.parse>;

export const alertListDefinition: ListDefinition<AlertFilters> = {
  name: 'alerts',
  sorts: {
    raised: { expr: 'a.opened_at', type: 'timestamptz', label: 'Raised' },
    share: { expr: 'a.share', type: 'numeric', label: 'Share' },
  },
  defaultSort: 'raised',
  defaultOrder: 'desc',
  idExpr: 'a.id',
  filters: alertFilters,
};

export interface AlertListItem {
  id: string;
  status: string;
  scope: string;
  level: string;
  clientId: string | null;
  /** null for the portfolio scope */
  clientName: string | null;
  debtorId: string;
  debtorName: string;
  currency: string;
  /** the debtor's share, a decimal string ("0.6250") */
  share: string;
  limit: string;
  /** the share as people read it: "62.5%" */
  sharePercent: string;
  limitPercent: string;
  exposure: string;
  openedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

type AlertListRow = AlertRow & { status: string; resolved_at: string | null };

const minute = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD HH24:MI')`;

/** Concentration alerts (staff: a portfolio alert spans clients). */
export function alertList(sql: RawSql): ListSpec<AlertFilters, AlertListRow, AlertListItem> {
  return {
    def: alertListDefinition,
    query: ({ filters: f }) => ({
      select: sql`a.id::text as id, a.status, a.scope, a.level, a.client_id::text as client_id, c.name as client_name, a.debtor_id::text as debtor_id,
                  d.name as debtor_name, a.currency, a.share::text as share, a."limit"::text as "limit", a.exposure::text as exposure,
                  ${sql.unsafe(minute('a.opened_at'))} as opened_at, ${sql.unsafe(minute('a.last_seen_at'))} as last_seen_at,
                  ${sql.unsafe(minute('a.resolved_at'))} as resolved_at`,
      // Left joins (the debtor always exists: a foreign key): a count that reads no debtor column skips the join.
      from: sql`concentration_alerts a left join debtors d on d.id = a.debtor_id left join clients c on c.id = a.client_id`,
      where: [
        f.status ? sql`a.status = ${f.status}` : null,
        f.clientId !== undefined ? sql`a.client_id = ${f.clientId}` : null,
        f.clientName ? sql`a.client_id = any(array(select x.id from clients x where x.name ilike ${containsPattern(f.clientName)}))` : null,
        f.debtorId !== undefined ? sql`a.debtor_id = ${f.debtorId}` : null,
        f.debtorName ? sql`a.debtor_id = any(array(select x.id from debtors x where x.name ilike ${containsPattern(f.debtorName)}))` : null,
        f.level ? sql`a.level = ${f.level}` : null,
        f.scope ? sql`a.scope = ${f.scope}` : null,
        f.currency ? sql`a.currency = ${f.currency}` : null,
      ],
    }),
    map: (r) => ({
      id: r.id,
      status: r.status,
      scope: r.scope,
      level: r.level,
      clientId: r.client_id,
      clientName: r.client_name,
      debtorId: r.debtor_id,
      debtorName: r.debtor_name,
      currency: r.currency,
      share: r.share,
      limit: r.limit,
      sharePercent: percent(r.share),
      limitPercent: percent(r.limit),
      exposure: moneyOut(r.exposure, r.currency),
      openedAt: r.opened_at,
      lastSeenAt: r.last_seen_at,
      resolvedAt: r.resolved_at,
    }),
    csv: [
      { header: 'Alert', value: (a) => a.id },
      { header: 'Raised (UTC)', value: (a) => a.openedAt },
      { header: 'Status', value: (a) => a.status },
      { header: 'Level', value: (a) => a.level },
      { header: 'Limit of', value: (a) => a.scope },
      { header: 'Client', value: (a) => a.clientName ?? '' },
      { header: 'Debtor', value: (a) => a.debtorName },
      { header: 'Currency', value: (a) => a.currency },
      { header: 'Share', value: (a) => a.sharePercent },
      { header: 'Limit', value: (a) => a.limitPercent },
      { header: 'Exposure', value: (a) => a.exposure },
      { header: 'Last seen (UTC)', value: (a) => a.lastSeenAt },
      { header: 'Resolved (UTC)', value: (a) => a.resolvedAt ?? '' },
    ],
    file: 'concentration-alerts',
  };
}
