import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { todayIn } from '../dates';
import { notFound } from '../errors';
import { Big, moneyOut } from '../money';
import { averageDaysBeyondTerms, averageDaysToPay, dilutionByCurrency, headlineDilution, type DilutionFigures, type RollupRow } from './figures';

/**
 * Issue 13: one debtor across every client (GET /api/v1/debtors/{id}, the console's debtor page).
 * Every figure is read from the roll-ups of migration 0019 or through an index of the debtor's own
 * rows — never a pass over its invoices — so a debtor with 100,000 invoices answers as fast as one
 * with ten. The definitions of the figures are lib/debtors/figures.ts's.
 *
 * The credit limit is the debtor's own (kept in USD, the base currency); its history is the audit
 * trail of the debtor (created, edited, merged). A merged debtor keeps its page and points at the
 * survivor; the survivor keeps its own credit limit and rating.
 */

export interface ExposureByClient {
  clientId: string;
  clientName: string;
  currency: string;
  openInvoices: number;
  /** what the open invoices still owe */
  amount: string;
  noaSentDate: string | null;
  noaAcknowledgedDate: string | null;
}

export interface LimitChange {
  at: string;
  by: string;
  action: string;
  creditLimit: string | null;
  previous: string | null;
  riskRating: string | null;
  note: string | null;
}

export interface DebtorAlert {
  id: string;
  scope: string;
  level: string;
  status: string;
  clientId: string | null;
  clientName: string | null;
  currency: string;
  share: string;
  limit: string;
  exposure: string;
  openedAt: string;
  resolvedAt: string | null;
}

export interface NoticeOfAssignment {
  clientId: string;
  clientName: string;
  sentDate: string | null;
  acknowledgedDate: string | null;
}

export interface DebtorMergeView {
  id: string;
  debtorId: string;
  debtorName: string;
  intoDebtorId: string;
  intoDebtorName: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  requestedById: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  moved: Record<string, number> | null;
}

export interface DebtorDetail {
  id: string;
  name: string;
  /** USD */
  creditLimit: string;
  creditLimitCurrency: 'USD';
  riskRating: string;
  mergedIntoId: string | null;
  mergedInto: { id: string; name: string } | null;
  mergedAt: string | null;
  asOf: string;
  invoices: number;
  openInvoices: number;
  clients: number;
  /** open exposure per currency */
  exposureByCurrency: { currency: string; openInvoices: number; amount: string; overLimit: boolean }[];
  /** open exposure per client and currency, largest first (the first `exposureLimit` when asked) */
  exposure: ExposureByClient[];
  /** how many (client, currency) pairs have open exposure: `exposure` may show fewer */
  exposurePairs: number;
  averageDaysToPay: string | null;
  averageDaysBeyondTerms: string | null;
  /** what the averages are over */
  paymentHistory: { settledInvoices: number; openPastDue: number };
  dilution: string | null;
  dilutionByCurrency: DilutionFigures[];
  creditLimitHistory: LimitChange[];
  concentrationAlerts: DebtorAlert[];
  noticesOfAssignment: NoticeOfAssignment[];
  /** clients with open invoices with this debtor and no notice sent (confidential models aside, a gap to close) */
  clientsWithoutNotice: number;
  merges: DebtorMergeView[];
}

interface PairRow {
  client_id: string;
  client_name: string;
  currency: string;
  open_invoices: number;
  exposure: string;
  noa_sent_date: string | null;
  noa_acknowledged_date: string | null;
}

