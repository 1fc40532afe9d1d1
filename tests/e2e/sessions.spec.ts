import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import postgres from 'postgres';
import { cli, signIn } from './helpers';

/**
 * Issue 11: sign-out and a password change end every session of the user — a copy of the
 * cookie kept from before opens no page, runs no server action and reads nothing.
 *
 * Each test has its own user: signing out ends every session of a user, so signing out a demo
 * user here would sign out the tests running beside this file.
 */
const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/holdback_e2e';

function aUser(role: string, tag: string): { email: string; password: string } {
  const user = { email: `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@sessions.test`, password: `${tag} password 1` };
  const made = cli(['create-user', '--email', user.email, '--role', role, '--password', user.password]);
  expect(made.status, made.stderr).toBe(0);
  return user;
}

async function signedIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await signIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** A second browser holding a copy of `page`'s cookies, as someone who copied them would. */
async function copyOfCookies(browser: Browser, page: Page): Promise<BrowserContext> {
  return browser.newContext({ storageState: await page.context().storageState() });
}

async function paymentsByPayer(payer: string): Promise<number> {
  const sql = postgres(E2E_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from payments where payer_name = ${payer}`;
    return row!.n;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

test.describe('sessions end', () => {
  // Each test creates its user with the CLI (a process of its own): more than the default time.
  test.slow();

  test('after sign-out an old cookie opens no page, its server action is refused and the API answers 401', async ({ page, browser }) => {
    const user = aUser('collections', 'signout');
    await signedIn(page, user);

    // The copy opens the collections screen while the session is still good …
    const copy = await copyOfCookies(browser, page);
    const stale = await copy.newPage();
    await stale.goto('/collections');
    const record = stale.getByRole('form', { name: 'Record a payment' });
    await expect(record).toBeVisible();
    const listed = await copy.request.get('/api/v1/clients/1/statements');
    expect(listed.status()).toBe(200);

    // … then the owner signs out in their own browser.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin/);

    // The copy's server action (recording a payment) is refused: sent to sign in, nothing recorded.
    const payer = `Old cookie payer ${Date.now()}`;
    await record.getByLabel('Amount').fill('123.45');
    await record.getByLabel('Currency').fill('USD');
    await record.getByLabel('Received date').fill('2026-01-20');
    await record.getByLabel('Payer name').fill(payer);
    await record.getByRole('button', { name: 'Record payment' }).click();
    await expect(stale).toHaveURL(/\/signin/);
    await expect(stale.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(await paymentsByPayer(payer)).toBe(0);

    // Pages send it to sign in; the session-or-key API path refuses it.
    const again = await copy.newPage();
    await again.goto('/collections');
    await expect(again).toHaveURL(/\/signin/);
    await again.goto('/dashboard');
    await expect(again).toHaveURL(/\/signin/);
    const refused = await copy.request.get('/api/v1/clients/1/statements');
    expect(refused.status()).toBe(401);
    await copy.close();

    // The owner is not locked out: a new sign-in works, and its server actions do.
    await signedIn(page, user);
    await page.goto('/collections');
    const form = page.getByRole('form', { name: 'Record a payment' });
    await form.getByLabel('Amount').fill('123.45');
    await form.getByLabel('Currency').fill('USD');
    await form.getByLabel('Received date').fill('2026-01-20');
    await form.getByLabel('Payer name').fill(`${payer} signed in`);
    await form.getByRole('button', { name: 'Record payment' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'waits in the inbox' })).toBeVisible();
    expect(await paymentsByPayer(`${payer} signed in`)).toBe(1);
  });

  test('a password change ends the sessions of every other browser', async ({ page, browser }) => {
    const user = aUser('auditor', 'password');
    await signedIn(page, user);
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signedIn(otherPage, user);

    const reset = cli(['set-password', '--email', user.email, '--password', 'a brand new password']);
    expect(reset.status, reset.stderr).toBe(0);

    await otherPage.goto('/dashboard');
    await expect(otherPage).toHaveURL(/\/signin/);
    await page.reload();
    await expect(page).toHaveURL(/\/signin/);
    await other.close();

    // the old password is refused; the new one signs in
    await signIn(page, user.email, user.password);
    await expect(page.getByRole('alert').filter({ hasText: 'The email or password is not right.' })).toBeVisible();
    await signIn(page, user.email, 'a brand new password');
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test('repeated wrong passwords get a wait, told in words, not a lockout', async ({ page }) => {
    const user = aUser('funding', 'throttle');
    // Five failures are free; then each wait doubles, so within a few more tries the wait
    // outlasts the time between two tries however slow the machine is.
    let message = '';
    for (let i = 0; i < 9 && !/Too many failed sign-ins/.test(message); i += 1) {
      await signIn(page, user.email, `wrong guess ${i}`);
      // (Next's route announcer is an empty alert too: take the form's)
      const alert = page.getByRole('alert').filter({ hasText: /The email or password is not right|Too many failed sign-ins/ });
      await expect(alert).toBeVisible();
      message = ((await alert.textContent()) ?? '').trim();
    }
    expect(message).toMatch(/^Too many failed sign-ins for this account\. Wait \d+ seconds? and try again\.$/);
    await expect(page).toHaveURL(/\/signin/);
  });
});
