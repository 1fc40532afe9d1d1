import { Buffer } from 'node:buffer';
import { expect, test } from '@playwright/test';
import { pickClient, pickDebtor, signInAs } from './helpers';

/** The funding team enters invoices by hand and by schedule of accounts, then verifies one. */
test.describe('entering and verifying invoices', () => {
  test('funding enters an invoice, is refused a schedule with a bad line, imports a good one and verifies', async ({ page }) => {
    // Unique numbers, so the spec can run again against the same database.
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
    const typed = `E2E-${run}-1`;

    await signInAs(page, 'funding');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.getByRole('link', { name: 'Enter invoices' }).click();
    await expect(page.getByRole('heading', { name: 'Enter invoices' })).toBeVisible();

    // One invoice by hand.
    const one = page.getByRole('form', { name: 'Enter an invoice' });
    await page.locator('html[data-hydrated]').waitFor(); // the client and debtor typeaheads are client components
    await pickClient(one, 'Acme Freight LLC');
    await pickDebtor(one, 'Globex Retail');
    await one.getByLabel('Invoice number').fill(typed);
    await one.getByLabel('Face value').fill('1234.56');
    await expect(one.getByLabel('Currency')).toHaveValue('USD');
    await one.getByLabel('Issue date').fill('2026-01-05');
    await one.getByLabel('Due date').fill('2026-02-04');
    await one.getByRole('button', { name: 'Enter invoice' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Invoice ${typed} is entered (submitted) for 1,234.56 USD.` })).toBeVisible();

    // The same number again for the same client and debtor is refused at the field, keeping what was typed.
    await one.getByLabel('Invoice number').fill(typed);
    await one.getByLabel('Face value').fill('99.00');
    await one.getByRole('button', { name: 'Enter invoice' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `Invoice ${typed} exists already for this client and debtor` })).toBeVisible();
    await expect(one.getByText('exists already for this client and debtor', { exact: true })).toBeVisible();
    await expect(one.getByLabel('Face value')).toHaveValue('99.00');

    // A schedule with two bad lines imports nothing and names each line.
    const upload = page.getByRole('form', { name: 'Import a schedule of accounts' });
    await pickClient(upload, 'Acme Freight LLC');
    const bad = [
      'Invoice Number,Debtor,Face Value,Currency,Issue Date,Due Date',
      `E2E-${run}-2,Initech Stores,500.00,USD,2026-01-10,2026-02-09`,
      `E2E-${run}-3,Initech Stores,1e3,USD,2026-01-10,2026-02-09`,
      `E2E-${run}-4,Nobody Ltd,700.00,USD,2026-01-10,2026-02-09`,
    ].join('\r\n');
    await upload.getByLabel('Schedule of accounts (CSV)').setInputFiles({ name: 'schedule-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await upload.getByRole('button', { name: 'Import invoices' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'schedule-bad.csv: 2 lines have errors; nothing was imported.' })).toBeVisible();
    const lineErrors = page.getByRole('list', { name: 'Line errors' }).getByRole('listitem');
    await expect(lineErrors).toHaveText([/^Line 3: faceValue "1e3" is not a plain decimal number/, /^Line 4: there is no debtor "Nobody Ltd"/]);

    // The corrected schedule imports every row.
    const good = [
      'number,debtor,face_value,currency,issue_date,due_date',
      `E2E-${run}-2,Initech Stores,500.00,USD,2026-01-10,2026-02-09`,
      `E2E-${run}-3,Initech Stores,1000.00,USD,2026-01-10,2026-02-09`,
      `"E2E-${run}-4",Umbrella Logistics,700.00,,2026-01-10,2026-02-09`,
    ].join('\n');
    await expect(upload.getByLabel('Client', { exact: true })).toHaveValue(/^Acme Freight LLC \(#\d+, USD\)$/); // a refused import keeps the client
    await upload.getByLabel('Schedule of accounts (CSV)').setInputFiles({ name: 'schedule.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${good}`) });
    await upload.getByRole('button', { name: 'Import invoices' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported 3 invoices from schedule.csv' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Line errors' })).toHaveCount(0);

    // They are submitted; verify the one entered by hand.
    await page.goto('/invoices?status=submitted');
    const table = page.getByRole('table', { name: 'Invoices: submitted' });
    for (const n of [typed, `E2E-${run}-2`, `E2E-${run}-3`, `E2E-${run}-4`]) await expect(table.getByRole('link', { name: n, exact: true })).toBeVisible();
    await table.getByRole('link', { name: typed, exact: true }).click();
    await expect(page.getByRole('heading', { name: `Invoice ${typed}` })).toBeVisible();
    await expect(page.getByText(/^submitted · issued 2026-01-05/)).toBeVisible();
    // Issue 15: verifying records how (method, contact, outcome) and shows it in the history.
    await page.locator('html[data-hydrated]').waitFor();
    const verification = page.getByRole('form', { name: 'Record verification' });
    await verification.getByLabel('Contact').fill('Initech AP, Bill');
    await verification.getByRole('button', { name: 'Record verification' }).click();
    await expect(page.getByText(/^verified · issued 2026-01-05/)).toBeVisible();
    await expect(page.getByRole('table', { name: 'Verification history' }).getByRole('row', { name: /Phone call Initech AP, Bill Verified/ })).toBeVisible();
  });

  test('other roles see no way to enter or verify invoices', async ({ page }) => {
    await signInAs(page, 'auditor');
    await page.goto('/invoices');
    await expect(page.getByRole('heading', { name: 'Invoices', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Enter invoices' })).toHaveCount(0);
    const response = await page.goto('/invoices/new');
    expect(response?.status()).toBe(403);
    // A submitted invoice (if the demo or an earlier run left one) shows no verification form to an auditor.
    await page.goto('/invoices?status=submitted');
    const first = page.getByRole('table', { name: 'Invoices: submitted' }).locator('tbody').getByRole('link').first();
    if ((await first.count()) > 0) {
      await first.click();
      await expect(page.getByRole('heading', { name: /^Invoice / })).toBeVisible();
      await expect(page.getByRole('form', { name: 'Record verification' })).toHaveCount(0);
    }
  });
});
