import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { chargebackInvoice, openDispute, resolveDispute, writeOffInvoice } from '../../lib/collections/disputes';
import { applyPayment, receivePayment, refundPayment } from '../../lib/collections/payments';
import { recourseSweep } from '../../lib/collections/recourse';
import { reserveHeld } from '../../lib/collections/charges';
import { getInvoice } from '../../lib/invoices';
import { currentBalances } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { fundBatch } from '../../lib/funding';
import { systemActor } from '../../lib/auth/actor';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const usd = (b: Big) => formatMoney(b, 'USD');
const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const receive = (input: Record<string, string>) => tx((x) => receivePayment(x, { currency: 'USD', ...input }, team.collections));
const apply = (paymentId: string, body: unknown) => tx((x) => applyPayment(x, Number(paymentId), body, team.collections));
const invoice = (id: string) => getInvoice(t.database, Number(id), team.collections);
const balances = async (clientId: string) =>
  Object.fromEntries((await currentBalances(t.database, { clientId: Number(clientId) })).map((b) => [b.account, usd(b.balance)]));
const INSTAPAY = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } } as const;

async function instapayInvoice(clientName?: string) {
  const client = await aClient(t.database, team, { agreement: INSTAPAY, name: clientName });
  const debtor = await aDebtor(t.database, team);
  const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
  return { client, debtor, inv };
}

describe('worked example 2 (InstaPay): 1,000 at 90% with a flat 3% from the reserve', () => {
  it('paid in full: settled, the 70 reserve is the client\u2019s', async () => {
    const { client, inv } = await instapayInvoice();
    const payment = await receive({ amount: '1000.00', receivedDate: '2026-01-30', payerName: 'Somebody', reference: 'thanks' });
    expect(payment).toMatchObject({ status: 'unapplied', unapplied: '1000.00' });
    const result = await apply(payment.id, { allocations: [{ invoiceId: inv.id, amount: '1000.00' }] });
    expect(result.payment).toMatchObject({ status: 'applied', unapplied: '0.00' });
    expect(result.invoices).toEqual([expect.objectContaining({ invoiceId: inv.id, outcome: 'settled' })]);
    expect(await invoice(inv.id)).toMatchObject({ status: 'settled', outstanding: '0.00', reserve: '70.00', settledDate: '2026-01-30' });
    expect(await balances(client.id)).toMatchObject({ receivable: '0.00', reserve: '70.00' });
  });

  it('short by 50, charged back: 50 comes out of the reserve, 20 is left for the client', async () => {
    const { client, inv } = await instapayInvoice();
    const payment = await receive({ amount: '950.00', receivedDate: '2026-01-30' });
    const result = await apply(payment.id, { allocations: [{ invoiceId: inv.id, amount: '950.00' }], shortPay: 'chargeback' });
    expect(result.invoices[0]).toMatchObject({ outcome: 'charged_back', shortfall: '50.00', charge: { fromInvoiceReserve: '50.00', clientDue: '0.00' } });
    expect(await invoice(inv.id)).toMatchObject({ status: 'settled', reserve: '20.00', outstanding: '0.00' });
    expect(await balances(client.id)).toMatchObject({ reserve: '20.00', receivable: '0.00' });
  });

  it('short by 100, charged back: the 70 is kept and 30 more becomes client_due (no other reserve)', async () => {
    const { client, inv } = await instapayInvoice();
    const payment = await receive({ amount: '900.00', receivedDate: '2026-01-30' });
    const result = await apply(payment.id, { allocations: [{ invoiceId: inv.id, amount: '900.00' }], shortPay: 'chargeback' });
    expect(result.invoices[0]!.charge).toMatchObject({ amount: '100.00', fromInvoiceReserve: '70.00', fromOtherReserves: [], clientDue: '30.00' });
    expect(await balances(client.id)).toMatchObject({ reserve: '0.00', client_due: '30.00', receivable: '0.00' });
  });

  it("short by 100 with another releasable reserve: the 30 comes from the client's other reserve", async () => {
    const client = await aClient(t.database, team, { agreement: INSTAPAY });
    const debtor = await aDebtor(t.database, team);
    const paid = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
    const short = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-02' });
    const p1 = await receive({ amount: '1000.00', receivedDate: '2026-01-20' });
    await apply(p1.id, { allocations: [{ invoiceId: paid.id, amount: '1000.00' }] });
    const p2 = await receive({ amount: '900.00', receivedDate: '2026-01-25' });
    const result = await apply(p2.id, { allocations: [{ invoiceId: short.id, amount: '900.00' }], shortPay: 'chargeback' });
    expect(result.invoices[0]!.charge).toMatchObject({
      fromInvoiceReserve: '70.00',
      fromOtherReserves: [{ invoiceId: paid.id, amount: '30.00' }],
      clientDue: '0.00',
    });
    expect(usd(await reserveHeld(t.database, Number(paid.id)))).toBe('40.00');
    const after = await balances(client.id);
    expect(after.reserve).toBe('40.00');
    expect(after.client_due ?? '0.00').toBe('0.00');
  });
});

