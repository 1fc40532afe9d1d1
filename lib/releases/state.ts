import type { Tx } from '../../db/client';
import type { AgreementTerms } from '../agreements/terms';
import { feeSql, postedFeeSql } from '../ledger/accrual';
import { Big, ZERO } from '../money';
import { riskSchedule } from '../settings';
import { riskTier, type ReleaseSource, type ReleaseState, type RiskTier, type SourceState } from './releasable';

/**
 * The state a release is computed from, for many clients at once and as of any business date
 * (SPEC 5.3: "any past asOf gives the figure as it was then"), in a fixed number of set-based
 * queries. `detail: true` lists every invoice and tranche (for a release's breakdown and its
 * posting); `false` groups the sources by state; `'drawable'` lists only the sources a release
 * can draw on (settled invoices and matured tranches, or every source of a percent-of-open
 * reserve) and groups the rest — what a cycle over thousands of clients needs to propose and
 * post in one read.
 */
export interface ClientReleaseContext {
  clientId: number;
  terms: AgreementTerms;
  tier: RiskTier | null;
  states: ReleaseState[];
}

type SourceRow = {
  client_id: string;
  currency: string;
  source_kind: ReleaseSource['kind'];
  source_id: string | null;
  label: string;
  state: SourceState;
  held: string;
  n: number;
  ord: string | null;
};

/**
 * Two views of the money (issue 11):
 *  - `as_of` (the default): every figure as it was on `asOf` — what a statement or the reserve
 *    report shows for that date.
 *  - `current`: what a release decided now, for a cycle dated `asOf`, may draw on. Which
 *    invoices and tranches are eligible is judged as of `asOf` (settled, matured, disputed then),
 *    but what each one still holds, what the client owes and which disputes are open are taken
 *    from the whole ledger, whatever the dates — so a release dated before another one already
 *    paid (or a chargeback posted later) can never draw the same reserve again.
 */
export type MoneyView = 'as_of' | 'current';

/**
 * Each client's agreement terms in force on `asOf` (or, before the first version, that first
 * version) and its risk tier — what `loadReleaseStates` starts from, alone for a reader that needs
 * only the terms (the portal's forecast: its cadence and holding period), with `states` empty.
 */
export async function loadReleaseTerms(tx: Tx, clientIds: number[], asOf: string): Promise<Map<number, ClientReleaseContext>> {
  const out = new Map<number, ClientReleaseContext>();
  if (clientIds.length === 0) return out;
  const schedule = await riskSchedule(tx);
  const agreements = await tx.sql<{ client_id: string; terms: AgreementTerms }[]>`
    select distinct on (client_id) client_id, terms from agreements
     where client_id = any(${clientIds}::bigint[]) and status = 'approved'
     order by client_id, (effective_from <= ${asOf}::date) desc,
              case when effective_from <= ${asOf}::date then effective_from end desc nulls last, effective_from, version desc`;
  for (const a of agreements) {
    out.set(Number(a.client_id), { clientId: Number(a.client_id), terms: a.terms, tier: riskTier(schedule, a.terms.riskScore), states: [] });
  }
  return out;
}

