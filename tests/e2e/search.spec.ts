import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 13, items 3 and 5 in a browser: the header's search finds an invoice by part of its
 * number and opens it; a dispute is opened from the invoice's own page; the collections dispute
 * form takes the number with suggestions that tell one client's two invoices of that number apart.
 */

let keys: { underwriter: string; funding: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-bot@search.test', 'underwriter'),
    funding: apiKeyFor('funding-bot@search.test', 'funding'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  const body = await res.json();
  expect(res.status(), JSON.stringify(body)).toBeLessThan(300);
  return body;
}

async function invoiceNow(request: APIRequestContext, id: string): Promise<{ status: string; number: string }> {
  return (await request.get(`/api/v1/invoices/${id}`, { headers: auth(keys.funding) })).json();
}

const unique = () => `${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;

/** A client (SPEC worked example 2's terms: advance 90%, a flat 3% fee from the reserve) and its debtors. */
async function aClientWithDebtors(request: APIRequestContext, debtors: number) {
  const tag = unique();
  const agreement = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } };
  const client = await post(request, keys.underwriter, '/clients', { name: `Search client ${tag}`, currency: 'USD', agreement });
  const list: { id: string; name: string }[] = [];
  for (let i = 1; i <= debtors; i++)
    list.push(await post(request, keys.underwriter, '/debtors', { name: `Search debtor ${tag} ${i}`, creditLimit: '250000.00' }));
  return { client: client as { id: string; name: string }, debtors: list, tag };
}

/** A funded 1,000.00 invoice: advance 900.00, the flat fee 30.00 taken at funding, reserve 70.00. */
async function fundedInvoice(request: APIRequestContext, clientId: string, debtorId: string, number: string) {
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId,
    debtorId,
    number,
    faceValue: '1000.00',
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
  await post(request, keys.funding, '/fundings', { clientId, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
  return invoice as { id: string; number: string };
}

async function hydrated(page: Page) {
  await page.locator('html[data-hydrated]').waitFor(); // suggestions and the forms are client handlers
}

test.describe('search and invoice numbers', () => {
  test('the header search finds an invoice by part of its number and opens it (suggestions, and the results page)', async ({ page, request }) => {
    const { client, debtors, tag } = await aClientWithDebtors(request, 1);
    const invoice = await fundedInvoice(request, client.id, debtors[0]!.id, `SR${tag}-1003`);
    await fundedInvoice(request, client.id, debtors[0]!.id, `SR${tag}-2003`);
    await signInAs(page, 'funding');
    await hydrated(page);

    // Typing part of the number suggests the invoice with its client and debtor; ↓ and Enter open it.
    const box = page.getByRole('search', { name: 'Search the console' }).getByRole('combobox');
    await box.fill(`sr${tag.toLowerCase()}-10`);
    const suggestions = page.getByRole('listbox', { name: 'Search suggestions' });
    const option = suggestions.getByRole('option', { name: new RegExp(`SR${tag}-1003`) });
    await expect(option).toContainText(`${client.name} · ${debtors[0]!.name} · 1,000.00 USD · funded`);
    await expect(suggestions.getByRole('option', { name: new RegExp(`SR${tag}-2003`) })).toHaveCount(0);
    await box.press('ArrowDown');
    await expect(option).toHaveAttribute('aria-selected', 'true');
    await box.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice SR${tag}-1003`);

    // Submitting the box opens the results page, grouped by kind; a result is one click from its page.
    await page.goto(`/search?q=${encodeURIComponent(`SR${tag}-10`)}`);
    const invoices = page.getByRole('region', { name: /^Invoices/ });
    await expect(invoices.getByRole('link')).toHaveText([`SR${tag}-1003`]);
    await invoices.getByRole('link', { name: `SR${tag}-1003` }).click();
    await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
  });

  test('the header search and its results page work without scripts (a plain GET form, server-rendered)', async ({ browser, page, request }) => {
    const { client, debtors, tag } = await aClientWithDebtors(request, 1);
    const invoice = await fundedInvoice(request, client.id, debtors[0]!.id, `NJ${tag}-77`);
    // Signing in needs the script; the session then serves a browser that runs none.
    await signInAs(page, 'funding');
    const context = await browser.newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false });
    const bare = await context.newPage();
    await bare.goto('/dashboard');
    const box = bare.getByRole('search', { name: 'Search the console' });
    await box.getByRole('combobox').fill(`nj${tag}`);
    await box.getByRole('button', { name: 'Search' }).click();
    await expect(bare).toHaveURL(new RegExp(`/search\\?q=nj${tag}$`, 'i'));
    await expect(bare.getByRole('heading', { level: 1 })).toHaveText('Search');
    await bare.getByRole('link', { name: `NJ${tag}-77` }).click();
    await expect(bare).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
    await context.close();
  });

  test('the invoice page: client, debtor, days past due, the fee to date with what funding took, and a dispute opened there', async ({ page, request }) => {
    const { client, debtors, tag } = await aClientWithDebtors(request, 1);
    const invoice = await fundedInvoice(request, client.id, debtors[0]!.id, `IP${tag}-1`);
    await signInAs(page, 'collections');
    await page.goto(`/invoices/${invoice.id}`);
    await hydrated(page);

    await expect(page.getByRole('link', { name: client.name })).toHaveAttribute('href', `/clients/${client.id}`);
    await expect(page.getByRole('link', { name: debtors[0]!.name })).toHaveAttribute('href', `/debtors/${debtors[0]!.id}`);
    const today = new Date().toISOString().slice(0, 10);
    const late = Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse('2026-01-31T00:00:00Z')) / 86_400_000));
    await expect(page.getByRole('group', { name: 'Days past due' })).toContainText(String(late));
    const fee = page.getByRole('group', { name: 'Fee to date' });
    await expect(fee).toContainText('30.00 USD');
    await expect(fee).toContainText('30.00 USD taken at funding (flat fee 30.00 USD) + 0.00 USD accrued');

    // Open a dispute from the page: the same command as Collections → Disputes, naming the invoice by its number.
    const dispute = page.getByRole('form', { name: `Open a dispute on IP${tag}-1` });
    await dispute.getByLabel('Disputed amount').fill('100.00');
    await dispute.getByLabel('Reason').fill('Goods arrived damaged');
    await dispute.getByRole('button', { name: 'Open dispute' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'opened on invoice' })).toContainText(
      `opened on invoice IP${tag}-1 for 100.00 USD; the invoice is held and its reserve locked.`,
    );
    expect((await invoiceNow(request, invoice.id)).status).toBe('disputed');
    // The page shows it: held, and a dispute cannot be opened twice.
    await expect(page.getByText(/Dispute \d+ is open since/)).toContainText('100.00 USD: Goods arrived damaged');
    await expect(page.getByRole('form', { name: `Open a dispute on IP${tag}-1` })).toHaveCount(0);
  });

  test('the collections dispute form takes the number; its suggestions tell one client’s two invoices of a number apart', async ({ page, request }) => {
    const { client, debtors, tag } = await aClientWithDebtors(request, 2);
    const number = `TW${tag}-5`;
    const first = await fundedInvoice(request, client.id, debtors[0]!.id, number);
    const second = await fundedInvoice(request, client.id, debtors[1]!.id, number);
    await signInAs(page, 'collections');
    await page.goto('/collections?tab=disputes');
    await hydrated(page);
    const form = page.getByRole('form', { name: 'Open a dispute' });
    const field = form.getByRole('combobox', { name: 'Invoice number' });

    // Typed without choosing: the server says it is ambiguous and offers both, keeping what was typed.
    await field.fill(number);
    await form.getByLabel('Disputed amount').fill('25.00');
    await form.getByLabel('Reason').fill('Price disagreement');
    await field.press('Escape');
    await form.getByRole('button', { name: 'Open dispute' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `exists twice for ${client.name}` })).toContainText('choose which one');
    await expect(field).toHaveValue(number);
    await expect(form.getByLabel('Which one')).toContainText(debtors[1]!.name);

    // Typing part of the number suggests both, each with its client and debtor; choose the second debtor's.
    await field.fill(`tw${tag.toLowerCase()}`);
    const list = form.getByRole('listbox', { name: 'Invoices with this number' });
    await expect(list.getByRole('option')).toHaveCount(2);
    await list.getByRole('option', { name: new RegExp(debtors[1]!.name) }).click();
    await expect(field).toHaveValue(number);
    await expect(form.getByText(/^Chosen:/)).toContainText(`${number} · ${client.name} · ${debtors[1]!.name}`);
    await form.getByRole('button', { name: 'Open dispute' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'opened on invoice' })).toContainText(`opened on invoice ${number} for 25.00 USD`);
    expect((await invoiceNow(request, second.id)).status).toBe('disputed');
    expect((await invoiceNow(request, first.id)).status).toBe('funded');
  });

  test.describe('on a 390 × 844 phone', () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test('the search box, its suggestions, the results page and the invoice page fit the screen', async ({ page, request }) => {
      const { client, debtors, tag } = await aClientWithDebtors(request, 1);
      const invoice = await fundedInvoice(request, client.id, debtors[0]!.id, `PH${tag}-1003`);
      await signInAs(page, 'collections');
      await hydrated(page);
      const width = () => page.evaluate(() => document.documentElement.scrollWidth);
      const box = page.getByRole('search', { name: 'Search the console' }).getByRole('combobox');
      await expect(box).toBeVisible();
      await box.fill(`ph${tag.toLowerCase()}-10`);
      const suggestions = page.getByRole('listbox', { name: 'Search suggestions' });
      await expect(suggestions.getByRole('option', { name: new RegExp(`PH${tag}-1003`) })).toBeVisible();
      const shown = (await suggestions.boundingBox())!;
      expect(shown.x).toBeGreaterThanOrEqual(0);
      expect(shown.x + shown.width).toBeLessThanOrEqual(390);
      expect(await width()).toBeLessThanOrEqual(390);
      await box.press('Enter'); // no suggestion marked: the form submits to the results page
      await expect(page).toHaveURL(/\/search\?q=/);
      await expect(page.getByRole('link', { name: `PH${tag}-1003` })).toBeVisible();
      expect(await width(), 'the results page is wider than the screen').toBeLessThanOrEqual(390);
      await page.getByRole('link', { name: `PH${tag}-1003` }).click();
      await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice PH${tag}-1003`);
      expect(await width(), 'the invoice page is wider than the screen').toBeLessThanOrEqual(390);
    });
  });
});
