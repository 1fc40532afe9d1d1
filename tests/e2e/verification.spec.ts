import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 15 item 1, "Must show": bulk verify four invoices with one call record, then fund them;
 * the threshold refusal naming the invoice, answered by a record on the invoice page.
 */
let keys: { underwriter: string; funding: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-bot@verification.test', 'underwriter'),
    funding: apiKeyFor('funding-bot@verification.test', 'funding'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  return { status: res.status(), body: await res.json() };
}

/** A client whose agreement asks for a verification above 5,000.00 USD, a debtor, and submitted invoices. */
async function schedule(request: APIRequestContext, faces: string[]) {
  const tag = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name: `Verify Co ${tag}`,
    currency: 'USD',
    agreement: { verificationThreshold: '5000.00' },
  });
  expect(client.status).toBe(201);
  expect(client.body.agreement.verificationThreshold).toBe('5000.00');
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Globex ${tag}`, creditLimit: '250000.00' });
  const invoices: { id: string; number: string }[] = [];
  for (const [n, faceValue] of faces.entries()) {
    const invoice = await post(request, keys.funding, '/invoices', {
      clientId: client.body.id,
      debtorId: debtor.body.id,
      number: `VR-${tag}-${n + 1}`,
      faceValue,
      currency: 'USD',
      issueDate: '2026-01-02',
      dueDate: '2026-02-01',
    });
    expect(invoice.body.status).toBe('submitted');
    invoices.push(invoice.body);
  }
  return { client: client.body, invoices };
}

test('bulk verify four invoices with one call record, then fund them', async ({ page, request }) => {
  const { client, invoices } = await schedule(request, ['6000.00', '7000.00', '2000.00', '3000.00']);
  await signInAs(page, 'funding');
  await page.goto(`/fundings?client=${client.id}`);
  await page.locator('html[data-hydrated]').waitFor(); // the forms are client handlers

  // Nothing to fund yet: the four wait for verification, all chosen to begin with.
  const builder = page.getByRole('form', { name: 'Funding batch', exact: true });
  await expect(builder).toContainText('has no verified invoices waiting to be funded');
  const verify = page.getByRole('form', { name: 'Verify invoices' });
  for (const i of invoices) await expect(verify.getByLabel(`Verify invoice ${i.number}`)).toBeChecked();
  await expect(verify.getByRole('row', { name: new RegExp(`${invoices[0]!.number} .* 6,000.00 USD .* none · required above the threshold`) })).toBeVisible();

  // One call, recorded for the four.
  await expect(verify.getByLabel('Method')).toHaveValue('call');
  await verify.getByLabel('Contact').fill('Jane Roe, AP at Globex');
  await expect(verify.getByLabel('Outcome')).toHaveValue('verified');
  await verify.getByLabel('Note').fill('Confirmed all four: goods received, no disputes, pays on terms');
  await verify.getByRole('button', { name: 'Record verification for the chosen invoices' }).click();
  const numbers = invoices.map((i) => i.number);
  await expect(verify.getByRole('status')).toHaveText(
    `Recorded for 4 invoices (${numbers.slice(0, 3).join(', ')} and ${numbers[3]}): phone call with Jane Roe, AP at Globex, verified. They are verified and can be funded.`,
  );
  await expect(verify).toContainText(`No invoice of ${client.name} waits for verification.`);

  // They are in the builder now, all included; fund them.
  for (const i of invoices) await expect(builder.getByLabel(`Include invoice ${i.number}`)).toBeChecked();
  await expect(builder.getByRole('row', { name: new RegExp(`${invoices[1]!.number} .* 7,000.00 USD .* Verified`) })).toBeVisible();
  await builder.getByLabel('Funding date').fill('2026-01-05');
  await builder.getByRole('button', { name: 'Fund batch' }).click();
  await builder.getByRole('alertdialog', { name: 'Fund 4 invoices: advance 14,400.00 USD?' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(builder.getByRole('status')).toContainText('is funded: 14,400.00 USD advanced');

  // Each invoice: funded, with its one record (one per invoice, the same details).
  for (const i of invoices) {
    const got = await (await request.get(`/api/v1/invoices/${i.id}`, { headers: auth(keys.funding) })).json();
    expect(got.status).toBe('funded');
    expect(got.verifications).toEqual([
      expect.objectContaining({
        method: 'call',
        contact: 'Jane Roe, AP at Globex',
        outcome: 'verified',
        note: 'Confirmed all four: goods received, no disputes, pays on terms',
        recordedBy: 'funding@holdback.demo',
      }),
    ]);
  }
  await page.goto(`/invoices/${invoices[2]!.id}`);
  await expect(
    page.getByRole('table', { name: 'Verification history' }).getByRole('row', { name: /Phone call Jane Roe, AP at Globex Verified Confirmed all four/ }),
  ).toBeVisible();
});

test('above the threshold, funding without a positive verification is refused naming the invoice; a record on the invoice page lets it fund', async ({
  page,
  request,
}) => {
  const { client, invoices } = await schedule(request, ['8000.00']);
  const invoice = invoices[0]!;
  // Verified the old way (API.md's bare verify): no record, so the threshold stops it.
  expect((await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {})).body.status).toBe('verified');
  await signInAs(page, 'funding');
  await page.goto(`/fundings?client=${client.id}`);
  await page.locator('html[data-hydrated]').waitFor();
  const builder = page.getByRole('form', { name: 'Funding batch', exact: true });
  await expect(builder.getByRole('row', { name: new RegExp(`${invoice.number} .* none recorded · required before funding`) })).toBeVisible();
  await builder.getByLabel('Funding date').fill('2026-01-05');
  await builder.getByRole('button', { name: 'Fund batch' }).click();
  await expect(builder.getByRole('alert')).toContainText(
    `Invoice ${invoice.number} needs a positive verification recorded before funding: ${client.name}'s agreement asks for one on invoices above 5,000.00 USD.`,
  );
  const api = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-05' });
  expect(api.status).toBe(422);
  expect(api.body.error).toMatchObject({ code: 'verification_required', details: { invoiceNumbers: [invoice.number] } });

  // The invoice page: a no-answer call first (it does not count), then an email that verifies.
  await page.goto(`/invoices/${invoice.id}`);
  await page.locator('html[data-hydrated]').waitFor();
  const section = page.getByRole('region', { name: 'Verification' });
  await expect(section).toContainText('No verification recorded yet.');
  await expect(section).toContainText('asks for a positive verification before funding invoices above 5,000.00 USD: this one needs it.');
  const form = section.getByRole('form', { name: 'Record verification' });
  await form.getByRole('button', { name: 'Record verification' }).click();
  await expect(form.getByRole('alert')).toHaveText('Contact is required for phone call: whom you spoke to or wrote to');
  await expect(form.getByLabel('Contact')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Contact').fill('Globex AP desk');
  await form.getByLabel('Outcome').selectOption('no_answer');
  await form.getByRole('button', { name: 'Record verification' }).click();
  await expect(form.getByRole('status')).toHaveText(
    `Recorded for invoice ${invoice.number}: phone call with Globex AP desk, no answer. Only a positive outcome counts as verified.`,
  );
  await expect(page.getByText(/^submitted · issued 2026-01-02/)).toBeVisible();

  await form.getByLabel('Method').selectOption('email');
  await form.getByLabel('Contact').fill('ap@globex.test');
  await form.getByLabel('Outcome').selectOption('verified');
  await form.getByLabel('Note').fill('Written confirmation of the amount and terms');
  await form.getByRole('button', { name: 'Record verification' }).click();
  await expect(form.getByRole('status')).toHaveText(
    `Recorded for invoice ${invoice.number}: email with ap@globex.test, verified. It is verified and can be funded.`,
  );
  await expect(page.getByText(/^verified · issued 2026-01-02/)).toBeVisible();
  const history = page.getByRole('table', { name: 'Verification history' });
  await expect(history.getByRole('row')).toHaveCount(3); // the header and two records, newest first
  await expect(history.getByRole('row').nth(1)).toContainText('Email');
  await expect(history.getByRole('row').nth(1)).toContainText('ap@globex.test');
  await expect(history.getByRole('row').nth(2)).toContainText('No answer');

  const funded = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-05' });
  expect(funded.status).toBe(201);
  expect(funded.body).toMatchObject({ status: 'funded', totalAdvance: '6400.00' });
});

test('on a phone, the verification list of Fundings and the invoice page’s Verification section fit the screen', async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { client, invoices } = await schedule(request, ['6000.00', '2000.00']);
  await signInAs(page, 'funding');
  await page.goto(`/fundings?client=${client.id}`);
  await expect(page.getByRole('form', { name: 'Verify invoices' }).getByLabel(`Verify invoice ${invoices[0]!.number}`)).toBeChecked();
  expect(await page.evaluate(() => document.documentElement.scrollWidth), '/fundings is wider than the screen').toBeLessThanOrEqual(390);
  await page.goto(`/invoices/${invoices[0]!.id}`);
  await expect(page.getByRole('form', { name: 'Record verification' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the invoice page is wider than the screen').toBeLessThanOrEqual(390);
});
