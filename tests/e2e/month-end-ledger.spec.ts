import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { displayMoney } from '../../lib/money';
import { signInAs } from './helpers';

/**
 * Issue 16 items 6–7: a controller closes the month — the reserve roll-forward of a period on
 * screen (the demo's figures, as the API gives them, tied to the ledger) and as CSV; the
 * general-ledger mapping saved in Settings and the journal export downloaded, balanced.
 */
test('controller: the reserve roll-forward of a period and its CSV; the GL mapping saved and the journal exported', async ({ page }) => {
  await signInAs(page, 'controller');
  await page.goto('/reports');
  await page.getByRole('link', { name: 'Reserve roll-forward →' }).click();
  await expect(page.getByRole('heading', { name: 'Reserve roll-forward', level: 1 })).toBeVisible();
  const filters = page.getByRole('form', { name: 'Roll-forward period' });
  await filters.getByLabel('From').fill('2020-01-01');
  await filters.getByLabel('To', { exact: true }).fill('2030-12-31');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/from=2020-01-01/);

  // The demo's figures, as the API answers them for the same period.
  const api = await page.request.get('/api/v1/reports/roll-forward?from=2020-01-01&to=2030-12-31');
  expect(api.status()).toBe(200);
  const body = (await api.json()) as {
    items: { clientName: string; currency: string; opening: string; withheld: string; closing: string }[];
    totals: { currency: string; closing: string }[];
  };
  const acme = body.items.find((i) => i.clientName.startsWith('Acme Freight') && i.currency === 'USD')!;
  expect(acme.opening).toBe('0.00');
  expect(Number(acme.withheld)).toBeGreaterThan(0);
  const byClient = page.getByRole('table', { name: 'Reserve roll-forward by client and currency' });
  const acmeRow = byClient.getByRole('row', { name: new RegExp(`^${acme.clientName} \\(USD\\)`) });
  await expect(acmeRow).toContainText(displayMoney(acme.withheld, 'USD'));
  await expect(acmeRow).toContainText(displayMoney(acme.closing, 'USD'));
  const totals = page.getByRole('table', { name: 'Portfolio total by currency' });
  const usd = body.totals.find((t) => t.currency === 'USD')!;
  await expect(totals.getByRole('row', { name: /^USD/ })).toContainText(displayMoney(usd.closing, 'USD'));

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(csvDownload.suggestedFilename()).toBe('reserve-roll-forward-2020-01-01-to-2030-12-31.csv');
  const csv = await readFile((await csvDownload.path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('Client id,Client,Currency,Opening,Withheld,Fees,Released,Adjustments,Closing');
  expect(csv).toContain(`,USD,${acme.opening},${acme.withheld},`);
  expect(csv).toContain(`,Portfolio total,USD,`);

  // Settings → General ledger: map the reserve in every currency, save, and export the journal.
  await page.goto('/reports');
  await page.getByRole('link', { name: 'General-ledger export →' }).click();
  await expect(page.getByRole('heading', { name: 'General ledger', level: 1 })).toBeVisible();
  await expect(page.getByText(/accounts in use are not mapped/)).toBeVisible();
  const mapping = page.getByRole('form', { name: 'General-ledger mapping' });
  await mapping.getByLabel('GL code for Reserve held for the client (any currency)').fill('2100');
  await mapping.getByLabel('GL account name for Reserve held for the client (any currency)').fill('Client reserves');
  await mapping.getByRole('button', { name: 'Save mapping' }).click();
  await expect(mapping.getByRole('status')).toContainText('Saved: 1 account is mapped to general-ledger codes.');
  await page.reload();
  await expect(page.getByRole('form', { name: 'General-ledger mapping' }).getByLabel('GL code for Reserve held for the client (any currency)')).toHaveValue(
    '2100',
  );

  const exportForm = page.getByRole('form', { name: 'Journal export' });
  await exportForm.getByLabel('From').fill('2020-01-01');
  await exportForm.getByLabel('To', { exact: true }).fill('2030-12-31');
  await exportForm.getByLabel('Lines').selectOption('summary');
  const [glDownload] = await Promise.all([page.waitForEvent('download'), exportForm.getByRole('button', { name: 'Download journal CSV' }).click()]);
  expect(glDownload.suggestedFilename()).toBe('gl-export-summary-2020-01-01-to-2030-12-31.csv');
  const gl = (await readFile((await glDownload.path())!, 'utf8')).trim().split('\r\n');
  expect(gl[0]).toBe('Date,GL code,GL account,Currency,Debit,Credit,Holdback accounts');
  expect(gl.some((l) => /,2100,Client reserves,USD,/.test(l))).toBe(true);
  expect(gl.some((l) => l.includes('UNMAPPED-RECEIVABLE-USD'))).toBe(true);
  const totalLines = gl.filter((l) => l.startsWith('Total,'));
  expect(totalLines.length).toBeGreaterThan(0);
  for (const t of totalLines) {
    const [, , , , debit, credit] = t.split(',');
    expect(debit).toBe(credit);
  }
});
