import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { readdir, readFile } from 'node:fs/promises';
import { E2E_SMTP_DIR } from '../../playwright.config';
import { apiKeyFor, cli, pickClient, signIn, signInAs } from './helpers';

/**
 * The client portal: a client user sees its balances and downloads its statement (the PDF's
 * closing balance equals the ledger's), and every route and API with another client's ids is 404.
 */
let keys: { underwriter: string; funding: string; collections: string; controller: string; approver: string; admin: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-portal@portal.test', 'underwriter'),
    funding: apiKeyFor('funding-portal@portal.test', 'funding'),
    collections: apiKeyFor('collector-portal@portal.test', 'collections'),
    controller: apiKeyFor('controller-portal@portal.test', 'controller'),
    approver: apiKeyFor('approver-portal@portal.test', 'approver'),
    admin: apiKeyFor('admin-portal@portal.test', 'admin'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: auth(key), data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

/** The signed-in client's id, read off the portal's statement section. */
async function portalClientId(page: Page): Promise<string> {
  return (await page.getByRole('region', { name: 'A statement for any period' }).getAttribute('data-client-id'))!;
}

/** Another client with an invoice, an approved release and a stored statement, all through the API. */
async function anotherClient(request: APIRequestContext) {
  const tag = `${Date.now()}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name: `Other ${tag}`,
    currency: 'USD',
    contacts: [{ name: 'AP', email: `ap-${tag}@other.test` }],
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'flat', rate: '0.01', deductFrom: 'reserve' } },
  });
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Other debtor ${tag}`, creditLimit: '100000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.id,
    debtorId: debtor.id,
    number: `OT-${tag}`,
    faceValue: '1000.00',
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
  await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-01' });
  const payment = await post(request, keys.collections, '/payments', {
    amount: '1000.00',
    currency: 'USD',
    receivedDate: '2026-01-20',
    payerName: 'x',
    reference: 'y',
  });
  await post(request, keys.collections, `/payments/${payment.id}/applications`, { allocations: [{ invoiceId: invoice.id, amount: '1000.00' }] });
  const cycle = await post(request, keys.controller, '/release-cycles', { asOf: '2026-01-30', clientIds: [client.id] });
  const release = await post(request, keys.approver, `/releases/${cycle.releases[0].id}/approve`, {});
  expect(release.status).toBe('approved');
  const statement = await post(request, keys.controller, `/clients/${client.id}/statements`, { from: '2026-01-01', to: '2026-01-31' });
  return { client, invoice, release, statementId: statement.id as string };
}

test('a client user sees its balances and downloads its statement; the PDF closing balance equals the ledger', async ({ page, request }) => {
  await signInAs(page, 'client');
  const clientId = await portalClientId(page);
  const period = { from: '2026-10-01', to: '2026-10-31' };
  const ledger = (await (await request.get(`/api/v1/clients/${clientId}/reserve?asOf=${period.to}`, { headers: auth(keys.controller) })).json()).balances[0];
  const today = (
    await (await request.get(`/api/v1/clients/${clientId}/reserve?asOf=${new Date().toISOString().slice(0, 10)}`, { headers: auth(keys.controller) })).json()
  ).balances[0];

  const usd = page.getByRole('region', { name: 'Balances in USD' });
  const grouped = (v: string) => v.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const [whole, cents] = (today.held as string).split('.');
  await expect(usd).toContainText(`Reserve held (USD)${grouped(whole!)}.${cents} USD`);
  await expect(usd).toContainText('Releasable now (USD)');
  // Issue 14 item 6: both fee figures, in the words the statement uses, with the API's amounts.
  const money = (v: string) => `${grouped(v.split('.')[0]!)}.${v.split('.')[1]} USD`;
  await expect(usd.getByRole('group', { name: 'Fees accrued on open invoices (USD)' })).toContainText(money(today.feesAccruedOnOpen));
  await expect(usd.getByRole('group', { name: 'Fees due (USD)' })).toContainText(money(today.feesDue));
  await expect(page.getByRole('img', { name: /Reserve held over the last 12 months \(USD\)/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Reserve expected back, by month \(USD\)/ })).toBeVisible();

  // Issued by a POST (the form's server action), then downloaded through the stored statement's link.
  const form = page.getByRole('form', { name: 'Statement for a period' });
  await form.getByLabel('From').fill(period.from);
  await form.getByLabel('To').fill(period.to);
  await form.getByRole('button', { name: 'Issue statement' }).click();
  await expect(form.getByRole('status')).toContainText('Your statement for October 2026');
  const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('link', { name: 'Download statement October 2026 (PDF)' }).click()]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'holdback-statement-')), 'statement.pdf');
  await download.saveAs(file);
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const [w, c] = (ledger.held as string).split('.');
  const closing = new RegExp(`Closing balance \\(held at the end of ${period.to}\\)\\s+${grouped(w!)}\\.${c}`);
  expect(text).toMatch(closing);
  const figure = (label: string, v: string) => new RegExp(`${label}\\s+${money(v).replace(/\./g, '\\.')}`);
  expect(text).toMatch(figure('Fees accrued on open invoices', ledger.feesAccruedOnOpen));
  expect(text).toMatch(figure('Fees due', ledger.feesDue));

  // the stored statement is now listed in the portal for download again
  await page.reload();
  await expect(page.getByRole('link', { name: /Download statement .*\(PDF\)/ }).first()).toBeVisible();

  // a table's Export CSV is made in the browser from the rows shown (no data: URL in the page)
  await page.locator('html[data-hydrated]').waitFor();
  const statementsTable = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Statements', exact: true }) });
  expect(await statementsTable.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe('#');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), statementsTable.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(csvDownload.suggestedFilename()).toBe('statements.csv');
  const csvLines = readFileSync((await csvDownload.path())!, 'utf8')
    .trim()
    .split('\r\n');
  expect(csvLines[0]).toBe('Period,Closing reserve,Download');
  expect(csvLines.find((l) => l.startsWith('October 2026,'))).toMatch(/^October 2026,[^,]*,\/api\/v1\/clients\/\d+\/statements\/\d+$/);

  // the client chooses which emails its contact gets; the choice is kept
  const prefs = page.getByRole('form', { name: /^Email notices for / });
  await prefs.getByLabel('Rebate released').uncheck();
  await prefs.getByRole('button', { name: 'Save' }).click();
  await expect(prefs.getByRole('status')).toContainText('does not get rebate advices');
  await page.reload();
  await expect(page.getByRole('form', { name: /^Email notices for / }).getByLabel('Rebate released')).not.toBeChecked();
  await page
    .getByRole('form', { name: /^Email notices for / })
    .getByLabel('Rebate released')
    .check();
  await page
    .getByRole('form', { name: /^Email notices for / })
    .getByRole('button', { name: 'Save' })
    .click();
  await expect(page.getByRole('form', { name: /^Email notices for / }).getByRole('status')).toContainText('gets rebate advices');
});

