import { expect, test } from '@playwright/test';
import { signInAs } from './helpers';

/** Issue 13: the dashboard's tiles, aging bars and top debtors lead to the filtered list behind each figure. */
test.describe('the dashboard leads to the lists behind its figures', () => {
  test('tiles, an aging bar and a top debtor (admin)', async ({ page }) => {
    await signInAs(page, 'admin');
    const tile = (name: string) => page.getByRole('link').filter({ has: page.getByRole('group', { name }) });
    await expect(tile('Open invoices')).toHaveAttribute('href', '/invoices?status=open');
    await expect(tile('Awaiting verification')).toHaveAttribute('href', '/invoices?status=submitted');
    await expect(tile('Active clients')).toHaveAttribute('href', '/clients?status=active');
    await expect(tile('Approvals waiting')).toHaveAttribute('href', '/approvals');
    await expect(page.getByRole('link', { name: 'All concentration alerts' })).toHaveAttribute('href', '/reports/alerts');
    const debtor = page.getByRole('table', { name: 'Top debtor exposure' }).getByRole('link').first();
    await expect(debtor).toHaveAttribute('href', /^\/debtors\/\d+$/);

    // The demo's funded invoices were issued in the last weeks: the 0–30 bar in USD has some.
    const bar = page.getByRole('link', { name: /^0–30 days in USD: \d+ open invoices, .* — show them$/ });
    const href = await bar.getAttribute('href');
    expect(href).toMatch(/^\/invoices\?status=open&currency=USD&from=\d{4}-\d{2}-\d{2}$/);
    await bar.click();
    await expect(page).toHaveURL(new RegExp(`${href!.replace(/[?]/g, '\\?')}$`));
    await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();

    await page.goto('/dashboard');
    await tile('Open invoices').click();
    await expect(page).toHaveURL(/\/invoices\?status=open$/);
  });

  test('a tile the person may not open is not a link (funding: no approvals)', async ({ page }) => {
    await signInAs(page, 'funding');
    await expect(page.getByRole('group', { name: 'Approvals waiting' })).toBeVisible();
    await expect(page.getByRole('link').filter({ has: page.getByRole('group', { name: 'Approvals waiting' }) })).toHaveCount(0);
    await expect(page.getByRole('link').filter({ has: page.getByRole('group', { name: 'Open invoices' }) })).toHaveAttribute('href', '/invoices?status=open');
  });
});
