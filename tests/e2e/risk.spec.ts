import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, cli, signInAs } from './helpers';

/**
 * Issue 16 item 1, measured risk: a client whose agreement scores it 95 (the best band) but whose
 * one invoice, owed by one debtor, is months past due measures 70 (days beyond terms 100 × 20% and
 * the largest debtor's share 100 × 10%: 100 − 30). The risk-scores job (run through the command
 * line) proposes band 70–79's terms; the client page shows the score, its parts and history, and
 * an approver accepts the proposal after confirming it.
 */
let keys: { underwriter: string; funding: string };
test.beforeAll(() => {
  keys = { underwriter: apiKeyFor('uw-risk@risk.test', 'underwriter'), funding: apiKeyFor('funding-risk@risk.test', 'funding') };
});

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

test('the client page shows the measured risk and an approver accepts the proposed band', async ({ page, request }) => {
  const tag = `${Date.now()}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name: `Risky Client ${tag}`,
    currency: 'USD',
    agreement: { advanceRate: '0.95', reserveRate: '0.05', riskScore: 95 },
  });
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Risky Debtor ${tag}`, creditLimit: '100000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.id,
    debtorId: debtor.id,
    number: `RK-${tag}`,
    faceValue: '10000.00',
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
  await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-02' });

  const run = cli(['risk-scores']);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/band changes proposed/);

  const risk = await request.get(`/api/v1/clients/${client.id}/risk`, { headers: { authorization: `Bearer ${keys.underwriter}` } });
  expect(await risk.json()).toMatchObject({ score: 70, band: '70–79', pending: { fromBand: '90–100', toBand: '70–79', reserveRate: '0.15' } });

  await signInAs(page, 'approver');
  await page.goto(`/clients/${client.id}`);
  // the client page's Risk tab
  await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Risk' }).click();
  await page.waitForURL(/\?tab=risk$/);
  await expect(page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Risk' })).toHaveAttribute('aria-current', 'true');
  const section = page.getByRole('region', { name: 'Risk' });
  await expect(section.getByText('70', { exact: true })).toBeVisible();
  await expect(section.getByRole('row', { name: /Days beyond terms/ })).toContainText('100.00');
  await expect(section.getByRole('row', { name: /Largest debtor share/ })).toContainText('100.00%');
  await expect(section.getByRole('img', { name: /Risk score history: 70 on/ })).toBeVisible();
  await expect(section.getByText(/Proposed: band 90–100 → 70–79/)).toBeVisible();

  await section.getByRole('button', { name: 'Accept' }).click();
  const dialog = page.getByRole('alertdialog', { name: /Accept risk band 70–79: reserve rate 15%/ });
  await dialog.getByRole('button', { name: 'Accept' }).click();
  // Accepted: the proposal leaves the section (the page is rendered again with the new agreement).
  await expect(section.getByText(/Proposed: band 90–100 → 70–79/)).toHaveCount(0);

  const after = await request.get(`/api/v1/clients/${client.id}`, { headers: { authorization: `Bearer ${keys.underwriter}` } });
  expect((await after.json()).agreement).toMatchObject({ riskScore: 70, reserveRate: '0.15', advanceRate: '0.85' });
});
