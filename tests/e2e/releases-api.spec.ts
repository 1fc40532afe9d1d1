import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor } from './helpers';

/** SPEC worked examples 1, 2 and 3 end to end through the public API, and the maker-checker refusal. */
let keys: { underwriter: string; funding: string; collections: string; controller: string; approver: string; approver2: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-release@api.test', 'underwriter'),
    funding: apiKeyFor('funding-release@api.test', 'funding'),
    collections: apiKeyFor('collector-release@api.test', 'collections'),
    controller: apiKeyFor('controller-release@api.test', 'controller'),
    approver: apiKeyFor('approver-release@api.test', 'approver'),
    approver2: apiKeyFor('approver2-release@api.test', 'approver'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  return { status: res.status(), body: await res.json() };
}
async function get(request: APIRequestContext, key: string, path: string) {
  const res = await request.get(`/api/v1${path}`, { headers: auth(key) });
  return { status: res.status(), body: res.headers()['content-type']?.includes('json') ? await res.json() : await res.text() };
}
const reserve = async (request: APIRequestContext, clientId: string, asOf: string) =>
  (await get(request, keys.approver, `/clients/${clientId}/reserve?asOf=${asOf}`)).body.balances[0];

let seq = 0;
async function onboard(request: APIRequestContext, agreement: Record<string, unknown>, currency = 'USD') {
  const tag = `${Date.now()}${(seq += 1)}`;
  const client = (
    await post(request, keys.underwriter, '/clients', {
      name: `Release ${tag}`,
      currency,
      agreement,
      contacts: [{ name: 'Accounts', email: `ap-${tag}@client.test` }],
    })
  ).body;
  const debtor = (await post(request, keys.underwriter, '/debtors', { name: `Payer ${tag}`, creditLimit: '100000000.00' })).body;
  return { client, debtor, tag };
}
async function fund(
  request: APIRequestContext,
  who: { client: { id: string; currency?: string }; debtor: { id: string }; tag: string },
  faceValue: string,
  date: string,
) {
  const inv = (
    await post(request, keys.funding, '/invoices', {
      clientId: who.client.id,
      debtorId: who.debtor.id,
      number: `R${who.tag}-${date}-${faceValue}`,
      faceValue,
      currency: who.client.currency ?? 'USD',
      issueDate: date,
      dueDate: date,
    })
  ).body;
  expect((await post(request, keys.funding, `/invoices/${inv.id}/verify`, {})).status).toBe(200);
  const batch = await post(request, keys.funding, '/fundings', { clientId: who.client.id, invoiceIds: [inv.id], fundingDate: date });
  expect(batch.body.status).toBe('funded');
  return inv;
}
async function pay(
  request: APIRequestContext,
  invoice: { id: string; number: string; currency?: string },
  amount: string,
  date: string,
  shortPay?: 'chargeback',
) {
  const payment = await post(request, keys.collections, '/payments', {
    amount,
    currency: invoice.currency ?? 'USD',
    receivedDate: date,
    payerName: 'Payer',
    reference: 'remittance',
  });
  expect(payment.status).toBe(201);
  const applied = await post(request, keys.collections, `/payments/${payment.body.id}/applications`, {
    allocations: [{ invoiceId: invoice.id, amount }],
    shortPay,
  });
  expect(applied.status).toBe(201);
}

const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } };
const INSTAPAY = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' }, releaseAutoApproveUpTo: '1000.00' };

