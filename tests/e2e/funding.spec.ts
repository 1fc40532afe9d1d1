import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, pickClient, signInAs } from './helpers';

/** Keys for the roles that onboard, enter and fund, and approve (created once per run). */
let keys: { underwriter: string; funding: string; approver: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-bot@funding.test', 'underwriter'),
    funding: apiKeyFor('funding-bot@funding.test', 'funding'),
    approver: apiKeyFor('approver-bot@funding.test', 'approver'),
  };
});

const auth = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

async function post(request: APIRequestContext, key: string, path: string, data: unknown, headers: Record<string, string> = {}) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key, headers), data });
  return { status: res.status(), body: await res.json(), headers: res.headers() };
}

/** A client with an agreement, a debtor, and one verified invoice, all through the public API. */
async function verifiedInvoice(request: APIRequestContext, agreement: Record<string, unknown>, faceValue: string) {
  const tag = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const client = await post(request, keys.underwriter, '/clients', { name: `Client ${tag}`, currency: 'USD', agreement });
  expect(client.status).toBe(201);
  expect(client.body.status).toBe('active');
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Debtor ${tag}`, creditLimit: '250000.00' });
  expect(debtor.status).toBe(201);
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.body.id,
    debtorId: debtor.body.id,
    number: `INV-${tag}`,
    faceValue,
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  expect(invoice.status).toBe(201);
  expect(invoice.body).toMatchObject({ status: 'submitted', faceValue });
  const verified = await post(request, keys.funding, `/invoices/${invoice.body.id}/verify`, {});
  expect(verified.body.status).toBe('verified');
  return { client: client.body, debtor: debtor.body, invoice: invoice.body, tag };
}

test.describe('funding through the API', () => {
  test('worked example 1 (NAYA) to the cent, with and without the service fee', async ({ request }) => {
    const naya = {
      model: 'recourse',
      advanceRate: '0.80',
      reserveRate: '0.20',
      fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
    };
    const plain = await verifiedInvoice(request, naya, '10000.00');
    const funded = await post(request, keys.funding, '/fundings', { clientId: plain.client.id, invoiceIds: [plain.invoice.id], fundingDate: '2026-01-01' });
    expect(funded.status).toBe(201);
    expect(funded.body).toMatchObject({
      status: 'funded',
      totalAdvance: '8000.00',
      holds: [],
      invoices: [{ invoiceId: plain.invoice.id, advance: '8000.00', reserve: '2000.00', fees: '0.00' }],
    });
    const withFee = await verifiedInvoice(request, { ...naya, serviceFee: '50.00' }, '10000.00');
    const second = await post(request, keys.funding, '/fundings', { clientId: withFee.client.id, invoiceIds: [withFee.invoice.id], fundingDate: '2026-01-01' });
    expect(second.body).toMatchObject({ status: 'funded', totalAdvance: '7950.00', invoices: [{ advance: '7950.00', reserve: '2000.00', fees: '50.00' }] });
    const invoice = await (await request.get(`/api/v1/invoices/${withFee.invoice.id}`, { headers: auth(keys.funding) })).json();
    expect(invoice).toMatchObject({
      status: 'funded',
      faceValue: '10000.00',
      advance: '7950.00',
      reserve: '2000.00',
      outstanding: '10000.00',
      feesAccrued: '0.00',
      fundingDate: '2026-01-01',
      settledDate: null,
    });
  });

  test('worked example 2 (InstaPay): advance 900, fee 30, reserve 70', async ({ request }) => {
    const { client, invoice } = await verifiedInvoice(
      request,
      { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } },
      '1000.00',
    );
    const funded = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
    expect(funded.body).toMatchObject({ status: 'funded', totalAdvance: '900.00', invoices: [{ advance: '900.00', reserve: '70.00', fees: '30.00' }] });
    const ledger = await (await request.get(`/api/v1/clients/${client.id}/ledger?limit=500`, { headers: auth(keys.funding) })).json();
    expect(ledger.lines.filter((l: { account: string }) => l.account === 'reserve').map((l: { runningBalance: string }) => l.runningBalance)).toEqual([
      '70.00',
    ]);
  });

  test('a breached limit holds the batch; the funder cannot approve it, an approver can', async ({ request }) => {
    const { client, invoice } = await verifiedInvoice(request, { creditLimit: '5000.00' }, '10000.00');
    const held = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-02-01' });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({
      status: 'pending_approval',
      holds: [{ code: 'client_credit_limit', message: expect.stringContaining('above its credit limit of 5000.00 USD') }],
    });
    expect((await (await request.get(`/api/v1/invoices/${invoice.id}`, { headers: auth(keys.funding) })).json()).status).toBe('verified');
    const byFunder = await post(request, keys.funding, `/fundings/${held.body.id}/approve`, {});
    expect(byFunder.status).toBe(403);
    const noReason = await post(request, keys.approver, `/fundings/${held.body.id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toEqual({ reason: 'Reason is required' });
    const approved = await post(request, keys.approver, `/fundings/${held.body.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'funded', totalAdvance: '8000.00' });
  });

  test('duplicates are 409, bad input is 400 naming the field, and Idempotency-Key replays', async ({ request }) => {
    const { client, debtor, invoice } = await verifiedInvoice(request, {}, '2500.00');
    const again = await post(request, keys.funding, '/invoices', {
      clientId: client.id,
      debtorId: debtor.id,
      number: invoice.number,
      faceValue: '1.00',
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_invoice');
    const bad = await post(request, keys.funding, '/invoices', {
      clientId: client.id,
      debtorId: debtor.id,
      number: 'X-1',
      faceValue: '1e5',
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty('faceValue');
    const body = { name: `Idempotent ${Date.now()}`, currency: 'USD' };
    const key = `idem-${Date.now()}`;
    const first = await post(request, keys.underwriter, '/clients', body, { 'Idempotency-Key': key });
    const replay = await post(request, keys.underwriter, '/clients', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const conflict = await post(request, keys.underwriter, '/clients', { ...body, name: 'Another' }, { 'Idempotency-Key': key });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_key_reused');
    const forbidden = await post(request, keys.funding, '/clients', body);
    expect(forbidden.status).toBe(403);
  });
});

test.describe('funding in the console', () => {
  test('worked example 1 in the batch builder: the preview shows the split, funding posts it', async ({ page, request }) => {
    const { client, invoice } = await verifiedInvoice(request, { advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' }, '10000.00');
    await signInAs(page, 'funding');
    await page.goto('/fundings');
    await page.locator('html[data-hydrated]').waitFor(); // the client typeahead is a client component
    expect(await pickClient(page.getByRole('form', { name: 'Choose a client to fund' }), client.name)).toBe(client.id);
    await page.getByRole('button', { name: 'Show verified invoices' }).click();
    const form = page.getByRole('form', { name: 'Funding batch' });
    await expect(form.getByLabel(`Include invoice ${invoice.number}`)).toBeChecked();
    await page.locator('html[data-hydrated]').waitFor(); // the builder's buttons are client handlers
    await form.getByLabel('Funding date').fill('2026-01-01');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = form.getByRole('table', { name: 'Advance, reserve and fees per invoice' });
    await expect(preview.getByRole('row', { name: new RegExp(`${invoice.number} 10,000.00 USD 7,950.00 USD 2,000.00 USD 50.00 USD`) })).toBeVisible();
    await form.getByRole('button', { name: 'Fund batch' }).click();
    await form.getByRole('alertdialog', { name: 'Fund 1 invoice: advance 7,950.00 USD?' }).getByRole('button', { name: 'Confirm' }).click();
    await expect(form.getByRole('status')).toContainText('is funded: 7,950.00 USD advanced');
    await page.goto(`/invoices/${invoice.id}`);
    await expect(page.getByRole('group', { name: 'Advance' })).toContainText('7,950.00 USD');
    await expect(page.getByRole('table', { name: 'Ledger entries' }).getByRole('row')).toHaveCount(7);
  });

  test('worked example 2 (InstaPay) in the batch builder: 900 advanced, 70 held, 30 fee', async ({ page, request }) => {
    const { client, invoice } = await verifiedInvoice(
      request,
      { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } },
      '1000.00',
    );
    await signInAs(page, 'funding');
    await page.goto(`/fundings?client=${client.id}`);
    await page.locator('html[data-hydrated]').waitFor(); // the builder's buttons are client handlers
    const form = page.getByRole('form', { name: 'Funding batch' });
    await form.getByLabel('Funding date').fill('2026-01-01');
    await form.getByRole('button', { name: 'Preview' }).click();
    await expect(
      form
        .getByRole('table', { name: 'Advance, reserve and fees per invoice' })
        .getByRole('row', { name: new RegExp(`${invoice.number} 1,000.00 USD 900.00 USD 70.00 USD 30.00 USD`) }),
    ).toBeVisible();
    await form.getByRole('button', { name: 'Fund batch' }).click();
    await form.getByRole('alertdialog', { name: 'Fund 1 invoice: advance 900.00 USD?' }).getByRole('button', { name: 'Confirm' }).click();
    await expect(form.getByRole('status')).toContainText('is funded: 900.00 USD advanced');
    await page.goto(`/clients/${client.id}`);
    const ledger = page.getByRole('table', { name: 'Reserve ledger' });
    await expect(ledger.getByRole('row', { name: new RegExp(`${invoice.number}.* 70.00 USD 70.00 USD`) })).toBeVisible();
  });

  test('Fund asks first, naming the advance: Cancel funds nothing, Confirm funds', async ({ page, request }) => {
    const { client, invoice } = await verifiedInvoice(request, { advanceRate: '0.80', reserveRate: '0.20' }, '5000.00');
    await signInAs(page, 'funding');
    await page.goto(`/fundings?client=${client.id}`);
    await page.locator('html[data-hydrated]').waitFor(); // the builder's buttons are client handlers
    const form = page.getByRole('form', { name: 'Funding batch' });
    await form.getByLabel('Funding date').fill('2026-01-02');
    await form.getByRole('button', { name: 'Fund batch' }).click();
    const ask = form.getByRole('alertdialog', { name: 'Fund 1 invoice: advance 4,000.00 USD?' });
    await expect(ask).toBeVisible();
    // Cancel: the question goes, nothing is funded.
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(form.getByRole('alertdialog')).toHaveCount(0);
    await expect(form.getByRole('status')).toContainText('Cancelled: nothing was funded.');
    const still = await (await request.get(`/api/v1/invoices/${invoice.id}`, { headers: auth(keys.funding) })).json();
    expect(still).toMatchObject({ status: 'verified', fundingDate: null });
    // Fund again, and confirm this time.
    await form.getByRole('button', { name: 'Fund batch' }).click();
    await form.getByRole('alertdialog', { name: 'Fund 1 invoice: advance 4,000.00 USD?' }).getByRole('button', { name: 'Confirm' }).click();
    await expect(form.getByRole('status')).toContainText('is funded: 4,000.00 USD advanced');
    const funded = await (await request.get(`/api/v1/invoices/${invoice.id}`, { headers: auth(keys.funding) })).json();
    expect(funded).toMatchObject({ status: 'funded', advance: '4000.00', fundingDate: '2026-01-02' });
  });

  test('reverse factoring: the debtor approval recorded on the invoice page lets the invoice be funded', async ({ page, request }) => {
    const { client, invoice } = await verifiedInvoice(request, { model: 'reverse' }, '3000.00');
    const refused = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-05' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('debtor_approval_missing');
    await signInAs(page, 'funding');
    await page.goto(`/invoices/${invoice.id}`);
    const form = page.getByRole('form', { name: 'Debtor approval' });
    await form.getByLabel('Debtor approved the invoice on').fill('2026-01-03');
    await form.getByRole('button', { name: 'Record debtor approval' }).click();
    await expect(page.getByText('Debtor approved this invoice on 2026-01-03')).toBeVisible();
    const funded = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-05' });
    expect(funded.body).toMatchObject({ status: 'funded', totalAdvance: '2400.00' });
  });

  test('a held batch waits in the approval queue until an approver approves it', async ({ page, request, browser }) => {
    const { client, invoice } = await verifiedInvoice(request, { creditLimit: '1000.00' }, '4000.00');
    await signInAs(page, 'funding');
    await page.goto(`/fundings?client=${client.id}`);
    await page.locator('html[data-hydrated]').waitFor(); // the builder's buttons are client handlers
    const form = page.getByRole('form', { name: 'Funding batch' });
    await form.getByRole('button', { name: 'Fund batch' }).click();
    // The question says the batch will wait for an approver.
    const ask = form.getByRole('alertdialog', { name: /^Fund 1 invoice: advance [\d,]+\.\d\d USD\? It breaches a limit, so it will wait for an approver/ });
    await ask.getByRole('button', { name: 'Confirm' }).click();
    await expect(form.getByRole('status')).toContainText('waits for approval (client_credit_limit)');
    await expect(form.getByRole('list', { name: 'Holds' })).toContainText('above its credit limit of 1000.00 USD');

    const approver = await browser.newPage();
    await signInAs(approver, 'approver');
    await approver.goto('/approvals');
    const row = approver.getByRole('table', { name: 'Waiting for approval' }).getByRole('row', { name: new RegExp(client.name) });
    await expect(row).toContainText('above its credit limit');
    await row.getByRole('button', { name: 'Approve' }).click();
    // Approve asks first, naming the advance it will pay out.
    await row
      .getByRole('alertdialog', { name: /^Approve funding batch \d+: fund 1 invoice, advance [\d,]+\.\d\d USD\?$/ })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await expect(approver.getByRole('table', { name: 'Recent requests' }).getByRole('row', { name: new RegExp(`${client.name}.*approved`) })).toBeVisible();
    await expect(approver.getByRole('table', { name: 'Waiting for approval' }).getByRole('row', { name: new RegExp(client.name) })).toHaveCount(0);
    const inv = await (await request.get(`/api/v1/invoices/${invoice.id}`, { headers: auth(keys.funding) })).json();
    expect(inv.status).toBe('funded');
    await approver.close();
  });
});
