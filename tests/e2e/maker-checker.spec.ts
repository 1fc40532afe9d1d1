import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, pickClient, signInAs } from './helpers';

/**
 * SPEC 1, maker ≠ checker, as the pages show it: whoever ran a release cycle is not offered
 * Approve (nor a bulk checkbox) for what it proposed and reads why; someone else is offered it.
 */
let keys: { underwriter: string; funding: string; collections: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-maker@maker.test', 'underwriter'),
    funding: apiKeyFor('funding-maker@maker.test', 'funding'),
    collections: apiKeyFor('collector-maker@maker.test', 'collections'),
  };
});

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

/** A client whose one invoice was funded and paid in full: its reserve less the fee is releasable. */
async function paidClient(request: APIRequestContext, tag: string) {
  const name = `Maker Client ${tag}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name,
    currency: 'USD',
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
  });
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Maker Debtor ${tag}`, creditLimit: '100000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.id,
    debtorId: debtor.id,
    number: `MK-${tag}`,
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
  return { name };
}

test('the controller who ran the cycle is not offered Approve and reads why; an approver is offered it', async ({ browser, request }) => {
  const { name } = await paidClient(request, `${Date.now()}`);

  const maker = await browser.newPage();
  await signInAs(maker, 'controller');
  await maker.goto('/releases');
  await maker.getByLabel('As of').fill('2026-02-13');
  await maker.locator('html[data-hydrated]').waitFor(); // the client typeahead is a client component
  await pickClient(maker.getByRole('form', { name: 'Run a release cycle' }), name, 'Clients');
  await maker.getByRole('button', { name: 'Run release cycle' }).click();
  await expect(maker.getByRole('status')).toContainText('1 waiting for approval');

  // The queue: the row is there with the reason, without a checkbox or Approve selected.
  await maker.goto(`/approvals?kind=release&client=${encodeURIComponent(name)}`);
  const queue = maker.getByRole('table', { name: 'Releases waiting for approval' });
  await expect(queue.getByRole('row')).toHaveCount(2);
  await expect(queue).toContainText('You ran the cycle that proposed this release, so another approver must approve it');
  await expect(queue.getByRole('checkbox')).toHaveCount(0);
  await expect(maker.getByRole('button', { name: /Approve selected/ })).toHaveCount(0);
  const link = queue.getByRole('link', { name: /^Release \d+$/ });
  const releaseId = (await link.textContent())!.replace('Release ', '');

  // The release page: the same sentence where Approve would be; no approve or reject form.
  await link.click();
  await expect(maker.getByRole('heading', { name: `Release ${releaseId}` })).toBeVisible();
  await expect(maker.getByText('You ran the cycle that proposed this release, so another approver must approve it')).toBeVisible();
  await expect(maker.getByRole('button', { name: 'Approve release' })).toHaveCount(0);
  await expect(maker.getByRole('form', { name: `Approve release ${releaseId}` })).toHaveCount(0);

  // The cycle page says so to whoever ran it.
  await maker.getByRole('link', { name: /^cycle \d+$/ }).click();
  await expect(maker.getByText('You ran this cycle, so another approver must approve the releases it left waiting for approval.')).toBeVisible();
  await maker.close();

  // Someone else is offered both, and no reason is shown to them.
  const checker = await browser.newPage();
  await signInAs(checker, 'approver');
  await checker.goto(`/approvals?kind=release&client=${encodeURIComponent(name)}`);
  await expect(checker.getByLabel(`Select release ${releaseId}`)).toBeVisible();
  await expect(checker.getByRole('table', { name: 'Releases waiting for approval' })).not.toContainText('You ran the cycle');
  await checker.goto(`/releases/${releaseId}`);
  await expect(checker.getByRole('button', { name: 'Approve release' })).toBeVisible();
  await expect(checker.getByText('You ran the cycle')).toHaveCount(0);
  await checker.close();
});
