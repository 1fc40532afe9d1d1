import type { Tx } from '../../db/client';
import type { AgreementTerms } from '../agreements/terms';
import { loadClientFees } from '../fees/client-fees';
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
  /** with `money: 'both'`: the same states in the `current` view (otherwise empty) */
  statesNow: ReleaseState[];
}

type SourceRow = {
  client_id: string;
  currency: string;
  source_kind: ReleaseSource['kind'];
  source_id: string | null;
  label: string;
  state: SourceState;
  held: string;
  held_now: string;
  n: number;
  n_now: number;
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
 * `loadReleaseStates` also takes `'both'` (issue 13, the reserve report): the `as_of` states in
 * `states` and the `current` ones in `statesNow`, summed both ways from the same reads.
 */
export type MoneyView = 'as_of' | 'current';

/**
 * Each client's agreement terms in force on `asOf` (or, before the first version, that first
 * version) and its risk tier — what `loadReleaseStates` starts from, alone for a reader that needs
 * only the terms (the portal's forecast: its cadence and holding period), with `states` empty.
 */
export async function loadReleaseTerms(tx: Tx, clientIds: number[], asOf: string, proposed: ProposedTerms = {}): Promise<Map<number, ClientReleaseContext>> {
  const out = new Map<number, ClientReleaseContext>();
  if (clientIds.length === 0) return out;
  // the schedule and the agreements together (one round trip)
  const [schedule, agreements] = await Promise.all([
    proposed.schedule ?? riskSchedule(tx),
    tx.sql<{ client_id: string; terms: AgreementTerms }[]>`
    select distinct on (client_id) client_id, terms from agreements
     where client_id = any(${clientIds}::bigint[]) and status = 'approved'
     order by client_id, (effective_from <= ${asOf}::date) desc,
              case when effective_from <= ${asOf}::date then effective_from end desc nulls last, effective_from, version desc`,
  ]);
  for (const a of agreements) {
    const terms = proposed.terms?.get(Number(a.client_id)) ?? a.terms;
    out.set(Number(a.client_id), {
      clientId: Number(a.client_id),
      terms,
      tier: riskTier(schedule, terms.riskScore),
      states: [],
      statesNow: [],
    });
  }
  return out;
}

/**
 * Issue 16 item 2 (lib/releases/what-if.ts): a risk schedule or clients' terms not yet applied,
 * read in place of the saved ones — so a what-if is the release calculation itself.
 */
export interface ProposedTerms {
  schedule?: RiskTier[];
  terms?: Map<number, AgreementTerms>;
}

export async function loadReleaseStates(
  tx: Tx,
  clientIds: number[],
  asOf: string,
  options: { detail: boolean | 'drawable'; money?: MoneyView | 'both'; proposed?: ProposedTerms },
): Promise<Map<number, ClientReleaseContext>> {
  const view = options.money ?? 'as_of';
  const current = view === 'current';
  // `both` (the reserve report): the `as_of` states and the `current` ones from the same reads —
  // every figure summed both ways in one pass — instead of loading the state twice.
  const both = view === 'both';
  if (clientIds.length === 0) return new Map();
  const out = await loadReleaseTerms(tx, clientIds, asOf, options.proposed);
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

  // Reserve held per invoice / tranche as of the date (`held`) and in the whole ledger
  // (`held_now`: the same as `held` unless both views are read), each with its state then.
  // The four reads below depend only on the clients and their holding periods: sent together
  // (pipelined on a transaction's connection), so a page waits for one round trip, not four.
  const sourcesRead = tx.sql<SourceRow[]>`
    with c(id, hold, every) as (select id, hold, every = 1 from unnest(${ids}::bigint[], ${holds}::int[], ${every}::int[]) as u(id, hold, every)),
    held as (
      select a.client_id, a.currency, l.invoice_id, l.tranche_id,
             coalesce(sum(-l.amount) filter (where ${current}::boolean or l.effective_date <= ${asOf}::date), 0) as held,
             sum(-l.amount) as held_now
        from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
        join c on c.id = a.client_id
       where (${current || both}::boolean or l.effective_date <= ${asOf}::date) and not l.accrual
       group by 1, 2, 3, 4
      having sum(-l.amount) filter (where ${current}::boolean or l.effective_date <= ${asOf}::date) <> 0 or sum(-l.amount) <> 0
    ),
    classified as materialized (
      select h.client_id, h.currency, h.held, h.held_now, h.invoice_id, h.tranche_id, c.every,
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
    select h.client_id, h.currency, h.state, sum(h.held) as held, sum(h.held_now) as held_now,
           count(*) filter (where h.held <> 0)::int as n, count(*) filter (where h.held_now <> 0)::int as n_now,
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
  const balancesRead = tx.sql<{ client_id: string; currency: string; code: string; balance: string; balance_now: string }[]>`
    select a.client_id, a.currency, a.code, a.balance - coalesce(later.total, 0) as balance, a.balance as balance_now
      from ledger_accounts a
      left join (select l.account_id, sum(l.amount) as total from journal_lines l
                  where not ${current}::boolean and l.effective_date > ${asOf}::date
                    and l.account_id in (select id from ledger_accounts where client_id = any(${ids}::bigint[]) and code in ('client_due', 'receivable'))
                  group by l.account_id) later on later.account_id = a.id
     where a.client_id = any(${ids}::bigint[]) and a.code in ('client_due', 'receivable')`;
  // Fees due (issue 14 item 6: lib/fees/client-fees.ts, the same split the portal and the
  // statement show): fees_receivable less the fees accrued on invoices still open — those
  // settle from their own reserve later.
  const feesRead = loadClientFees(tx, ids, asOf, view);
  // Disputes open on that date — and, for a decision now, those open now as well (`amount_now`).
  const disputesRead = tx.sql<{ client_id: string; currency: string; amount: string; amount_now: string }[]>`
    select i.client_id, i.currency,
           coalesce(sum(d.amount) filter (where d.opened_date <= ${asOf}::date and (d.resolved_date is null or d.resolved_date > ${asOf}::date)), 0) as amount,
           sum(d.amount) as amount_now
      from disputes d join invoices i on i.id = d.invoice_id
     where i.client_id = any(${ids}::bigint[])
       and ((d.opened_date <= ${asOf}::date and (d.resolved_date is null or d.resolved_date > ${asOf}::date))
            or (${current || both}::boolean and d.status = 'open'))
     group by i.client_id, i.currency`;
  const [sources, balances, fees, disputes] = await Promise.all([sourcesRead, balancesRead, feesRead, disputesRead]);

  const key = (client: string | number, currency: string) => `${client}|${currency}`;
  const views: ('then' | 'now')[] = both ? ['then', 'now'] : [current ? 'now' : 'then'];
  for (const v of views) {
    const now = v === 'now';
    const bal = new Map<string, { due: Big; receivable: Big }>();
    for (const b of balances) {
      const k = key(b.client_id, b.currency);
      const entry = bal.get(k) ?? { due: ZERO, receivable: ZERO };
      const amount = new Big(now ? b.balance_now : b.balance);
      if (b.code === 'client_due') entry.due = entry.due.plus(amount);
      else entry.receivable = entry.receivable.plus(amount);
      bal.set(k, entry);
    }
    const disputed = new Map(disputes.map((d) => [key(d.client_id, d.currency), new Big(now ? d.amount_now : d.amount)]));
    const sourcesBy = new Map<string, ReleaseSource[]>();
    for (const s of sources) {
      const held = new Big(now ? s.held_now : s.held);
      const count = now ? s.n_now : s.n;
      // only when both views are read: a source that held nothing in this view
      if (count === 0) continue;
      const k = key(s.client_id, s.currency);
      const list = sourcesBy.get(k) ?? [];
      list.push({
        kind: s.source_kind,
        id: s.source_id,
        label: s.label ?? groupLabel(s.state),
        state: s.state,
        held,
        count,
        order: s.ord ?? undefined,
      });
      sourcesBy.set(k, list);
    }
    const currencies = new Set([...sourcesBy.keys(), ...bal.keys(), ...fees.keys()]);
    for (const k of currencies) {
      const [clientText, currency] = k.split('|') as [string, string];
      const ctx = out.get(Number(clientText));
      if (!ctx) continue;
      const list = sourcesBy.get(k) ?? [];
      const b = bal.get(k) ?? { due: ZERO, receivable: ZERO };
      const f = fees.get(k);
      const feeFigures = f ? (now ? f.now : f.asOf) : { accruedOnOpen: ZERO, due: ZERO };
      const disputedHeld = list.filter((s) => s.state === 'disputed').reduce((t, s) => t.plus(s.held), ZERO);
      const exposure = (disputed.get(k) ?? ZERO).minus(disputedHeld);
      (both && now ? ctx.statesNow : ctx.states).push({
        currency,
        policy: ctx.terms.reservePolicy,
        minimumReserveBalance: new Big(ctx.terms.minimumReserveBalance ?? '0'),
        feesDue: feeFigures.due,
        feesAccruedOnOpen: feeFigures.accruedOnOpen,
        clientDue: b.due.gt(0) ? b.due : ZERO,
        openReceivables: b.receivable.gt(0) ? b.receivable : ZERO,
        disputedExposure: exposure.gt(0) ? exposure : ZERO,
        sources: list,
      });
    }
  }
  for (const ctx of out.values()) {
    ctx.states.sort((a, b) => a.currency.localeCompare(b.currency));
    ctx.statesNow.sort((a, b) => a.currency.localeCompare(b.currency));
  }
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
