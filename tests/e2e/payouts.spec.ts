import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, cli, signIn, signInAs } from './helpers';

/**
 * Issue 14: a rebate's way to the client's bank, in the browser. A release approved (reserve →
 * client payable) waits on Releases → Payouts; a controller creates the batch, generates and
 * downloads its NACHA file (the same bytes on every download), marks it sent; the bank statement
 * that shows the money leaving, imported in Collections, settles it; the client's portal then
 * says "paid" and offers the advice as a PDF.
 *
 * Dates are 2025's: a batch for a value date takes releases approved as of that date or before,
 * so releases other test files approve (2026) never join this batch, nor this one theirs.
 */
let keys: { underwriter: string; funding: string; collections: string; controller: string; approver: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-payouts@ui.test', 'underwriter'),
    funding: apiKeyFor('funding-payouts@ui.test', 'funding'),
    collections: apiKeyFor('collector-payouts@ui.test', 'collections'),
    controller: apiKeyFor('controller-payouts@ui.test', 'controller'),
    approver: apiKeyFor('approver-payouts@ui.test', 'approver'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function call(request: APIRequestContext, key: string, method: 'post' | 'put', urlPath: string, data: unknown) {
  const res = await request[method](`/api/v1${urlPath}`, { headers: auth(key), data });
  expect(res.status(), `${method} ${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

/** A client with one 10,000.00 invoice funded on 2025-11-03 and paid on 2025-12-03, its release (1,900.00) approved as of 2025-12-15. */
async function approvedRelease(request: APIRequestContext, tag: string) {
  const client = await call(request, keys.underwriter, 'post', '/clients', {
    name: `Payout Client ${tag}`,
    currency: 'USD',
    contacts: [{ name: 'Accounts', email: `payouts-${tag}@client.test` }],
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
  });
  // Its payout account: a request by the underwriter, approved by a second person (four-eyes).
  const change = await call(request, keys.underwriter, 'put', `/clients/${client.id}/payout-account`, {
    routing: '011000015',
    account: `55${tag.slice(-8)}`,
    accountType: 'checking',
    holderName: `Payout Client ${tag}`,
  });
  await call(request, keys.approver, 'post', `/payout-account-changes/${change.changeId}/approve`, {});
  const debtor = await call(request, keys.underwriter, 'post', '/debtors', { name: `Payout Debtor ${tag}`, creditLimit: '100000.00' });
  const invoice = await call(request, keys.funding, 'post', '/invoices', {
    clientId: client.id,
    debtorId: debtor.id,
    number: `PO-${tag}`,
    faceValue: '10000.00',
    currency: 'USD',
    issueDate: '2025-11-03',
    dueDate: '2025-12-03',
  });
  await call(request, keys.funding, 'post', `/invoices/${invoice.id}/verify`, {});
  await call(request, keys.funding, 'post', '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2025-11-03' });
  const payment = await call(request, keys.collections, 'post', '/payments', {
    amount: '10000.00',
    currency: 'USD',
    receivedDate: '2025-12-03',
    payerName: 'Debtor',
    reference: 'wire',
  });
  await call(request, keys.collections, 'post', `/payments/${payment.id}/applications`, { allocations: [{ invoiceId: invoice.id, amount: '10000.00' }] });
  const cycle = await call(request, keys.controller, 'post', '/release-cycles', { asOf: '2025-12-15', clientIds: [client.id] });
  const release = cycle.releases[0];
  expect(release).toMatchObject({ amount: '1900.00', status: 'pending_approval' });
  const approved = await call(request, keys.approver, 'post', `/releases/${release.id}/approve`, {});
  expect(approved.status).toBe('approved');
  return { client, invoice, releaseId: String(release.id) };
}

test('a controller batches an approved rebate, downloads the NACHA file, marks it sent; the bank statement settles it; the portal says paid', async ({
  page,
  request,
  browser,
}) => {
  const tag = `${Date.now()}`;
  const { client, releaseId } = await approvedRelease(request, tag);

  await signInAs(page, 'controller');
  await page.goto('/payouts');
  await expect(page.getByRole('table', { name: 'Approved releases waiting for a payout batch' })).toContainText('USD');
  const create = page.getByRole('form', { name: 'Create a payout batch' });
  await create.getByLabel('Currency').selectOption('USD');
  await create.getByLabel('Value date').fill('2025-12-16');
  await create.getByRole('button', { name: 'Create payout batch' }).click();
  await expect(create.getByRole('status')).toContainText('payout batch');
  await create.getByRole('link', { name: /^Open payout batch \d+$/ }).click();
  await page.waitForURL(/\/payouts\/\d+$/);
  const batchId = /\/payouts\/(\d+)/.exec(page.url())![1]!;
  await expect(page.getByRole('heading', { name: `Payout batch ${batchId}` })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Releases in this batch' });
  await expect(rows.getByRole('row', { name: new RegExp(`Release ${releaseId} .*1,900.00`) })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('open');

  // Generating the NACHA file asks first, then freezes the batch.
  const generate = page.getByRole('form', { name: `Generate the file of payout batch ${batchId}` });
  await generate.getByLabel('File format').selectOption('nacha');
  await generate.getByRole('button', { name: 'Generate the file' }).click();
  await page
    .getByRole('alertdialog', { name: /Generate the NACHA file of payout batch/ })
    .getByRole('button', { name: 'Generate the file' })
    .click();
  // the page now offers the frozen file in place of the form
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('file generated');
  const downloadLink = page.getByRole('link', { name: /^Download .*\.ach$/ });
  const [download] = await Promise.all([page.waitForEvent('download'), downloadLink.click()]);
  const nacha = await (await import('node:fs/promises')).readFile((await download.path())!, 'latin1');
  expect(nacha.split('\n')[0]).toMatch(/^101/);
  expect(nacha).toContain(`R${releaseId}B${batchId}`);
  expect(nacha).toContain('0000190000'); // 1,900.00 in cents, the entry's amount field
  // The same bytes on every download.
  const again = await request.get(`/api/v1/payout-batches/${batchId}/file?format=nacha`, { headers: auth(keys.controller) });
  expect(again.status()).toBe(200);
  expect((await again.body()).toString('latin1')).toBe(nacha);

  // Sent: asks, naming the total.
  const sent = page.getByRole('form', { name: `Mark sent: payout batch ${batchId}` });
  await sent.getByLabel('Date sent').fill('2025-12-16');
  await sent.getByRole('button', { name: 'Mark sent' }).click();
  await page
    .getByRole('alertdialog', { name: new RegExp(`Mark payout batch ${batchId} sent on 2025-12-16`) })
    .getByRole('button', { name: 'Mark sent' })
    .click();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('sent to the bank');
  await expect(page.getByRole('form', { name: `Mark settled: payout batch ${batchId}` })).toBeVisible();
  const release = await (await request.get(`/api/v1/releases/${releaseId}`, { headers: auth(keys.controller) })).json();
  expect(release).toMatchObject({ status: 'sent', batchId });

  // The bank statement shows the batch's total leaving the account: importing it settles the batch.
  const batch = await (await request.get(`/api/v1/payout-batches/${batchId}`, { headers: auth(keys.controller) })).json();
  const statement = [
    'date,amount,currency,payer,reference,bank_reference',
    `2025-12-17,-${batch.total},USD,ACH origination,HOLDBACK PAYOUT R${releaseId}B${batchId},DEBIT-${tag}`,
  ].join('\n');
  // Collections imports the statement (the controller does not open Collections).
  const collectorCtx = await browser.newContext();
  const collector = await collectorCtx.newPage();
  await signInAs(collector, 'collections');
  await collector.goto('/collections');
  const upload = collector.getByRole('form', { name: 'Import a bank file' });
  await upload.getByLabel('Bank file').setInputFiles({ name: `statement-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(statement) });
  await upload.getByRole('button', { name: 'Import bank file' }).click();
  await expect(collector.getByRole('region', { name: 'Import a bank file' })).toContainText(
    `1 outgoing line: 1 payout batch settled (#${batchId} on 2025-12-17, line 2), 0 not matched.`,
  );
  await collectorCtx.close();
  await page.goto(`/payouts/${batchId}`);
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('settled');
  expect(await (await request.get(`/api/v1/releases/${releaseId}`, { headers: auth(keys.controller) })).json()).toMatchObject({ status: 'paid' });

  // The client's own user: "paid", with the advice as a PDF.
  const user = `payout-user-${tag}@client.test`;
  expect(cli(['create-user', '--email', user, '--role', 'client', '--client', String(client.id), '--password', 'payout-client-password']).status).toBe(0);
  const ctx = await browser.newContext();
  const portal = await ctx.newPage();
  await signIn(portal, user, 'payout-client-password');
  await expect(portal).toHaveURL(/\/portal$/);
  await portal.goto(`/portal/releases/${releaseId}`);
  await expect(portal.getByRole('main')).toContainText('paid');
  const pdf = await portal.request.get(`/api/v1/clients/${client.id}/releases/${releaseId}/advice.pdf`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  await ctx.close();
});
