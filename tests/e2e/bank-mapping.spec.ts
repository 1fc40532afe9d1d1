import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 15 items 5 and 6, as a collector does it: a bank's CSV with its own column names,
 * MM/DD/YYYY dates and 8,000.00 amounts is imported after mapping its columns (the screen shows
 * the first lines and what each becomes) and saved as a bank profile; one line dated before its
 * invoice's funding waits in the inbox with the reason instead of refusing the file; the bank's
 * next file imports with the saved profile, no mapping; the cash receipts journal shows the
 * payment applied.
 */
let keys: { underwriter: string; funding: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-bot@bank-mapping.test', 'underwriter'),
    funding: apiKeyFor('funding-bot@bank-mapping.test', 'funding'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  return { status: res.status(), body: await res.json() };
}

/** Two invoices of 8,000.00 USD of one client and debtor, funded on 2026-01-05. */
async function twoFundedInvoices(request: APIRequestContext) {
  const tag = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const agreement = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } };
  const client = await post(request, keys.underwriter, '/clients', { name: `Mapping client ${tag}`, currency: 'USD', agreement });
  expect(client.status).toBe(201);
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Mapping debtor ${tag}`, creditLimit: '250000.00' });
  expect(debtor.status).toBe(201);
  const invoices: { id: string; number: string }[] = [];
  for (const n of [1, 2]) {
    const invoice = await post(request, keys.funding, '/invoices', {
      clientId: client.body.id,
      debtorId: debtor.body.id,
      number: `BM-${tag}-${n}`,
      faceValue: '8000.00',
      currency: 'USD',
      issueDate: '2026-01-02',
      dueDate: '2026-02-01',
    });
    expect(invoice.status).toBe(201);
    expect((await post(request, keys.funding, `/invoices/${invoice.body.id}/verify`, {})).body.status).toBe('verified');
    invoices.push(invoice.body);
  }
  const funded = await post(request, keys.funding, '/fundings', { clientId: client.body.id, invoiceIds: invoices.map((i) => i.id), fundingDate: '2026-01-05' });
  expect(funded.body.status).toBe('funded');
  return { tag, client: client.body as { id: string; name: string }, debtor: debtor.body as { id: string; name: string }, invoices };
}

test('a bank CSV with MM/DD/YYYY and 8,000.00 imported after mapping its columns, the next file with the saved profile; the cash receipts list shows the payment applied', async ({
  page,
  request,
}) => {
  const { tag, client, debtor, invoices } = await twoFundedInvoices(request);
  const [first, second] = invoices as [{ id: string; number: string }, { id: string; number: string }];
  const profileName = `First Federal ${tag}`;
  // Column names no importer knows: the person says which is which.
  const january = [
    'Txn Day,Details,Value,Counterparty,Bank Id',
    `01/15/2026,INV ${first.number},"8,000.00",Globex Retail,FF-${tag}-1`,
    `01/02/2026,INV ${second.number},"8,000.00",Globex Retail,FF-${tag}-2`,
  ].join('\r\n');

  await signInAs(page, 'collections');
  await page.goto('/collections');
  await page.locator('html[data-hydrated]').waitFor(); // the import form reads the file in the browser
  const upload = page.getByRole('form', { name: 'Import a bank file' });
  const answer = page.getByRole('region', { name: 'Import a bank file' });
  // The screen says which columns it expects before any file is chosen.
  await expect(upload).toContainText('choose the column that gives each of: date and amount');

  await upload.getByLabel('Bank file', { exact: true }).setInputFiles({ name: 'january.csv', mimeType: 'text/csv', buffer: Buffer.from(january) });
  const mapping = upload.getByRole('group', { name: 'Map the columns of january.csv' });
  const firstLines = mapping.getByRole('table', { name: 'First lines of the file' });
  await expect(firstLines.getByRole('columnheader', { name: 'Txn Day' })).toBeVisible();
  await expect(firstLines.getByRole('row').nth(1)).toContainText('01/15/2026');
  await expect(firstLines.getByRole('row').nth(1)).toContainText('8,000.00');
  await expect(mapping).toContainText('Choose the date and the amount columns to see how the lines are read.');

  await mapping.getByLabel('Date column', { exact: true }).selectOption('Txn Day');
  await mapping.getByLabel('Amount column', { exact: true }).selectOption('Value');
  await mapping.getByLabel('Bank reference column (optional)', { exact: true }).selectOption('Bank Id');
  // Guessed from their names.
  await expect(mapping.getByLabel('Reference column (optional)', { exact: true })).toHaveValue('Details');
  await expect(mapping.getByLabel('Payer column (optional)', { exact: true })).toHaveValue('Counterparty');
  await mapping.getByLabel('Currency of the file', { exact: true }).fill('USD');
  const read = mapping.getByRole('table', { name: 'How the first lines are read' });
  // Read as YYYY-MM-DD (the first choice), the dates are refused on screen before anything is sent.
  await mapping.getByLabel('Date format', { exact: true }).selectOption('YYYY-MM-DD');
  await expect(read.getByRole('row').nth(1)).toContainText('date "01/15/2026" is not a date written YYYY-MM-DD');
  await mapping.getByLabel('Date format', { exact: true }).selectOption('MM/DD/YYYY');
  await mapping.getByLabel('Amounts written like', { exact: true }).selectOption('8,000.00');
  await expect(read.getByRole('row').nth(1)).toContainText('2026-01-15');
  await expect(read.getByRole('row').nth(1)).toContainText('8,000.00 USD');
  await expect(read.getByRole('row').nth(1)).toContainText('payment in');
  await mapping.getByLabel('Save as bank profile (optional)', { exact: true }).fill(profileName);
  await upload.getByRole('button', { name: 'Import bank file' }).click();

  // The line dated before its invoice's funding does not refuse the file: it waits in the inbox, with why.
  await expect(answer.getByRole('status')).toContainText(
    `Imported 2 payments from january.csv (csv with bank profile "${profileName}"): 1 applied automatically, 0 skipped as already imported, 1 left in the inbox (why below).`,
  );
  await expect(answer.getByRole('status')).toContainText(`Bank profile "${profileName}" saved`);
  const waiting = answer.getByRole('list', { name: 'Payments left in the inbox' }).getByRole('listitem');
  await expect(waiting).toHaveCount(1);
  await expect(waiting.first()).toContainText('Line 3');
  await expect(waiting.first()).toContainText(`it is dated 2026-01-02, before invoice ${second.number} was funded on 2026-01-05`);
  const firstNow = await (await request.get(`/api/v1/invoices/${first.id}`, { headers: auth(keys.funding) })).json();
  expect(firstNow).toMatchObject({ status: 'settled', outstanding: '0.00' });
  // The inbox card says it too (the inbox filtered to it: the demo's older payments come first).
  await page.goto(`/collections?reference=${encodeURIComponent(second.number)}`);
  await page.locator('html[data-hydrated]').waitFor();
  const card = page.getByRole('article').filter({ hasText: `INV ${second.number}` });
  await expect(card).toContainText(`Not applied on import: it is dated 2026-01-02, before invoice ${second.number} was funded on 2026-01-05`);

  // The bank's next file: the saved profile, no mapping.
  const february = ['Txn Day,Details,Value,Counterparty,Bank Id', `02/10/2026,Remittance ${second.number},"8,000.00",Globex Retail,FF-${tag}-3`].join('\n');
  await upload.getByLabel('Bank profile', { exact: true }).selectOption({ label: profileName });
  await expect(upload).toContainText('Reads the CSV as saved: date from "Txn Day" (MM/DD/YYYY), amount from "Value" (written like 8,000.00)');
  await upload.getByLabel('Bank file', { exact: true }).setInputFiles({ name: 'february.csv', mimeType: 'text/csv', buffer: Buffer.from(february) });
  await expect(upload.getByRole('group', { name: /Map the columns/ })).toHaveCount(0);
  await expect(upload.getByRole('table', { name: 'How the first lines are read' }).getByRole('row').nth(1)).toContainText('2026-02-10');
  await upload.getByRole('button', { name: 'Import bank file' }).click();
  await expect(answer.getByRole('status')).toContainText(
    `Imported 1 payment from february.csv (csv with bank profile "${profileName}"): 1 applied automatically, 0 skipped as already imported.`,
  );
  const secondNow = await (await request.get(`/api/v1/invoices/${second.id}`, { headers: auth(keys.funding) })).json();
  expect(secondNow).toMatchObject({ status: 'settled', outstanding: '0.00' });

  // Collections → Cash receipts: the payment applied, found by its invoice number.
  await page.getByRole('navigation', { name: 'Collections sections' }).getByRole('link', { name: 'Cash receipts' }).click();
  await expect(page).toHaveURL(/\/collections\/cash-receipts$/);
  const filters = page.getByRole('form', { name: 'Filter cash receipts' });
  await filters.getByLabel('Invoice number').fill(second.number.toLowerCase());
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  const list = page.getByRole('region', { name: 'Cash receipts' });
  await expect(list).toContainText('Showing 1–1 of 1 receipts');
  const row = list.getByRole('row').filter({ hasText: second.number });
  await expect(row).toContainText('2026-02-10');
  await expect(row).toContainText(`Remittance ${second.number}`);
  await expect(row).toContainText('Globex Retail');
  await expect(row).toContainText(debtor.name);
  await expect(row).toContainText(client.name);
  await expect(row).toContainText('8,000.00 USD');
  // By client: both invoices' receipts, newest first.
  await page.goto(`/collections/cash-receipts?clientId=${client.id}`);
  await expect(list).toContainText('Showing 1–2 of 2 receipts');
  await expect(list.getByRole('row').nth(1)).toContainText(second.number);
  await expect(list.getByRole('row').nth(2)).toContainText(first.number);
  await expect(list.getByRole('row').nth(2)).toContainText('2026-01-15');
});

test('Collections → Aging by days past due beside aging by invoice date: the buckets from Not due to 90+, the same totals, and its CSV', async ({ page }) => {
  await signInAs(page, 'collections');
  await page.goto('/collections?tab=aging&by=client');
  const byDate = page.getByRole('region', { name: /^Aging totals \([A-Z]{3}\)$/ });
  await expect(byDate).toContainText('0–30 days');
  const owed = await byDate
    .getByText(/^Total owed/)
    .locator('..')
    .textContent();
  await page.getByRole('navigation', { name: 'Days counted from' }).getByRole('link', { name: 'By days past due' }).click();
  await expect(page).toHaveURL(/basis=due/);
  const totals = page.getByRole('region', { name: /^Aging totals \([A-Z]{3}\)$/ });
  await expect(totals).toContainText('Not due');
  await expect(totals).toContainText('1–30 days past due');
  await expect(totals).toContainText('90+ days past due');
  // what is owed is the same, whichever day it is counted from
  expect(
    await totals
      .getByText(/^Total owed/)
      .locator('..')
      .textContent(),
  ).toBe(owed);
  const clients = page.getByRole('region', { name: 'Aging by client, days past due' });
  await expect(clients.getByTestId('list-showing')).toHaveText(/^Showing 1–\d+ of \d+ clients$/);
  await expect(clients.getByRole('columnheader', { name: 'Not due' })).toBeVisible();
  // a bucket opens the open invoices due in its dates
  await expect(clients.locator('td a[href*="dueFrom="], td a[href*="dueTo="]').first()).toHaveAttribute(
    'href',
    /^\/invoices\?status=open&currency=[A-Z]{3}&due/,
  );
  const csv = await clients.getByRole('link', { name: /^Export CSV/ }).getAttribute('href');
  expect(csv).toMatch(/basis=due/);
  const download = await page.request.get(csv!);
  expect(download.status()).toBe(200);
  expect((await download.text()).split('\r\n')[0]).toBe(
    'Client,Client id,Currency,Invoices,Not due,1–30 days past due,31–60 days past due,61–90 days past due,90+ days past due,Total',
  );
  // and back to the invoice date
  await page.getByRole('navigation', { name: 'Days counted from' }).getByRole('link', { name: 'By invoice date' }).click();
  await expect(page.getByRole('region', { name: 'Aging by client' })).toBeVisible();
});