describe('worked example 4: a bulk wire', () => {
  it('one 50,000 wire naming five 10,000 invoices of one debtor is applied automatically and settles them all', async () => {
    const client = await aClient(t.database, team, {
      agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
    });
    const debtor = await aDebtor(t.database, team);
    const numbers = ['BW-1001', 'BW-1002', 'BW-1003', 'BW-1004', 'BW-1005'].map((n) => `${n}-${client.id}`);
    const invs: Awaited<ReturnType<typeof anInvoice>>[] = [];
    for (const number of numbers) invs.push(await anInvoice(t.database, team, { client, debtor, faceValue: '10000.00', number }));
    await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: invs.map((i) => i.id), fundingDate: '2026-02-01' }, team.funding));
    const payment = await receive({
      amount: '50000.00',
      receivedDate: '2026-03-03',
      payerName: debtor.name,
      reference: `Payment for invoices ${numbers.join(', ')}`,
    });
    expect(payment).toMatchObject({ status: 'applied', unapplied: '0.00' });
    expect(payment.applications.map((a) => a.amount)).toEqual(['10000.00', '10000.00', '10000.00', '10000.00', '10000.00']);
    for (const inv of invs) expect(await invoice(inv.id)).toMatchObject({ status: 'settled', outstanding: '0.00', feesAccrued: '100.00', reserve: '1900.00' });
    expect(await balances(client.id)).toMatchObject({ receivable: '0.00', reserve: '9500.00', fees_receivable: '0.00' });
  });

  it('without invoice numbers the wire is suggested (not applied), and confirming teaches the payer name', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invs: Awaited<ReturnType<typeof anInvoice>>[] = [];
    for (let i = 0; i < 5; i += 1) invs.push(await anInvoice(t.database, team, { client, debtor, faceValue: '10000.00' }));
    await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: invs.map((i) => i.id), fundingDate: '2026-02-01' }, team.funding));
    const payment = await receive({ amount: '50000.00', receivedDate: '2026-03-03', payerName: `${debtor.name} Inc.`, reference: 'March payment' });
    expect(payment.status).toBe('unapplied');
    expect(new Set(payment.suggestions.map((s) => s.invoiceId))).toEqual(new Set(invs.map((i) => i.id)));
    await apply(payment.id, { allocations: invs.map((i) => ({ invoiceId: i.id, amount: '10000.00' })) });
    const [alias] = await t.database.sql<{ debtor_id: string }[]>`select debtor_id from payer_aliases where learned_from = ${payment.id}`;
    expect(alias!.debtor_id).toBe(debtor.id);
  });
});