/** A debtor merge as pages and the API show it. */
export async function debtorMerges(tx: Tx, where: { debtorId?: number; mergeId?: number; status?: 'pending' }): Promise<DebtorMergeView[]> {
  const rows = await tx.sql<
    {
      id: string;
      debtor_id: string;
      debtor_name: string;
      into_debtor_id: string;
      into_debtor_name: string;
      reason: string;
      status: 'pending' | 'approved' | 'rejected';
      requested_by: string | null;
      requested_by_id: string;
      requested_at: string;
      decided_by: string | null;
      decided_at: string | null;
      decision_reason: string | null;
      moved: Record<string, number> | null;
    }[]
  >`
    select m.id::text, m.debtor_id::text, b.name as debtor_name, m.into_debtor_id::text, a.name as into_debtor_name, m.reason, m.status,
           coalesce(u.email, 'a job') as requested_by, m.requested_by::text as requested_by_id,
           to_char(m.requested_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as requested_at, v.email as decided_by,
           to_char(m.decided_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as decided_at, m.decision_reason, m.moved
      from debtor_merges m
      join debtors b on b.id = m.debtor_id
      join debtors a on a.id = m.into_debtor_id
      left join users u on u.id = m.requested_by
      left join users v on v.id = m.decided_by
     where ${
       where.mergeId !== undefined
         ? tx.sql`m.id = ${where.mergeId}`
         : tx.sql`(m.debtor_id = ${where.debtorId ?? 0} or m.into_debtor_id = ${where.debtorId ?? 0})`
     }
       and (${where.status ?? null}::text is null or m.status = ${where.status ?? null})
     order by m.id desc
     limit 50`;
  return rows.map((r) => ({
    id: r.id,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    intoDebtorId: r.into_debtor_id,
    intoDebtorName: r.into_debtor_name,
    reason: r.reason,
    status: r.status,
    requestedBy: r.requested_by ?? 'a job',
    requestedById: r.requested_by_id,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionReason: r.decision_reason,
    moved: r.moved,
  }));
}

/**
 * The debtor with its figures. Staff only (`staff.read`): a debtor's standing across the
 * portfolio — other clients' exposure, the factor's credit limit — is not a client user's to see.
 * `asOf` (default today) is the day open invoices are counted past due on.
 */
