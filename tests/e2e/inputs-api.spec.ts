import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 11 through the real server: what the API accepts. A GET never writes (an auditor's
 * statement download stores and emails nothing; issuing is a POST for controllers and admins),
 * a payment dated 2099 is refused, the ledger is paginated and refuses from after to.
 */
let keys: { underwriter: string; funding: string; collections: string; controller: string; auditor: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-inputs@api.test', 'underwriter'),
    funding: apiKeyFor('funding-inputs@api.test', 'funding'),
    collections: apiKeyFor('collector-inputs@api.test', 'collections'),
    controller: apiKeyFor('controller-inputs@api.test', 'controller'),
    auditor: apiKeyFor('auditor-inputs@api.test', 'auditor'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
async function post(request: APIRequestContext, key: string, path: string, data: unknown, headers: Record<string, string> = {}) {
  const res = await request.post(`/api/v1${path}`, { headers: { ...auth(key), ...headers }, data });
  return { status: res.status(), body: await res.json() };
}
async function get(request: APIRequestContext, key: string, path: string) {
  const res = await request.get(`/api/v1${path}`, { headers: auth(key) });
  return { status: res.status(), headers: res.headers(), res };
}

/** A client with one funded 10,000.00 invoice (January 2026), paid in full, numbers unique per run. */
async function fundedClient(request: APIRequestContext) {
  const tag = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const client = (
    await post(request, keys.underwriter, '/clients', { name: `Inputs ${tag}`, currency: 'USD', contacts: [{ name: 'AP', email: `ap-${tag}@inputs.test` }] })
  ).body;
  const debtor = (await post(request, keys.underwriter, '/debtors', { name: `Inputs debtor ${tag}`, creditLimit: '1000000.00' })).body;
  const invoice = (
    await post(request, keys.funding, '/invoices', {
      clientId: client.id,
      debtorId: debtor.id,
      number: `IN-${tag}`,
      faceValue: '10000.00',
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
    })
  ).body;
  expect((await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {})).status).toBe(200);
  expect((await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-02' })).body.status).toBe(
    'funded',
  );
  return { client, invoice, tag };
}

async function storedStatements(request: APIRequestContext, clientId: string): Promise<{ id: string; from: string; to: string }[]> {
  const list = await request.get(`/api/v1/clients/${clientId}/statements`, { headers: auth(keys.controller) });
  expect(list.status()).toBe(200);
  return (await list.json()).items;
}

test.describe('what the API accepts', () => {
  test('an auditor downloads a statement with GET ?from&to and nothing is stored; it cannot issue one (403); a controller issues it once with POST', async ({
    request,
  }) => {
    const { client } = await fundedClient(request);
    const period = { from: '2026-01-01', to: '2026-01-31' };
    const read = await get(request, keys.auditor, `/clients/${client.id}/statements?from=${period.from}&to=${period.to}`);
    expect(read.status).toBe(200);
    expect(read.headers['content-type']).toBe('application/pdf');
    expect(read.headers['x-statement-stored']).toBe('false');
    expect((await read.res.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await storedStatements(request, client.id)).toEqual([]);

    const refused = await post(request, keys.auditor, `/clients/${client.id}/statements`, period);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(await storedStatements(request, client.id)).toEqual([]);

    const issued = await post(request, keys.controller, `/clients/${client.id}/statements`, period, { 'idempotency-key': `issue-${client.id}` });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      from: period.from,
      to: period.to,
      created: true,
      emailed: 1,
      currencies: [expect.objectContaining({ currency: 'USD', closing: '2000.00' })],
    });
    const again = await post(request, keys.controller, `/clients/${client.id}/statements`, period);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: issued.body.id, created: false, emailed: 0 });
    expect((await storedStatements(request, client.id)).map((s) => s.id)).toEqual([issued.body.id]);

    // the stored one is what GET now serves, to the auditor too, byte for byte as the download link
    const stored = await get(request, keys.auditor, `/clients/${client.id}/statements?from=${period.from}&to=${period.to}`);
    expect(stored.headers['x-statement-stored']).toBe('true');
    expect(stored.headers['x-statement-id']).toBe(issued.body.id);
    const download = await get(request, keys.auditor, issued.body.downloadUrl.replace('/api/v1', ''));
    expect(Buffer.compare(await stored.res.body(), await download.res.body())).toBe(0);
  });

  test('a payment received in 2099 is refused with 422 naming receivedDate; nothing is received', async ({ request }) => {
    const tag = `${Date.now()}`;
    const refused = await post(request, keys.collections, '/payments', {
      amount: '5729.31',
      currency: 'USD',
      receivedDate: '2099-11-20',
      payerName: `Future ${tag}`,
      reference: 'INV 1',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'date_out_of_range',
      message: expect.stringMatching(/^Received date 2099-11-20 is in the future/),
      details: { receivedDate: expect.any(String) },
    });
    const list = await request.get('/api/v1/payments?limit=500', { headers: auth(keys.collections) });
    expect(((await list.json()).items as { payerName: string }[]).filter((p) => p.payerName === `Future ${tag}`)).toEqual([]);
    // and a currency that is no ISO 4217 code, and an amount no column holds, are 400s naming the field
    const xyz = await post(request, keys.collections, '/payments', { amount: '10.00', currency: 'XYZ', receivedDate: '2026-01-15' });
    expect(xyz.status).toBe(400);
    expect(Object.keys(xyz.body.error.details)).toEqual(['currency']);
    const huge = await post(request, keys.collections, '/payments', { amount: '1000000000000000000000000000000', currency: 'USD', receivedDate: '2026-01-15' });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details).toEqual({ amount: 'Amount is too large: at most 15 digits before the decimal point' });
  });

  test('the ledger pages with limit and cursor into exactly the whole ledger, and refuses from after to', async ({ request }) => {
    const { client, invoice } = await fundedClient(request);
    // a few more movements: paid in part on two dates, charged back
    const pay = async (amount: string, receivedDate: string) => {
      const p = await post(request, keys.collections, '/payments', { amount, currency: 'USD', receivedDate, payerName: 'x', reference: 'partial' });
      expect((await post(request, keys.collections, `/payments/${p.body.id}/applications`, { allocations: [{ invoiceId: invoice.id, amount }] })).status).toBe(
        201,
      );
    };
    await pay('1000.00', '2026-01-10');
    await pay('2000.00', '2026-01-20');
    await post(request, keys.collections, `/invoices/${invoice.id}/chargeback`, { date: '2026-02-01' });

    const whole = await (await request.get(`/api/v1/clients/${client.id}/ledger?limit=500`, { headers: auth(keys.controller) })).json();
    expect(whole.nextCursor).toBeNull();
    expect(whole.total).toBe(whole.items.length);
    expect(whole.items.length).toBeGreaterThan(6);
    const pages: { id: string; runningBalance: string }[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const res: APIResponse = await request.get(`/api/v1/clients/${client.id}/ledger?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        headers: auth(keys.controller),
      });
      expect(res.status()).toBe(200);
      const page: { items: { id: string; runningBalance: string }[]; nextCursor: string | null; total: number } = await res.json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.total).toBe(whole.total);
      pages.push(...page.items);
      cursor = page.nextCursor;
      n += 1;
    } while (cursor && n < 100);
    expect(n).toBe(Math.ceil(whole.total / 3));
    expect(pages.map((l) => [l.id, l.runningBalance])).toEqual(whole.items.map((l: { id: string; runningBalance: string }) => [l.id, l.runningBalance]));

    const backwards = await request.get(`/api/v1/clients/${client.id}/ledger?from=2026-02-01&to=2026-01-01`, { headers: auth(keys.controller) });
    expect(backwards.status()).toBe(400);
    expect((await backwards.json()).error).toMatchObject({ code: 'invalid_input', details: { to: 'must not be before from' } });
    expect((await request.get(`/api/v1/clients/${client.id}/ledger?limit=501`, { headers: auth(keys.controller) })).status()).toBe(400);
  });
});

test('the console shows the statement issue form to a controller, not to an auditor', async ({ page }) => {
  await signInAs(page, 'controller');
  await page.goto('/clients/1');
  await expect(page.getByRole('form', { name: 'Generate statement' }).getByRole('button', { name: 'Generate statement' })).toBeVisible();
  await page.context().clearCookies();
  await signInAs(page, 'auditor');
  await page.goto('/clients/1');
  await expect(page.getByRole('heading', { name: 'Acme Freight LLC' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Statements', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate statement' })).toHaveCount(0);
});
