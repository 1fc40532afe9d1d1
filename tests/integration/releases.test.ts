import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { addMonths } from '../../lib/dates';
import { fundBatch } from '../../lib/funding';
import { currentBalances } from '../../lib/ledger';
import { formatMoney } from '../../lib/money';
import { approveRelease, rejectRelease, reserveReport, runReleaseCycle } from '../../lib/releases';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const pay = async (invoiceId: string, amount: string, date: string, shortPay?: 'chargeback') => {
  const p = await tx((x) => receivePayment(x, { amount, currency: 'USD', receivedDate: date }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId, amount }], shortPay }, team.collections));
};
const reserve = async (clientId: string, asOf: string) => (await reserveReport(t.database, Number(clientId), asOf, team.approver)).balances[0];
const cycle = (clientIds: string[], asOf: string, by = team.controller) => runReleaseCycle(t.database, { asOf, clientIds }, by);
const balances = async (clientId: string) =>
  Object.fromEntries((await currentBalances(t.database, { clientId: Number(clientId) })).map((b) => [b.account, formatMoney(b.balance, b.currency)]));
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;
const INSTAPAY = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } } as const;

describe('worked example 1 (NAYA): release 1,900.00', () => {
  it('paid in full after 30 days: the cycle proposes 1,900.00, a second person approves, it is posted to the client payable and advised', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    await t.database.sql`update clients set contacts = '[{"name":"Accounts","email":"ap@naya.test"}]'::jsonb where id = ${client.id}`;
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    expect(await reserve(client.id, '2026-01-15')).toMatchObject({ held: '2000.00', releasable: '0.00', onOpenInvoices: '2000.00' });
    await pay(inv.id, '10000.00', '2026-01-31');
    expect(await reserve(client.id, '2026-02-13')).toMatchObject({
      held: '1900.00',
      releasable: '1900.00',
      feesDue: '0.00',
      clientDue: '0.00',
      onOpenInvoices: '0.00',
    });
    // as it was then: before the payment nothing was releasable
    expect(await reserve(client.id, '2026-01-30')).toMatchObject({ held: '2000.00', releasable: '0.00' });

    const run = await cycle([client.id], '2026-02-13');
    expect(run.releases).toEqual([expect.objectContaining({ clientId: client.id, currency: 'USD', amount: '1900.00', status: 'pending_approval' })]);
    const releaseId = Number(run.releases[0]!.id);
    // maker ≠ checker: whoever ran the cycle may not approve
    await expect(tx((x) => approveRelease(x, releaseId, {}, team.controller))).rejects.toMatchObject({ status: 403, code: 'maker_checker' });
    const approved = await tx((x) => approveRelease(x, releaseId, {}, team.approver));
    expect(approved).toMatchObject({ status: 'approved', approvedAmount: '1900.00' });
    // issue 14 / SPEC 5.3: approval posts reserve → client payable only; a payout batch pays it (payout-lifecycle.test.ts)
    expect(await balances(client.id)).toMatchObject({ reserve: '0.00', client_payable: '1900.00' });
    const [income] = await t.database.sql<{ total: string }[]>`
      select -sum(l.amount) as total from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'fee_income' where l.invoice_id = ${inv.id}`;
    expect(income!.total).toBe('100.0000');
    const [mail] = await t.database.sql<
      { to: string; subject: string; text: string }[]
    >`select "to", subject, text from email_outbox where dedupe_key = ${`rebate:${releaseId}:ap@naya.test`}`;
    expect(mail).toMatchObject({ to: 'ap@naya.test', subject: expect.stringContaining('1900.00 USD') });
    expect(mail!.text).toContain(`Invoice ${inv.number}`);
    // the same cycle again proposes nothing twice
    const again = await cycle([client.id], '2026-02-13');
    expect(again.releases).toEqual([expect.objectContaining({ id: String(releaseId), status: 'approved' })]);
  });
});

describe('worked example 2 (InstaPay): 70, 20 and the offset case', () => {
  async function instapay(face = '1000.00') {
    const client = await aClient(t.database, team, { agreement: { ...INSTAPAY, releaseAutoApproveUpTo: '1000.00' } });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate: '2026-01-01' });
    return { client, debtor, inv };
  }

  it('paid in full: 70 released (within the auto-approve limit: approved by the cycle)', async () => {
    const { client, inv } = await instapay();
    await pay(inv.id, '1000.00', '2026-01-20');
    const run = await cycle([client.id], '2026-01-30');
    expect(run.releases).toEqual([expect.objectContaining({ amount: '70.00', status: 'approved' })]);
    expect(await balances(client.id)).toMatchObject({ reserve: '0.00' });
  });

  it('short by 50 (chargeback): 20 released', async () => {
    const { client, inv } = await instapay();
    await pay(inv.id, '950.00', '2026-01-20', 'chargeback');
    const run = await cycle([client.id], '2026-01-30');
    expect(run.releases).toEqual([expect.objectContaining({ amount: '20.00', status: 'approved' })]);
  });

  it('short by 100: nothing on this invoice, and the 30 owed is offset against the next reserve released', async () => {
    const { client, debtor, inv } = await instapay();
    await pay(inv.id, '900.00', '2026-01-20', 'chargeback');
    expect(await reserve(client.id, '2026-01-21')).toMatchObject({ held: '0.00', clientDue: '30.00', releasable: '0.00' });
    const next = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-22' });
    await pay(next.id, '1000.00', '2026-01-25');
    const report = await reserve(client.id, '2026-01-30');
    expect(report).toMatchObject({ held: '70.00', clientDue: '30.00', releasable: '40.00' });
    expect(report!.breakdown).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'offset', amount: '-30.00' })]));
    const run = await cycle([client.id], '2026-01-30');
    expect(run.releases).toEqual([expect.objectContaining({ amount: '40.00', status: 'approved' })]);
    expect(await balances(client.id)).toMatchObject({ reserve: '0.00', client_due: '0.00' });
  });
});