export async function loadReleaseStates(
  tx: Tx,
  clientIds: number[],
  asOf: string,
  options: { detail: boolean | 'drawable'; money?: MoneyView },
): Promise<Map<number, ClientReleaseContext>> {
  const current = options.money === 'current';
  if (clientIds.length === 0) return new Map();
  const out = await loadReleaseTerms(tx, clientIds, asOf);
  const holdDays = new Map<number, number>();
  for (const [id, ctx] of out) holdDays.set(id, ctx.tier?.holdDays ?? 0);
  const ids = [...out.keys()];
  const holds = ids.map((id) => holdDays.get(id) ?? 0);
  // Which clients' sources are listed one by one: all, none, or (drawable) every source of a
  // percent-of-open reserve and the eligible ones of the others.
  const every = ids.map((id) =>
    options.detail === true || (options.detail === 'drawable' && out.get(id)!.terms.reservePolicy?.kind === 'percent_of_open') ? 1 : 0,
  );
  const eligibleToo = options.detail === 'drawable';

  // Reserve held per invoice / tranche as of the date, each with its state then.
  const sources = await tx.sql<SourceRow[]>`
    with c(id, hold, every) as (select id, hold, every = 1 from unnest(${ids}::bigint[], ${holds}::int[], ${every}::int[]) as u(id, hold, every)),
    held as (
      select a.client_id, a.currency, l.invoice_id, l.tranche_id, sum(-l.amount) as held
        from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
        join c on c.id = a.client_id
       where (${current}::boolean or l.effective_date <= ${asOf}::date) and not l.accrual
       group by 1, 2, 3, 4 having sum(-l.amount) <> 0
    ),
    classified as materialized (
      select h.client_id, h.currency, h.held, h.invoice_id, h.tranche_id, c.every,
             i.number, i.settled_date, t.kind as tranche_kind, t.funded_on, t.matures_on,
             case when h.tranche_id is not null then
                    case when t.kind = 'fixed' then 'fixed' when t.matures_on <= ${asOf}::date then 'matured' else 'immature' end
                  when h.invoice_id is null then 'pool'
                  when i.settled_date is not null and i.settled_date <= ${asOf}::date then
                    case when i.settled_date + c.hold > ${asOf}::date then 'holding' else 'closed' end
                  when exists (select 1 from disputes d where d.invoice_id = i.id and d.opened_date <= ${asOf}::date
                                 and (d.resolved_date is null or d.resolved_date > ${asOf}::date)) then 'disputed'
                  else 'open' end as state
        from held h join c on c.id = h.client_id
        left join reserve_tranches t on t.id = h.tranche_id
        left join invoices i on i.id = h.invoice_id
    ),
    -- A source listed one by one is its own group (keyed by its id; 0 for the pool); the
    -- others are grouped by state. Labels are built for the listed ones only.
    listed as (
      select h.*, case when h.every or (${eligibleToo}::boolean and h.state in ('closed', 'matured')) then coalesce(h.tranche_id, h.invoice_id, 0) end as one
        from classified h
    )
    select h.client_id, h.currency, h.state, sum(h.held) as held, count(*)::int as n,
           case when h.one is null then 'group' when min(h.tranche_id) is not null then 'tranche' when min(h.invoice_id) is not null then 'invoice' else 'pool' end as source_kind,
           case when h.one is null then null else min(coalesce(h.tranche_id, h.invoice_id))::text end as source_id,
           min(case when h.one is null then null
                    when h.tranche_id is not null then initcap(h.tranche_kind) || ' tranche funded ' || h.funded_on || coalesce(', matures ' || h.matures_on, '')
                    when h.invoice_id is not null then 'Invoice ' || h.number || coalesce(' (settled ' || h.settled_date || ')', '')
                    else 'Client reserve' end) as label,
           min(case when h.tranche_id is not null then coalesce(h.matures_on::text, '9999') || lpad(h.tranche_id::text, 20, '0')
                    else coalesce(h.settled_date::text, '9999') || lpad(coalesce(h.invoice_id, 0)::text, 20, '0') end) as ord
      from listed h
     group by h.client_id, h.currency, h.state, h.one
     order by h.client_id, h.currency, ord`;

  // Balances: now (the kept balance), or as of the date — the kept balance less what was posted
  // for later dates (one index range per account, in one grouped read).
  const balances = await tx.sql<{ client_id: string; currency: string; code: string; balance: string }[]>`
    select a.client_id, a.currency, a.code, a.balance - coalesce(later.total, 0) as balance
      from ledger_accounts a
      left join (select l.account_id, sum(l.amount) as total from journal_lines l
                  where not ${current}::boolean and l.effective_date > ${asOf}::date
                    and l.account_id in (select id from ledger_accounts where client_id = any(${ids}::bigint[]) and code in ('fees_receivable', 'client_due', 'receivable'))
                  group by l.account_id) later on later.account_id = a.id
     where a.client_id = any(${ids}::bigint[]) and a.code in ('fees_receivable', 'client_due', 'receivable')`;
  // Fees accrued on invoices still open (on that date, or now): they settle from their own reserve later.
  const openFees = current
    ? await tx.sql<{ client_id: string; currency: string; fees: string }[]>`
    select f.client_id, f.currency, sum(${postedFeeSql(tx.sql, tx.sql`ac.accrued_through`)}) as fees
      from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
     where f.client_id = any(${ids}::bigint[]) and f.kind <> 'flat' and f.frozen_on is null
     group by f.client_id, f.currency`
    : await tx.sql<{ client_id: string; currency: string; fees: string }[]>`
    select f.client_id, f.currency, sum(case when f.credited then f.accrued
                                         when ac.accrued_through >= f.accrual_start then
                                           ${feeSql(tx.sql, tx.sql`(least(ac.accrued_through, ${asOf}::date) - f.funding_date)`, tx.sql`0`)}
                                         else 0 end) as fees
      from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
     where f.client_id = any(${ids}::bigint[]) and f.kind <> 'flat' and f.funding_date <= ${asOf}::date
       and (f.frozen_on is null or f.frozen_on > ${asOf}::date)
     group by f.client_id, f.currency`;
  // Disputes open on that date — and, for a decision now, those open now as well.
  const disputes = await tx.sql<{ client_id: string; currency: string; amount: string }[]>`
    select i.client_id, i.currency, sum(d.amount) as amount from disputes d join invoices i on i.id = d.invoice_id
     where i.client_id = any(${ids}::bigint[])
       and ((d.opened_date <= ${asOf}::date and (d.resolved_date is null or d.resolved_date > ${asOf}::date))
            or (${current}::boolean and d.status = 'open'))
     group by i.client_id, i.currency`;

  const key = (client: string | number, currency: string) => `${client}|${currency}`;
  const bal = new Map<string, { fees: Big; due: Big; receivable: Big }>();
  const get = (k: string) => {
    let v = bal.get(k);
    if (!v) bal.set(k, (v = { fees: ZERO, due: ZERO, receivable: ZERO }));
    return v;
  };
  for (const b of balances) {
    const v = get(key(b.client_id, b.currency));
    if (b.code === 'fees_receivable') v.fees = v.fees.plus(b.balance);
    else if (b.code === 'client_due') v.due = v.due.plus(b.balance);
    else v.receivable = v.receivable.plus(b.balance);
  }
  for (const f of openFees) {
    const v = get(key(f.client_id, f.currency));
    v.fees = v.fees.minus(f.fees);
  }
  const disputed = new Map(disputes.map((d) => [key(d.client_id, d.currency), new Big(d.amount)]));
  const sourcesBy = new Map<string, ReleaseSource[]>();
  for (const s of sources) {
    const k = key(s.client_id, s.currency);
    const list = sourcesBy.get(k) ?? [];
    list.push({
      kind: s.source_kind,
      id: s.source_id,
      label: s.label ?? groupLabel(s.state),
      state: s.state,
      held: new Big(s.held),
      count: s.n,
      order: s.ord ?? undefined,
    });
    sourcesBy.set(k, list);
  }
  const currencies = new Set([...sourcesBy.keys(), ...bal.keys()]);
  for (const k of currencies) {
    const [clientText, currency] = k.split('|') as [string, string];
    const ctx = out.get(Number(clientText));
    if (!ctx) continue;
    const list = sourcesBy.get(k) ?? [];
    const b = bal.get(k) ?? { fees: ZERO, due: ZERO, receivable: ZERO };
    const disputedHeld = list.filter((s) => s.state === 'disputed').reduce((t, s) => t.plus(s.held), ZERO);
    const exposure = (disputed.get(k) ?? ZERO).minus(disputedHeld);
    ctx.states.push({
      currency,
      policy: ctx.terms.reservePolicy,
      minimumReserveBalance: new Big(ctx.terms.minimumReserveBalance ?? '0'),
      feesDue: b.fees.gt(0) ? b.fees : ZERO,
      clientDue: b.due.gt(0) ? b.due : ZERO,
      openReceivables: b.receivable.gt(0) ? b.receivable : ZERO,
      disputedExposure: exposure.gt(0) ? exposure : ZERO,
      sources: list,
    });
  }
  for (const ctx of out.values()) ctx.states.sort((a, b) => a.currency.localeCompare(b.currency));
  return out;
}

