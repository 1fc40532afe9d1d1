import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 13: a debtor opened from the Debtors list shows what it owes across clients, how it pays
 * and its invoices at every client; a duplicate of it is merged by two people — the underwriter
 * who proposes it reads that someone else must decide, an approver approves after confirming, and
 * the duplicate's page then points at the debtor that stayed.
 */
let keys: { underwriter: string; funding: string; collections: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-debtors@debtors.test', 'underwriter'),
    funding: apiKeyFor('funding-debtors@debtors.test', 'funding'),
    collections: apiKeyFor('collector-debtors@debtors.test', 'collections'),
  };
});

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

async function fundedInvoice(request: APIRequestContext, clientId: string, debtorId: string, number: string, face: string) {
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId,
    debtorId,
    number,
    faceValue: face,
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
  const batch = await post(request, keys.funding, '/fundings', { clientId, invoiceIds: [invoice.id], fundingDate: '2026-01-02' });
  expect(batch.status).toBe('funded');
  return invoice;
}

test('a debtor from the Debtors list: its figures and invoices across clients; a duplicate merged by two people', async ({ browser, request }) => {
  const tag = Date.now().toString(36);
  const name = `Umbrella Corp ${tag}`;
  const duplicateName = `Umbrella Corporation ${tag}`;
  const agreement = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } };
  const first = await post(request, keys.underwriter, '/clients', { name: `Harbor Goods ${tag}`, currency: 'USD', agreement });
  const second = await post(request, keys.underwriter, '/clients', { name: `Inland Parts ${tag}`, currency: 'USD', agreement });
  const debtor = await post(request, keys.underwriter, '/debtors', { name, creditLimit: '250000.00' });
  const duplicate = await post(request, keys.underwriter, '/debtors', { name: duplicateName, creditLimit: '10000.00' });
  const paid = await fundedInvoice(request, first.id, debtor.id, `UMB-${tag}-1`, '10000.00');
  await fundedInvoice(request, second.id, debtor.id, `UMB-${tag}-2`, '4000.00');
  await fundedInvoice(request, first.id, duplicate.id, `UMB-${tag}-3`, '2500.00');
  const payment = await post(request, keys.collections, '/payments', {
    amount: '10000.00',
    currency: 'USD',
    receivedDate: '2026-01-31',
    payerName: name,
    reference: 'wire',
  });
  await post(request, keys.collections, `/payments/${payment.id}/applications`, { allocations: [{ invoiceId: paid.id, amount: '10000.00' }] });

  // The underwriter finds the debtor in the list, filtered by name, and opens it.
  const maker = await browser.newPage();
  await signInAs(maker, 'underwriter');
  await maker.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Debtors', exact: true }).click();
  const filters = maker.getByRole('form', { name: 'Filter debtors' });
  await filters.getByLabel('Name contains').fill(tag);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(maker).toHaveURL(new RegExp(`/debtors\\?name=${tag}`));
  await expect(maker.getByTestId('list-showing')).toHaveText('Showing 1–2 of 2 debtors');
  const list = maker.getByRole('table', { name: /^All debtors/ });
  await expect(list.getByRole('row', { name: new RegExp(`${name}\\s*#${debtor.id} `) })).toContainText('4,000.00 USD');
  await list.getByRole('link', { name, exact: true }).click();
  await expect(maker).toHaveURL(new RegExp(`/debtors/${debtor.id}$`));
  await expect(maker.getByRole('heading', { name, level: 1 })).toBeVisible();

  // Its figures: what it still owes, how it pays (issued 2026-01-01, paid 2026-01-31: 30 days; due 2026-01-31: on time).
  const figures = maker.getByRole('region', { name: 'Figures' });
  await expect(figures.getByRole('group', { name: 'Exposure' })).toContainText('4,000.00 USD');
  await expect(figures.getByRole('group', { name: 'Exposure' })).toContainText('1 open invoice of 2, across 2 clients');
  await expect(figures.getByRole('group', { name: 'Average days to pay' })).toContainText('30.0 days');
  await expect(figures.getByRole('group', { name: 'Dilution' })).toContainText('0.00%');

  // Its invoices at both clients, each a link to its page.
  const invoices = maker.getByRole('table', { name: new RegExp(`^Invoices of ${name}`) });
  await expect(maker.getByTestId('list-showing')).toHaveText('Showing 1–2 of 2 invoices');
  await expect(invoices.getByRole('row', { name: new RegExp(`UMB-${tag}-1 Harbor Goods ${tag} settled`) })).toBeVisible();
  await expect(invoices.getByRole('row', { name: new RegExp(`UMB-${tag}-2 Inland Parts ${tag} funded`) })).toBeVisible();
  await expect(invoices.getByRole('link', { name: `UMB-${tag}-2` })).toHaveAttribute('href', /\/invoices\/\d+$/);
  await expect(maker.getByRole('table', { name: /^Exposure by client/ }).getByRole('row', { name: new RegExp(`Inland Parts ${tag}`) })).toContainText(
    'not sent',
  );

  // The duplicate: the underwriter proposes merging it into this debtor.
  await maker.goto(`/debtors/${duplicate.id}`);
  await maker.locator('html[data-hydrated]').waitFor(); // the merge form is client-handled
  const propose = maker.getByRole('form', { name: `Merge ${duplicateName} into another debtor` });
  const into = propose.getByLabel('Merge into (the debtor that stays)', { exact: true });
  // Typed, not a select (issue 13): part of the name both share suggests this debtor — its number,
  // limit, rating and open invoices beside the name — and never the duplicate itself.
  await into.fill(tag);
  const offered = `${name} (#${debtor.id}, limit 250,000.00 USD, rating unrated, 1 open invoice)`;
  await expect(propose.locator(`datalist option[value="${offered}"]`)).toHaveCount(1);
  await expect(propose.locator(`datalist option[value^="${duplicateName} (#"]`)).toHaveCount(0);
  await into.fill(offered);
  await propose.getByLabel('Why they are the same debtor').fill('Same company: one tax id, entered twice');
  await propose.getByRole('button', { name: 'Propose merge' }).click();
  // The page now shows the merge waiting, and tells its maker that someone else decides it.
  const waiting = maker.getByRole('region', { name: 'Duplicate debtor' });
  await expect(waiting).toContainText(`Waiting for approval: merge into ${name} (#${debtor.id}), proposed by underwriter@holdback.demo`);
  await expect(waiting).toContainText('Same company: one tax id, entered twice');
  await expect(maker.getByText('You proposed this merge, so someone else with the permission must approve or reject it')).toBeVisible();
  await maker.reload();
  await expect(maker.getByText('You proposed this merge, so someone else with the permission must approve or reject it')).toBeVisible();
  await expect(maker.getByRole('button', { name: 'Approve merge' })).toHaveCount(0);

  // An approver approves it, after confirming what moves.
  const checker = await browser.newPage();
  await signInAs(checker, 'approver');
  await checker.goto(`/debtors/${duplicate.id}`);
  await checker.locator('html[data-hydrated]').waitFor();
  await checker.getByRole('button', { name: 'Approve merge' }).click();
  const question = `Merge ${duplicateName} (#${duplicate.id}) into ${name} (#${debtor.id}): its 1 invoice, payments, payer names and notices move there, and ${name} keeps its own credit limit?`;
  await checker.getByRole('alertdialog', { name: question }).getByRole('button', { name: 'Merge' }).click();
  // The duplicate's page now points at the debtor that stayed, and its history says what moved.
  await expect(checker.getByRole('status').filter({ hasText: 'Merged into' })).toContainText(`${name} (#${debtor.id})`);
  await expect(checker.getByRole('region', { name: 'Duplicate debtor' })).toContainText(
    `Merged: ${duplicateName} (#${duplicate.id}) into ${name} (#${debtor.id}) — proposed by underwriter@holdback.demo, approved by approver@holdback.demo`,
  );
  await expect(checker.getByRole('region', { name: 'Duplicate debtor' })).toContainText('moved 1 invoice and 0 payments');
  await checker.reload();
  await expect(checker.getByRole('status').filter({ hasText: 'Merged into' })).toContainText(`${name} (#${debtor.id})`);
  await checker
    .getByRole('link', { name: `${name} (#${debtor.id})` })
    .first()
    .click();
  await expect(checker).toHaveURL(new RegExp(`/debtors/${debtor.id}$`));
  await expect(checker.getByTestId('list-showing')).toHaveText('Showing 1–3 of 3 invoices');
  await expect(checker.getByRole('region', { name: 'Figures' }).getByRole('group', { name: 'Exposure' })).toContainText('6,500.00 USD');
  await expect(checker.getByRole('table', { name: new RegExp(`^Invoices of ${name}`) }).getByRole('row', { name: new RegExp(`UMB-${tag}-3`) })).toBeVisible();
  // The debtor that stayed keeps its own credit limit.
  await expect(checker.getByText(`Debtor #${debtor.id} · risk rating unrated · credit limit 250,000.00 USD`)).toBeVisible();
  await maker.close();
  await checker.close();
});