test('every route and API with another client’s ids is 404 for a client user', async ({ page, request, browser }) => {
  const other = await anotherClient(request);
  await signInAs(page, 'client');
  const ownId = await portalClientId(page);
  const clientKey = apiKeyFor(`client-bot-${Date.now()}@acme.test`, 'client', ownId);
  const o = other.client.id;
  const paths = [
    `/clients/${o}`,
    `/clients/${o}/reserve?asOf=2026-01-31`,
    `/clients/${o}/ledger`,
    `/clients/${o}/agreement-versions`,
    `/clients/${o}/statements`,
    `/clients/${o}/statements?from=2026-01-01&to=2026-01-31`,
    `/clients/${o}/statements/${other.statementId}`,
    `/clients/${ownId}/statements/${other.statementId}`,
    `/invoices/${other.invoice.id}`,
    `/releases/${other.release.id}`,
    `/clients/${o}/releases/${other.release.id}/advice.pdf`,
    `/clients/${ownId}/releases/${other.release.id}/advice.pdf`,
  ];
  for (const p of paths) {
    const res = await request.get(`/api/v1${p}`, { headers: auth(clientKey) });
    expect(res.status(), `API ${p}`).toBe(404);
    expect((await res.json()).error.code, `API ${p}`).toBe('not_found');
  }
  // the same through the portal's signed-in session
  for (const p of [`/clients/${o}/statements/${other.statementId}`, `/clients/${o}/statements?from=2026-01-01&to=2026-01-31`, `/clients/${o}/statements`]) {
    const res = await page.request.get(`/api/v1${p}`);
    expect(res.status(), `session ${p}`).toBe(404);
  }
  const advice = await page.goto(`/portal/releases/${other.release.id}`);
  expect(advice!.status()).toBe(404);
  // staff-only screens and APIs are refused outright
  expect((await request.get('/api/v1/payments', { headers: auth(clientKey) })).status()).toBe(403);
  // a console page sends a client user back to its own portal, showing nothing of the other client
  await page.goto(`/clients/${o}`);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByText(other.client.name)).toHaveCount(0);

  // while its own ids work: the other client's own user sees its rebate advice
  const otherUser = `other-${Date.now()}@other.test`;
  expect(cli(['create-user', '--email', otherUser, '--role', 'client', '--client', o, '--password', 'other-client-password']).status).toBe(0);
  const ctx = await browser.newContext();
  const p2 = await ctx.newPage();
  await signIn(p2, otherUser, 'other-client-password');
  await expect(p2).toHaveURL(/\/portal$/);
  await p2.goto(`/portal/releases/${other.release.id}`);
  await expect(p2.getByRole('heading', { name: /Rebate of 190\.00 USD released/ })).toBeVisible();
  // with the invoices behind it and its PDF (issue 14 item 5)
  await expect(p2.getByRole('table', { name: 'Reserve released from' })).toBeVisible();
  await expect(p2.getByRole('link', { name: 'Download advice (PDF)' })).toBeVisible();
  const pdf = await p2.request.get(`/api/v1/clients/${o}/releases/${other.release.id}/advice.pdf`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect(pdf.headers()['content-disposition']).toBe(`attachment; filename="rebate-advice-${other.release.id}.pdf"`);
  await ctx.close();
});

