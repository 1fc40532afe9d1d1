import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { verifyAll } from '../../lib/audit/verify';
import { chargebackInvoice, openDispute, resolveDispute, writeOffInvoice } from '../../lib/collections/disputes';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { runConcentrationCheck } from '../../lib/concentration';
import { daysBetween } from '../../lib/dates';
import { recordNoa, updateDebtor, type DebtorView } from '../../lib/debtors';
import { getDebtorDetail } from '../../lib/debtors/detail';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { fundBatch } from '../../lib/funding';
import { Big, formatMoney } from '../../lib/money';
import { foldRollups } from '../../lib/reports/rollups';
import { createApiKey } from '../../lib/users';
import type { ClientView } from '../../lib/clients';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 13, the debtor page's figures (GET /api/v1/debtors/{id}) on a seeded set run through the
 * real commands — paid in full, a short pay accepted, a credit note, a recourse charge-back, a
 * non-recourse write-off after a part payment, a short pay charged back in EUR, an open dispute —
 * each figure checked to the cent against what the invoices and the journal lines say, computed
 * here the slow, obvious way (never from the roll-ups the page reads).
 */
const AS_OF = '2026-07-01';

let t: TestDatabase;
let team: Team;
let debtor: DebtorView;
let other: DebtorView;
let key: string;
const clients = {} as Record<'a' | 'b' | 'e', ClientView>;
const saved: Record<string, string | undefined> = {};

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

async function funded(client: ClientView, options: { face: string; issued: string; debtor?: DebtorView; currency?: string }) {
  const invoice = await anInvoice(t.database, team, { client, debtor: options.debtor ?? debtor, faceValue: options.face, issueDate: options.issued });
  await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: options.issued }, team.funding));
  return invoice;
}

async function pay(invoiceId: string, amount: string, date: string, currency = 'USD', shortPay?: 'accept' | 'chargeback') {
  const payment = await tx((x) =>
    receivePayment(x, { amount, currency, receivedDate: date, payerName: 'Globex AP', reference: `pay ${invoiceId}` }, team.collections),
  );
  await tx((x) => applyPayment(x, Number(payment.id), { allocations: [{ invoiceId, amount }], ...(shortPay ? { shortPay } : {}) }, team.collections));
}

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  debtor = await aDebtor(t.database, team, { creditLimit: '50000.00' });
  other = await aDebtor(t.database, team);
  clients.a = await aClient(t.database, team, { name: 'Acme Recourse', agreement: { shortPayTolerance: { amount: '100.00', percent: '0' } } });
  clients.b = await aClient(t.database, team, { name: 'Bolt Nonrecourse', agreement: { model: 'non_recourse' } });
  clients.e = await aClient(t.database, team, { name: 'Euro Export', currency: 'EUR' });

  // Client A (USD, recourse)
  const a1 = await funded(clients.a, { face: '10000.00', issued: '2026-01-01' });
  await pay(a1.id, '10000.00', '2026-02-15'); // 45 days, on time
  const a2 = await funded(clients.a, { face: '5000.00', issued: '2026-01-05' });
  await pay(a2.id, '4950.00', '2026-03-20'); // short 50 within tolerance: accepted; 74 days, 15 late
  const a3 = await funded(clients.a, { face: '8000.00', issued: '2026-02-01' });
  const d3 = await tx((x) => openDispute(x, Number(a3.id), { amount: '1000.00', reason: 'Damaged', date: '2026-03-01' }, team.collections));
  await tx((x) => resolveDispute(x, Number(a3.id), Number(d3.id), { outcome: 'credit_note', amount: '1000.00', date: '2026-03-15' }, team.collections));
  const a4 = await funded(clients.a, { face: '3000.00', issued: '2026-02-10' });
  await tx((x) => chargebackInvoice(x, Number(a4.id), { date: '2026-05-01' }, team.collections)); // recourse: a default, not dilution
  const a5 = await funded(clients.a, { face: '2000.00', issued: '2026-06-01' });
  await tx((x) => openDispute(x, Number(a5.id), { amount: '500.00', reason: 'Short shipped', date: '2026-06-20' }, team.collections));
  await anInvoice(t.database, team, { client: clients.a, debtor, faceValue: '1000.00', issueDate: '2026-06-15', verified: false });
  await funded(clients.a, { face: '999.00', issued: '2026-03-01', debtor: other }); // another debtor's

  // Client B (USD, non-recourse)
  const b1 = await funded(clients.b, { face: '6000.00', issued: '2026-01-10' });
  await pay(b1.id, '1000.00', '2026-02-01');
  await tx((x) => writeOffInvoice(x, Number(b1.id), { date: '2026-06-01' }, team.collections));
  const b2 = await funded(clients.b, { face: '4000.00', issued: '2026-03-01' });
  await pay(b2.id, '4000.00', '2026-04-10'); // 40 days, on time

  // Client E (EUR): short by 1,000, charged back to the client (dilution, not a default)
  const e1 = await funded(clients.e, { face: '7000.00', issued: '2026-02-01' });
  await pay(e1.id, '6000.00', '2026-03-10', 'EUR', 'chargeback');

  await tx((x) => recordNoa(x, Number(clients.a.id), { debtorId: debtor.id, sentDate: '2026-01-02', acknowledgedDate: '2026-01-09' }, team.underwriter));
  await tx((x) => updateDebtor(x, Number(debtor.id), { creditLimit: '60000.00', riskRating: 'B' }, team.underwriter));
  await t.admin
    .sql`insert into settings (key, value) values ('concentration.portfolio_limit', '"0.30"'::jsonb) on conflict (key) do update set value = excluded.value`;
  await runConcentrationCheck(t.database);

  const reader = await aUser(t.database, 'auditor');
  key = (await tx((x) => createApiKey(x, reader.userId!, 'test', reader))).key;
  for (const [name, value] of [
    ['DATABASE_URL', t.url],
    ['APP_DATABASE_URL', t.url],
  ] as const) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  await closeDatabase();
}, 300_000);

