import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 13: the Invoices screen works its list — pages (Next, Previous), sorts by a column, filters
 * (status + client typed by name) with the count shown, and an Export CSV link that carries the
 * filters and holds exactly the filtered set. Its own client, debtor and 25 invoices, entered
 * through the API, so the counts are known whatever else the demo or other specs hold.
 */
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
const clientName = `Listwork ${tag} Freight`;
const prefix = `LW${tag}-`;
let clientId: string;

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(201);
  return (await res.json()) as { id: string };
}

test.beforeAll(async ({ request }) => {
  const underwriter = apiKeyFor('uw-bot@invoices-list.test', 'underwriter');
  const funding = apiKeyFor('funding-bot@invoices-list.test', 'funding');
  const client = await post(request, underwriter, '/clients', { name: clientName, currency: 'USD', agreement: { model: 'recourse', advanceRate: '0.80' } });
  clientId = client.id;
  const debtor = await post(request, underwriter, '/debtors', { name: `Listwork ${tag} Buyer`, creditLimit: '10000000.00' });
  // 25 invoices: face values 1,000.00 … 25,000.00 in a shuffled order; every fourth is verified (7 of them).
  for (let n = 1; n <= 25; n++) {
    const face = ((n * 7) % 25) + 1;
    const invoice = await post(request, funding, '/invoices', {
      clientId,
      debtorId: debtor.id,
      number: `${prefix}${String(n).padStart(2, '0')}`,
      faceValue: `${face * 1000}.00`,
      currency: 'USD',
      issueDate: '2026-01-05',
      dueDate: '2026-02-04',
    });
    if (n % 4 === 1) {
      const res = await request.post(`/api/v1/invoices/${invoice.id}/verify`, { headers: auth(funding), data: {} });
      expect(res.status()).toBe(200);
    }
  }
});

const showing = (page: Page) => page.getByTestId('list-showing');
const numbers = async (page: Page) =>
  page
    .getByRole('table', { name: /^Invoices/ })
    .locator('tbody tr td:first-child')
    .allTextContents();

test.describe('the invoices list', () => {
  test('filters by status and a client typed by name, pages, sorts and exports what it shows', async ({ page }) => {
    await signInAs(page, 'controller');
    await page.goto('/invoices?limit=10');
    await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();

    // Status + client, the client typed by its name (no select of every client).
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Status').selectOption({ label: 'Verified' });
    await filters.getByLabel('Client').fill(clientName.toLowerCase());
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`clientId=${clientId}`));
    await expect(page).toHaveURL(/status=verified/);
    await expect(showing(page)).toHaveText('Showing 1–7 of 7 invoices');
    await expect(filters.getByLabel('Client')).toHaveValue(clientName);
    expect(await numbers(page)).toEqual([25, 21, 17, 13, 9, 5, 1].map((n) => `${prefix}${String(n).padStart(2, '0')}`));
    // The export carries the filters and holds exactly the seven.
    const csvLink = page.getByRole('link', { name: /^Export CSV/ });
    const href = (await csvLink.getAttribute('href'))!;
    expect(href).toContain('/api/v1/invoices?');
    const exported = new URL(href, 'http://x').searchParams;
    expect(Object.fromEntries(exported)).toMatchObject({ clientId, status: 'verified', format: 'csv' });
    expect(exported.get('limit')).toBeNull();
    const csv = await page.request.get(href);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(8);
    expect(lines.slice(1).every((l) => l.includes(prefix) && l.includes(',verified,'))).toBe(true);

    // Any status: 25 of this client, ten a page; Next, Next, Previous.
    await filters.getByLabel('Status').selectOption({ label: 'Any status' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(showing(page)).toHaveText('Showing 1–10 of 25 invoices');
    await expect(page).toHaveURL(new RegExp(`clientId=${clientId}`));
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(showing(page)).toHaveText('Showing 11–20 of 25 invoices');
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(showing(page)).toHaveText('Showing 21–25 of 25 invoices');
    await expect(page.getByRole('link', { name: 'Next →' })).toHaveCount(0);
    expect(await numbers(page)).toEqual([5, 4, 3, 2, 1].map((n) => `${prefix}${String(n).padStart(2, '0')}`));
    await page.getByRole('link', { name: '← Previous' }).click();
    await expect(showing(page)).toHaveText('Showing 11–20 of 25 invoices');
    expect(await numbers(page)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6].map((n) => `${prefix}${String(n).padStart(2, '0')}`));

    // Sort by face value: smallest first, then largest first; the pages start again.
    await page.getByRole('link', { name: 'Face value' }).click();
    await expect(page).toHaveURL(/sort=faceValue&order=asc|order=asc.*sort=faceValue/);
    await expect(showing(page)).toHaveText('Showing 1–10 of 25 invoices');
    const faceOf = (n: number) => ((n * 7) % 25) + 1;
    const byFace = Array.from({ length: 25 }, (_, i) => i + 1).sort((a, b) => faceOf(a) - faceOf(b));
    expect(await numbers(page)).toEqual(byFace.slice(0, 10).map((n) => `${prefix}${String(n).padStart(2, '0')}`));
    await expect(
      page
        .getByRole('table', { name: /^Invoices/ })
        .locator('tbody tr')
        .first()
        .locator('td')
        .nth(3),
    ).toHaveText('1,000.00 USD');
    await page.getByRole('link', { name: 'Face value' }).click();
    await expect(page.getByRole('columnheader', { name: /Face value/ })).toHaveAttribute('aria-sort', 'descending');
    await expect(
      page
        .getByRole('table', { name: /^Invoices/ })
        .locator('tbody tr')
        .first()
        .locator('td')
        .nth(3),
    ).toHaveText('25,000.00 USD');
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(showing(page)).toHaveText('Showing 11–20 of 25 invoices');
    expect(await numbers(page)).toEqual(
      byFace
        .reverse()
        .slice(10, 20)
        .map((n) => `${prefix}${String(n).padStart(2, '0')}`),
    );
    // The sorted export carries the sort too.
    const sortedHref = (await page.getByRole('link', { name: /^Export CSV/ }).getAttribute('href'))!;
    expect(new URL(sortedHref, 'http://x').searchParams.get('sort')).toBe('faceValue');
    expect(new URL(sortedHref, 'http://x').searchParams.get('cursor')).toBeNull();
  });

  test('a number typed in part finds its invoices; a name matching nobody is said, not guessed', async ({ page }) => {
    await signInAs(page, 'funding');
    await page.goto(`/invoices?number=${prefix.toLowerCase()}1`);
    await expect(showing(page)).toHaveText('Showing 1–10 of 10 invoices');
    await page.goto('/invoices?client=No+Such+Client+Anywhere');
    await expect(page.getByRole('status').filter({ hasText: 'No client’s name starts with “No Such Client Anywhere”' })).toBeVisible();
    // A bad filter keeps what was typed, says what is wrong, and lists everything meanwhile.
    await page.goto('/invoices?minAmount=12%2C5OO');
    await expect(page.getByRole('form', { name: 'Filters' }).getByRole('alert')).toHaveText(
      'Minimum face value must be an amount written as digits, such as 12,500.00',
    );
    await expect(page.getByRole('form', { name: 'Filters' }).getByLabel('Face value, at least')).toHaveValue('12,5OO');
    await expect(showing(page)).toHaveText(/^Showing 1–50 of /);
  });
});
