import { expect, test } from '@playwright/test';
import { dropSession, signIn, signInAs } from './helpers';

test.describe('administration', () => {
  test('an admin creates a user who can then sign in; a key is shown once and works', async ({ page, request }) => {
    await signInAs(page, 'admin');
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Email').fill('new.collector@factor.test');
    await form.getByLabel('Name').fill('Nia Collector');
    await form.getByLabel('Role').selectOption('collections');
    await form.getByLabel('Password').fill('a fine long password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('status')).toContainText('Created new.collector@factor.test (collections)');
    const row = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /new.collector@factor.test/ });
    await expect(row).toContainText('Collections');
    await row.getByRole('button', { name: 'New API key for new.collector@factor.test' }).click();
    const key = await row.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(key).toMatch(/^hb_/);
    const res = await request.get('/api/v1/clients/1', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status()).toBe(200);
    // the welcome email went through the outbox and the worker
    await expect(async () => {
      await page.reload();
      await expect(
        page.getByRole('table', { name: 'Email outbox' }).getByRole('row', { name: /new.collector@factor.test.*Your Holdback account.*sent/ }),
      ).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });

    await dropSession(page);
    await signIn(page, 'new.collector@factor.test', 'a fine long password');
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collections' })).toBeVisible();
  });

  test('a bad form names the field', async ({ page }) => {
    await signInAs(page, 'admin');
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Email').fill('portal@client.test');
    await form.getByLabel('Role').selectOption('client');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('alert')).toContainText('Client is required for a client user');
    // under the Client field, and what was typed is kept
    await expect(form.getByLabel('Client (client users only)')).toHaveAccessibleDescription(/Client is required for a client user/);
    await expect(form.getByLabel('Email')).toHaveValue('portal@client.test');
    await expect(form.getByLabel('Role')).toHaveValue('client');
  });

  test('the test email is delivered by the worker', async ({ page }) => {
    await signInAs(page, 'admin');
    await page.goto('/settings');
    await page.getByLabel('Send a test email to').fill('ops@factor.test');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await expect(page.getByRole('status')).toContainText('A test email to ops@factor.test is queued.');
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('row', { name: /ops@factor.test.*Holdback test email.*sent/ })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
  });

  test('an auditor reads the audit log, verifies the chain and cannot change settings', async ({ page }) => {
    await signInAs(page, 'auditor');
    await page.goto('/audit');
    await expect(
      page
        .getByRole('table', { name: 'Audit events, newest first' })
        .getByRole('row', { name: /auth.sign_in/ })
        .first(),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Verify the chain and the ledger' }).click();
    await expect(page.getByRole('status')).toContainText('Intact:');
    await page.goto('/settings');
    await expect(page.getByText('Read only')).toBeVisible();
    await expect(page.getByRole('form', { name: 'Create a user' })).toHaveCount(0);
  });
});
