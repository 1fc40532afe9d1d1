import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, mailTo, signInAs } from './helpers';

/**
 * Issue 14, item 4 — bank details under four-eyes, as people do it: an underwriter asks for a
 * client's new payout account (a mistyped routing number is refused naming the field, the form
 * keeps what was typed), the client page shows the change pending and the requester is not
 * offered Approve; an approver finds it in the approval queue, confirms the masked account and
 * approves; the client page shows the new account masked; the client's contact gets the email at
 * the real SMTP server tests/e2e/serve.ts runs. And an admin fills in Settings → Payout bank.
 */
let keys: { underwriter: string };
test.beforeAll(() => {
  keys = { underwriter: apiKeyFor('uw-payout-account@ui.test', 'underwriter') };
});

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

test("a payout account change waits for a second person, then the client's contact is emailed the masked account", async ({ browser, request }) => {
  const tag = `${Date.now()}`;
  const contact = `treasury-${tag}@client.test`;
  const name = `Payout Client ${tag}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name,
    currency: 'USD',
    contacts: [{ name: 'Treasury', email: contact }],
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
  });

  const maker = await browser.newPage();
  await signInAs(maker, 'underwriter');
  await maker.goto(`/clients/${client.id}`);
  await maker.locator('html[data-hydrated]').waitFor();
  const payout = maker.getByRole('region', { name: 'Payout bank account' });
  await expect(payout).toContainText('None recorded');
  const form = maker.getByRole('form', { name: 'Request a payout account change' });
  await form.getByLabel('Account holder').fill('Payout Client Operating');
  await form.getByLabel('Routing number (ABA)').fill('021000022');
  await form.getByLabel('Account number').fill('0009 8765 4321');
  await form.getByLabel('Account type').selectOption('savings');
  await form.getByRole('button', { name: 'Request account change' }).click();
  // refused naming the field; what was typed is still there
  await expect(form.getByLabel('Routing number (ABA)')).toHaveAccessibleDescription(
    /Routing number is not a valid ABA routing number: its check digit does not match/,
  );
  await expect(form.getByLabel('Account holder')).toHaveValue('Payout Client Operating');
  await expect(form.getByLabel('Account number')).toHaveValue('0009 8765 4321');
  await form.getByLabel('Routing number (ABA)').fill('011000015');
  await form.getByRole('button', { name: 'Request account change' }).click();
  await expect(maker.getByText('Change requested: rebates will be paid to savings ••••4321 at 011000015 once someone else approves it')).toBeVisible();

  // pending: shown on the client page; the requester reads why they may not decide it
  await maker.reload();
  const pending = maker.getByRole('region', { name: 'Payout account change pending approval' });
  await expect(pending).toContainText('Payout Client Operating, savings ••••4321 at 011000015');
  await expect(pending).toContainText("this client's releases wait");
  await expect(pending).toContainText('You requested this payout account change, so someone else must approve or reject it');
  await expect(pending.getByRole('button', { name: 'Approve account change' })).toHaveCount(0);
  await expect(maker.getByText('000987654321')).toHaveCount(0);

  // a second person: the approval queue lists it beside the releases
  const checker = await browser.newPage();
  await signInAs(checker, 'approver');
  await checker.goto('/approvals?kind=payout_account_change');
  await checker.locator('html[data-hydrated]').waitFor();
  const row = checker.getByRole('table', { name: 'Payout account changes to approve' }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('savings ••••4321 at 011000015');
  await row.getByRole('button', { name: 'Approve account change' }).click();
  const ask = row.getByRole('alertdialog');
  await expect(ask).toContainText(`Pay ${name}'s rebates to savings ••••4321 at 011000015 (Payout Client Operating) from now on?`);
  await ask.getByRole('button', { name: 'Approve account change' }).click();
  // decided: it leaves the queue
  await expect(row).toHaveCount(0);

  // the client page: the new account, masked; nothing pending
  await checker.goto(`/clients/${client.id}`);
  await expect(checker.getByRole('region', { name: 'Payout bank account' })).toContainText(
    'Rebates are paid to Payout Client Operating, savings ••••4321 at 011000015.',
  );
  await expect(checker.getByRole('region', { name: 'Payout account change pending approval' })).toHaveCount(0);

  // the client's contact is told, masked, and whom to call
  const mail = await mailTo(contact);
  expect(mail.subject).toMatch(/^Your payout bank account with .+ was changed$/);
  expect(mail.text).toContain('Payout Client Operating, savings ••••4321 at 011000015');
  expect(mail.text).toContain('If you did not ask for this change, call');
  expect(`${mail.text}${mail.html}`).not.toContain('000987654321');
  await maker.close();
  await checker.close();
});

