import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Break } from '../../lib/audit/verify';
import { verifyLedger } from '../../lib/audit/verify';
import { chargebackInvoice, openDispute, writeOffInvoice } from '../../lib/collections/disputes';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import type { ClientView } from '../../lib/clients';
import type { DebtorView } from '../../lib/debtors';
import { fundBatch } from '../../lib/funding';
import { Big } from '../../lib/money';
import { agingBy } from '../../lib/reports/aging';
import { dashboard } from '../../lib/reports/dashboard';
import { foldRollups, topExposure, verifyRollups } from '../../lib/reports/rollups';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13: the invoices' roll-ups (migration 0021, lib/reports/rollups.ts) follow every command
 * exactly — before and after a fold — and take no row lock a parallel command could wait on.
 */
const AS_OF = '2026-04-20';
let t: TestDatabase;
let team: Team;
let usd: ClientView;
let eur: ClientView;
let nonRecourse: ClientView;
let debtors: DebtorView[];

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  usd = await aClient(t.database, team, { currency: 'USD' });
  eur = await aClient(t.database, team, { currency: 'EUR' });
  nonRecourse = await aClient(t.database, team, { currency: 'USD', agreement: { model: 'non_recourse' } });
  debtors = [await aDebtor(t.database, team), await aDebtor(t.database, team), await aDebtor(t.database, team)];
});

afterAll(async () => {
  await t?.drop();
});

async function rollupBreaks(): Promise<Break[]> {
  const breaks: Break[] = [];
  await verifyRollups(t.database.sql, breaks);
  return breaks;
}

