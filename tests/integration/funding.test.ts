import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBalances, entriesForInvoice } from '../../lib/ledger';
import { approveFundingBatch, fundBatch, getFundingBatch, previewFunding, rejectFundingBatch } from '../../lib/funding';
import { getInvoice } from '../../lib/invoices';
import { invoiceList, invoicePage } from '../../lib/invoices/list';
import { parseListRequest } from '../../lib/lists/keyset';
import { recordDebtorApproval, recordNoa } from '../../lib/debtors';
import { formatMoney } from '../../lib/money';
import { verifyAll } from '../../lib/audit/verify';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const fund = (input: Parameters<typeof fundBatch>[1], actor = team.funding) => t.database.transaction((tx) => fundBatch(tx, input, actor));
const balancesOf = async (clientId: string) =>
  Object.fromEntries((await currentBalances(t.database, { clientId: Number(clientId) })).map((b) => [`${b.account}`, formatMoney(b.balance, b.currency)]));

describe('funding (SPEC 5.1)', () => {
  it('worked example 1 (NAYA): 10,000 at 80% with a 50.00 service fee advances 7,950.00 and holds 2,000.00', async () => {
    const client = await aClient(t.database, team, {
      agreement: {
        advanceRate: '0.80',
        reserveRate: '0.20',
        serviceFee: '50.00',
        fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
      },
    });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '10000.00' });
    const batch = await fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
    expect(batch).toMatchObject({
      status: 'funded',
      totalAdvance: '7950.00',
      holds: [],
      invoices: [{ invoiceId: invoice.id, advance: '7950.00', reserve: '2000.00', fees: '50.00' }],
    });
    expect(await getInvoice(t.database, Number(invoice.id), team.funding)).toMatchObject({
      status: 'funded',
      advance: '7950.00',
      reserve: '2000.00',
      outstanding: '10000.00',
      fundingDate: '2026-01-01',
    });
    // Cash out is the advance; the client was paid (client_payable back to zero).
    expect(await balancesOf(client.id)).toMatchObject({ receivable: '10000.00', reserve: '2000.00', client_payable: '0.00' });
    const kinds = (await entriesForInvoice(t.database, Number(invoice.id))).map((e) => e.kind);
    expect(kinds).toEqual(['funding', 'disbursement']);
  });

  it('worked example 2 (InstaPay): 1,000 at 90% with a flat 3% from the reserve: advance 900, fee 30, reserve 70', async () => {
    const client = await aClient(t.database, team, {
      agreement: { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } },
    });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '1000.00' });
    const batch = await fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
    expect(batch.invoices).toEqual([expect.objectContaining({ advance: '900.00', fees: '30.00', reserve: '70.00' })]);
    expect(await balancesOf(client.id)).toMatchObject({ reserve: '70.00', receivable: '1000.00' });
    const [income] = await t.database.sql<{ total: string }[]>`
      select sum(l.amount) as total from journal_lines l join ledger_accounts a on a.id = l.account_id where a.code = 'fee_income' and l.invoice_id = ${invoice.id}`;
    expect(income!.total).toBe('-30.0000');
  });

  it('funds a whole batch in one transaction and refuses a second funding of the same invoice (409)', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoices = await Promise.all(['1000.00', '2000.00', '3000.00'].map((faceValue) => anInvoice(t.database, team, { client, debtor, faceValue })));
    const batch = await fund({ clientId: client.id, invoiceIds: invoices.map((i) => i.id), fundingDate: '2026-02-01' });
    expect(batch).toMatchObject({ status: 'funded', totalFace: '6000.00', totalAdvance: '4800.00', totalReserve: '1200.00' });
    await expect(fund({ clientId: client.id, invoiceIds: [invoices[0]!.id], fundingDate: '2026-02-02' })).rejects.toMatchObject({
      status: 409,
      code: 'already_funded',
    });
  });

  it('refuses unverified invoices, inactive clients and another client\u2019s invoices, posting nothing', async () => {
    const client = await aClient(t.database, team);
    const other = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const unverified = await anInvoice(t.database, team, { client, debtor, verified: false });
    await expect(fund({ clientId: client.id, invoiceIds: [unverified.id], fundingDate: '2026-02-01' })).rejects.toMatchObject({
      status: 422,
      code: 'not_verified',
    });
    const theirs = await anInvoice(t.database, team, { client: other, debtor });
    await expect(fund({ clientId: client.id, invoiceIds: [theirs.id], fundingDate: '2026-02-01' })).rejects.toMatchObject({ status: 404 });
    const prospect = await aClient(t.database, team, { status: 'prospect' });
    const pi = await anInvoice(t.database, team, { client: prospect, debtor });
    await expect(fund({ clientId: prospect.id, invoiceIds: [pi.id], fundingDate: '2026-02-01' })).rejects.toMatchObject({
      status: 422,
      code: 'client_not_active',
    });
    expect(await balancesOf(client.id)).toEqual({});
    await expect(fund({ clientId: client.id, invoiceIds: [], fundingDate: '2026-02-01' })).rejects.toMatchObject({
      status: 400,
      details: { invoiceIds: 'Choose at least one invoice' },
    });
    await expect(fund({ clientId: client.id, invoiceIds: [unverified.id], fundingDate: '2026-02-30' })).rejects.toMatchObject({
      status: 400,
      details: { fundingDate: expect.any(String) },
    });
  });

  it('only the funding role funds', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor });
    await expect(fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-02-01' }, team.approver)).rejects.toMatchObject({ status: 403 });
  });
});