describe('worked example 5: a small short pay', () => {
  it('9,950 paid on 10,000 with a 100.00 tolerance: accepted, invoice settled', async () => {
    const client = await aClient(t.database, team, {
      agreement: { shortPayTolerance: { amount: '100.00', percent: '0' }, fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
    });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const payment = await receive({ amount: '9950.00', receivedDate: '2026-01-31', reference: inv.number });
    expect(payment.status).toBe('unapplied'); // not exact: a suggestion
    const result = await apply(payment.id, { allocations: [{ invoiceId: inv.id, amount: '9950.00' }] });
    expect(result.invoices[0]).toMatchObject({ outcome: 'short_pay_accepted', shortfall: '50.00', charge: { fromInvoiceReserve: '50.00' } });
    // reserve 2,000 − 50 short pay − 100 fee (30 days) = 1,850
    expect(await invoice(inv.id)).toMatchObject({ status: 'settled', outstanding: '0.00', feesAccrued: '100.00', reserve: '1850.00' });
  });

  it('beyond tolerance: "accept" is refused, and without a choice the invoice stays open', async () => {
    const client = await aClient(t.database, team, { agreement: { shortPayTolerance: { amount: '10.00', percent: '0' } } });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const payment = await receive({ amount: '9950.00', receivedDate: '2026-01-31' });
    await expect(apply(payment.id, { allocations: [{ invoiceId: inv.id, amount: '9950.00' }], shortPay: 'accept' })).rejects.toMatchObject({
      status: 422,
      code: 'beyond_tolerance',
    });
    const result = await apply(payment.id, { allocations: [{ invoiceId: inv.id, amount: '9950.00' }] });
    expect(result.invoices[0]!.outcome).toBe('open');
    expect(await invoice(inv.id)).toMatchObject({ status: 'funded', outstanding: '50.00' });
  });
});

describe('applying payments', () => {
  it('refuses more than is unapplied (409), over an invoice\u2019s outstanding (422); an overpayment stays unapplied and can be refunded', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const a = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00' });
    const b = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '500.00' });
    const payment = await receive({ amount: '1600.00', receivedDate: '2026-02-01' });
    await expect(
      apply(payment.id, {
        allocations: [
          { invoiceId: a.id, amount: '1000.00' },
          { invoiceId: b.id, amount: '700.00' },
        ],
      }),
    ).rejects.toMatchObject({ status: 409, code: 'exceeds_unapplied' });
    await expect(apply(payment.id, { allocations: [{ invoiceId: b.id, amount: '600.00' }] })).rejects.toMatchObject({
      status: 422,
      code: 'exceeds_outstanding',
    });
    const result = await apply(payment.id, {
      allocations: [
        { invoiceId: a.id, amount: '1000.00' },
        { invoiceId: b.id, amount: '500.00' },
      ],
    });
    expect(result.payment).toMatchObject({ status: 'partially_applied', unapplied: '100.00' });
    const [unapplied] = await currentBalances(t.database, { accounts: ['unapplied_cash'] });
    expect(unapplied).toBeDefined();
    const refunded = await tx((x) => refundPayment(x, Number(payment.id), {}, team.collections));
    expect(refunded).toMatchObject({ unapplied: '0.00', status: 'applied' });
  });

  it('many payments on one invoice', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '3000.00' });
    for (const [amount, day] of [
      ['1000.00', '10'],
      ['1000.00', '11'],
      ['1000.00', '12'],
    ] as const) {
      const p = await receive({ amount, receivedDate: `2026-02-${day}` });
      await apply(p.id, { allocations: [{ invoiceId: inv.id, amount }] });
    }
    expect(await invoice(inv.id)).toMatchObject({ status: 'settled', outstanding: '0.00', settledDate: '2026-02-12' });
  });

  it('two collectors applying the same payment at once cannot apply it twice', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const a = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00' });
    const b = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00' });
    const p = await receive({ amount: '1000.00', receivedDate: '2026-02-01' });
    const other = await aUser(t.database, 'collections');
    const results = await Promise.allSettled([
      apply(p.id, { allocations: [{ invoiceId: a.id, amount: '1000.00' }] }),
      tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: b.id, amount: '1000.00' }] }, other)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')[0]).toMatchObject({ reason: expect.objectContaining({ status: 409 }) });
  });
});

