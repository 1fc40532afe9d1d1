import { expect, test, type Page } from '@playwright/test';
import { KYB_ITEMS } from '../../lib/clients/onboarding';
import { cli, demoUser, dropSession, signIn, signInAs } from './helpers';

/** A second underwriter: the one who enters a client never activates it (SPEC 1, 2). */
const SECOND = { email: 'second.uw@factor.test', password: 'second-underwriter-pw' };

test.beforeAll(() => {
  const result = cli(['create-user', '--email', SECOND.email, '--role', 'underwriter', '--password', SECOND.password]);
  if (result.status !== 0) throw new Error(`cli failed: ${result.stderr}`);
});

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** A credit limit typed as 250000.00, shown in the one money format: 250,000.00 USD. */
const shownLimit = (typed: string) => `${typed.replace(/\B(?=(\d{3})+(?!\d))/g, ',')} USD`;

async function addDebtor(page: Page, name: string, creditLimit: string) {
  await page.goto('/debtors');
  const form = page.getByRole('form', { name: 'New debtor' });
  await form.getByLabel('Debtor name').fill(name);
  await form.getByLabel('Credit limit').fill(creditLimit);
  await form.getByLabel('Risk rating').fill('B');
  await form.getByRole('button', { name: 'Add debtor' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is added` })).toBeVisible();
  // The list pages 50 at a time (issue 13): find it by name.
  await page.goto(`/debtors?name=${encodeURIComponent(name)}`);
  await expect(page.getByRole('table', { name: /^All debtors/ }).getByRole('row', { name: new RegExp(name) })).toContainText(shownLimit(creditLimit));
}

test.describe('onboarding a client (SPEC 2)', () => {
  test('an underwriter enters a client and its agreement; a second underwriter activates it; NOA and an agreement change follow', async ({ page }) => {
    const tag = unique();
    const clientName = `Onboarding Co ${tag}`;
    const debtorName = `Notified Debtor ${tag}`;

    await signInAs(page, 'underwriter');
    await addDebtor(page, debtorName, '250000.00');

    // A new prospect with the InstaPay terms: 90% advance, flat 3% taken from the reserve.
    await page.goto('/clients');
    await page.getByText('New client', { exact: true }).click();
    const form = page.getByRole('form', { name: 'New client' });
    await form.getByLabel('Client name', { exact: true }).fill(clientName);
    await form.getByLabel('Home currency', { exact: true }).fill('USD');
    await form.getByLabel('Contact name', { exact: true }).fill('Pat Owner');
    await form.getByLabel('Contact email', { exact: true }).fill('pat@onboarding.test');
    await form.getByLabel('Advance rate', { exact: true }).fill('0.90');
    await form.getByLabel('Reserve rate', { exact: true }).fill('0.20');
    await form.getByLabel('Fee kind', { exact: true }).selectOption('flat');
    await form.getByLabel('Flat fee rate', { exact: true }).fill('0.03');
    await form.getByLabel('Flat fee taken from', { exact: true }).selectOption('reserve');
    await form.getByRole('button', { name: 'Create client' }).click();
    // advance + reserve + fee is not 100%: refused, the error is under Reserve rate, nothing typed is lost
    const sum = 'Advance rate and reserve rate must add up to 100%, or to 100% less the flat fee rate (3%); they make 110%';
    await expect(page.getByRole('alert').filter({ hasText: sum })).toBeVisible();
    await expect(form.getByLabel('Reserve rate', { exact: true })).toHaveAccessibleDescription(new RegExp(sum.replace(/[()%]/g, '.')));
    await expect(form.getByLabel('Client name', { exact: true })).toHaveValue(clientName);
    await expect(form.getByLabel('Fee kind', { exact: true })).toHaveValue('flat');
    await form.getByLabel('Reserve rate', { exact: true }).fill('0.07');
    await form.getByRole('button', { name: 'Create client' }).click();
    await expect(page.getByRole('status').filter({ hasText: `${clientName} is created as a prospect` })).toBeVisible();

    await page.goto(`/clients?name=${encodeURIComponent(clientName)}`); // the list pages 50 at a time (issue 13): find it by name
    await page
      .getByRole('table', { name: /^All clients/ })
      .getByRole('link', { name: clientName })
      .click();
    await expect(page.getByRole('heading', { name: clientName })).toBeVisible();
    const clientUrl = page.url();
    await expect(
      page
        .getByRole('table', { name: 'Agreement versions' })
        .getByRole('row', { name: /^1 .*approved 0\.90 0\.07 Flat 0\.03 of face, taken from the reserve/ }),
    ).toBeVisible();

    // The checklist must be complete before review.
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'The KYB checklist is not complete' })).toBeVisible();
    for (const item of KYB_ITEMS) {
      const box = page.getByRole('checkbox', { name: item.label });
      await box.check();
      await expect(box).toBeChecked();
      await expect(box).toBeEnabled(); // saved
    }
    await expect(page.getByText(`done by ${demoUser('underwriter').email}`)).toHaveCount(KYB_ITEMS.length);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'waits for review by another underwriter' })).toBeVisible();

    // Maker ≠ checker: the same underwriter is not offered Activate and reads why.
    await expect(page.getByText('You entered or submitted this client, so another underwriter must review it')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Activate', exact: true })).toHaveCount(0);
    await expect(page.getByRole('heading', { name: clientName })).toBeVisible();
    await dropSession(page);

    await signIn(page, SECOND.email, SECOND.password);
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.goto(clientUrl);
    await expect(page.getByRole('checkbox', { name: KYB_ITEMS[0].label })).toBeDisabled();
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: `${clientName} is active` })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Suspend' })).toBeVisible();

    // Notice of assignment to the new debtor.
    const noa = page.getByRole('form', { name: 'Record a notice of assignment' });
    // 2,000+ debtors: typed, not a select (issue 13) — part of the name is enough to be offered it,
    // with its number, credit limit, rating and open invoices to tell it from another of that name.
    await page.locator('html[data-hydrated]').waitFor();
    const debtorField = noa.getByLabel('Debtor', { exact: true });
    const part = `Debtor ${tag}`;
    await debtorField.fill(part);
    const suggestion = noa.locator(`datalist option[value^="${debtorName} (#"]`);
    await suggestion.waitFor({ state: 'attached' });
    const label = (await suggestion.getAttribute('value'))!;
    expect(label).toMatch(new RegExp(`^${debtorName} \\(#\\d+, limit 250,000\\.00 USD, rating B, 0 open invoices\\)$`));
    await noa.getByLabel('Notice sent on').fill('2026-01-05');
    await noa.getByLabel('Acknowledged on').fill('2026-01-07');
    // Typed but not chosen: refused naming the field, and what was typed stays.
    await noa.getByRole('button', { name: 'Record notice' }).click();
    await expect(noa.getByText(`Debtor: nothing was chosen for “${part}”`).first()).toBeVisible();
    await expect(debtorField).toHaveValue(part);
    // Chosen from the suggestions: recorded.
    await debtorField.fill(label);
    await noa.getByRole('button', { name: 'Record notice' }).click();
    await expect(noa.getByRole('status')).toContainText(`Notice of assignment to ${debtorName}: sent 2026-01-05, acknowledged 2026-01-07`);
    await expect(
      page.getByRole('table', { name: 'Notices of assignment' }).getByRole('row', { name: new RegExp(`${debtorName} 2026-01-05 2026-01-07`) }),
    ).toBeVisible();

    // A change of terms is a new version waiting for approval; version 1 stays in force.
    await page.getByText('Change agreement', { exact: true }).click();
    const change = page.getByRole('form', { name: 'Change agreement' });
    // rates shown as percentages: a bare "1.00" would read as 1% on a form
    await expect(change.getByLabel('Advance rate', { exact: true })).toHaveValue('90%');
    await expect(change.getByLabel('Flat fee rate', { exact: true })).toHaveValue('3%');
    await change.getByLabel('Advance rate', { exact: true }).fill('0.85');
    await change.getByLabel('Reserve rate', { exact: true }).fill('0.12');
    // issue 16 item 2: proposing needs a preview of the terms as typed first
    await expect(change.getByRole('button', { name: 'Propose change' })).toBeDisabled();
    await change.getByRole('button', { name: 'Preview changes' }).click();
    await expect(change.getByRole('note').first()).toContainText(/The next release would (not )?change/);
    await change.getByRole('button', { name: 'Propose change' }).click();
    await expect(change.getByRole('status')).toContainText('Agreement version 2 waits for approval');
    const versions = page.getByRole('table', { name: 'Agreement versions' });
    await expect(versions.getByRole('row', { name: /^2 .*pending_approval/ })).toBeVisible();
    await expect(versions.getByRole('row', { name: /^1 .*approved/ })).toBeVisible();
    await expect(page.getByRole('heading', { name: /Agreement v1/ })).toBeVisible();
  });

  test('an underwriter edits a debtor; other roles see clients and debtors read-only', async ({ page }) => {
    const name = `Edited Debtor ${unique()}`;
    await signInAs(page, 'underwriter');
    await addDebtor(page, name, '100000.00');
    // A debtor's limit and rating are edited on its page (issue 13), which keeps their history.
    await page
      .getByRole('table', { name: /^All debtors/ })
      .getByRole('link', { name, exact: true })
      .click();
    await page.locator('html[data-hydrated]').waitFor();
    const edit = page.getByRole('form', { name: `Edit ${name}` });
    await edit.getByLabel('Credit limit').fill('175000.00');
    await edit.getByLabel('Risk rating').fill('watch');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit.getByRole('status')).toContainText('Saved: 175,000.00 USD, watch');
    await page.goto(`/debtors?name=${encodeURIComponent(name)}`);
    await expect(
      page.getByRole('table', { name: /^All debtors/ }).getByRole('row', { name: new RegExp(`${name}\\s*#\\d+ watch 175,000.00 USD`) }),
    ).toBeVisible();
    await dropSession(page);

    await signInAs(page, 'auditor');
    await page.goto(`/debtors?name=${encodeURIComponent(name)}`);
    await expect(page.getByRole('table', { name: /^All debtors/ }).getByRole('row', { name: new RegExp(name) })).toBeVisible();
    await expect(page.getByRole('form', { name: 'New debtor' })).toHaveCount(0);
    await expect(page.getByRole('form', { name: `Edit ${name}` })).toHaveCount(0);
    await page
      .getByRole('table', { name: /^All debtors/ })
      .getByRole('link', { name, exact: true })
      .click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByRole('form', { name: `Edit ${name}` })).toHaveCount(0);
    await page.goto('/clients');
    await expect(page.getByText('New client', { exact: true })).toHaveCount(0);
    await page.getByRole('link', { name: 'Acme Freight LLC' }).click();
    await expect(page.getByRole('heading', { name: 'Onboarding' })).toBeVisible();
    await expect(page.getByText('Read only: underwriters onboard clients.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Suspend' })).toHaveCount(0);
    await expect(page.getByRole('form', { name: 'Record a notice of assignment' })).toHaveCount(0);
  });
});