test('an admin invites a client user; the emailed link sets a password once and the user signs in to its portal', async ({ page, browser }) => {
  const email = `invitee-${Date.now()}@client.test`;
  await signInAs(page, 'admin');
  await page.goto('/settings');
  await page.locator('html[data-hydrated]').waitFor(); // the client typeahead is a client component
  const form = page.getByRole('form', { name: 'Invite a client user' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name').fill('Ivy Invitee');
  await pickClient(form, 'Acme Freight LLC');
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(form.getByRole('status')).toContainText(`Invited ${email}`);

  let link = '';
  for (let i = 0; i < 60 && !link; i += 1) {
    for (const name of await readdir(E2E_SMTP_DIR).catch(() => [] as string[])) {
      const mail = await simpleParser(await readFile(path.join(E2E_SMTP_DIR, name)));
      if ([mail.to].flat().some((a) => a?.value.some((v) => v.address === email)))
        link = /https?:\/\/\S+\/set-password\?token=\S+/.exec(mail.text ?? '')?.[0] ?? '';
    }
    if (!link) await new Promise((r) => setTimeout(r, 500));
  }
  expect(link, 'the invitation reached the SMTP server').not.toBe('');
  const ctx = await browser.newContext();
  const invitee = await ctx.newPage();
  await invitee.goto(new URL(link).pathname + new URL(link).search);
  await invitee.getByLabel('New password').fill('ivy-chooses-this');
  await invitee.getByLabel('The same password again').fill('ivy-chooses-this');
  await invitee.getByRole('button', { name: 'Set password' }).click();
  await expect(invitee.getByRole('status')).toContainText(`Your password is set. Sign in as ${email}.`);
  // the link works once
  await invitee.goto(new URL(link).pathname + new URL(link).search);
  await expect(invitee.getByRole('main').getByRole('alert')).toContainText('This link is not valid any more');
  await signIn(invitee, email, 'ivy-chooses-this');
  await expect(invitee).toHaveURL(/\/portal$/);
  await expect(invitee.getByRole('heading', { name: 'Acme Freight LLC' })).toBeVisible();
  await ctx.close();

  // staff see the new user's last sign-in
  await page.reload();
  const row = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: new RegExp(email) });
  await expect(row).not.toContainText('never');
});