describe('worked example 3: a 10% rolling reserve with a 180-day hold', () => {
  it('builds 10,000 a month to 60,000, then each monthly cycle releases the tranche that matured and the balance stays 60,000', async () => {
    const client = await aClient(t.database, team, {
      agreement: {
        advanceRate: '0.90',
        reserveRate: '0.10',
        reservePolicy: { kind: 'rolling', holdDays: 180 },
        releaseSchedule: { cadence: 'monthly', anchorDate: '2026-01-01' },
        releaseAutoApproveUpTo: '1000000.00',
        creditLimit: '10000000.00',
      },
    });
    const debtor = await aDebtor(t.database, team, { creditLimit: '100000000.00' });
    const table: [string, string, string][] = [];
    for (let m = 0; m < 9; m += 1) {
      const date = addMonths('2026-01-01', m);
      const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '100000.00', issueDate: date });
      await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: date }, team.funding));
      const run = await runReleaseCycle(t.database, { asOf: date }, team.controller); // due by cadence on the 1st
      const released = run.releases.find((r) => r.clientId === client.id)?.amount ?? '0.00';
      table.push([date, released, (await reserve(client.id, date))!.held]);
    }
    expect(table).toEqual([
      ['2026-01-01', '0.00', '10000.00'],
      ['2026-02-01', '0.00', '20000.00'],
      ['2026-03-01', '0.00', '30000.00'],
      ['2026-04-01', '0.00', '40000.00'],
      ['2026-05-01', '0.00', '50000.00'],
      ['2026-06-01', '0.00', '60000.00'],
      ['2026-07-01', '10000.00', '60000.00'],
      ['2026-08-01', '10000.00', '60000.00'],
      ['2026-09-01', '10000.00', '60000.00'],
    ]);
  });
});