export async function getDebtorDetail(tx: Tx, debtorId: number, actor: Actor, options: { asOf?: string; exposureLimit?: number } = {}): Promise<DebtorDetail> {
  requirePermission(actor, 'staff.read');
  const asOf = options.asOf ?? todayIn();
  const [debtor] = await tx.sql<
    {
      id: string;
      name: string;
      credit_limit: string;
      risk_rating: string;
      merged_into_id: string | null;
      merged_into_name: string | null;
      merged_at: string | null;
    }[]
  >`
    select d.id::text, d.name, d.credit_limit, d.risk_rating, d.merged_into_id::text, m.name as merged_into_name,
           to_char(d.merged_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as merged_at
      from debtors d left join debtors m on m.id = d.merged_into_id
     where d.id = ${debtorId}`;
  if (!debtor) throw notFound('Debtor', debtorId);

  const [sums, pairs, pairCounts, pastDue, disputed, alerts, notices, history, merges] = await Promise.all([
    tx.sql<
      {
        currency: string;
        invoices: number;
        open_invoices: number;
        exposure: string;
        settled_invoices: number;
        settled_days: string;
        settled_days_late: string;
        reduced: string;
        collected: string;
        defaulted_face: string;
        defaulted_collected: string;
        clients: number;
      }[]
    >`
      select currency, sum(invoices)::int as invoices, sum(open_invoices)::int as open_invoices, sum(exposure) as exposure,
             sum(settled_invoices)::int as settled_invoices, sum(settled_days)::text as settled_days, sum(settled_days_late)::text as settled_days_late,
             sum(reduced) as reduced, sum(collected) as collected, sum(defaulted_face) as defaulted_face, sum(defaulted_collected) as defaulted_collected,
             (select count(distinct x.client_id)::int from debtor_exposure_now x where x.debtor_id = ${debtorId} and x.invoices > 0) as clients
        from debtor_exposure_now where debtor_id = ${debtorId}
       group by currency order by currency`,
    tx.sql<PairRow[]>`
      select e.client_id::text, c.name as client_name, e.currency, e.open_invoices, e.exposure,
             cd.noa_sent_date::text, cd.noa_acknowledged_date::text
        from debtor_exposure_now e
        join clients c on c.id = e.client_id
        left join client_debtors cd on cd.client_id = e.client_id and cd.debtor_id = e.debtor_id
       where e.debtor_id = ${debtorId} and (e.open_invoices > 0 or e.exposure <> 0)
       order by e.exposure desc, e.client_id, e.currency
       limit ${options.exposureLimit ?? 100_000}`,
    tx.sql<{ pairs: number; without_notice: number }[]>`
      select count(*)::int as pairs,
             count(distinct e.client_id) filter (where e.open_invoices > 0 and cd.noa_sent_date is null)::int as without_notice
        from debtor_exposure_now e
        left join client_debtors cd on cd.client_id = e.client_id and cd.debtor_id = e.debtor_id
       where e.debtor_id = ${debtorId} and (e.open_invoices > 0 or e.exposure <> 0)`,
    tx.sql<{ invoices: number; days: string }[]>`
      select coalesce(sum(open_invoices), 0)::int as invoices, coalesce(sum(open_invoices::bigint * (${asOf}::date - due_date)), 0)::text as days
        from debtor_open_due_now where debtor_id = ${debtorId} and due_date < ${asOf}::date`,
    // Open disputes sit on the debtor's disputed invoices (invoices_debtor_status_idx), one each at most.
    tx.sql<{ currency: string; amount: string }[]>`
      select i.currency, sum(d.amount) as amount
        from invoices i join disputes d on d.invoice_id = i.id and d.status = 'open'
       where i.debtor_id = ${debtorId} and i.status = 'disputed'
       group by i.currency`,
    tx.sql<
      {
        id: string;
        scope: string;
        level: string;
        status: string;
        client_id: string | null;
        client_name: string | null;
        currency: string;
        share: string;
        limit: string;
        exposure: string;
        opened_at: string;
        resolved_at: string | null;
      }[]
    >`
      select a.id::text, a.scope, a.level, a.status, a.client_id::text, c.name as client_name, a.currency, a.share, a."limit", a.exposure,
             to_char(a.opened_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as opened_at,
             to_char(a.resolved_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as resolved_at
        from concentration_alerts a left join clients c on c.id = a.client_id
       where a.debtor_id = ${debtorId}
       order by (a.status = 'open') desc, a.id desc
       limit 20`,
    tx.sql<{ client_id: string; client_name: string; sent: string | null; ack: string | null }[]>`
      select cd.client_id::text, c.name as client_name, cd.noa_sent_date::text as sent, cd.noa_acknowledged_date::text as ack
        from client_debtors cd join clients c on c.id = cd.client_id
       where cd.debtor_id = ${debtorId}
       order by lower(c.name), cd.client_id`,
    tx.sql<{ at: string; by: string; role: string; action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[]>`
      select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at, actor as by, role, action, before, after
        from audit_events
       where target_type = 'debtor' and target_id = ${String(debtorId)}
       order by id desc
       limit 50`,
    debtorMerges(tx, { debtorId }),
  ]);

  const rollup: RollupRow[] = sums.map((s) => ({
    currency: s.currency,
    invoices: s.invoices,
    openInvoices: s.open_invoices,
    exposure: s.exposure,
    settledInvoices: s.settled_invoices,
    settledDays: Number(s.settled_days),
    settledDaysLate: Number(s.settled_days_late),
    reduced: s.reduced,
    collected: s.collected,
    defaultedFace: s.defaulted_face,
    defaultedCollected: s.defaulted_collected,
  }));
  const open = { invoices: pastDue[0]!.invoices, days: Number(pastDue[0]!.days) };
  const dilution = dilutionByCurrency(rollup, new Map(disputed.map((d) => [d.currency, d.amount])));
  const limit = new Big(debtor.credit_limit);

  return {
    id: debtor.id,
    name: debtor.name,
    creditLimit: moneyOut(debtor.credit_limit, 'USD'),
    creditLimitCurrency: 'USD',
    riskRating: debtor.risk_rating,
    mergedIntoId: debtor.merged_into_id,
    mergedInto: debtor.merged_into_id ? { id: debtor.merged_into_id, name: debtor.merged_into_name! } : null,
    mergedAt: debtor.merged_at,
    asOf,
    invoices: rollup.reduce((n, r) => n + r.invoices, 0),
    openInvoices: rollup.reduce((n, r) => n + r.openInvoices, 0),
    clients: sums[0]?.clients ?? 0,
    exposureByCurrency: rollup
      .filter((r) => r.openInvoices > 0 || !new Big(r.exposure).eq(0))
      .map((r) => ({ currency: r.currency, openInvoices: r.openInvoices, amount: moneyOut(r.exposure, r.currency), overLimit: new Big(r.exposure).gt(limit) })),
    exposurePairs: pairCounts[0]!.pairs,
    exposure: pairs.map((p) => ({
      clientId: p.client_id,
      clientName: p.client_name,
      currency: p.currency,
      openInvoices: p.open_invoices,
      amount: moneyOut(p.exposure, p.currency),
      noaSentDate: p.noa_sent_date,
      noaAcknowledgedDate: p.noa_acknowledged_date,
    })),
    averageDaysToPay: averageDaysToPay(rollup),
    averageDaysBeyondTerms: averageDaysBeyondTerms(rollup, open),
    paymentHistory: { settledInvoices: rollup.reduce((n, r) => n + r.settledInvoices, 0), openPastDue: open.invoices },
    dilution: headlineDilution(dilution),
    dilutionByCurrency: dilution,
    creditLimitHistory: history.map(limitChange).filter((h): h is LimitChange => h !== null),
    concentrationAlerts: alerts.map((a) => ({
      id: a.id,
      scope: a.scope,
      level: a.level,
      status: a.status,
      clientId: a.client_id,
      clientName: a.client_name,
      currency: a.currency,
      share: `${new Big(a.share).times(100).round(2, Big.roundHalfUp).toString()}%`,
      limit: `${new Big(a.limit).times(100).round(2, Big.roundHalfUp).toString()}%`,
      exposure: moneyOut(a.exposure, a.currency),
      openedAt: a.opened_at,
      resolvedAt: a.resolved_at,
    })),
    noticesOfAssignment: notices.map((n) => ({ clientId: n.client_id, clientName: n.client_name, sentDate: n.sent, acknowledgedDate: n.ack })),
    clientsWithoutNotice: pairCounts[0]!.without_notice,
    merges,
  };
}

const limitOf = (v: Record<string, unknown> | null | undefined): string | null => (typeof v?.creditLimit === 'string' ? v.creditLimit : null);

/** One audit event of the debtor as a line of its credit-limit history (null: an event about something else). */
function limitChange(e: {
  at: string;
  by: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}): LimitChange | null {
  const rating = typeof e.after?.riskRating === 'string' ? e.after.riskRating : null;
  switch (e.action) {
    case 'debtor.create':
      return { at: e.at, by: e.by, action: 'created', creditLimit: limitOf(e.after), previous: null, riskRating: rating, note: null };
    case 'debtor.update':
      return { at: e.at, by: e.by, action: 'changed', creditLimit: limitOf(e.after), previous: limitOf(e.before), riskRating: rating, note: null };
    case 'debtor.merge':
      return {
        at: e.at,
        by: e.by,
        action: 'merged',
        creditLimit: limitOf(e.after),
        previous: limitOf(e.before),
        riskRating: rating,
        note: typeof e.after?.note === 'string' ? e.after.note : null,
      };
    default:
      return null;
  }
}

/** 404 unless the debtor exists. */
export async function assertDebtorExists(tx: Tx, debtorId: number): Promise<void> {
  const [row] = await tx.sql`select 1 from debtors where id = ${debtorId}`;
  if (!row) throw notFound('Debtor', debtorId);
}
