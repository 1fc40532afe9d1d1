import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Fee accrual through the API and the console. Invoices here are funded in 2025, before any other
 * spec's, so the accrual runs below (through 2025 dates) touch only these. A retry (the serial
 * pair runs again after a failure) works a year earlier, in 2024 — still after edges.spec's
 * accrual through 2024-01-31 — so the failed attempt's invoice, accrued or not, is never counted
 * in the retry's figures.
 */
test.describe.configure({ mode: 'serial' });

let keys: { underwriter: string; funding: string; controller: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-accrual@fees.test', 'underwriter'),
    funding: apiKeyFor('funding-accrual@fees.test', 'funding'),
    controller: apiKeyFor('controller-accrual@fees.test', 'controller'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  return { status: res.status(), body: await res.json() };
}

/**
 * POST /accruals answers 200 with the result when the worker finishes within its wait (20 s), or
 * 202 {"jobId","poll"} when it runs on (API.md): a busy machine gets the same result by polling.
 */
async function accrue(request: APIRequestContext, key: string, asOf: string) {
  const res = await post(request, key, '/accruals', { asOf });
  if (res.status !== 202) return res;
  let job: { status: string; result?: unknown } = { status: 'running' };
  await expect
    .poll(
      async () => {
        job = await (await request.get(res.body.poll, { headers: auth(key) })).json();
        return job.status;
      },
      { timeout: 120_000 },
    )
    .toBe('completed');
  return { status: 200, body: job.result };
}

let invoiceId = '';
let clientName = '';
let year = 2025;

test('worked example 1: POST /accruals through 30 days accrues 100.00; the same date again posts "0.00"', async ({ request }, testInfo) => {
  year = 2025 - Math.min(testInfo.retry, 1);
  clientName = `Accrual Co ${Date.now()}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name: clientName,
    currency: 'USD',
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
  });
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Accrual Debtor ${Date.now()}`, creditLimit: '100000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.body.id,
    debtorId: debtor.body.id,
    number: `ACC-${Date.now()}`,
    faceValue: '10000.00',
    currency: 'USD',
    issueDate: `${year}-05-31`,
    dueDate: `${year}-07-31`,
  });
  await post(request, keys.funding, `/invoices/${invoice.body.id}/verify`, {});
  const funded = await post(request, keys.funding, '/fundings', { clientId: client.body.id, invoiceIds: [invoice.body.id], fundingDate: `${year}-06-01` });
  expect(funded.body.status).toBe('funded');
  invoiceId = invoice.body.id;

  const first = await accrue(request, keys.controller, `${year}-07-01`);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ asOf: `${year}-07-01`, posted: '100.00', invoices: 1 });
  const view = await (await request.get(`/api/v1/invoices/${invoiceId}`, { headers: auth(keys.funding) })).json();
  expect(view.feesAccrued).toBe('100.00');
  const second = await accrue(request, keys.controller, `${year}-07-01`);
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ asOf: `${year}-07-01`, posted: '0.00', invoices: 0 });
  const bad = await post(request, keys.controller, '/accruals', { asOf: '2025-02-30' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toHaveProperty('asOf');
  const forbidden = await post(request, keys.funding, '/accruals', { asOf: `${year}-07-01` });
  expect(forbidden.status).toBe(403);
});

test('a controller runs the accrual in the console; the invoice shows its fee to date and history; reports show income and the run', async ({ page }) => {
  await signInAs(page, 'controller');
  await page.goto('/reports');
  const form = page.getByRole('form', { name: 'Run the fee accrual' });
  await form.getByLabel('Accrue fees through').fill(`${year}-07-16`);
  await form.getByRole('button', { name: 'Run accrual' }).click();
  await expect(form.getByRole('status')).toContainText(`Accrued 15 day(s) through ${year}-07-16: 50.00 USD posted.`);
  await expect(page.getByRole('table', { name: 'Job runs' }).getByRole('row', { name: new RegExp(`fee-accrual ${year}-07-16 completed 100%`) })).toBeVisible();
  // Fee income by client, a period of months (the page's default is the last twelve: July is asked for)
  await page.goto(`/reports?from=${year}-07&to=${year}-07&currency=USD`);
  await expect(
    page.getByRole('table', { name: 'Fee income by client and month' }).getByRole('row', { name: new RegExp(`${clientName} 53.33 USD 53.33 USD`) }),
  ).toBeVisible();
  await page.goto(`/invoices/${invoiceId}`);
  await expect(page.getByRole('group', { name: 'Fee to date' })).toContainText('150.00 USD');
  const history = page.getByRole('table', { name: 'Fee accrual history' });
  await expect(history.getByRole('row')).toHaveCount(46);
  await expect(history.getByRole('row', { name: `${year}-07-16 3.33 USD 150.00 USD` })).toBeVisible();
});
