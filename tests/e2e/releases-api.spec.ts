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
async function onboard(request: APIRequestContext, agreement: Record<string, unknown>) {
  const tag = `${Date.now()}${(seq += 1)}`;
  const client = (
    await post(request, keys.underwriter, '/clients', {
      name: `Release ${tag}`,
      currency: 'USD',
      agreement,
      contacts: [{ name: 'Accounts', email: `ap-${tag}@client.test` }],
    })
  ).body;
  const debtor = (await post(request, keys.underwriter, '/debtors', { name: `Payer ${tag}`, creditLimit: '100000000.00' })).body;
  return { client, debtor, tag };
}
async function fund(request: APIRequestContext, who: { client: { id: string }; debtor: { id: string }; tag: string }, faceValue: string, date: string) {
  const inv = (
    await post(request, keys.funding, '/invoices', {
      clientId: who.client.id,
      debtorId: who.debtor.id,
      number: `R${who.tag}-${date}-${faceValue}`,
      faceValue,
      currency: 'USD',
      issueDate: date,
      dueDate: date,
    })
  ).body;
  expect((await post(request, keys.funding, `/invoices/${inv.id}/verify`, {})).status).toBe(200);
  const batch = await post(request, keys.funding, '/fundings', { clientId: who.client.id, invoiceIds: [inv.id], fundingDate: date });
  expect(batch.body.status).toBe('funded');
  return inv;
}
async function pay(request: APIRequestContext, invoice: { id: string; number: string }, amount: string, date: string, shortPay?: 'chargeback') {
  const payment = await post(request, keys.collections, '/payments', {
    amount,
    currency: 'USD',
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
  test('worked example 1 (NAYA): 1,900.00 proposed, the maker may not approve (403), a second person does; payout file lists it', async ({ request }) => {
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
    expect(approved.body).toMatchObject({ status: 'paid', approvedAmount: '1900.00' });
    expect((await get(request, keys.approver, `/releases/${id}`)).body).toMatchObject({ status: 'paid', amount: '1900.00' });
    expect(await reserve(request, who.client.id, '2026-02-13')).toMatchObject({ held: '0.00', releasable: '0.00' });
    // again for the same date: nothing proposed or paid twice
    const again = await post(request, keys.controller, '/release-cycles', { asOf: '2026-02-13', clientIds: [who.client.id] });
    expect(again.body.releases).toEqual([expect.objectContaining({ id, status: 'paid' })]);
    const csv = (await get(request, keys.controller, '/payouts?from=2026-02-13&to=2026-02-13')).body as string;
    expect(csv).toContain(`${id},2026-02-13,${who.client.id},`);
    expect(csv).toContain(',USD,1900.00');
  });

  test('worked example 2 (InstaPay): 70 paid in full, 20 short by 50, and short by 100 offsets 30 against the next release', async ({ request }) => {
    const full = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, full, '1000.00', '2026-01-01'), '1000.00', '2026-01-20');
    const a = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [full.client.id] });
    expect(a.body.releases).toEqual([expect.objectContaining({ amount: '70.00', status: 'paid' })]);

    const short50 = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, short50, '1000.00', '2026-01-01'), '950.00', '2026-01-20', 'chargeback');
    const b = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [short50.client.id] });
    expect(b.body.releases).toEqual([expect.objectContaining({ amount: '20.00', status: 'paid' })]);

    const short100 = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, short100, '1000.00', '2026-01-01'), '900.00', '2026-01-20', 'chargeback');
    expect(await reserve(request, short100.client.id, '2026-01-21')).toMatchObject({ held: '0.00', clientDue: '30.00', releasable: '0.00' });
    const next = await fund(request, short100, '1000.00', '2026-01-22');
    await pay(request, next, '1000.00', '2026-01-25');
    expect(await reserve(request, short100.client.id, '2026-01-30')).toMatchObject({ held: '70.00', clientDue: '30.00', releasable: '40.00' });
    const c = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [short100.client.id] });
    expect(c.body.releases).toEqual([expect.objectContaining({ amount: '40.00', status: 'paid' })]);
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
      const released = cycle.body.releases.find((r: { status: string }) => r.status === 'paid')?.amount ?? '0.00';
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

  test('the NACHA payout file: refused while a paid client has no payout account, then one credit per rebate', async ({ request }) => {
    const who = await onboard(request, INSTAPAY);
    await pay(request, await fund(request, who, '1000.00', '2026-03-02'), '1000.00', '2026-03-10');
    const cycle = await post(request, keys.controller, '/release-cycles', { asOf: '2026-03-18', clientIds: [who.client.id] });
    expect(cycle.body.releases).toEqual([expect.objectContaining({ amount: '70.00', status: 'paid' })]);
    const missing = await get(request, keys.controller, '/payouts?from=2026-03-18&to=2026-03-18&format=nacha');
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'payout_accounts_missing', details: { clients: [who.client.id] } });
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
    const res = await request.get('/api/v1/payouts?from=2026-03-18&to=2026-03-18&format=nacha', { headers: auth(keys.controller) });
    expect(res.status()).toBe(200);
    expect(res.headers()['x-payout-total']).toBe('70.00');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.length % 10).toBe(0);
    expect(lines.every((l) => l.length === 94)).toBe(true);
    expect(lines[0]).toMatch(/^101 021000021 021000021/);
    expect(lines[2]).toBe(
      `622011000015${'55550001'.padEnd(17)}0000007000${`REL${cycle.body.releases[0].id}`.padEnd(15)}INSTAPAY PAYEE          0021000020000001`,
    );
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
    const csv = (await get(request, keys.controller, '/payouts?from=2026-03-01&to=2026-03-31')).body as string;
    expect(csv.split('\n').filter((l) => l.includes(`,${who.client.id},`))).toHaveLength(1);
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