describe('limits put the batch on hold for approval, posting nothing', () => {
  it('client credit limit: held, then released by another approver', async () => {
    const client = await aClient(t.database, team, { agreement: { creditLimit: '10000.00' } });
    const debtor = await aDebtor(t.database, team);
    const a = await anInvoice(t.database, team, { client, debtor, faceValue: '10000.00' });
    const b = await anInvoice(t.database, team, { client, debtor, faceValue: '5000.00' });
    // funds employed after = 15,000 − 3,000 reserve = 12,000 > 10,000
    const batch = await fund({ clientId: client.id, invoiceIds: [a.id, b.id], fundingDate: '2026-03-01' });
    expect(batch.status).toBe('pending_approval');
    expect(batch.holds).toEqual([
      expect.objectContaining({ code: 'client_credit_limit', message: expect.stringContaining('12000.00 USD, above its credit limit of 10000.00 USD') }),
    ]);
    expect(await balancesOf(client.id)).toEqual({});
    expect((await getInvoice(t.database, Number(a.id), team.funding)).status).toBe('verified');
    // the requester cannot approve their own batch; a funding user cannot approve at all
    const fundingApprover = await aUser(t.database, 'approver');
    await expect(t.database.transaction((tx) => approveFundingBatch(tx, Number(batch.id), team.funding))).rejects.toMatchObject({ status: 403 });
    // while it waits, the invoices cannot go into another batch
    await expect(fund({ clientId: client.id, invoiceIds: [a.id], fundingDate: '2026-03-01' })).rejects.toMatchObject({ status: 409, code: 'in_pending_batch' });
    const approved = await t.database.transaction((tx) => approveFundingBatch(tx, Number(batch.id), fundingApprover));
    expect(approved).toMatchObject({ status: 'funded', totalAdvance: '12000.00' });
    expect(await balancesOf(client.id)).toMatchObject({ receivable: '15000.00', reserve: '3000.00' });
    await expect(t.database.transaction((tx) => approveFundingBatch(tx, Number(batch.id), team.approver))).rejects.toMatchObject({ status: 409 });
    const [event] = await t.database.sql`select actor, after from audit_events where action = 'funding.approve' and target_id = ${batch.id}`;
    expect(event).toMatchObject({ actor: fundingApprover.label });
  });

  it('the requester cannot approve their own hold even holding an approver role', async () => {
    const dual = await aUser(t.database, 'approver');
    const client = await aClient(t.database, team, { agreement: { creditLimit: '100.00' } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor });
    const batch = await fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-03-01' });
    // same person id as requester → maker-checker refusal
    await expect(t.database.transaction((tx) => approveFundingBatch(tx, Number(batch.id), { ...dual, userId: team.funding.userId }))).rejects.toMatchObject({
      status: 403,
      code: 'maker_checker',
    });
  });

  it('debtor credit limit across the portfolio: held, then rejected with a reason', async () => {
    const debtor = await aDebtor(t.database, team, { creditLimit: '15000.00' });
    const first = await aClient(t.database, team);
    const second = await aClient(t.database, team);
    const a = await anInvoice(t.database, team, { client: first, debtor, faceValue: '10000.00' });
    await fund({ clientId: first.id, invoiceIds: [a.id], fundingDate: '2026-03-01' });
    const b = await anInvoice(t.database, team, { client: second, debtor, faceValue: '6000.00' });
    const batch = await fund({ clientId: second.id, invoiceIds: [b.id], fundingDate: '2026-03-02' });
    expect(batch.status).toBe('pending_approval');
    expect(batch.holds).toEqual([
      expect.objectContaining({
        code: 'debtor_credit_limit',
        message: expect.stringContaining('16000.00 USD across the portfolio, above its credit limit of 15000.00 USD'),
      }),
    ]);
    await expect(t.database.transaction((tx) => rejectFundingBatch(tx, Number(batch.id), '  ', team.approver))).rejects.toMatchObject({
      status: 400,
      code: 'reason_required',
    });
    const rejected = await t.database.transaction((tx) => rejectFundingBatch(tx, Number(batch.id), 'Debtor exposure too high', team.approver));
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'Debtor exposure too high' });
    expect(await balancesOf(second.id)).toEqual({});
    // after a rejection the invoice may go into a new batch again (held again here)
    const again = await fund({ clientId: second.id, invoiceIds: [b.id], fundingDate: '2026-03-03' });
    expect(again.status).toBe('pending_approval');
  });

  it('concentration: a debtor above its share of the client\u2019s open receivables is held', async () => {
    const client = await aClient(t.database, team, { agreement: { concentrationLimit: '0.50' } });
    const big = await aDebtor(t.database, team);
    const small = await aDebtor(t.database, team);
    const x = await anInvoice(t.database, team, { client, debtor: big, faceValue: '5000.00' });
    const y = await anInvoice(t.database, team, { client, debtor: small, faceValue: '5000.00' });
    expect((await fund({ clientId: client.id, invoiceIds: [x.id, y.id], fundingDate: '2026-03-01' })).status).toBe('funded');
    const z = await anInvoice(t.database, team, { client, debtor: big, faceValue: '1000.00' });
    const preview = await t.database.transaction((tx) =>
      previewFunding(tx, { clientId: client.id, invoiceIds: [z.id], fundingDate: '2026-03-02' }, team.funding),
    );
    expect(preview.status).toBe('preview');
    expect(preview.holds).toEqual([expect.objectContaining({ code: 'concentration_limit', details: expect.objectContaining({ share: '0.5455' }) })]);
    const batch = await fund({ clientId: client.id, invoiceIds: [z.id], fundingDate: '2026-03-02' });
    expect(batch.holds.map((h) => h.code)).toEqual(['concentration_limit']);
    expect(batch.holds[0]!.message).toContain('54.5% of');
    const stored = await getFundingBatch(t.database, Number(batch.id), team.approver);
    expect(stored).toMatchObject({ status: 'pending_approval', totalFace: '1000.00', holds: [expect.objectContaining({ code: 'concentration_limit' })] });
  });
});

