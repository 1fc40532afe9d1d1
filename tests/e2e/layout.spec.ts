import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './helpers';

/**
 * The console on a 390-px phone: the navigation folds behind a Menu button instead of taking half
 * the screen, and no page is wider than the screen (wide tables scroll inside their own box). On
 * a 1440-px desktop the audit log, with its long hashes and JSON, fits too.
 */
async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test.describe('on a 390 × 844 phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the Menu button opens and closes the navigation; dashboard, clients, invoices and audit fit the screen', async ({ page }) => {
    await signInAs(page, 'admin');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    // A click before React has hydrated the button does nothing: click until the menu is open.
    await expect(async () => {
      if ((await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
      await expect(nav.getByRole('link', { name: 'Invoices', exact: true })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Close menu' })).toHaveAttribute('aria-expanded', 'true');
    await page.getByRole('button', { name: 'Close menu' }).click();
    await expect(nav).toBeHidden();
    // opened again, a link navigates and the menu folds away
    await menu.click();
    await nav.getByRole('link', { name: 'Clients', exact: true }).click();
    await expect(page).toHaveURL(/\/clients$/);
    await expect(page.getByRole('heading', { name: 'Clients', level: 1 })).toBeVisible();
    await expect(nav).toBeHidden();

    for (const [href, heading] of [
      ['/dashboard', 'Dashboard'],
      ['/clients', 'Clients'],
      ['/invoices', 'Invoices'],
      ['/audit', 'Audit log'],
    ] as const) {
      await page.goto(href);
      await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
      expect(await pageWidth(page), `${href} is wider than the screen`).toBeLessThanOrEqual(390);
    }
  });

  test('the client portal fits the screen', async ({ page }) => {
    await signInAs(page, 'client');
    await expect(page.getByRole('heading', { name: 'Acme Freight LLC', level: 1 })).toBeVisible();
    expect(await pageWidth(page), '/portal is wider than the screen').toBeLessThanOrEqual(390);
  });
});

test.describe('on a 1440 × 900 desktop', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('the navigation is a sidebar without a Menu button, and the audit log has no horizontal overflow', async ({ page }) => {
    await signInAs(page, 'auditor');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
    await page.goto('/audit');
    await expect(page.getByRole('table', { name: 'Audit events, newest first' })).toBeVisible();
    expect(await pageWidth(page), 'the audit log is wider than the screen').toBeLessThanOrEqual(1440);
  });
});