/**
 * The same state with its sources grouped by state (as `detail: false` loads them): for a
 * release's stored breakdown, which names groups, not every invoice.
 */
export function groupedState(state: ReleaseState): ReleaseState {
  const groups = new Map<SourceState, ReleaseSource>();
  for (const s of state.sources) {
    const g = groups.get(s.state);
    if (!g) {
      groups.set(s.state, { kind: 'group', id: null, label: groupLabel(s.state), state: s.state, held: s.held, count: s.count ?? 1, order: s.order });
    } else {
      g.held = g.held.plus(s.held);
      g.count = (g.count ?? 1) + (s.count ?? 1);
      if (s.order !== undefined && (g.order === undefined || s.order < g.order)) g.order = s.order;
    }
  }
  const sources = [...groups.values()].sort((a, b) => (a.order ?? '').localeCompare(b.order ?? ''));
  return { ...state, sources };
}

function groupLabel(state: SourceState): string {
  switch (state) {
    case 'closed':
      return 'Settled invoices';
    case 'holding':
      return 'Settled invoices in their holding period';
    case 'open':
      return 'Open invoices';
    case 'disputed':
      return 'Disputed invoices';
    case 'matured':
      return 'Matured tranches';
    case 'immature':
      return 'Tranches not yet matured';
    case 'fixed':
      return 'Fixed reserve';
    case 'pool':
      return 'Client reserve';
  }
}
