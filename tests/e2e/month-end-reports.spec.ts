import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { signInAs } from './helpers';

/**
 * Issue 16 item 6: a controller opens the month-end reports from Reports, changes the date (kept
 * in the URL), moves between the reports keeping it, and downloads the loan tape CSV and a PDF.
 */
test('month-end reports: change the date, download the loan tape CSV and the ineligibles PDF', async ({ page }) => {
  await signInAs(page, 'controller');
  await page.goto('/reports');
  await page.getByRole('link', { name: 'Month-end reports →' }).click();
  await expect(page.getByRole('heading', { name: 'Month-end reports' })).toBeVisible();
  await expect(page.getByRole('table', { name: /Ineligibles as of/ })).toBeVisible();

  // another date: the URL keeps it, and so do the other reports' links
  await page.getByLabel('As of').fill('2026-03-31');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/asOf=2026-03-31/);
  await expect(page.getByRole('table', { name: 'Ineligibles as of 2026-03-31' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Availability as of 2026-03-31' })).toBeVisible();

  // a bad value is named, and the defaults shown
  await page.goto('/reports/month-end?view=ineligibles&pastDueDays=ninety');
  await expect(page.getByRole('alert').filter({ hasText: 'Past due after' })).toContainText('Past due after (days) must be a whole number of days');

  await page.goto('/reports/month-end?view=ineligibles&asOf=2026-03-31');
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
  expect(pdf.suggestedFilename()).toBe('ineligibles-2026-03-31.pdf');
  expect((await readFile((await pdf.path())!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  await page.getByRole('link', { name: 'Net funds employed' }).click();
  await expect(page).toHaveURL(/view=funds-employed/);
  await expect(page.getByRole('table', { name: 'Net funds employed as of 2026-03-31' })).toBeVisible();

  await page.getByRole('link', { name: 'DSO and dilution' }).click();
  await expect(page.getByRole('img', { name: /^DSO by month, Portfolio/ }).first()).toBeVisible();

  await page.getByRole('link', { name: 'Loan tape' }).click();
  await expect(page).toHaveURL(/view=loan-tape.*asOf=2026-03-31|asOf=2026-03-31.*view=loan-tape/);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(csv.suggestedFilename()).toBe('loan-tape-2026-03-31.csv');
  const text = await readFile((await csv.path())!, 'utf8');
  expect(text.split('\r\n')[0]).toBe(
    'Invoice number,Invoice id,Client,Client id,Debtor,Debtor id,Currency,Face value,Funded date,Advance,Reserve,Outstanding,Due date,Days past due,Status,Fees to date',
  );
});
