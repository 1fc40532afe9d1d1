import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: { authorization: `Bearer ${key}` }, data });
  return { status: res.status(), body: await res.json() };
}

/** A client funded through the API with a 50.00 service fee on 2026-01-01: fee income of its own in January 2026. */
async function fundedWithFee(request: APIRequestContext, keys: { underwriter: string; funding: string }): Promise<string> {
  const tag = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const agreement = { advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' };
  const client = await post(request, keys.underwriter, '/clients', { name: `Fee Client ${tag}`, currency: 'USD', agreement });
  expect(client.status).toBe(201);
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Fee Debtor ${tag}`, creditLimit: '250000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.body.id,
    debtorId: debtor.body.id,
    number: `FEE-${tag}`,
    faceValue: '10000.00',
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  expect(invoice.status).toBe(201);
  expect((await post(request, keys.funding, `/invoices/${invoice.body.id}/verify`, {})).body.status).toBe('verified');
  const funded = await post(request, keys.funding, '/fundings', { clientId: client.body.id, invoiceIds: [invoice.body.id], fundingDate: '2026-01-01' });
  expect(funded.status).toBe(201);
  return client.body.name as string;
}

/**
 * Issue 13 (screens at volume): the aging tab, the fee income report and the portal's invoices are
 * keyset pages (sortable, filtered in the URL, paged, exported whole); the fundings builder picks
 * its client with a typeahead, read on the server when no script ran.
 */
test.describe('screens as keyset pages', () => {
  test('Collections → Aging pages, sorts by 90+ and by name, switches to clients, and leads to the debtor and the invoices', async ({ page }) => {
    await signInAs(page, 'collections');
    await page.goto('/collections?tab=aging&limit=1');
    const debtors = page.getByRole('region', { name: 'Aging by debtor' });
    const showing = debtors.getByTestId('list-showing');
    await expect(showing).toHaveText(/^Showing 1–1 of \d+ debtors$/);
    const total = Number((await showing.textContent())!.replace(/^.* of (\d+) debtors$/, '$1'));
    expect(total).toBeGreaterThanOrEqual(2);
    const firstName = await debtors.getByRole('row').nth(1).getByRole('cell').first().textContent();
    await debtors.getByRole('link', { name: 'Next →' }).click();
    await expect(showing).toHaveText(new RegExp(`^Showing 2–2 of ${total} debtors$`));
    await expect(debtors.getByRole('row').nth(1).getByRole('cell').first()).not.toHaveText(firstName!);
    await debtors.getByRole('link', { name: '← Previous' }).click();
    await expect(showing).toHaveText(new RegExp(`^Showing 1–1 of ${total} debtors$`));
    await expect(debtors.getByRole('row').nth(1).getByRole('cell').first()).toHaveText(firstName!);

    // Sorting: 90+ (largest first after a second click), then by name A→Z
    await debtors.getByRole('link', { name: '90+', exact: true }).click();
    await expect(debtors.getByRole('columnheader', { name: '90+' })).toHaveAttribute('aria-sort', 'ascending');
    await expect(page).toHaveURL(/sort=over90&order=asc/);
    await debtors.getByRole('link', { name: '90+', exact: true }).click();
    await expect(debtors.getByRole('columnheader', { name: '90+' })).toHaveAttribute('aria-sort', 'descending');
    await page.goto('/collections?tab=aging&by=debtor&sort=name&order=asc');
    await expect(page.getByRole('region', { name: 'Aging by debtor' }).getByRole('columnheader', { name: 'Debtor' })).toHaveAttribute('aria-sort', 'ascending');
    const names = await page.getByRole('region', { name: 'Aging by debtor' }).getByRole('row').locator('td:first-child').allTextContents();
    expect(names.length).toBe(total);

    // A bucket opens the open invoices behind it; the name opens the debtor's page
    const row = page.getByRole('region', { name: 'Aging by debtor' }).getByRole('row').nth(1);
    const bucket = row.locator('td a[href^="/invoices?status=open"]').first();
    await expect(bucket).toHaveAttribute('href', /currency=[A-Z]{3}.*&debtorId=\d+$/);
    await row.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/debtors\/\d+$/);

    // By client, with the currency's totals above and the CSV of the whole set
    await page.goto('/collections?tab=aging');
    await page.getByRole('link', { name: 'By client' }).click();
    const clients = page.getByRole('region', { name: 'Aging by client' });
    await expect(clients.getByTestId('list-showing')).toHaveText(/^Showing 1–\d+ of \d+ clients$/);
    await expect(page.getByRole('region', { name: /^Aging totals \([A-Z]{3}\)$/ })).toContainText('90+ days');
    const csv = await clients.getByRole('link', { name: /^Export CSV/ }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/v1\/reports\/aging\?.*by=client.*format=csv/);
    const download = await page.request.get(csv!);
    expect(download.status()).toBe(200);
    const lines = (await download.text()).trim().split('\r\n');
    expect(lines[0]).toBe('Client,Client id,Currency,Invoices,0–30,31–60,61–90,90+,Total');
    expect(lines.length - 1).toBe(Number((await clients.getByTestId('list-showing').textContent())!.replace(/^.* of (\d+) clients$/, '$1')));
  });

  test('Reports: fee income for a period of months, filtered by the form, paged, a month written wrongly named', async ({ page, request }) => {
    // two clients with fee income of their own in January 2026, whatever else the run has funded
    const keys = {
      underwriter: apiKeyFor(`uw-${Date.now()}@screens.test`, 'underwriter'),
      funding: apiKeyFor(`funding-${Date.now()}@screens.test`, 'funding'),
    };
    const names = [await fundedWithFee(request, keys), await fundedWithFee(request, keys)];
    await signInAs(page, 'controller');
    await page.goto('/reports');
    const filters = page.getByRole('form', { name: 'Fee income filters' });
    await filters.getByLabel('From month').fill('2025-01');
    await filters.getByLabel('To month').fill('2026-12');
    await filters.getByLabel('Currency').selectOption('USD');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/from=2025-01&to=2026-12&currency=USD/);
    await expect(page.getByRole('heading', { name: 'Fee income by month, 2025-01 to 2026-12 (USD)' })).toBeVisible();
    const list = page.getByRole('region', { name: 'Fee income by client and month' });
    await expect(list.getByTestId('list-showing')).toHaveText(/^Showing 1–\d+ of \d+ clients$/);
    const total = Number((await list.getByTestId('list-showing').textContent())!.replace(/^.* of (\d+) clients$/, '$1'));
    expect(total).toBeGreaterThanOrEqual(2);
    // a column per month, newest first, after Client and Total; each new client's January is its 50.00 service fee
    await expect(list.getByRole('columnheader').nth(2)).toHaveText('2026-12');
    await page.goto(`/reports?from=2026-01&to=2026-01&currency=USD&name=${encodeURIComponent(names[0]!)}`);
    await expect(list.getByRole('row', { name: `${names[0]} 50.00 USD 50.00 USD` })).toBeVisible();
    await expect(list.getByTestId('list-showing')).toHaveText('Showing 1–1 of 1 clients');

    await page.goto('/reports?from=2025-01&to=2026-12&currency=USD&sort=name&order=asc&limit=1');
    const first = await list.getByRole('row').nth(1).getByRole('cell').first().textContent();
    await list.getByRole('link', { name: 'Next →' }).click();
    await expect(list.getByTestId('list-showing')).toHaveText(new RegExp(`^Showing 2–2 of ${total} clients$`));
    const second = await list.getByRole('row').nth(1).getByRole('cell').first().textContent();
    expect(second!.localeCompare(first!, 'en', { sensitivity: 'base' })).toBeGreaterThanOrEqual(0);

    await page.goto('/reports?from=2025-13');
    await expect(page.getByRole('form', { name: 'Fee income filters' }).getByRole('alert')).toContainText('From month must be a month written as YYYY-MM');
    await expect(page.getByRole('form', { name: 'Fee income filters' }).getByLabel('From month')).toHaveValue('2025-13');
  });

  test("the portal lists the client's own invoices a page at a time, filtered by status, exported whole", async ({ page }) => {
    await signInAs(page, 'client');
    // a client id in the URL is never the scope: the signed-in client's invoices only
    await page.goto('/portal?limit=5&clientId=2');
    const list = page.getByRole('region', { name: 'Your invoices' });
    await expect(list.getByTestId('list-showing')).toHaveText(/^Showing 1–5 of \d+ invoices$/);
    const total = Number((await list.getByTestId('list-showing').textContent())!.replace(/^.* of (\d+) invoices$/, '$1'));
    expect(total).toBeGreaterThanOrEqual(12);
    await expect(list.getByRole('row', { name: /^(NW|GX)-\d{4} / })).toHaveCount(0);
    await list.getByRole('link', { name: 'Next →' }).click();
    await expect(list.getByTestId('list-showing')).toHaveText(new RegExp(`^Showing 6–10 of ${total} invoices$`));

    await page.goto('/portal');
    const filters = page.getByRole('form', { name: 'Invoice filters' });
    await filters.getByLabel('Status').selectOption('submitted');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/status=submitted/);
    await expect(list.getByTestId('list-showing')).toHaveText(/^(Showing 1–\d+ of \d+ invoices|No invoices)$/);
    const submitted = await list.getByRole('row').locator('td:nth-child(5)').allTextContents();
    expect(new Set(submitted).size).toBeLessThanOrEqual(1);
    expect(submitted.every((s) => s === 'Submitted')).toBe(true);
    await filters.getByLabel('Status').selectOption('open');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/status=open/);
    await expect(list.getByTestId('list-showing')).toHaveText(/^Showing 1–\d+ of \d+ invoices$/);
    const statuses = await list.getByRole('row').locator('td:nth-child(5)').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 'Funded' || s === 'Disputed')).toBe(true);

    // sorted by number; the CSV is the whole filtered set, the client's own
    await page.goto('/portal?sort=number&order=asc');
    const numbers = await list.getByRole('row').locator('td:first-child').allTextContents();
    expect(numbers).toEqual([...numbers].sort());
    const csv = await list.getByRole('link', { name: /^Export CSV/ }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/v1\/invoices\?.*format=csv/);
    const body = await (await page.request.get(csv!)).text();
    const rows = body.trim().split('\r\n').slice(1);
    expect(rows.length).toBe(total);
    // every row is Acme Freight's (the columns: Id, Number, Client id, Client, …), whatever numbers other tests gave its invoices
    const cells = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
    const names = [...new Set(rows.map((r) => cells(r)[3]))];
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^Acme Freight/);
    expect(new Set(rows.map((r) => cells(r)[2])).size).toBe(1);
    // another client's id in the export's URL lists nothing: never another client's invoices
    expect((await (await page.request.get(`${csv}&clientId=2`)).text()).trim().split('\r\n')).toHaveLength(1);
  });

  test('the fundings builder takes the client typed, even with no script: the name of one client, or words naming the field', async ({ page }) => {
    await signInAs(page, 'funding');
    await page.goto('/fundings?clientLabel=acme%20freight%20llc');
    const picker = page.getByRole('form', { name: 'Choose a client to fund' }).getByLabel('Client', { exact: true });
    await expect(picker).toHaveValue(/^Acme Freight LLC \(#\d+, USD\)$/);
    await expect(page.getByRole('heading', { name: 'Build a funding batch' })).toBeVisible();
    await page.goto('/fundings?clientLabel=Nobody%20Of%20That%20Name');
    await expect(page.getByRole('form', { name: 'Choose a client to fund' })).toContainText('Client: no client named “Nobody Of That Name”');
    await expect(page.getByRole('form', { name: 'Choose a client to fund' }).getByLabel('Client', { exact: true })).toHaveValue('Nobody Of That Name');
  });
});
