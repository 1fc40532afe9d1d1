import { expect, test } from '@playwright/test';
import { roleCan } from '../../lib/auth/permissions';
import { NAVIGATION, STAFF_ROLES } from '../../lib/auth/roles';
import { demoUser, signIn, signInAs } from './helpers';

test.describe('signing in and what each role sees', () => {
  test('a signed-out visitor is sent to the sign-in page', async ({ page }) => {
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  });

  test('a wrong password is refused with a readable message', async ({ page }) => {
    await signIn(page, demoUser('funding').email, 'not the password');
    await expect(page.getByRole('alert').filter({ hasText: 'The email or password is not right.' })).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
  });

  for (const role of STAFF_ROLES) {
    test(`${role}: sees the screens the role may open and is refused the others`, async ({ page }) => {
      await signInAs(page, role);
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const item of NAVIGATION) {
        const link = nav.getByRole('link', { name: item.label, exact: true });
        if (roleCan(role, `section.${item.section}`)) await expect(link).toBeVisible();
        else await expect(link).toHaveCount(0);
      }
      const refused = NAVIGATION.find((item) => !roleCan(role, `section.${item.section}`));
      if (refused) {
        const response = await page.goto(refused.href);
        expect(response?.status()).toBe(403);
        await expect(page.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
      }
      await page.goto('/clients');
      await expect(page.getByRole('link', { name: 'Acme Freight LLC' })).toBeVisible();
      const portal = await page.goto('/portal');
      expect(page.url()).toMatch(/\/dashboard$/);
      expect(portal?.ok()).toBe(true);
    });
  }

  test('the admin sees the console with real figures', async ({ page }) => {
    await signInAs(page, 'admin');
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByText('admin@holdback.demo')).toBeVisible();
    const totals = page.getByRole('table', { name: 'Reserves and funds employed by currency' });
    await expect(totals.getByRole('row', { name: /USD/ })).toBeVisible();
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('link', { name: 'Acme Freight LLC' }).click();
    await expect(page.getByRole('heading', { name: 'Acme Freight LLC' })).toBeVisible();
    // The demo funds eight of Acme's invoices at 80/20: the reserve ledger's last running balance is their 20%.
    const ledger = page.getByRole('table', { name: 'Reserve ledger' });
    await expect(ledger.getByRole('row')).toHaveCount(9);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    // Signing out ends every session of the user, so it is tested with a user of its own
    // (sessions.spec.ts), not the demo admin that other test files are signed in as.
  });

  test('a client user lands in its portal and cannot open the staff console', async ({ page }) => {
    await signInAs(page, 'client');
    await expect(page.getByRole('heading', { name: 'Acme Freight LLC' })).toBeVisible();
    // Acme's twelve demo invoices (other specs may add more of Acme's), and no other client's
    await page.getByRole('link', { name: 'All invoices' }).click();
    await expect(page.getByRole('link', { name: 'All invoices' })).toHaveAttribute('aria-current', 'true');
    const invoices = page.getByRole('table', { name: 'Your invoices' });
    await expect(invoices.getByRole('row', { name: /AF-1012/ })).toBeVisible();
    // the portal shows the latest 10; 25 a click away
    expect(await invoices.getByRole('row').count()).toBe(11);
    await page.getByRole('group', { name: 'Rows per page' }).getByRole('link', { name: '25' }).click();
    await expect(page).toHaveURL(/limit=25/);
    await expect.poll(() => invoices.getByRole('row').count()).toBeGreaterThanOrEqual(13);
    await expect(invoices.getByRole('row', { name: /^(NW|GX)-\d{4} / })).toHaveCount(0);
    for (const href of ['/dashboard', '/clients', '/settings', '/audit', '/clients/2']) {
      await page.goto(href);
      await expect(page).toHaveURL(/\/portal$/);
      await expect(page.getByText('Northwind Staffing')).toHaveCount(0);
    }
  });
});
