import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementTermsInput } from '../../lib/agreements/terms';
import { verifyAll } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { chargebackInvoice } from '../../lib/collections/disputes';
import { addDays } from '../../lib/dates';
import { runAccrual } from '../../lib/fees/accrual';
import { accrualStateSql, settleInvoice } from '../../lib/fees/settlement';
import { getInvoice } from '../../lib/invoices';
import { feeToDateSql, postedFeeSql } from '../../lib/ledger/accrual';
import { Big, formatMoney } from '../../lib/money';
import { accrualHistory, accrualHistorySql } from '../../lib/reports/fees';
import { aClient, aCollection, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { asOwner, createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, "history does not slow the present": the daily accrual posts one fees_receivable line
 * per client, currency and day (the sum of its invoices' differences) and keeps the per-invoice,
 * per-date difference in fee_accrual_lines; an invoice's fee to date follows from its accrual
 * state, never from a read of its history. These tests hold the two together.
 */
let t: TestDatabase;
let team: Team;
const job = systemActor('job:fee-accrual');
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const DAILY: AgreementTermsInput = { fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } };
const accrue = (asOf: string, clientIds?: number[]) => runAccrual(t.database, { asOf, by: job, clientIds, chunkSize: 7 });

/**
 * The invariants, as breaks in words, over these clients: each invoice's fee to date by its
 * accrual state (postedFeeSql — what the invoice view, freezes and markCredited read) equals its
 * detail plus the fees_receivable lines tagged with it in accrual entries (a freeze's
 * adjustment); each accrual entry's fees_receivable line is the sum of its detail; no accrual
 * line of the journal is tagged with an invoice.
 */
async function breaks(clientIds: number[]): Promise<string[]> {
  const rows = await t.database.sql<{ message: string }[]>`
    select 'invoice ' || x.invoice_id || ': fee to date ' || x.state || ' by its state, but its detail sums to ' || coalesce(d.total, 0)
           || ' and its tagged accrual lines to ' || coalesce(l.total, 0) as message
      from (select f.invoice_id, ${postedFeeSql(t.database.sql, t.database.sql`ac.accrued_through`)} as state
              from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
             where f.client_id = any(${clientIds}::bigint[])) x
      left join (select invoice_id, sum(amount) as total from fee_accrual_lines group by invoice_id) d on d.invoice_id = x.invoice_id
      left join (select l.invoice_id, sum(l.amount) as total from journal_lines l
                   join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
                   join journal_entries e on e.id = l.entry_id and e.kind = 'accrual'
                  where l.invoice_id is not null group by l.invoice_id) l on l.invoice_id = x.invoice_id
     where x.state <> coalesce(d.total, 0) + coalesce(l.total, 0)
    union all
    select 'accrual entry ' || e.id || ' (' || e.idempotency_key || '): fees receivable line(s) ' || coalesce(j.total::text, 'none')
           || ' in ' || coalesce(j.n, 0) || ' line(s), detail ' || coalesce(d.total::text, 'none')
      from journal_entries e
      left join (select l.entry_id, count(*)::int as n, sum(l.amount) as total from journal_lines l
                   join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
                  where l.accrual and l.invoice_id is null group by l.entry_id) j on j.entry_id = e.id
      left join (select entry_id, sum(amount) as total from fee_accrual_lines group by entry_id) d on d.entry_id = e.id
     where e.kind = 'accrual' and e.idempotency_key like 'accrual:%' and e.client_id = any(${clientIds}::bigint[])
       and (j.n is not null or d.total is not null) -- (an entry of the days before issue 13 has neither)
       and (coalesce(j.n, 0) <> 1 or d.total is null or d.total <> j.total)
    union all
    select 'journal line ' || l.id || ' is an accrual line tagged with invoice ' || l.invoice_id
      from journal_lines l join ledger_accounts a on a.id = l.account_id
     where l.accrual and l.invoice_id is not null and a.client_id = any(${clientIds}::bigint[])`;
  return rows.map((r) => r.message);
}

describe('the accrual journal per client and day, the detail per invoice and day (issue 13)', () => {
  it('posts one fees_receivable line per client and currency a day, the sum of its invoices’ detail: O(clients) journal lines, not O(invoices)', async () => {
    const debtor = await aDebtor(t.database, team, { creditLimit: '100000000.00' });
    const clients = [await aClient(t.database, team, { agreement: DAILY }), await aClient(t.database, team, { agreement: DAILY })];
    const eur = await aClient(t.database, team, { currency: 'EUR', agreement: DAILY });
    const faces = [
      ['10000.00', '7777.77', '12345.67', '999.99', '50000.00'],
      ['2500.00', '3600.00', '4900.00', '6400.00'],
      ['8000.00', '1234.56', '4321.00'],
    ];
    for (const [k, client] of [...clients, eur].entries()) {
      for (const face of faces[k]!) await aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate: '2026-03-01' });
    }
    const ids = [...clients, eur].map((c) => Number(c.id));
    await accrue('2026-03-05', ids);
    const day = async (date: string) => {
      const entries = await t.database.sql<{ id: string; client_id: string; key: string; line: string; lines: number; detail: string; rows: number }[]>`
        select e.id, e.client_id, e.idempotency_key as key,
               (select sum(l.amount) from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
                 where l.entry_id = e.id and l.accrual and l.invoice_id is null) as line,
               (select count(*)::int from journal_lines l where l.entry_id = e.id) as lines,
               (select sum(d.amount) from fee_accrual_lines d where d.entry_id = e.id) as detail,
               (select count(*)::int from fee_accrual_lines d where d.entry_id = e.id) as rows
          from journal_entries e
         where e.kind = 'accrual' and e.effective_date = ${date} and e.client_id = any(${ids}::bigint[]) order by e.client_id`;
      return entries;
    };
    const third = await day('2026-03-03');
    // one entry per client (each in one currency), two journal lines each, a detail row per invoice
    expect(third.map((e) => [e.key, e.lines, e.rows])).toEqual([
      [`accrual:2026-03-03:${clients[0]!.id}:USD`, 2, 5],
      [`accrual:2026-03-03:${clients[1]!.id}:USD`, 2, 4],
      [`accrual:2026-03-03:${eur.id}:EUR`, 2, 3],
    ]);
    // 10,000.00 × 12% / 360 a day: 3.33 on day 1, 3.34 on day 2 (the rounding of the fee to date telescopes)
    const [first] = await t.database.sql<{ amount: string }[]>`
      select d.amount from fee_accrual_lines d join journal_entries e on e.id = d.entry_id
       join invoices i on i.id = d.invoice_id where i.face_value = 10000 and i.client_id = ${clients[0]!.id} and e.effective_date = '2026-03-03'`;
    expect(first!.amount).toBe('3.3400');
    for (const e of third) {
      expect(e.line).toBe(e.detail);
      expect(new Big(e.line).gt(0)).toBe(true);
    }
    // the journal grows with clients, not with invoices: 40 more invoices, the same two lines per client a day
    for (let i = 0; i < 40; i += 1)
      await aFundedInvoice(t.database, team, { client: clients[0]!, debtor, faceValue: `${1000 + i}.00`, fundingDate: '2026-03-05' });
    await accrue('2026-03-06', ids);
    const sixth = await day('2026-03-06');
    expect(sixth.map((e) => [e.lines, e.rows])).toEqual([
      [2, 45],
      [2, 4],
      [2, 3],
    ]);
    const [lines] = await t.database.sql<{ journal: number; detail: number }[]>`
      select (select count(*)::int from journal_lines l join journal_entries e on e.id = l.entry_id
               where e.kind = 'accrual' and e.client_id = any(${ids}::bigint[])) as journal,
             (select count(*)::int from fee_accrual_lines d join journal_entries e on e.id = d.entry_id and e.client_id = any(${ids}::bigint[])) as detail`;
    // 2026-03-02 … 03-06: five days × three clients × two lines; the detail: 12 invoices × 5 days + 40 × 1
    expect(lines).toEqual({ journal: 30, detail: 100 });
    expect(await breaks(ids)).toEqual([]);
    // the invoice's fee to date (state) and its history (detail) agree, day by day
    const [inv] = await t.database.sql<{ id: string }[]>`select id from invoices where client_id = ${clients[0]!.id} and face_value = 10000`;
    const view = await getInvoice(t.database, Number(inv!.id), team.funding);
    expect(view.feesAccrued).toBe('16.67'); // 5 days: 10,000 × 0.12 × 5 / 360 = 16.666…
    const history = await accrualHistory(t.database, Number(inv!.id), 'USD');
    expect(history.map((h) => [h.date, h.amount])).toEqual([
      ['2026-03-02', '3.33'],
      ['2026-03-03', '3.34'],
      ['2026-03-04', '3.33'],
      ['2026-03-05', '3.33'],
      ['2026-03-06', '3.34'],
    ]);
    expect(history.at(-1)!.cumulative).toBe(view.feesAccrued);
  });

  it('fee to date from the accrual state equals the detail posted, for every invoice, through seeded random days of fundings (late ones too), payments, freezes and catch-ups out of order', async () => {
    const schedules: AgreementTermsInput[] = [
      DAILY,
      { fees: { kind: 'daily_rate', rate: '0.18', dayCount: 'actual/365', base: 'outstanding' } },
      { advanceRate: '0.85', reserveRate: '0.15', fees: { kind: 'daily_rate', rate: '0.09', dayCount: 'actual/360', base: 'advance' } },
      { fees: { kind: 'tiered', initialRate: '0.02', initialDays: 10, stepRate: '0.005', stepDays: 5 } },
      { minimumFee: '75.00', fees: { kind: 'daily_rate', rate: '0.15', dayCount: 'actual/360', base: 'outstanding' } },
    ];
    const debtor = await aDebtor(t.database, team, { creditLimit: '1000000000.00' });
    let checks = 0;
    const seen = { fund: 0, late: 0, accrueAll: 0, accrueSome: 0, behind: 0, pay: 0, backdated: 0, settle: 0, chargeback: 0 };
    for (const seed of [13, 2026, 777]) {
      const rng = mulberry32(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
      const clients = [];
      for (const agreement of schedules) clients.push(await aClient(t.database, team, { agreement }));
      const ids = clients.map((c) => Number(c.id));
      let today = '2026-04-01';
      const open: { id: string; clientId: string; currency: string; fundingDate: string; outstanding: Big; lastPaid: string }[] = [];
      for (let step = 0; step < 40; step += 1) {
        const roll = rng();
        if (roll < 0.3 || open.length === 0) {
          // a funding, sometimes for a date its client has been accrued through already
          const client = pick(clients);
          const fundingDate = addDays(today, -Math.floor(rng() * 8));
          const [through] = await t.database.sql<{ d: string | null }[]>`select accrued_through::text as d from accrual_clients where client_id = ${client.id}`;
          if (through?.d && fundingDate <= through.d) seen.late += 1;
          const face = new Big(1000 + Math.floor(rng() * 49_000)).plus(new Big(Math.floor(rng() * 100)).div(100)).toFixed(2);
          const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate });
          open.push({ id: invoice.id, clientId: client.id, currency: 'USD', fundingDate, outstanding: new Big(face), lastPaid: fundingDate });
          seen.fund += 1;
        } else if (roll < 0.5) {
          today = addDays(today, 1 + Math.floor(rng() * 4));
          await accrue(today, ids);
          seen.accrueAll += 1;
        } else if (roll < 0.62) {
          // some clients only, to a date that may be behind others' (their runs skip what is done)
          const some = ids.filter(() => rng() < 0.5);
          const asOf = addDays(today, -Math.floor(rng() * 5));
          const [behind] = await t.database.sql<{ n: number }[]>`
            select count(*)::int as n from accrual_clients where client_id = any(${some}::bigint[]) and accrued_through >= ${asOf}`;
          if (behind!.n > 0) seen.behind += 1;
          await accrue(asOf, some.length > 0 ? some : [ids[0]!]);
          seen.accrueSome += 1;
        } else if (roll < 0.82) {
          // a part payment, sometimes dated days back (recorded late)
          const inv = pick(open);
          const date = [inv.lastPaid, addDays(today, -Math.floor(rng() * 6))].sort().at(-1)!;
          const amount = inv.outstanding.times(0.1 + rng() * 0.5).round(2, Big.roundDown);
          if (amount.gt(0) && amount.lt(inv.outstanding)) {
            if (date < today) seen.backdated += 1;
            await aCollection(t.database, inv, amount.toFixed(2), date);
            inv.outstanding = inv.outstanding.minus(amount);
            inv.lastPaid = date;
            seen.pay += 1;
          }
        } else if (roll < 0.92) {
          // paid in full and settled: the fee freezes (and is settled from the reserve)
          const inv = open.splice(Math.floor(rng() * open.length), 1)[0]!;
          const date = [inv.lastPaid, addDays(today, -Math.floor(rng() * 3))].sort().at(-1)!;
          await aCollection(t.database, inv, inv.outstanding.toFixed(2), date);
          await t.database.transaction((tx) => settleInvoice(tx, Number(inv.id), date, team.collections));
          seen.settle += 1;
        } else {
          const inv = open.splice(Math.floor(rng() * open.length), 1)[0]!;
          await t.database.transaction((tx) => chargebackInvoice(tx, Number(inv.id), { date: [inv.lastPaid, today].sort().at(-1)! }, team.collections));
          seen.chargeback += 1;
        }
        expect({ seed, step, breaks: await breaks(ids) }).toEqual({ seed, step, breaks: [] });
        checks += 1;
      }
      // the invoice view says what the state says, to the cent
      for (const inv of await t.database.sql<{ id: string }[]>`select invoice_id as id from fee_accruals where client_id = any(${ids}::bigint[])`) {
        const [state] = await t.database.sql<{ fee: string }[]>`${feeToDateSql(t.database.sql, Number(inv.id))}`;
        expect((await getInvoice(t.database, Number(inv.id), team.funding)).feesAccrued).toBe(formatMoney(new Big(state!.fee), 'USD'));
      }
    }
    // the exploration reached what it is about
    expect(checks).toBe(120);
    for (const [what, n] of Object.entries(seen)) expect({ what, reached: n > 0 }).toEqual({ what, reached: true });
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it('the detail is append-only: the app role may not UPDATE, DELETE or TRUNCATE it, the owner is stopped by its triggers', async () => {
    const [row] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from fee_accrual_lines`;
    expect(row!.n).toBeGreaterThan(0);
    await expect(t.database.sql`update fee_accrual_lines set amount = amount + 1`).rejects.toThrow(/permission denied for table fee_accrual_lines/);
    await expect(t.database.sql`delete from fee_accrual_lines`).rejects.toThrow(/permission denied for table fee_accrual_lines/);
    await expect(t.database.sql`truncate fee_accrual_lines`).rejects.toThrow(/permission denied for table fee_accrual_lines/);
    await expect(asOwner(t, (sql) => sql`update fee_accrual_lines set amount = amount + 1`)).rejects.toThrow(/UPDATE on fee_accrual_lines is not allowed/);
    await expect(asOwner(t, (sql) => sql`delete from fee_accrual_lines`)).rejects.toThrow(/DELETE on fee_accrual_lines is not allowed/);
    await expect(asOwner(t, (sql) => sql`truncate fee_accrual_lines`)).rejects.toThrow(/TRUNCATE on fee_accrual_lines is not allowed/);
    const [after] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from fee_accrual_lines`;
    expect(after!.n).toBe(row!.n);
  });

  it('the database refuses detail and journal that do not tie, whatever SQL the app sends', async () => {
    const [entry] = await t.database.sql<{ id: string; client_id: string; effective_date: string; receivable: string; income: string }[]>`
      select e.id, e.client_id, e.effective_date::text,
             (select l.account_id from journal_lines l where l.entry_id = e.id and l.accrual) as receivable,
             (select l.account_id from journal_lines l where l.entry_id = e.id and not l.accrual) as income
        from journal_entries e where e.kind = 'accrual' and e.idempotency_key like 'accrual:%:USD' order by e.id limit 1`;
    const [invoice] = await t.database.sql<{ id: string }[]>`select invoice_id as id from fee_accruals where client_id = ${entry!.client_id} limit 1`;
    const [other] = await t.database.sql<{ id: string }[]>`select id from journal_entries where kind = 'funding' order by id limit 1`;
    // detail appended to an entry already posted: its line no longer says what it sums to
    await expect(
      t.database.sql`insert into fee_accrual_lines values (${entry!.id}, ${Number(invoice!.id) + 1_000_000}, ${entry!.effective_date}, 1.00)`,
    ).rejects.toThrow(/accrual entry \d+ posts .* but the detail inserted for it sums to/);
    // detail of an entry that is not an accrual, or not of its date
    await expect(t.database.sql`insert into fee_accrual_lines values (${other!.id}, ${invoice!.id}, '2026-03-02', 0.00)`).rejects.toThrow(
      /detail belongs to an accrual entry of its own date/,
    );
    // an aggregate accrual line without detail, in a balanced entry of its own
    await expect(
      t.database.sql.begin(async (sql) => {
        const [e] = await sql<{ id: string }[]>`
          insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by)
          values ('2026-03-07', 'accrual', ${`accrual:2026-03-07:forged:${entry!.id}`}, ${entry!.client_id}, 'forged', 'test') returning id`;
        await sql`
          insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
          values (${e!.id}, ${entry!.receivable}, 'USD', 5.00, '2026-03-07', null, true), (${e!.id}, ${entry!.income}, 'USD', -5.00, '2026-03-07', null, false)`;
      }),
    ).rejects.toThrow(/posted with its invoices' detail/);
    // a second aggregate line in an entry that has its detail
    await expect(
      t.database.sql`
        insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
        values (${entry!.id}, ${entry!.receivable}, 'USD', 5.00, ${entry!.effective_date}, null, true), (${entry!.id}, ${entry!.income}, 'USD', -5.00, ${entry!.effective_date}, null, false)`,
    ).rejects.toThrow(/it must be the only one of an accrual entry/);
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it('reads no history for a fee to date: the invoice view’s and the freeze’s fee reads touch no journal line and no detail (EXPLAIN)', async () => {
    const client = await aClient(t.database, team, { agreement: DAILY });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '36000.00', fundingDate: '2026-05-01' });
    await accrue('2026-06-30', [Number(client.id)]); // 60 days of history
    const relations = (plan: PlanNode): string[] => [...(plan['Relation Name'] ? [plan['Relation Name']] : []), ...(plan.Plans ?? []).flatMap(relations)];
    const [view] = await t.database.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`explain (format json) ${feeToDateSql(t.database.sql, Number(invoice.id))}`;
    const freeze = await t.database.transaction(async (tx) => {
      const [plan] = await tx.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`explain (format json) ${accrualStateSql(tx, Number(invoice.id))}`;
      return plan!;
    });
    for (const plan of [view!, freeze]) {
      const read = relations(plan['QUERY PLAN'][0].Plan);
      expect(read).toContain('fee_accruals');
      expect(read).not.toContain('journal_lines');
      expect(read).not.toContain('fee_accrual_lines');
    }
    // and the figure: 36,000 × 12% × 60 / 360 = 720.00, what 60 detail rows sum to
    expect((await getInvoice(t.database, Number(invoice.id), team.funding)).feesAccrued).toBe('720.00');
    const [detail] = await t.database.sql<
      { n: number; total: string }[]
    >`select count(*)::int as n, sum(amount) as total from fee_accrual_lines where invoice_id = ${invoice.id}`;
    expect(detail).toEqual({ n: 60, total: '720.0000' });
    // the invoice page's history has an index path for every table it reads (one probe per day), however small the test tables
    const history = await t.database.transaction(async (tx) => {
      await tx.sql`set local enable_seqscan = off`;
      const [plan] = await tx.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`explain (format json) ${accrualHistorySql(tx.sql, Number(invoice.id))}`;
      return plan!;
    });
    const scans = nodes(history['QUERY PLAN'][0].Plan)
      .filter((n) => n['Node Type'] === 'Seq Scan')
      .map((n) => n['Relation Name']);
    expect(scans).toEqual([]);
  });

  it('a database from before issue 13: its per-invoice accrual lines still count, in the fee to date, the history and audit:verify', async () => {
    const client = await aClient(t.database, team, { agreement: DAILY });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-07-01' });
    // Ten days posted the old way: per day an entry, Dr fees_receivable per invoice (accrual, tagged), Cr fee_income.
    await t.database.sql`
      insert into ledger_accounts (code, currency, client_id) values ('fees_receivable', 'USD', ${client.id}), ('fee_income', 'USD', null) on conflict do nothing`;
    await t.database.transaction(async (tx) => {
      await tx.sql`
        insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by)
        select '2026-07-01'::date + d, 'accrual', 'accrual:' || to_char('2026-07-01'::date + d, 'YYYY-MM-DD') || ':' || ${client.id} || ':USD', ${client.id}, 'old', 'test'
          from generate_series(1, 10) d`;
      await tx.sql`
        with days as (
          select e.id, e.effective_date, round(10000 * 0.12 * (e.effective_date - '2026-07-01') / 360, 2) - round(10000 * 0.12 * (e.effective_date - '2026-07-01' - 1) / 360, 2) as delta
            from journal_entries e where e.kind = 'accrual' and e.client_id = ${client.id})
        insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
        select d.id, a.id, 'USD', case when a.code = 'fees_receivable' then d.delta else -d.delta end, d.effective_date,
               case when a.code = 'fees_receivable' then ${invoice.id}::bigint end, a.code = 'fees_receivable'
          from days d join ledger_accounts a on (a.code = 'fees_receivable' and a.client_id = ${client.id}) or (a.code = 'fee_income' and a.client_id is null and a.currency = 'USD')`;
      await tx.sql`
        update ledger_accounts a set balance = a.balance + s.total
          from (select l.account_id, sum(l.amount) as total from journal_lines l join journal_entries e on e.id = l.entry_id
                 where e.kind = 'accrual' and e.client_id = ${client.id} group by l.account_id) s where a.id = s.account_id`;
      await tx.sql`insert into accrual_clients (client_id, accrued_through) values (${client.id}, '2026-07-11')`;
    });
    // … and the migration, on that database, fixed where such lines end (holdback_legacy_accrual_through())
    await asOwner(
      t,
      (sql) =>
        sql`create or replace function holdback_legacy_accrual_through() returns date language sql immutable parallel safe as 'select ''2026-07-11''::date'`,
    );
    try {
      expect((await getInvoice(t.database, Number(invoice.id), team.funding)).feesAccrued).toBe('33.33');
      // ten more days the new way
      await accrue('2026-07-21', [Number(client.id)]);
      expect((await getInvoice(t.database, Number(invoice.id), team.funding)).feesAccrued).toBe('66.67');
      const history = await accrualHistory(t.database, Number(invoice.id), 'USD');
      expect(history).toHaveLength(20);
      expect(history.map((h) => h.date)).toEqual(Array.from({ length: 20 }, (_, i) => addDays('2026-07-02', i)));
      expect(history.at(-1)!.cumulative).toBe('66.67');
      // a partial payment (markCredited starts from the state), then the freeze at a settlement: the same figures
      await aCollection(t.database, { id: invoice.id, clientId: client.id, currency: 'USD' }, '10000.00', '2026-07-21');
      const frozen = await t.database.transaction((tx) => settleInvoice(tx, Number(invoice.id), '2026-07-21', team.collections));
      expect(frozen).toMatchObject({ fee: '66.67', adjustment: '0.00', settledFromReserve: '66.67' });
      expect(await breaks([Number(client.id)])).toEqual([
        // the legacy lines are per invoice, by design: the only accrual lines tagged with an invoice
        ...Array.from({ length: 10 }, () => expect.stringMatching(/^journal line \d+ is an accrual line tagged with invoice /)),
      ]);
      expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
    } finally {
      await asOwner(
        t,
        (sql) => sql`create or replace function holdback_legacy_accrual_through() returns date language sql immutable parallel safe as 'select null::date'`,
      );
    }
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