/** The dashboard's aging and counts the obvious way: straight from the invoices. */
async function recount() {
  const aging = await t.admin.sql<{ currency: string; bucket: string; invoices: number; outstanding: string }[]>`
    select currency, case when ${AS_OF}::date - issue_date <= 30 then '0–30' when ${AS_OF}::date - issue_date <= 60 then '31–60'
                          when ${AS_OF}::date - issue_date <= 90 then '61–90' else '90+' end as bucket,
           count(*)::int as invoices, to_char(sum(outstanding), 'FM999999999990.00') as outstanding
      from invoices where status in ('funded', 'disputed') group by 1, 2 order by 1, 2`;
  const [submitted] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from invoices where status = 'submitted'`;
  const top = await t.admin.sql<{ debtorId: string; currency: string; outstanding: string }[]>`
    select debtor_id::text as "debtorId", currency, to_char(sum(outstanding), 'FM999999999990.00') as outstanding
      from invoices where status in ('funded', 'disputed') group by debtor_id, currency having sum(outstanding) > 0
     order by sum(outstanding) desc, debtor_id, currency limit 5`;
  const totals = await t.admin.sql<{ currency: string; receivables: string; reserve: string }[]>`
    select currency, to_char(coalesce(sum(balance) filter (where code = 'receivable'), 0), 'FM999999999990.00') as receivables,
           to_char(-coalesce(sum(balance) filter (where code = 'reserve'), 0), 'FM999999999990.00') as reserve
      from ledger_accounts group by currency order by currency`;
  return { aging: aging.map((a) => ({ ...a })), submitted: submitted!.n, top: top.map((x) => ({ ...x })), totals: totals.map((x) => ({ ...x })) };
}

/** audit:verify's recount of the debtor roll-ups (debtor page, debtors and clients lists). */
async function debtorBreaks(): Promise<{ kind: string; message: string }[]> {
  const breaks: { kind: string; message: string }[] = [];
  await verifyDebtorRollups(t.database.sql, breaks);
  return breaks;
}

async function expectExact(step: string) {
  expect(await rollupBreaks(), step).toEqual([]);
  const d = await dashboard(t.database, AS_OF);
  const r = await recount();
  expect(d.aging, step).toEqual(r.aging);
  expect(d.counts.awaitingVerification, step).toBe(r.submitted);
  expect(
    d.topDebtors.map((x) => ({ debtorId: x.debtorId, currency: x.currency, outstanding: x.outstanding })),
    step,
  ).toEqual(r.top);
  expect(
    d.totals.map((x) => ({ currency: x.currency, receivables: x.receivables, reserve: x.reserveHeld })),
    step,
  ).toEqual(r.totals);
}

async function fund(client: ClientView, invoiceIds: string[], fundingDate = '2026-03-02') {
  const batch = await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds, fundingDate }, team.funding));
  expect(batch.status).toBe('funded');
}

describe('the invoices roll-ups', () => {
  it('follow every command exactly, before and after each fold, and the fold leaves no delta and no zero row', async () => {
    await expectExact('empty');
    // Submitted, verified, funded across currencies, issue dates and debtors.
    const a = [] as string[];
    for (const [i, issueDate] of ['2026-01-10', '2026-02-25', '2026-03-30', '2026-04-15'].entries()) {
      a.push((await anInvoice(t.database, team, { client: usd, debtor: debtors[i % 3]!, issueDate, faceValue: `${1000 + i * 250}.00` })).id);
    }
    const e = [(await anInvoice(t.database, team, { client: eur, debtor: debtors[0]!, issueDate: '2026-03-01', faceValue: '5000.00' })).id];
    const n = [(await anInvoice(t.database, team, { client: nonRecourse, debtor: debtors[1]!, issueDate: '2026-02-01', faceValue: '3000.00' })).id];
    const waiting = await anInvoice(t.database, team, { client: usd, debtor: debtors[2]!, issueDate: '2026-04-01', verified: false });
    await expectExact('created and verified');
    expect((await dashboard(t.database, AS_OF)).counts.awaitingVerification).toBe(1);

    await fund(usd, a);
    await fund(eur, e);
    await fund(nonRecourse, n);
    await expectExact('funded');
    const folded = await foldRollups(t.database);
    expect(folded.busy).toBe(false);
    expect(folded.folded).toBeGreaterThan(0);
    await expectExact('funded, folded');
    expect((await t.admin.sql`select 1 from rollup_deltas`).length).toBe(0);

    // A dispute (status), a part payment and a payment in full (outstanding, then settled).
    await t.database.transaction((tx) => openDispute(tx, Number(a[0]), { amount: '100.00', reason: 'Damaged' }, team.collections));
    await expectExact('disputed');
    const pay = async (invoiceId: string, amount: string) => {
      const payment = await t.database.transaction((tx) =>
        receivePayment(tx, { amount, currency: 'USD', receivedDate: '2026-04-10', payerName: 'Someone', reference: 'no reference' }, team.collections),
      );
      await t.database.transaction((tx) => applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId, amount }] }, team.collections));
    };
    await pay(a[1]!, '400.00');
    await expectExact('part paid');
    const [left] = await t.admin.sql<{ outstanding: string }[]>`select outstanding from invoices where id = ${a[2]!}`;
    await pay(a[2]!, new Big(left!.outstanding).toFixed(2));
    expect((await t.admin.sql<{ status: string }[]>`select status from invoices where id = ${a[2]!}`)[0]!.status).toBe('settled');
    await expectExact('paid in full');
    await foldRollups(t.database);
    await expectExact('paid, folded');

    // Chargeback (recourse) and write-off (non-recourse): no longer open.
    await t.database.transaction((tx) => chargebackInvoice(tx, Number(a[3]), { date: '2026-04-18' }, team.collections));
    await t.database.transaction((tx) => writeOffInvoice(tx, Number(n[0]), { date: '2026-04-18' }, team.collections));
    await expectExact('charged back and written off');
    // A debtor merge moves invoices to another debtor (another part of issue 13 builds it): the roll-ups follow.
    await t.database.sql`update invoices set debtor_id = ${debtors[0]!.id} where debtor_id = ${debtors[1]!.id}`;
    // An update of a column the roll-ups do not count appends nothing.
    const before = (await t.admin.sql`select 1 from rollup_deltas`).length;
    await t.database.sql`update invoices set debtor_approved_date = '2026-04-01' where id = ${waiting.id}`;
    expect((await t.admin.sql`select 1 from rollup_deltas`).length).toBe(before);
    await expectExact('debtor merged');
    await foldRollups(t.database);
    await expectExact('folded again');
    // Keys that fell to zero (the settled invoice's issue date, the merged debtor) are gone.
    expect(await t.admin.sql`select * from rollups where items = 0 and amount = 0 and settled_invoices = 0 and days_beyond_terms = 0`).toEqual([]);
    // A debtor's invoices with a settled date and their days beyond terms (the portal's average days late).
    const [late] = await t.admin.sql<{ n: string; days: string }[]>`
      select count(*) as n, sum(settled_date - due_date) as days from invoices where debtor_id = ${debtors[2]!.id} and settled_date is not null`;
    expect(
      await t.admin.sql`select settled_invoices::text as n, days_beyond_terms::text as days from rollups where grain = 2 and ref_id = ${debtors[2]!.id}`,
    ).toEqual([{ n: late!.n, days: late!.days }]);
    expect(late!.n).toBe('1');
    expect(await t.admin.sql`select * from rollups where ref_id = ${debtors[1]!.id} and grain in (2, 4)`).toEqual([]);

    // The aging report equals its definition straight from the invoices.
    for (const by of ['debtor', 'client'] as const) {
      const key = t.admin.sql.unsafe(by === 'debtor' ? 'debtor_id' : 'client_id');
      const expected = await t.admin.sql<{ id: string; currency: string; invoices: number; total: string }[]>`
        select ${key} as id, currency, count(*)::int as invoices, to_char(sum(outstanding), 'FM999999999990.00') as total
          from invoices where status in ('funded', 'disputed') and outstanding > 0
         group by 1, 2 order by sum(outstanding) desc, 1, 2`;
      const got = await agingBy(t.database, by, AS_OF);
      expect(
        got.map((g) => ({ id: g.id, currency: g.currency, invoices: g.invoices, total: g.total })),
        by,
      ).toEqual(expected.map((x) => ({ ...x })));
    }
  });

  it('take no row lock: a payment of debtor D and client C still open makes neither another command on D and C nor a fold wait', async () => {
    // The SAME client and debtor (and currency, issue date, due date): every roll-up key of both
    // commands is shared — the dashboard's (migration 0021) and the debtor page's and lists' (0022).
    const one = await anInvoice(t.database, team, { client: usd, debtor: debtors[2]!, issueDate: '2026-04-02', faceValue: '2000.00' });
    const two = await anInvoice(t.database, team, { client: usd, debtor: debtors[2]!, issueDate: '2026-04-02', faceValue: '3000.00' });
    await fund(usd, [one.id, two.id]);
    await foldRollups(t.database);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // A payment of D's invoice for C (cash applied, the invoice's outstanding down) stays open…
    const first = t.database.transaction(async (tx) => {
      const payment = await receivePayment(
        tx,
        { amount: '250.00', currency: 'USD', receivedDate: '2026-04-10', payerName: 'Held open', reference: 'lock' },
        team.collections,
      );
      await applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId: one.id, amount: '250.00' }] }, team.collections);
      entered();
      await held;
    });
    await inside;
    try {
      // …while another statement on D's other invoice for C (the same roll-up keys: status, outstanding)
      // commits, and a fold runs: neither may wait for a lock. (Commands of one client also take the
      // client's row lock and its ledger accounts' by design; what is tested here is the roll-ups.)
      await t.database.transaction(async (tx) => {
        await tx.sql`set local lock_timeout = '500ms'`;
        await tx.sql`update invoices set status = 'disputed', outstanding = outstanding - 20 where id = ${two.id}`;
      });
      // (A fold that waited would hang here until the test times out: the payment commits only below.)
      const fold = await foldRollups(t.database);
      expect(fold.busy).toBe(false);
      expect(fold.folded).toBeGreaterThan(0);
      // The debtor's figures are exact meanwhile: the committed update is in, the open payment is not.
      expect(await debtorBreaks(), 'while the payment is open').toEqual([]);
    } finally {
      release();
      await first;
    }
    // Whatever committed when, the sums are exact.
    await expectExact('after the overlapping transactions');
    expect(await debtorBreaks(), 'after the overlapping transactions').toEqual([]);
    await foldRollups(t.database);
    await expectExact('folded after them');
    expect(await debtorBreaks(), 'folded after them').toEqual([]);
    // (The bare update had no ledger posting: put the invoice back as the ledger has it.)
    await t.database.sql`update invoices set status = 'funded', outstanding = outstanding + 20 where id = ${two.id}`;
    await expectExact('put back');
  });

  it('stay exact under parallel fundings and payments of the same currency and issue date', async () => {
    const clients = [usd, await aClient(t.database, team), await aClient(t.database, team), await aClient(t.database, team)];
    const made = await Promise.all(
      clients.map(async (client) => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++)
          ids.push((await anInvoice(t.database, team, { client, debtor: debtors[0]!, issueDate: '2026-04-05', faceValue: '1500.00' })).id);
        return { client, ids };
      }),
    );
    const folds = (async () => {
      for (let i = 0; i < 5; i++) await foldRollups(t.database);
    })();
    await Promise.all(made.map(({ client, ids }) => fund(client, ids)));
    await Promise.all(
      made.map(({ ids }) =>
        t.database.transaction(async (tx) => {
          const payment = await receivePayment(
            tx,
            { amount: '700.00', currency: 'USD', receivedDate: '2026-04-10', payerName: 'Parallel', reference: 'none' },
            team.collections,
          );
          await applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId: ids[0]!, amount: '700.00' }] }, team.collections);
        }),
      ),
    );
    await folds;
    await expectExact('parallel');
    await foldRollups(t.database);
    await expectExact('parallel, folded');
  });

  it('ranks the largest exactly from a few rows: folded amounts in index order plus the keys with deltas', async () => {
    // Synthetic client totals (grain 6) in a transaction rolled back at the end: 60 folded keys and
    // deltas that lift some past the leaders, sink leaders, create new keys and cancel out.
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 5; round++) {
      await t.admin.sql
        .begin(async (sql) => {
          await sql`delete from rollup_deltas`;
          await sql`delete from rollups where grain = 6`;
          const base = Array.from({ length: 60 }, (_, i) => ({ ref: 1000 + i, amount: Math.floor(rand() * 1000) * (rand() < 0.1 ? 0 : 1) }));
          for (const b of base) await sql`insert into rollups (grain, currency, ref_id, items, amount) values (6, 'USD', ${b.ref}, 1, ${b.amount})`;
          const deltas = Array.from({ length: 15 }, () => ({ ref: 1000 + Math.floor(rand() * 70), amount: Math.floor(rand() * 1600) - 800 }));
          for (const d of deltas) await sql`insert into rollup_deltas (grain, currency, ref_id, items, amount) values (6, 'USD', ${d.ref}, 0, ${d.amount})`;
          const total = new Map<number, number>();
          for (const b of base) total.set(b.ref, (total.get(b.ref) ?? 0) + b.amount);
          for (const d of deltas) total.set(d.ref, (total.get(d.ref) ?? 0) + d.amount);
          const expected = [...total.entries()]
            .filter(([, v]) => v > 0)
            .sort((x, y) => y[1] - x[1] || x[0] - y[0])
            .slice(0, 5)
            .map(([ref, v]) => ({ ref_id: String(ref), total: `${v}.0000` }));
          const got = await sql<{ ref_id: string; total: string }[]>`
            with d as materialized (select * from rollup_deltas), ${topExposure({ sql, db: undefined as never }, 6, 5)}
            select t.ref_id::text as ref_id, t.total::text as total from top t order by t.total desc, t.ref_id`;
          expect(
            got.map((g) => ({ ...g })),
            `round ${round}`,
          ).toEqual(expected);
          throw new Error('rollback');
        })
        .catch((e: Error) => {
          if (e.message !== 'rollback') throw e;
        });
    }
  });

  it('audit:verify names a roll-up that differs from the invoices, and a trigger that is missing', async () => {
    const ledger = async () => {
      const breaks: Break[] = [];
      await verifyLedger(t.database.sql, breaks);
      return breaks;
    };
    expect(await ledger()).toEqual([]);
    await t.admin.sql`update rollups set amount = amount + 1 where grain = 1 and currency = 'EUR'`;
    const tampered = await ledger();
    expect(tampered.map((b) => b.kind)).toEqual(['rollup']);
    expect(tampered[0]!.message).toMatch(
      /roll-up of open invoices by issue date \(EUR, 2026-03-01\) is off by 0 invoices and 1\.0000 outstanding against a recount of the invoices/,
    );
    await t.admin.sql`update rollups set amount = amount - 1 where grain = 1 and currency = 'EUR'`;
    await t.admin.sql`alter table invoices disable trigger invoices_rollups_update`;
    try {
      expect((await ledger()).map((b) => b.message)).toEqual([
        "trigger invoices_rollups_update on invoices is missing or disabled: the dashboard's roll-ups no longer follow invoices",
      ]);
    } finally {
      await t.admin.sql`alter table invoices enable trigger invoices_rollups_update`;
    }
    expect(await ledger()).toEqual([]);
    // The account totals (grain 7) too.
    await t.admin.sql`update rollups set amount = amount - 5 where grain = 7 and tag = 'cash' and currency = 'USD'`;
    expect((await ledger()).map((b) => b.message)).toEqual([
      'the roll-up of account balances by code (USD, cash) is off by 0 accounts and -5.0000 balance against a recount of the ledger accounts (the dashboard and the aging report show the roll-up)',
    ]);
    await t.admin.sql`update rollups set amount = amount + 5 where grain = 7 and tag = 'cash' and currency = 'USD'`;
    expect(await ledger()).toEqual([]);
  });
});
