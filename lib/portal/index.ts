import type { Tx } from '../../db/client';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { addMonths, todayIn } from '../dates';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import { POSTED_STATUSES, releaseStatusLabel } from '../releases/list';
import { loadReleaseTerms } from '../releases/state';
import { ROLLUP_GRAIN } from '../reports/rollups';
import { adviceDownloadPath, adviceFilename, loadAdvice, type AdviceDetail } from './advice';
import { renderAdvicePdf } from './advice-pdf';
import { forecastReserve, type Cadence, type ForecastSource } from './forecast';

/**
 * What a client sees of its own reserve (issue 7): releases, the reserve balance over time and
 * when the reserve held is expected back. Every function is scoped: a client user reaches only
 * its own client (anything else is 404, never 403, so ids of others are not confirmed).
 */

export interface ClientRelease {
  id: string;
  asOf: string;
  currency: string;
  proposed: string;
  /** settled by the bank (status paid) */
  paid: string | null;
  /** issue 14: released to the client (approved and every payout step after): what its advice is for */
  released: string | null;
  status: string;
  paidAt: string | null;
}

export async function clientReleases(tx: Tx, clientId: number, actor: Actor, limit = 100): Promise<ClientRelease[]> {
  requirePermission(actor, 'portfolio.read');
  assertClientScope(actor, clientId);
  const rows = await tx.sql<
    { id: string; as_of: string; currency: string; amount: string; approved_amount: string | null; status: string; paid_at: string | null }[]
  >`
    select id, as_of, currency, amount, approved_amount, status, to_char(paid_at at time zone 'UTC', 'YYYY-MM-DD') as paid_at
      from releases where client_id = ${clientId} and status <> 'nothing_due'
     order by as_of desc, id desc limit ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    asOf: r.as_of,
    currency: r.currency,
    proposed: moneyOut(r.amount, r.currency),
    paid: r.status === 'paid' ? moneyOut(r.approved_amount, r.currency) : null,
    released: POSTED_STATUSES.has(r.status) ? moneyOut(r.approved_amount, r.currency) : null,
    // issue 14: what the client reads is what happened — "in review" until approved, then approved, in batch, sent, paid or returned
    status: r.status === 'pending_approval' ? 'in review' : releaseStatusLabel(r.status),
    paidAt: r.paid_at,
  }));
}

export interface RebateAdvice {
  releaseId: string;
  subject: string;
  html: string;
  text: string;
  sentTo: string[];
  queuedAt: string;
  /** the advice itself: the invoices behind the amount, offsets, holdbacks, totals (lib/portal/advice.ts) */
  detail: AdviceDetail;
  /** its PDF (GET …/clients/{id}/releases/{releaseId}/advice.pdf) */
  downloadUrl: string;
}

/**
 * The rebate advice of one of the client's paid releases: the email its contacts were sent and
 * the advice's figures from the ledger (loadAdvice) — the one source of the portal's advice page,
 * its PDF and (through loadAdvice) the PDF attached to the email.
 */
export async function rebateAdvice(tx: Tx, clientId: number, releaseId: number, actor: Actor): Promise<RebateAdvice> {
  requirePermission(actor, 'portfolio.read');
  assertClientScope(actor, clientId, 'Release');
  const detail = await loadAdvice(tx, clientId, releaseId);
  const mails = await tx.sql<{ to: string; subject: string; html: string; text: string; created_at: string }[]>`
    select "to", subject, html, text, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at
      from email_outbox where template = 'rebate_advice' and client_id = ${clientId} and dedupe_key like ${`rebate:${releaseId}:%`} order by id`;
  if (mails.length === 0) throw notFound('Rebate advice', releaseId);
  return {
    releaseId: String(releaseId),
    subject: mails[0]!.subject,
    html: mails[0]!.html,
    text: mails[0]!.text,
    sentTo: mails.map((m) => m.to),
    queuedAt: mails[0]!.created_at,
    detail,
    downloadUrl: adviceDownloadPath(clientId, releaseId),
  };
}

/** The advice as a PDF, for whoever may read it (rebateAdvice's rules: a client user its own, else 404). */
export async function rebateAdvicePdf(tx: Tx, clientId: number, releaseId: number, actor: Actor): Promise<{ pdf: Buffer; filename: string }> {
  const advice = await rebateAdvice(tx, clientId, releaseId, actor);
  return { pdf: await renderAdvicePdf(advice.detail), filename: adviceFilename(releaseId) };
}

export interface ReservePoint {
  date: string;
  currency: string;
  held: string;
}

/** The reserve held at the end of each of the last `months` months and today, per currency. */
export async function reserveHistory(tx: Tx, clientId: number, actor: Actor, options: { today?: string; months?: number } = {}): Promise<ReservePoint[]> {
  requirePermission(actor, 'portfolio.read');
  assertClientScope(actor, clientId);
  const today = options.today ?? todayIn();
  const months = options.months ?? 12;
  const firstOfMonth = `${today.slice(0, 8)}01`;
  const dates = [...Array.from({ length: months }, (_, i) => addMonths(firstOfMonth, i - months + 1)).map((d) => dayBefore(d)), today];
  const rows = await tx.sql<{ d: string; currency: string; held: string }[]>`
    select m.d::text as d, a.currency, coalesce(-sum(l.amount), 0) as held
      from ledger_accounts a cross join unnest(${dates}::date[]) as m(d)
      left join journal_lines l on l.account_id = a.id and l.effective_date <= m.d and not l.accrual
     where a.client_id = ${clientId} and a.code = 'reserve'
     group by m.d, a.currency order by a.currency, m.d`;
  return rows.map((r) => ({ date: r.d, currency: r.currency, held: moneyOut(r.held, r.currency) }));
}

function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * When the reserve held today is expected back: each invoice's and tranche's reserve, its due or
 * maturity date, the debtor's average days late on the invoices it paid and how many it paid (the
 * average counts only from MIN_HISTORY), the risk tier's holding period and the client's release
 * cadence (lib/portal/forecast.ts does the dating).
 */
export async function reserveForecast(tx: Tx, clientId: number, actor: Actor, today: string = todayIn()) {
  requirePermission(actor, 'portfolio.read');
  assertClientScope(actor, clientId);
  // only the terms (cadence, holding period), beside the reserve per source (one round trip)
  const termsRead = loadReleaseTerms(tx, [clientId], today);
  const rowsRead = tx.sql<
    {
      kind: 'invoice' | 'tranche' | 'pool';
      label: string;
      currency: string;
      held: string;
      status: ForecastSource['status'];
      due_date: string | null;
      settled_date: string | null;
      matures_on: string | null;
      days_late: number | null;
      settled_invoices: number | null;
    }[]
  >`
    with held as (
      select a.currency, l.invoice_id, l.tranche_id, sum(-l.amount) as held
        from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
       where a.client_id = ${clientId} and not l.accrual
       group by 1, 2, 3 having sum(-l.amount) > 0
    ),
    -- each debtor's average days late on the invoices it settled, and how many that is (the
    -- forecast uses the average only from MIN_HISTORY of them), from the kept per-debtor roll-up
    -- (lib/reports/rollups.ts: folded rows plus deltas), not a pass over the debtor's history
    mine as (select distinct debtor_id from invoices where client_id = ${clientId} and status in ('funded', 'disputed')),
    -- materialized: once per debtor, not once per reserve row (inlined, Postgres re-read it for each)
    lateness as materialized (
      select r.ref_id as debtor_id, round(sum(r.days_beyond_terms)::numeric / sum(r.settled_invoices))::int as days_late,
             sum(r.settled_invoices)::int as settled_invoices
        from (select ref_id, settled_invoices, days_beyond_terms from rollups
               where grain = ${ROLLUP_GRAIN.debtorExposure} and ref_id in (select debtor_id from mine)
              union all
              select ref_id, settled_invoices, days_beyond_terms from rollup_deltas
               where grain = ${ROLLUP_GRAIN.debtorExposure} and ref_id in (select debtor_id from mine)) r
       group by r.ref_id having sum(r.settled_invoices) > 0
    )
    select case when h.tranche_id is not null then 'tranche' when h.invoice_id is not null then 'invoice' else 'pool' end as kind,
           case when h.tranche_id is not null then initcap(t.kind) || ' tranche funded ' || t.funded_on
                when h.invoice_id is not null then 'Invoice ' || i.number else 'Client reserve' end as label,
           h.currency, h.held,
           case when h.tranche_id is not null then (case when t.kind = 'fixed' then 'fixed' else 'tranche' end)
                when h.invoice_id is null then 'pool'
                when i.settled_date is not null then 'settled'
                when i.status = 'disputed' then 'disputed'
                else 'open' end as status,
           i.due_date, i.settled_date, t.matures_on, lt.days_late, lt.settled_invoices
      from held h
      left join invoices i on i.id = h.invoice_id
      left join reserve_tranches t on t.id = h.tranche_id
      left join lateness lt on lt.debtor_id = i.debtor_id`;
  const [terms, rows] = await Promise.all([termsRead, rowsRead]);
  const ctx = terms.get(clientId);
  const schedule = (ctx?.terms.releaseSchedule ?? { cadence: 'biweekly', anchorDate: '2026-01-02' }) as Cadence;
  const holdDays = ctx?.tier?.holdDays ?? 0;
  const sources: ForecastSource[] = rows.map((r) => ({
    kind: r.kind,
    label: r.label,
    currency: r.currency,
    held: r.held,
    status: r.status,
    dueDate: r.due_date,
    settledDate: r.settled_date,
    maturesOn: r.matures_on,
    debtorDaysLate: r.days_late,
    debtorSettledInvoices: r.settled_invoices,
  }));
  return { schedule, holdDays, ...forecastReserve(sources, { today, holdDays, schedule }) };
}