describe('agreement models and notices', () => {
  it('reverse: funding needs the debtor approval of each invoice', async () => {
    const client = await aClient(t.database, team, { agreement: { model: 'reverse' } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor });
    await expect(fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-03-01' })).rejects.toMatchObject({ code: 'debtor_approval_missing' });
    await t.database.transaction((tx) => recordDebtorApproval(tx, Number(invoice.id), { date: '2026-02-27' }, team.funding));
    expect((await fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-03-01' })).status).toBe('funded');
  });

  it('warns (without holding) when no notice of assignment was sent; invoice discounting needs none', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const one = await anInvoice(t.database, team, { client, debtor });
    const warned = await fund({ clientId: client.id, invoiceIds: [one.id], fundingDate: '2026-03-01' });
    expect(warned.warnings).toEqual([expect.objectContaining({ code: 'noa_not_sent' })]);
    await t.database.transaction((tx) =>
      recordNoa(tx, Number(client.id), { debtorId: debtor.id, sentDate: '2026-03-01', acknowledgedDate: '2026-03-03' }, team.underwriter),
    );
    const two = await anInvoice(t.database, team, { client, debtor });
    expect((await fund({ clientId: client.id, invoiceIds: [two.id], fundingDate: '2026-03-04' })).warnings).toEqual([]);
    await expect(
      t.database.transaction((tx) =>
        recordNoa(tx, Number(client.id), { debtorId: debtor.id, sentDate: '2026-03-05', acknowledgedDate: '2026-03-01' }, team.underwriter),
      ),
    ).rejects.toMatchObject({ status: 400, details: { acknowledgedDate: 'Notice acknowledged date must not be before the sent date (2026-03-05)' } });
    const confidential = await aClient(t.database, team, { agreement: { model: 'invoice_discounting' } });
    const three = await anInvoice(t.database, team, { client: confidential, debtor });
    expect((await fund({ clientId: confidential.id, invoiceIds: [three.id], fundingDate: '2026-03-04' })).warnings).toEqual([]);
  });

  it('rolling reserve: the batch records its tranche maturing after the hold', async () => {
    const client = await aClient(t.database, team, {
      agreement: { advanceRate: '0.90', reserveRate: '0.10', reservePolicy: { kind: 'rolling', holdDays: 180 } },
    });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '100000.00' });
    const batch = await fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
    const [tranche] = await t.database.sql<{ kind: string; amount: string; matures_on: string; funding_batch_id: string }[]>`
      select kind, amount, matures_on, funding_batch_id from reserve_tranches where client_id = ${client.id}`;
    expect(tranche).toEqual({ kind: 'rolling', amount: '10000.0000', matures_on: '2026-06-30', funding_batch_id: batch.id });
    expect(await balancesOf(client.id)).toMatchObject({ reserve: '10000.00' });
  });

  it('percent of open: the required reserve is recorded at funding', async () => {
    const client = await aClient(t.database, team, { agreement: { reservePolicy: { kind: 'percent_of_open', rate: '0.15' } } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '20000.00' });
    const batch = await fund({ clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
    expect(batch.requiredReserve).toBe('3000.00');
  });
});

describe('visibility and integrity', () => {
  it("a client user sees only its own client's invoices", async () => {
    const mine = await aClient(t.database, team);
    const theirs = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const own = await anInvoice(t.database, team, { client: mine, debtor });
    const other = await anInvoice(t.database, team, { client: theirs, debtor });
    const portal = await aUser(t.database, 'client', { clientId: Number(mine.id) });
    expect((await getInvoice(t.database, Number(own.id), portal)).id).toBe(own.id);
    await expect(getInvoice(t.database, Number(other.id), portal)).rejects.toMatchObject({ status: 404 });
    // The list scopes a client user to its own client: asking for another's lists nothing, unfiltered lists its own.
    const asked = await invoicePage(t.database.sql, portal, parseListRequest(invoiceList, { clientId: theirs.id }));
    expect(asked.items).toEqual([]);
    const listed = await invoicePage(t.database.sql, portal, parseListRequest(invoiceList, {}));
    expect(listed.items.map((i) => i.id)).toEqual([own.id]);
  });

  it('every posting balanced, every balance equal to its lines, the audit chain intact', async () => {
    const report = await verifyAll(t.database.sql);
    expect(report.breaks).toEqual([]);
    expect(report.entries).toBeGreaterThan(10);
  });
});