afterAll(async () => {
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

async function api(path: string, apiKey = key) {
  const { GET } = await import('../../app/api/v1/debtors/[id]/route');
  const id = /\/debtors\/(\d+)/.exec(path)![1]!;
  const res = await GET(new Request(`http://holdback.test${path}`, { headers: { authorization: `Bearer ${apiKey}` } }), { params: Promise.resolve({ id }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The figures the slow, obvious way: the debtor's invoices, their payment applications and their journal lines. */
async function expected() {
  const invoices = await t.admin.sql<
    {
      id: string;
      client_id: string;
      currency: string;
      status: string;
      face: string;
      outstanding: string | null;
      issue: string;
      due: string;
      settled: string | null;
    }[]
  >`select id::text, client_id::text, currency, status, face_value as face, outstanding, issue_date::text as issue, due_date::text as due, settled_date::text as settled
      from invoices where debtor_id = ${debtor.id} order by id`;
  // Receivable credits by the kind of entry that posted them, per invoice.
  const credits = await t.admin.sql<{ invoice_id: string; kind: string; amount: string }[]>`
    select l.invoice_id::text, e.kind, -sum(l.amount) as amount
      from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable' join journal_entries e on e.id = l.entry_id
     where l.invoice_id in (select id from invoices where debtor_id = ${debtor.id}) and l.amount < 0
     group by l.invoice_id, e.kind`;
  const disputes = await t.admin.sql<{ currency: string; amount: string }[]>`
    select i.currency, sum(d.amount) as amount from disputes d join invoices i on i.id = d.invoice_id where i.debtor_id = ${debtor.id} and d.status = 'open' group by i.currency`;
  const open = invoices.filter((i) => i.status === 'funded' || i.status === 'disputed');
  const settled = invoices.filter((i) => i.status === 'settled');
  const pastDue = open.filter((i) => i.due < AS_OF);
  const late = settled.reduce((n, i) => n + Math.max(0, daysBetween(i.due, i.settled!)), 0) + pastDue.reduce((n, i) => n + daysBetween(i.due, AS_OF), 0);
  const mean = (total: number, count: number) => (count === 0 ? null : new Big(total).div(count).round(1, Big.roundHalfUp).toFixed(1));
  const byCurrency = new Map<string, { cash: Big; dilutive: Big; defaulted: Big }>();
  for (const i of invoices.filter((x) => x.outstanding !== null)) {
    const c = byCurrency.get(i.currency) ?? { cash: new Big(0), dilutive: new Big(0), defaulted: new Big(0) };
    const mine = credits.filter((k) => k.invoice_id === i.id);
    const cash = mine.filter((k) => k.kind === 'application').reduce((s, k) => s.plus(k.amount), new Big(0));
    const nonCash = mine.filter((k) => ['short_pay', 'credit_note', 'chargeback'].includes(k.kind)).reduce((s, k) => s.plus(k.amount), new Big(0));
    if (i.status === 'charged_back' || i.status === 'written_off') c.defaulted = c.defaulted.plus(new Big(i.face).minus(cash));
    else {
      c.cash = c.cash.plus(cash);
      c.dilutive = c.dilutive.plus(nonCash);
    }
    byCurrency.set(i.currency, c);
  }
  const exposure = new Map<string, Big>();
  for (const i of open) exposure.set(`${i.client_id}|${i.currency}`, (exposure.get(`${i.client_id}|${i.currency}`) ?? new Big(0)).plus(i.outstanding!));
  return {
    invoices: invoices.length,
    openInvoices: open.length,
    averageDaysToPay: mean(
      settled.reduce((n, i) => n + daysBetween(i.issue, i.settled!), 0),
      settled.length,
    ),
    averageDaysBeyondTerms: mean(late, settled.length + pastDue.length),
    dilution: [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, c]) => ({
        currency,
        reduced: formatMoney(c.cash.plus(c.dilutive), currency),
        collected: formatMoney(c.cash, currency),
        dilutive: formatMoney(c.dilutive, currency),
        rate: c.cash.plus(c.dilutive).gt(0) ? c.dilutive.div(c.cash.plus(c.dilutive)).round(4, Big.roundHalfUp).toFixed(4) : null,
        defaulted: formatMoney(c.defaulted, currency),
        disputedOpen: formatMoney(new Big(disputes.find((d) => d.currency === currency)?.amount ?? '0'), currency),
      })),
    exposure: [...exposure.entries()]
      .map(([k, amount]) => ({ clientId: k.split('|')[0]!, currency: k.split('|')[1]!, amount: formatMoney(amount, k.split('|')[1]!) }))
      .sort((x, y) => new Big(y.amount).cmp(x.amount) || Number(x.clientId) - Number(y.clientId)),
  };
}

describe('GET /api/v1/debtors/{id}', () => {
  it('answers every figure as the invoices and the journal lines do, to the cent', async () => {
    const want = await expected();
    // The set exercises what it should.
    expect(want.averageDaysToPay).toBe('49.0'); // (45 + 74 + 40 + 37) / 4
    expect(want.averageDaysBeyondTerms).toBe('21.2'); // (0 + 15 + 0 + 0 + 91 open past due) / 5
    expect(want.dilution.find((d) => d.currency === 'USD')).toMatchObject({ dilutive: '1050.00', collected: '18950.00', rate: '0.0525', defaulted: '8000.00' });

    const { status, body } = await api(`/api/v1/debtors/${debtor.id}?asOf=${AS_OF}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: debtor.id,
      name: debtor.name,
      creditLimit: '60000.00',
      creditLimitCurrency: 'USD',
      riskRating: 'B',
      asOf: AS_OF,
      invoices: want.invoices,
      openInvoices: want.openInvoices,
      clients: 3,
      averageDaysToPay: want.averageDaysToPay,
      averageDaysBeyondTerms: want.averageDaysBeyondTerms,
      paymentHistory: { settledInvoices: 4, openPastDue: 1 },
      dilution: '0.0525',
      mergedIntoId: null,
    });
    expect((body.dilutionByCurrency as Record<string, unknown>[]).map(({ invoices: _, ...rest }) => rest)).toEqual(want.dilution);
    expect(
      (body.exposure as { clientId: string; currency: string; amount: string }[]).map((e) => ({
        clientId: e.clientId,
        currency: e.currency,
        amount: e.amount,
      })),
    ).toEqual(want.exposure);
    expect(body.exposureByCurrency).toEqual([{ currency: 'USD', openInvoices: 2, amount: '9000.00', overLimit: false }]);
  });

  it('shows the credit limit with its history, the notices, the concentration alerts', async () => {
    const { body } = await api(`/api/v1/debtors/${debtor.id}`);
    expect(body.creditLimitHistory).toEqual([
      expect.objectContaining({ action: 'changed', creditLimit: '60000.00', previous: '50000.00', riskRating: 'B', by: team.underwriter.label }),
      expect.objectContaining({ action: 'created', creditLimit: '50000.00', previous: null }),
    ]);
    expect(body.noticesOfAssignment).toEqual([{ clientId: clients.a.id, clientName: 'Acme Recourse', sentDate: '2026-01-02', acknowledgedDate: '2026-01-09' }]);
    // Client A has a notice; B has nothing open; so no client with open invoices lacks a notice.
    expect(body.clientsWithoutNotice).toBe(0);
    const alerts = body.concentrationAlerts as { scope: string; status: string; currency: string }[];
    const openAlerts = await t.admin.sql<
      { id: string }[]
    >`select id::text from concentration_alerts where debtor_id = ${debtor.id} and status = 'open' order by id desc`;
    expect(openAlerts.length).toBeGreaterThan(0);
    expect(alerts.filter((a) => a.status === 'open').map((a) => (a as unknown as { id: string }).id)).toEqual(openAlerts.map((a) => a.id));
  });

  it('is 404 for an unknown debtor and 403 for a client user (other clients\u2019 exposure is not theirs to see)', async () => {
    expect((await api('/api/v1/debtors/999999')).status).toBe(404);
    const clientUser = await aUser(t.database, 'client', { clientId: Number(clients.a.id) });
    const clientKey = (await tx((x) => createApiKey(x, clientUser.userId!, 'test', clientUser))).key;
    const refused = await api(`/api/v1/debtors/${debtor.id}`, clientKey);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('keeps the roll-ups equal to the invoices (audit:verify checks them)', async () => {
    const breaks: { kind: string; message: string }[] = [];
    expect(await verifyDebtorRollups(t.database.sql, breaks)).toBe(0);
    const report = await verifyAll(t.admin.sql);
    expect(report.breaks).toEqual([]);
    // A tampered pending delta is named (readers sum folded + pending)…
    const [pending] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from debtor_exposure_deltas where debtor_id = ${debtor.id}`;
    expect(pending!.n, 'the commands appended deltas, no fold has run').toBeGreaterThan(0);
    await t.admin.sql`insert into debtor_exposure_deltas (debtor_id, client_id, currency, exposure) values (${debtor.id}, ${clients.a.id}, 'USD', 1)`;
    const tamperedDelta: { kind: string; message: string }[] = [];
    await verifyDebtorRollups(t.admin.sql, tamperedDelta);
    expect(tamperedDelta.map((b) => b.message)).toContainEqual(expect.stringContaining(`debtor ${debtor.id}, client ${clients.a.id}, USD: exposure kept`));
    await t.admin.sql`delete from debtor_exposure_deltas where debtor_id = ${debtor.id} and invoices = 0 and exposure = 1 and collected = 0`;
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
    // …and, after a fold has moved every delta, a tampered folded row.
    const before = await getDebtorDetail(t.database, Number(debtor.id), team.underwriter, { asOf: AS_OF });
    await foldRollups(t.database);
    expect(await t.admin.sql`select 1 from debtor_exposure_deltas union all select 1 from debtor_open_due_deltas`).toHaveLength(0);
    expect(await getDebtorDetail(t.database, Number(debtor.id), team.underwriter, { asOf: AS_OF }), 'the same figures once folded').toEqual(before);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
    await t.admin.sql`update debtor_exposure set exposure = exposure + 1 where debtor_id = ${debtor.id} and client_id = ${clients.a.id}`;
    const tampered: { kind: string; message: string }[] = [];
    await verifyDebtorRollups(t.admin.sql, tampered);
    expect(tampered.map((b) => b.message)).toContainEqual(expect.stringContaining(`debtor ${debtor.id}, client ${clients.a.id}, USD: exposure kept`));
    await t.admin.sql`update debtor_exposure set exposure = exposure - 1 where debtor_id = ${debtor.id} and client_id = ${clients.a.id}`;
    // debtor_figures was not refreshed by the hand edit: put it back the way the fold would.
    await t.admin.sql`select holdback_debtor_figures_refresh(array[${debtor.id}]::bigint[])`;
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
    // A disabled trigger is named.
    await t.admin.sql`alter table payment_applications disable trigger payment_applications_debtor_rollup`;
    const disabled: { kind: string; message: string }[] = [];
    await verifyDebtorRollups(t.admin.sql, disabled);
    await t.admin.sql`alter table payment_applications enable trigger payment_applications_debtor_rollup`;
    expect(disabled.map((b) => b.message)).toEqual([
      'trigger payment_applications_debtor_rollup on payment_applications is missing or disabled: the debtor and client roll-ups no longer follow payment_applications',
    ]);
  });

  it('counts a debtor with nothing yet as nothing, never as an error', async () => {
    const fresh = await aDebtor(t.database, team);
    const detail = await getDebtorDetail(t.database, Number(fresh.id), team.underwriter, { asOf: AS_OF });
    expect(detail).toMatchObject({ invoices: 0, openInvoices: 0, averageDaysToPay: null, averageDaysBeyondTerms: null, dilution: null, exposure: [] });
  });
});