test('an admin fills in Settings → Payout bank (refusals name the field); a controller reads it masked', async ({ browser }) => {
  const admin = await browser.newPage();
  await signInAs(admin, 'admin');
  await admin.goto('/settings');
  await admin.getByRole('link', { name: 'Edit the payout bank' }).click();
  await expect(admin.getByRole('heading', { name: 'Payout bank' })).toBeVisible();
  await admin.locator('html[data-hydrated]').waitFor();

  const ach = admin.getByRole('form', { name: 'ACH originator' });
  // the routing number stays the e2e server's (releases-api.spec reads it in the NACHA file)
  await ach.getByLabel('Origin routing number', { exact: true }).fill('021000022');
  await ach.getByLabel('Company ID').fill('1987654321');
  await ach.getByLabel('Company name').fill('HOLDBACK E2E');
  await ach.getByRole('button', { name: 'Save ACH originator' }).click();
  await expect(ach.getByLabel('Origin routing number', { exact: true })).toHaveAccessibleDescription(/Origin routing number is not a valid ABA routing number/);
  await expect(ach.getByLabel('Company name')).toHaveValue('HOLDBACK E2E');
  await ach.getByLabel('Origin routing number', { exact: true }).fill('021000021');
  await ach.getByRole('button', { name: 'Save ACH originator' }).click();
  await expect(ach.getByRole('status')).toContainText('ACH originator saved: HOLDBACK E2E, routing number 021000021');

  const sepa = admin.getByRole('form', { name: 'SEPA account' });
  await sepa.getByLabel('Account holder').fill('Holdback E2E Factoring');
  await sepa.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 01');
  await sepa.getByLabel('BIC (SWIFT code)').fill('cobadeffxxx');
  await sepa.getByRole('button', { name: 'Save SEPA account' }).click();
  await expect(sepa.getByLabel('IBAN')).toHaveAccessibleDescription(/IBAN is not valid: its check digits do not match/);
  await sepa.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
  await sepa.getByRole('button', { name: 'Save SEPA account' }).click();
  await expect(sepa.getByRole('status')).toContainText('SEPA account saved: Holdback E2E Factoring, DE89 •••• •••• •••• 3000');

  await admin.reload();
  await expect(admin.getByText('In use: HOLDBACK E2E, company ID ••••4321, routing number 021000021.')).toBeVisible();
  await expect(admin.getByText('In use: Holdback E2E Factoring, DE89 •••• •••• •••• 3000, BIC COBADEFFXXX.')).toBeVisible();
  await expect(admin.getByText('1987654321')).toHaveCount(0);
  // the release-cycle job's batching: off unless an admin turns it on (left off here: other specs' cycles must leave their releases approved)
  const batching = admin.getByRole('form', { name: 'Payout batches after release cycles' });
  await expect(batching.getByLabel('Who creates payout batches')).toHaveValue('person');
  await batching.getByRole('button', { name: 'Save' }).click();
  await expect(batching.getByRole('status')).toContainText('The release-cycle job no longer creates payout batches');

  // a controller reads it (from Releases), masked, and cannot change it
  const controller = await browser.newPage();
  await signInAs(controller, 'controller');
  await controller.goto('/releases');
  await controller.getByRole('link', { name: 'Settings → Payout bank' }).click();
  await expect(controller.getByText('Read only: an admin changes these')).toBeVisible();
  await expect(controller.getByText('In use: HOLDBACK E2E, company ID ••••4321, routing number 021000021.')).toBeVisible();
  await expect(controller.getByRole('button', { name: 'Save ACH originator' })).toHaveCount(0);
  await expect(controller.getByRole('form', { name: 'ACH originator' }).getByLabel('Company name')).toBeDisabled();
  await admin.close();
  await controller.close();
});
