import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 13: the console's keyset lists as people use them — the payments list and the audit log
 * page forwards and back, sort by a column header, filter with the count shown, and the Export
 * CSV link carries the filters (its download holds exactly the rows counted).
 */
let collectionsKey: string;
const collector = `collections-bot-${Date.now()}@lists.test`;
test.beforeAll(() => {
  collectionsKey = apiKeyFor(collector, 'collections');
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Seven payments of one payer, on seven dates, with amounts out of date order. */
async function sevenPayments(request: APIRequestContext, payer: string) {
  const amounts = ['700.00', '150.00', '420.00', '990.00', '230.00', '610.00', '380.00'];
  for (let i = 0; i < amounts.length; i++) {
    const res = await request.post('/api/v1/payments', {
      headers: auth(collectionsKey),
      data: { amount: amounts[i], currency: 'USD', receivedDate: `2026-03-0${i + 1}`, payerName: payer, reference: `lists e2e ${i + 1}` },
    });
    expect(res.status()).toBe(201);
  }
  return amounts;
}

const showing = (page: Page) => page.getByTestId('list-showing');
const rows = (page: Page, name: string | RegExp) => page.getByRole('table', { name }).locator('tbody tr');

test('the payments list pages forwards and back, sorts, filters with the count, and exports what it shows', async ({ page, request }) => {
  const payer = `Lists Payer ${Date.now()}`;
  await sevenPayments(request, payer);
  await signInAs(page, 'collections');
  await page.goto(`/collections/payments?payer=${encodeURIComponent(payer)}&limit=3`);
  const table = page.getByRole('table', { name: /^Payments/ });
  await expect(showing(page)).toHaveText('Showing 1–3 of 7 payments');
  // newest received first
  await expect(rows(page, /^Payments/).first()).toContainText('2026-03-07');
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(showing(page)).toHaveText('Showing 4–6 of 7 payments');
  await expect(rows(page, /^Payments/).first()).toContainText('2026-03-04');
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(showing(page)).toHaveText('Showing 7–7 of 7 payments');
  await expect(page.getByRole('link', { name: 'Next →' })).toHaveCount(0);
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(showing(page)).toHaveText('Showing 4–6 of 7 payments');
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(showing(page)).toHaveText('Showing 1–3 of 7 payments');
  await expect(page.getByRole('link', { name: '← Previous' })).toHaveCount(0);

  // Sort by amount (a header link): smallest first, then largest first.
  await table.getByRole('link', { name: 'Amount' }).click();
  await expect(page).toHaveURL(/sort=amount&order=asc/);
  await expect(table.getByRole('columnheader', { name: /Amount/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows(page, /^Payments/).first()).toContainText('150.00 USD');
  await table.getByRole('link', { name: /Amount/ }).click();
  await expect(rows(page, /^Payments/).first()).toContainText('990.00 USD');
  await expect(showing(page)).toHaveText('Showing 1–3 of 7 payments');

  // Filter: at least 400.00 — four of the seven; the count says so, the URL keeps it.
  const filters = page.getByRole('form', { name: 'Filter payments' });
  await filters.getByLabel('Smallest amount').fill('400');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(showing(page)).toHaveText('Showing 1–3 of 4 payments');
  await expect(page).toHaveURL(/minAmount=400/);
  await expect(filters.getByLabel('Smallest amount')).toHaveValue('400');
  await expect(rows(page, /^Payments/).first()).toContainText('990.00 USD'); // the sort is kept

  // Export CSV: the same filters and order, the whole filtered set (not one page).
  const csv = page.getByRole('link', { name: /Export CSV \(4 rows\)/ });
  const href = (await csv.getAttribute('href'))!;
  const url = new URL(href, 'http://x');
  expect(url.pathname).toBe('/api/v1/payments');
  expect(Object.fromEntries(url.searchParams)).toEqual({ payer, minAmount: '400', sort: 'amount', order: 'desc', format: 'csv' });
  const download = await page.request.get(href);
  expect(download.status()).toBe(200);
  const lines = (await download.text()).trimEnd().split('\r\n');
  expect(lines).toHaveLength(5);
  expect(lines.slice(1).map((l) => l.split(',')[6])).toEqual(['990.00', '700.00', '610.00', '420.00']);

  // A filter written wrongly is said in words, and the list is shown unfiltered.
  await page.goto(`/collections/payments?payer=${encodeURIComponent(payer)}&from=2026-02-30`);
  await expect(page.getByRole('form', { name: 'Filter payments' }).getByRole('alert')).toContainText(
    'Received from must be a real date written YYYY-MM-DD, such as 2026-03-31',
  );
});

test('the audit log pages forwards and back, sorts oldest first, filters by action with the count, and exports the filtered log', async ({ page, request }) => {
  await sevenPayments(request, `Lists Audit ${Date.now()}`);
  await signInAs(page, 'auditor');
  await page.goto(`/audit?actor=${encodeURIComponent(collector)}&limit=5`);
  const total = Number((await showing(page).textContent())!.match(/of ([\d,]+) events/)![1]!.replace(/,/g, ''));
  expect(total).toBeGreaterThanOrEqual(7);
  await expect(showing(page)).toHaveText(`Showing 1–5 of ${total} events`);
  await expect(rows(page, 'Audit events, newest first').first()).toContainText(collector);
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(showing(page)).toContainText(`Showing 6–`);
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(showing(page)).toHaveText(`Showing 1–5 of ${total} events`);

  // Filter by one action through the form: the seven receipts, counted.
  const filters = page.getByRole('form', { name: 'Filter the audit log' });
  await filters.getByLabel('Action').fill('payment.receive');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/action=payment.receive/);
  const receipts = Number((await showing(page).textContent())!.match(/of ([\d,]+) events/)![1]!.replace(/,/g, ''));
  expect(receipts).toBeGreaterThanOrEqual(7);
  for (const row of await rows(page, /^Audit events/).all()) await expect(row).toContainText('payment.receive');

  // Sort by time, oldest first: the caption says so and the first row is the oldest receipt.
  await page
    .getByRole('table', { name: /^Audit events/ })
    .getByRole('link', { name: /When/ })
    .click();
  await expect(page.getByRole('table', { name: /Audit events, oldest first/ })).toBeVisible();
  const firstId = await rows(page, /Audit events, oldest first/)
    .first()
    .locator('td')
    .first()
    .textContent();
  const idsAsc = await rows(page, /Audit events, oldest first/)
    .locator('td:first-child')
    .allTextContents();
  expect(idsAsc.map(Number)).toEqual([...idsAsc.map(Number)].sort((a, b) => a - b));
  expect(Number(firstId)).toBe(Math.min(...idsAsc.map(Number)));

  // The CSV carries the filters and holds every filtered event.
  const href = (await page.getByRole('link', { name: /Export CSV/ }).getAttribute('href'))!;
  const url = new URL(href, 'http://x');
  expect(url.pathname).toBe('/api/v1/audit-events');
  expect(Object.fromEntries(url.searchParams)).toEqual({ actor: collector, action: 'payment.receive', sort: 'time', order: 'asc', format: 'csv' });
  const lines = (await (await page.request.get(href)).text()).trimEnd().split('\r\n');
  expect(lines.length - 1).toBe(receipts);
  expect(lines[0]).toMatch(/^Event,When \(UTC\),Who,Role,Action/);
});

test('every list longer than 25 rows offers Rows: 25 · 50 · 100, from its first page again', async ({ page, request }) => {
  await sevenPayments(request, `Lists Rows ${Date.now()}`);
  await signInAs(page, 'auditor');
  await page.goto('/audit?limit=5');
  const total = Number((await showing(page).textContent())!.match(/of ([\d,]+) events/)![1]!.replace(/,/g, ''));
  expect(total).toBeGreaterThan(25);
  const sizes = page.getByRole('navigation', { name: 'Pages' }).getByRole('group', { name: 'Rows per page' });
  await sizes.getByRole('link', { name: '25', exact: true }).click();
  await expect(page).toHaveURL(/[?&]limit=25(&|$)/);
  // (other tests add events meanwhile: the total is not pinned)
  await expect(showing(page)).toHaveText(/^Showing 1–25 of [\d,]+ events$/);
  await expect(sizes.locator('[aria-current="true"]')).toHaveText('25');
  await expect(rows(page, /^Audit events/)).toHaveCount(25);
});
