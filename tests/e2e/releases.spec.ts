import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, mailTo, pickClient, signInAs } from './helpers';

/**
 * The release screens: a cycle run in the console proposes a release; the person who ran it is
 * refused (maker ≠ checker); a second user approves it in the queue; the rebate advice arrives
 * at the real SMTP server tests/e2e/serve.ts runs for the worker.
 */
let keys: { underwriter: string; funding: string; collections: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-release-ui@ui.test', 'underwriter'),
    funding: apiKeyFor('funding-release-ui@ui.test', 'funding'),
    collections: apiKeyFor('collector-release-ui@ui.test', 'collections'),
  };
});

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

test('a cycle proposes a release, the maker is refused, a second user approves, the rebate advice is delivered by SMTP', async ({ browser, request }) => {
  const tag = `${Date.now()}`;
  const contact = `rebates-${tag}@client.test`;
  const name = `Rebate Client ${tag}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name,
    currency: 'USD',
    contacts: [{ name: 'Accounts payable', email: contact }],
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
  });
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Debtor ${tag}`, creditLimit: '100000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.id,
    debtorId: debtor.id,
    number: `RB-${tag}`,
    faceValue: '10000.00',
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
  await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
  const payment = await post(request, keys.collections, '/payments', {
    amount: '10000.00',
    currency: 'USD',
    receivedDate: '2026-01-31',
    payerName: 'Debtor',
    reference: 'wire',
  });
  await post(request, keys.collections, `/payments/${payment.id}/applications`, { allocations: [{ invoiceId: invoice.id, amount: '10000.00' }] });

  // The controller runs a cycle for the client on 2026-02-13.
  const maker = await browser.newPage();
  await signInAs(maker, 'controller');
  await maker.goto('/releases');
  await maker.getByLabel('As of').fill('2026-02-13');
  await maker.locator('html[data-hydrated]').waitFor(); // the client typeahead is a client component
  await pickClient(maker.getByRole('form', { name: 'Run a release cycle' }), name, 'Clients');
  await maker.getByRole('button', { name: 'Run release cycle' }).click();
  await expect(maker.getByRole('status')).toContainText('1 release(s) proposed, 0 approved automatically, 1 waiting for approval');

  // The queue shows it; the controller who ran the cycle is not offered Approve and reads why.
  await maker.goto(`/approvals?kind=release&client=${encodeURIComponent(name)}`);
  const queue = maker.getByRole('table', { name: 'Releases waiting for approval' });
  await expect(queue.getByRole('row')).toHaveCount(2);
  await expect(queue).toContainText('1,900.00 USD');
  await expect(queue).toContainText('You ran the cycle that proposed this release, so another approver must approve it');
  await expect(maker.getByRole('checkbox')).toHaveCount(0);
  await expect(maker.getByRole('button', { name: /Approve selected/ })).toHaveCount(0);
  const releaseLink = queue.getByRole('link', { name: /^Release \d+$/ });
  const releaseId = (await releaseLink.textContent())!.replace('Release ', '');

  // The release detail explains the amount: the settled invoice's reserve less its fee.
  await releaseLink.click();
  await expect(maker.getByRole('heading', { name: `Release ${releaseId}` })).toBeVisible();
  await expect(maker.getByText('pending approval')).toBeVisible();
  await expect(maker.getByRole('table', { name: /behind the amount/ })).toContainText(invoice.number);
  await maker.close();

  // A second person (the approver) approves it from the queue.
  const checker = await browser.newPage();
  await signInAs(checker, 'approver');
  await checker.goto(`/approvals?kind=release&client=${encodeURIComponent(name)}`);
  await checker.getByLabel(`Select release ${releaseId}`).check();
  await checker.getByRole('button', { name: 'Approve selected (1)' }).click();
  // Approve asks first, naming the amount.
  await checker.getByRole('alertdialog', { name: 'Approve 1 release: release 1,900.00 USD?' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(checker.getByRole('form', { name: 'Releases waiting for approval' }).getByRole('status')).toContainText(
    `Approved (payable to the client; paid in the next payout batch): ${releaseId}.`,
  );
  await checker.goto(`/releases/${releaseId}`);
  // issue 14: approved (reserve → client payable); a payout batch pays it later
  await expect(checker.getByText('approved', { exact: true })).toBeVisible();
  await expect(checker.getByRole('main').getByText('approver@holdback.demo')).toBeVisible();
  // the entry it posted: Dr reserve / Cr client payable (no payout yet: that is the batch's)
  const entries = checker.getByRole('table', { name: 'Ledger entries posted' });
  await expect(entries.getByRole('row')).toHaveCount(3);
  await expect(entries.getByRole('row', { name: new RegExp(`release Reserve ${invoice.number} 1,900.00 USD`) })).toBeVisible();
  await expect(entries.getByRole('row', { name: /payout/ })).toHaveCount(0);
  await checker.close();

  // The rebate advice went through the outbox to the client's contact over SMTP.
  const mail = await mailTo(contact);
  expect(mail.subject).toBe(`Rebate of 1900.00 USD released — release ${releaseId}`);
  expect(mail.text).toContain(`Invoice ${invoice.number}`);
  expect(mail.text).toContain('1900.00 USD');
  expect(mail.html || '').toContain('1900.00');
});

test('an admin edits the release policy; bad tiers are refused with a clear message', async ({ page }) => {
  await signInAs(page, 'admin');
  await page.goto('/settings');
  const form = page.getByRole('form', { name: 'Release policy' });
  await expect(page.getByLabel('Tier 1 lowest score')).toHaveValue('90');
  const save = form.getByRole('button', { name: 'Save release policy' });
  // issue 16 item 2: saving needs a preview of the values first
  await expect(save).toBeDisabled();
  await page.getByLabel('Tier 2 lowest score').fill('75');
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('alert').first()).toContainText('Scores 75–79 fall in two tiers');
  await expect(save).toBeDisabled();
  await page.getByLabel('Tier 2 lowest score').fill('80');
  await page.getByLabel('Controller approval above (amount per release)').fill('75000');
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('note').first()).toContainText(/client\(s\) affected/);
  await save.click();
  await expect(form.getByRole('status')).toContainText('releases above 75,000.00 (in their currency) need a controller');
  await page.reload();
  await expect(page.getByLabel('Controller approval above (amount per release)')).toHaveValue('75000.00');
  // put the default back for the other tests
  await page.getByLabel('Controller approval above (amount per release)').fill('50000');
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('note').first()).toContainText(/client\(s\) affected/);
  await save.click();
  await expect(form.getByRole('status')).toBeVisible();
});