test.describe('reserve releases through the API', () => {
  test('worked example 1 (NAYA): 1,900.00 proposed, the maker may not approve (403), a second person does; it is payable, not yet paid', async ({
    request,
  }) => {
    const who = await onboard(request, NAYA);
    const inv = await fund(request, who, '10000.00', '2026-01-01');
    expect(await reserve(request, who.client.id, '2026-01-15')).toMatchObject({ held: '2000.00', releasable: '0.00', onOpenInvoices: '2000.00' });
    await pay(request, inv, '10000.00', '2026-01-31');
    expect(await reserve(request, who.client.id, '2026-02-13')).toMatchObject({
      held: '1900.00',
      releasable: '1900.00',
      clientDue: '0.00',
      onOpenInvoices: '0.00',
    });
    // any past asOf gives the figure as it was then
    expect(await reserve(request, who.client.id, '2026-01-30')).toMatchObject({ held: '2000.00', releasable: '0.00' });

    const cycle = await post(request, keys.controller, '/release-cycles', { asOf: '2026-02-13', clientIds: [who.client.id] });
    expect(cycle.status).toBe(201);
    expect(cycle.body.releases).toEqual([expect.objectContaining({ clientId: who.client.id, amount: '1900.00', status: 'pending_approval' })]);
    const id = cycle.body.releases[0].id;
    const refused = await post(request, keys.controller, `/releases/${id}/approve`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('maker_checker');
    const approved = await post(request, keys.approver, `/releases/${id}/approve`, {});
    expect(approved.status).toBe(200);
    // issue 14 / SPEC 5.3: approved = reserve → client payable; a payout batch pays it later
    expect(approved.body).toMatchObject({ status: 'approved', approvedAmount: '1900.00', batchId: null });
    const view = (await get(request, keys.approver, `/releases/${id}`)).body;
    expect(view).toMatchObject({ status: 'approved', amount: '1900.00' });
    expect(view.entries.map((e: { kind: string }) => e.kind)).toEqual(['release']);
    expect(view.entries[0].lines).toContainEqual({ account: 'client_payable', amount: '-1900.00' });
    expect(await reserve(request, who.client.id, '2026-02-13')).toMatchObject({ held: '0.00', releasable: '0.00' });
    // again for the same date: nothing proposed or posted twice
    const again = await post(request, keys.controller, '/release-cycles', { asOf: '2026-02-13', clientIds: [who.client.id] });
    expect(again.body.releases).toEqual([expect.objectContaining({ id, status: 'approved' })]);
    // the old date-range payout file is retired: it points to payout batches
    const old = await get(request, keys.controller, '/payouts?from=2026-02-13&to=2026-02-13');
    expect(old.status).toBe(422);
    expect(old.body.error).toMatchObject({ code: 'use_payout_batches', message: expect.stringContaining('/api/v1/payout-batches') });
  });

  test('a EUR release paid through a payout batch: batch, frozen CSV file, sent, settled; a return, and a later batch pays it once', async ({ request }) => {
    // EUR: no other spec approves EUR releases, so the batch holds this test's alone
    const who = await onboard(request, INSTAPAY, 'EUR');
    await pay(request, await fund(request, who, '1000.00', '2026-03-02'), '1000.00', '2026-03-10');
    const cycle = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-18', clientIds: [who.client.id] });
    expect(cycle.body.releases).toEqual([expect.objectContaining({ amount: '70.00', status: 'approved' })]);
    const id = cycle.body.releases[0].id;
    const put = await request.put(`/api/v1/clients/${who.client.id}/payout-account`, {
      headers: auth(keys.underwriter),
      data: { holderName: 'Insta EU', iban: 'DE44 5001 0517 5407 3249 31', bic: 'INGDDEFFXXX' },
    });
    // a EUR client is paid to an IBAN account, which takes effect once a second person approves it
    expect(put.status()).toBe(202);
    expect((await post(request, keys.approver, `/payout-account-changes/${(await put.json()).changeId}/approve`, {})).status).toBe(200);
    // an approver may read batches, not make them
    expect((await post(request, keys.approver, '/payout-batches', { currency: 'EUR', valueDate: '2026-03-20' })).status).toBe(403);
    const created = await post(request, keys.controller, '/payout-batches', { currency: 'EUR', valueDate: '2026-03-20' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'open',
      currency: 'EUR',
      valueDate: '2026-03-20',
      total: '70.00',
      releases: [expect.objectContaining({ id, clientId: who.client.id, amount: '70.00' })],
    });
    const batchId = created.body.id;
    expect((await get(request, keys.approver, `/releases/${id}`)).body).toMatchObject({ status: 'in_batch', batchId });
    expect((await post(request, keys.controller, `/payout-batches/${batchId}/sent`, { date: '2026-03-20' })).body.error.code).toBe('file_not_generated');
    const first = await request.get(`/api/v1/payout-batches/${batchId}/file?format=csv`, { headers: auth(keys.controller) });
    expect(first.status()).toBe(200);
    const bytes = await first.body();
    expect(bytes.toString()).toContain(`,Insta EU,,,,DE44500105175407324931,INGDDEFFXXX,EUR,70.00`);
    const again = await request.get(`/api/v1/payout-batches/${batchId}/file?format=csv`, { headers: auth(keys.approver) });
    expect(Buffer.compare(await again.body(), bytes)).toBe(0);
    expect(again.headers()['x-file-sha256']).toBe(first.headers()['x-file-sha256']);
    const other = await request.get(`/api/v1/payout-batches/${batchId}/file?format=nacha`, { headers: auth(keys.controller) });
    expect(other.status()).toBe(409);
    const sent = await post(request, keys.controller, `/payout-batches/${batchId}/sent`, { date: '2026-03-20' });
    expect(sent.body).toMatchObject({ status: 'sent', sentDate: '2026-03-20', posted: 1 });
    expect((await post(request, keys.controller, `/payout-batches/${batchId}/sent`, { date: '2026-03-20' })).body.posted).toBe(0);
    expect((await post(request, keys.controller, `/payout-batches/${batchId}/settled`, { date: '2026-03-23' })).body).toMatchObject({
      status: 'settled',
      posted: 1,
    });
    const paid = (await get(request, keys.approver, `/releases/${id}`)).body;
    expect(paid).toMatchObject({ status: 'paid', batchId });
    expect(paid.entries.map((e: { kind: string }) => e.kind)).toEqual(['release', 'payout_sent', 'payout_settled']);
    expect((await get(request, keys.approver, `/payout-batches/${batchId}`)).body).toMatchObject({ status: 'settled', format: 'csv' });

    // the bank returns it after settlement (a EUR CSV payout: a SEPA reason code)
    expect((await post(request, keys.controller, `/releases/${id}/return`, { date: '2026-03-25', code: 'R01', reason: 'x' })).status).toBe(400);
    const returned = await post(request, keys.controller, `/releases/${id}/return`, { date: '2026-03-25', code: 'AM04', reason: 'Insufficient funds' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', batchId: null });
    expect(returned.body.entries.at(-1)).toMatchObject({
      kind: 'payout_return',
      lines: [
        { account: 'cash', amount: '70.00' },
        { account: 'client_payable', amount: '-70.00' },
      ],
    });
    const next = await post(request, keys.controller, '/payout-batches', { currency: 'EUR', valueDate: '2026-03-27' });
    expect(next.status).toBe(201);
    expect(next.body.releases.map((r: { id: string }) => r.id)).toEqual([id]);
    const list = await get(request, keys.approver, '/payout-batches?currency=EUR&status=open');
    expect(list.body.items.map((b: { id: string }) => b.id)).toContain(next.body.id);
  });

  test('worked example 2 (InstaPay): 70 paid in full, 20 short by 50, and short by 100 offsets 30 against the next release', async ({ request }) => {
    const full = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, full, '1000.00', '2026-01-01'), '1000.00', '2026-01-20');
    const a = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [full.client.id] });
    expect(a.body.releases).toEqual([expect.objectContaining({ amount: '70.00', status: 'approved' })]);

    const short50 = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, short50, '1000.00', '2026-01-01'), '950.00', '2026-01-20', 'chargeback');
    const b = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [short50.client.id] });
    expect(b.body.releases).toEqual([expect.objectContaining({ amount: '20.00', status: 'approved' })]);

    const short100 = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, short100, '1000.00', '2026-01-01'), '900.00', '2026-01-20', 'chargeback');
    expect(await reserve(request, short100.client.id, '2026-01-21')).toMatchObject({ held: '0.00', clientDue: '30.00', releasable: '0.00' });
    const next = await fund(request, short100, '1000.00', '2026-01-22');
    await pay(request, next, '1000.00', '2026-01-25');
    expect(await reserve(request, short100.client.id, '2026-01-30')).toMatchObject({ held: '70.00', clientDue: '30.00', releasable: '40.00' });
    const c = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [short100.client.id] });
    expect(c.body.releases).toEqual([expect.objectContaining({ amount: '40.00', status: 'approved' })]);
    expect(await reserve(request, short100.client.id, '2026-01-30')).toMatchObject({ held: '0.00', clientDue: '0.00' });
  });

  test('worked example 3: a 10% rolling reserve builds to 60,000 and then releases each matured month', async ({ request }) => {
    const who = await onboard(request, {
      advanceRate: '0.90',
      reserveRate: '0.10',
      reservePolicy: { kind: 'rolling', holdDays: 180 },
      releaseSchedule: { cadence: 'monthly', anchorDate: '2026-01-01' },
      releaseAutoApproveUpTo: '1000000.00',
      creditLimit: '10000000.00',
    });
    const table: string[][] = [];
    for (const date of ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01']) {
      await fund(request, who, '100000.00', date);
      const cycle = await post(request, keys.controller, '/release-cycles', { asOf: date, clientIds: [who.client.id] });
      expect(cycle.status).toBe(201);
      const released = cycle.body.releases.find((r: { status: string }) => r.status === 'approved')?.amount ?? '0.00';
      table.push([date, released, (await reserve(request, who.client.id, date)).held]);
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
    ]);
  });

  test('a payout account is validated and masked; the release waits approved until a payout batch pays it', async ({ request }) => {
    const who = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, who, '1000.00', '2026-03-02'), '1000.00', '2026-03-10');
    const cycle = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-18', clientIds: [who.client.id] });
    expect(cycle.body.releases).toEqual([expect.objectContaining({ amount: '70.00', status: 'approved' })]);
    const bad = await request.put(`/api/v1/clients/${who.client.id}/payout-account`, {
      headers: auth(keys.underwriter),
      data: { holderName: 'Insta', routing: '123456789', account: '1234' },
    });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.details).toHaveProperty('routing');
    // issue 14: the change is a request (202) a second person approves
    const put = await request.put(`/api/v1/clients/${who.client.id}/payout-account`, {
      headers: auth(keys.underwriter),
      data: { holderName: 'InstaPay Payee', routing: '011000015', account: '55550001', accountType: 'checking' },
    });
    expect(put.status()).toBe(202);
    const change = await put.json();
    expect(change).toMatchObject({ status: 'pending', proposed: { account: '••••0001', routing: '011000015' } });
    expect((await post(request, keys.approver, `/payout-account-changes/${change.changeId}/approve`, {})).status).toBe(200);
    expect((await get(request, keys.approver, `/clients/${who.client.id}/payout-account`)).body.payoutAccount).toMatchObject({
      account: '••••0001',
      routing: '011000015',
    });
    // (the NACHA file of a batch, to the byte, is tests/integration/payout-lifecycle.test.ts and payouts.test.ts)
    expect((await get(request, keys.approver, `/releases/${cycle.body.releases[0].id}`)).body).toMatchObject({ status: 'approved', batchId: null });
  });

  test('bad input is 400 naming the field; a rejection needs a reason', async ({ request }) => {
    const bad = await post(request, keys.controller, '/release-cycles', { asOf: '13/02/2026' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty('asOf');
    const who = await onboard(request, { ...INSTAPAY, releaseAutoApproveUpTo: '0.00' });
    await pay(request, await fund(request, who, '1000.00', '2026-01-01'), '1000.00', '2026-01-05');
    const cycle = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-09', clientIds: [who.client.id] });
    const id = cycle.body.releases[0].id;
    expect((await post(request, keys.approver, `/releases/${id}/reject`, {})).status).toBe(400);
    expect((await post(request, keys.approver, `/releases/${id}/reject`, { reason: 'Client asked to hold' })).body).toMatchObject({
      status: 'rejected',
      reason: 'Client asked to hold',
    });
  });

  test('issue 11: a reserve is released once whatever the dates — a second cycle waits for the open proposal, parallel approvals pay once', async ({
    request,
  }) => {
    const who = await onboard(request, NAYA);
    await pay(request, await fund(request, who, '10000.00', '2026-02-23'), '10000.00', '2026-03-02');
    const a = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-14', clientIds: [who.client.id] });
    expect(a.body.releases).toEqual([expect.objectContaining({ amount: '1976.67', status: 'pending_approval' })]);
    const b = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-15', clientIds: [who.client.id] });
    expect(b.status).toBe(201);
    expect(b.body.releases).toEqual([]);
    expect(b.body.skipped).toEqual([{ clientId: who.client.id, currency: 'USD', reason: 'open_proposal', releaseId: a.body.releases[0].id }]);
    expect(await reserve(request, who.client.id, '2026-03-15')).toMatchObject({ held: '1976.67', releasable: '0.00', pendingApproval: '1976.67' });
    // two approvers press Approve at the same moment: one pays, the other is told it was decided
    const id = a.body.releases[0].id;
    const both = await Promise.all([post(request, keys.approver, `/releases/${id}/approve`, {}), post(request, keys.approver2, `/releases/${id}/approve`, {})]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.body.error.code).toBe('already_decided');
    // a later cycle finds nothing left to release
    const c = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-16', clientIds: [who.client.id] });
    expect(c.body.releases.filter((r: { status: string }) => r.status !== 'nothing_due')).toEqual([]);
    expect(await reserve(request, who.client.id, '2026-03-16')).toMatchObject({ held: '0.00', releasable: '0.00' });
    // released once: one approved release, posted once (issue 14: paid later, by a payout batch)
    const listed = (await get(request, keys.controller, `/releases?clientId=${who.client.id}`)).body;
    expect(listed.items.filter((r: { status: string }) => r.status !== 'nothing_due')).toEqual([expect.objectContaining({ id, status: 'approved' })]);
    expect((await get(request, keys.controller, `/releases/${id}`)).body.entries.map((e: { kind: string }) => e.kind)).toEqual(['release']);
  });

  test('issue 11: a cycle for an unknown client is 422 naming it, a future date is 422, and nothing is created', async ({ request }) => {
    const unknown = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-14', clientIds: ['987654321'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_clients', details: { clientIds: 'unknown: 987654321' } });
    const future = await post(request, keys.controller, '/release-cycles', { asOf: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.error.code).toBe('date_out_of_range');
    const cycles = (await get(request, keys.controller, '/release-cycles')).body.items as { asOf: string }[];
    expect(cycles.some((c) => c.asOf === '2099-01-01')).toBe(false);
    // resuming a finished cycle is refused
    const done = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-14', clientIds: [] });
    expect((await post(request, keys.controller, `/release-cycles/${done.body.id}/resume`, {})).status).toBe(409);
  });
});