describe('disputes, chargebacks and write-offs', () => {
  it('a short pay disputed holds the invoice; resolved by credit note it settles at the client\u2019s cost', async () => {
    const { client, inv } = await instapayInvoice();
    const p = await receive({ amount: '950.00', receivedDate: '2026-01-30' });
    const result = await apply(p.id, { allocations: [{ invoiceId: inv.id, amount: '950.00' }], shortPay: 'dispute' });
    expect(result.invoices[0]!.outcome).toBe('disputed');
    expect(await invoice(inv.id)).toMatchObject({ status: 'disputed', outstanding: '50.00' });
    const [d] = await t.database.sql<{ id: string; amount: string }[]>`select id, amount from disputes where invoice_id = ${inv.id}`;
    expect(d!.amount).toBe('50.0000');
    const resolved = await tx((x) => resolveDispute(x, Number(inv.id), Number(d!.id), { outcome: 'credit_note', date: '2026-02-05' }, team.collections));
    expect(resolved).toMatchObject({ invoiceStatus: 'settled', charge: { amount: '50.00', fromInvoiceReserve: '50.00' } });
    expect(await balances(client.id)).toMatchObject({ reserve: '20.00', receivable: '0.00' });
  });

  it('a dispute resolved as paid reopens the invoice; a dispute needs a reason', async () => {
    const { inv } = await instapayInvoice();
    await expect(tx((x) => openDispute(x, Number(inv.id), { amount: '100.00', reason: '' }, team.collections))).rejects.toMatchObject({
      status: 400,
      details: { reason: 'is required' },
    });
    const dispute = await tx((x) => openDispute(x, Number(inv.id), { amount: '100.00', reason: 'Goods damaged' }, team.collections));
    const resolved = await tx((x) => resolveDispute(x, Number(inv.id), Number(dispute.id), { outcome: 'paid' }, team.collections));
    expect(resolved.invoiceStatus).toBe('funded');
  });

  it('recourse: the sweep charges back invoices unpaid recourseDays after funding, once', async () => {
    const client = await aClient(t.database, team, {
      agreement: { recourseDays: 60, fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
    });
    const debtor = await aDebtor(t.database, team);
    const old = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2025-06-01' });
    const young = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2025-07-15' });
    const job = systemActor('job:recourse-sweep');
    const first = await recourseSweep(t.database, { asOf: '2025-07-31', by: job });
    expect(first.invoiceIds).toContain(old.id);
    expect(first.invoiceIds).not.toContain(young.id);
    const again = await recourseSweep(t.database, { asOf: '2025-07-31', by: job });
    expect(again.invoiceIds).not.toContain(old.id);
    // 10,000 owed: 2,000 from its reserve, 8,000 due from the client; the 60-day fee (200.00) stays receivable
    expect(await invoice(old.id)).toMatchObject({ status: 'charged_back', outstanding: '0.00', feesAccrued: '200.00', reserve: '0.00' });
    expect(await balances(client.id)).toMatchObject({ client_due: '8000.00', fees_receivable: '200.00' });
    await expect(tx((x) => chargebackInvoice(x, Number(old.id), { date: '2025-08-01' }, team.collections))).rejects.toMatchObject({ code: 'invoice_not_open' });
  });

  it('non-recourse: a default is written off to credit_loss; the reserve less fees stays the client\u2019s', async () => {
    const client = await aClient(t.database, team, {
      agreement: { model: 'non_recourse', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
    });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    await expect(tx((x) => chargebackInvoice(x, Number(inv.id), { date: '2026-03-02' }, team.collections))).rejects.toMatchObject({ code: 'non_recourse' });
    const result = await tx((x) => writeOffInvoice(x, Number(inv.id), { date: '2026-03-02' }, team.collections));
    // 60 days of fee (200.00) settled from the 2,000 reserve: 1,800 left for the client
    expect(result).toMatchObject({ status: 'written_off', writtenOff: '10000.00', reserveLeft: '1800.00' });
    const [loss] = await currentBalances(t.database, { accounts: ['credit_loss'] });
    expect(new Big(loss!.balance).gte(10000)).toBe(true);
  });

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