describe('approvals', () => {
  it('above the controller threshold an approver and then a controller must approve; a partial approval releases part', async () => {
    const client = await aClient(t.database, team, { agreement: { ...NAYA, fees: { kind: 'flat', rate: '0', deductFrom: 'reserve' } } });
    const debtor = await aDebtor(t.database, team, { creditLimit: '100000000.00' });
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '500000.00', fundingDate: '2026-01-01' });
    await pay(inv.id, '500000.00', '2026-01-10');
    const run = await cycle([client.id], '2026-01-16', team.admin);
    const id = Number(run.releases[0]!.id);
    expect(run.releases[0]).toMatchObject({ amount: '100000.00', status: 'pending_approval' });
    const first = await tx((x) => approveRelease(x, id, { amount: '60000.00' }, team.approver));
    expect(first).toMatchObject({ status: 'pending_approval', needsController: true });
    await expect(tx((x) => approveRelease(x, id, {}, team.approver))).rejects.toMatchObject({ status: 403 });
    const second = await tx((x) => approveRelease(x, id, {}, team.controller));
    expect(second).toMatchObject({ status: 'approved', approvedAmount: '60000.00' });
    // the rest stays for the next cycle
    expect(await reserve(client.id, '2026-01-30')).toMatchObject({ held: '40000.00', releasable: '40000.00' });
  });

  it('a rejection needs a reason; a manual-only risk score never gets an automatic release', async () => {
    const client = await aClient(t.database, team, { agreement: { ...INSTAPAY, riskScore: 40, releaseAutoApproveUpTo: '1000000.00' } });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
    await pay(inv.id, '1000.00', '2026-01-05');
    // the low score's tier holds settled reserve 180 days
    expect(await reserve(client.id, '2026-02-01')).toMatchObject({ held: '70.00', releasable: '0.00' });
    const run = await cycle([client.id], '2026-07-06');
    expect(run.releases[0]).toMatchObject({ amount: '70.00', status: 'pending_approval' });
    await expect(tx((x) => rejectRelease(x, Number(run.releases[0]!.id), { reason: ' ' }, team.approver))).rejects.toMatchObject({ status: 400 });
    expect(await tx((x) => rejectRelease(x, Number(run.releases[0]!.id), { reason: 'Client under review' }, team.approver))).toMatchObject({
      status: 'rejected',
      reason: 'Client under review',
    });
  });

  it('two cycles for the same client and date at once propose once', async () => {
    const client = await aClient(t.database, team, { agreement: INSTAPAY });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
    await pay(inv.id, '1000.00', '2026-01-05');
    const [a, b] = await Promise.all([cycle([client.id], '2026-01-09'), cycle([client.id], '2026-01-09', team.admin)]);
    expect(a.releases.map((r) => r.id)).toEqual(b.releases.map((r) => r.id));
    const [{ n }] = (await t.database.sql`select count(*)::int as n from releases where client_id = ${client.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('a cycle over several clients posts every auto-approved release together, each with its own entries and advices', async () => {
    const FREE = { ...NAYA, fees: { kind: 'flat', rate: '0', deductFrom: 'reserve' }, releaseAutoApproveUpTo: '100000.00' } as const;
    const debtor = await aDebtor(t.database, team, { creditLimit: '100000000.00' });
    const a = await aClient(t.database, team, { agreement: FREE });
    const b = await aClient(t.database, team, { agreement: { ...FREE, reservePolicy: { kind: 'percent_of_open', rate: '0.10' } } });
    const review = await aClient(t.database, team, { agreement: { ...FREE, riskScore: 75 } });
    const contacts = (id: string, n: number) => t.database.sql`
      update clients set contacts = ${JSON.stringify(Array.from({ length: n }, (_, i) => ({ name: `Contact ${i}`, email: `c${i}@${id}.test` })))}::jsonb where id = ${id}`;
    await contacts(a.id, 2);
    await contacts(b.id, 1);
    const fund = (client: typeof a, face: string) => aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate: '2026-01-01' });
    const a1 = await fund(a, '10000.00');
    const a2 = await fund(a, '5000.00');
    await fund(a, '20000.00'); // stays open
    const b1 = await fund(b, '10000.00');
    await fund(b, '10000.00'); // open: 10% of it stays required
    const r1 = await fund(review, '10000.00');
    for (const inv of [a1, a2, b1, r1]) await pay(inv.id, inv.faceValue, '2026-01-05');
    // the review tier holds settled reserve 90 days
    const run = await cycle([a.id, b.id, review.id], '2026-04-10');
    const by = Object.fromEntries(run.releases.map((r) => [r.clientId, r]));
    expect(by[a.id]).toMatchObject({ amount: '3000.00', status: 'approved' });
    expect(by[b.id]).toMatchObject({ amount: '3000.00', status: 'approved' });
    expect(by[review.id]).toMatchObject({ amount: '2000.00', status: 'pending_approval' });
    // issue 14: posted to the client's payable; paid later through a payout batch
    expect(await balances(a.id)).toMatchObject({ reserve: '4000.00', client_payable: '3000.00' });
    expect(await balances(b.id)).toMatchObject({ reserve: '1000.00', client_payable: '3000.00' });
    // each release: its own release entry (no payout yet), drawn from its own invoices
    const entries = await t.database.sql<{ release_id: string; kind: string; invoices: string[] }[]>`
      select e.release_id, e.kind, array_remove(array_agg(distinct l.invoice_id::text), null) as invoices
        from journal_entries e join journal_lines l on l.entry_id = e.id
       where e.release_id = any(${[by[a.id]!.id, by[b.id]!.id]}::bigint[]) group by e.id order by e.id`;
    expect(entries.map((e) => [e.release_id, e.kind, e.invoices.sort()])).toEqual([
      [by[a.id]!.id, 'release', [a1.id, a2.id].sort()],
      [by[b.id]!.id, 'release', expect.arrayContaining([b1.id])],
    ]);
    const mails = await t.database.sql<{ dedupe_key: string; subject: string; text: string }[]>`
      select dedupe_key, subject, text from email_outbox where client_id = any(${[a.id, b.id, review.id]}::bigint[]) and template = 'rebate_advice' order by dedupe_key`;
    expect(mails.map((m) => m.dedupe_key)).toEqual(
      [`rebate:${by[a.id]!.id}:c0@${a.id}.test`, `rebate:${by[a.id]!.id}:c1@${a.id}.test`, `rebate:${by[b.id]!.id}:c0@${b.id}.test`].sort(),
    );
    expect(mails[0]!.subject).toContain('3000.00 USD');
    expect(mails[0]!.text).toContain(`Invoice ${a1.number}`);
    // again: nothing proposed, posted or emailed twice
    const again = await cycle([a.id, b.id, review.id], '2026-04-10');
    expect(again.releases.map((r) => r.id).sort()).toEqual(run.releases.map((r) => r.id).sort());
    const [{ n }] = (await t.database.sql`select count(*)::int as n from email_outbox where client_id = any(${[a.id, b.id]}::bigint[])`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(3);
  });

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
