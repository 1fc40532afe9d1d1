import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, pickClient, pickDebtor, signInAs } from './helpers';

/** Keys for the roles that onboard, enter and fund (created once per run). */
let keys: { underwriter: string; funding: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-bot@collections.test', 'underwriter'),
    funding: apiKeyFor('funding-bot@collections.test', 'funding'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  return { status: res.status(), body: await res.json() };
}

async function invoiceNow(request: APIRequestContext, id: string) {
  return (await request.get(`/api/v1/invoices/${id}`, { headers: auth(keys.funding) })).json();
}

/** SPEC worked example 2 (InstaPay): face 1,000 funded on 2026-01-01 — advance 900, fee 30, reserve 70. */
async function fundedInstaPayInvoice(request: APIRequestContext, number?: string) {
  const tag = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const agreement = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } };
  const client = await post(request, keys.underwriter, '/clients', { name: `Collections client ${tag}`, currency: 'USD', agreement });
  expect(client.status).toBe(201);
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Collections debtor ${tag}`, creditLimit: '250000.00' });
  expect(debtor.status).toBe(201);
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.body.id,
    debtorId: debtor.body.id,
    number: number ?? `INV-${tag}`,
    faceValue: '1000.00',
    currency: 'USD',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
  });
  expect(invoice.status).toBe(201);
  expect((await post(request, keys.funding, `/invoices/${invoice.body.id}/verify`, {})).body.status).toBe('verified');
  const funded = await post(request, keys.funding, '/fundings', { clientId: client.body.id, invoiceIds: [invoice.body.id], fundingDate: '2026-01-01' });
  expect(funded.body).toMatchObject({ status: 'funded', totalAdvance: '900.00', invoices: [{ reserve: '70.00', fees: '30.00' }] });
  return {
    invoice: invoice.body as { id: string; number: string },
    debtor: debtor.body as { id: string; name: string },
    client: client.body as { id: string; name: string },
    tag,
  };
}

/** A camt.053.001.02 statement with one booked credit of `amount` USD whose remittance names `reference`. */
function camt053(bankRef: string, amount: string, reference: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>MSG-${bankRef}</MsgId>
      <CreDtTm>2026-01-20T18:00:00Z</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>STMT-${bankRef}</Id>
      <CreDtTm>2026-01-20T18:00:00Z</CreDtTm>
      <Acct>
        <Id><IBAN>US00HOLDBACK0000000001</IBAN></Id>
        <Ccy>USD</Ccy>
      </Acct>
      <Ntry>
        <Amt Ccy="USD">${amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-20</Dt></BookgDt>
        <ValDt><Dt>2026-01-20</Dt></ValDt>
        <AcctSvcrRef>${bankRef}</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <RltdPties><Dbtr><Nm>Remitter ${bankRef}</Nm></Dbtr></RltdPties>
            <RmtInf><Ustrd>${reference}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

test.describe('collections inbox', () => {
  test('worked example 2 (InstaPay) short by 50 and charged back: the invoice is settled with 20.00 of reserve left', async ({ page, request }) => {
    const { invoice } = await fundedInstaPayInvoice(request);
    await signInAs(page, 'collections');
    await page.goto('/collections');

    const record = page.getByRole('form', { name: 'Record a payment' });
    await record.getByLabel('Amount').fill('950.00');
    await record.getByLabel('Currency').fill('USD');
    await record.getByLabel('Received date').fill('2026-01-20');
    await record.getByLabel('Reference').fill(invoice.number);
    await record.getByRole('button', { name: 'Record payment' }).click();
    // 950.00 on a 1,000.00 invoice is no exact match: it waits in the inbox with the invoice suggested.
    await expect(page.getByRole('status').filter({ hasText: 'waits in the inbox' })).toContainText(invoice.number);

    const card = page.getByRole('article').filter({ hasText: invoice.number });
    await expect(card).toHaveCount(1);
    await expect(card.getByRole('heading')).toContainText('950.00 USD');
    const suggestions = card.getByRole('table', { name: /Suggestions for payment/ });
    await expect(suggestions.getByRole('row', { name: new RegExp(`${invoice.number}.*1,000\\.00 USD.*950\\.00 USD`) })).toBeVisible();

    const split = card.getByRole('form', { name: /Split payment/ });
    await split.getByLabel('Invoice 1', { exact: true }).selectOption(invoice.id);
    await split.getByLabel('Amount 1', { exact: true }).fill('950.00');
    await split.getByLabel('If an invoice is left short').selectOption('chargeback');
    await split.getByRole('button', { name: 'Apply' }).click();
    // Charging back asks first, naming what the client bears.
    await card
      .getByRole('alertdialog', { name: new RegExp(`charge back to the client what is left short: 50\\.00 USD on invoice ${invoice.number}\\?$`) })
      .getByRole('button', { name: 'Confirm' })
      .click();

    const answer = page.getByRole('status').filter({ hasText: 'nothing is left unapplied' });
    await expect(answer).toContainText(`950.00 USD to invoice ${invoice.number}: short by 50.00 USD, charged back and settled (50.00 USD from its reserve)`);
    await expect(page.getByRole('article').filter({ hasText: invoice.number })).toHaveCount(0);

    // SPEC 6 example 2: the 50 shortfall comes out of the invoice's 70 reserve → 20 left to release.
    expect(await invoiceNow(request, invoice.id)).toMatchObject({ status: 'settled', outstanding: '0.00', reserve: '20.00' });
  });

  test('a camt.053 statement naming an invoice is applied on import, once; a malformed file lists its line errors', async ({ page, request }) => {
    const { invoice, tag } = await fundedInstaPayInvoice(request);
    const statement = camt053(`E2E-${tag}`, '1000.00', invoice.number);
    await signInAs(page, 'collections');
    await page.goto('/collections');
    const upload = page.getByRole('form', { name: 'Import a bank file' });
    const answer = page.getByRole('region', { name: 'Import a bank file' });

    await upload.getByLabel('Bank file').setInputFiles({ name: 'statement.xml', mimeType: 'application/xml', buffer: Buffer.from(statement) });
    await upload.getByRole('button', { name: 'Import bank file' }).click();
    await expect(answer.getByRole('status')).toContainText(
      'Imported 1 payment from statement.xml (camt053): 1 applied automatically, 0 skipped as already imported.',
    );
    expect(await invoiceNow(request, invoice.id)).toMatchObject({ status: 'settled', outstanding: '0.00', reserve: '70.00' });

    // The same file again: every payment carries the bank's reference, so nothing is added.
    await upload.getByLabel('Bank file').setInputFiles({ name: 'statement.xml', mimeType: 'application/xml', buffer: Buffer.from(statement) });
    await upload.getByRole('button', { name: 'Import bank file' }).click();
    await expect(answer.getByRole('status')).toContainText(
      'Imported 0 payments from statement.xml (camt053): 0 applied automatically, 1 skipped as already imported.',
    );

    // A bad amount (the entry on line 15) and a missing credit/debit indicator (the entry on line 29): refused whole, each error on its line.
    const malformed = camt053(`E2E-BAD-${tag}`, '1,000.00', invoice.number).replace(
      '    </Stmt>',
      `      <Ntry>
        <Amt Ccy="USD">10.00</Amt>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-20</Dt></BookgDt>
      </Ntry>
    </Stmt>`,
    );
    await upload.getByLabel('Bank file').setInputFiles({ name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from(malformed) });
    await upload.getByRole('button', { name: 'Import bank file' }).click();
    const alert = answer.getByRole('alert');
    await expect(alert).toContainText('broken.xml: 2 line(s) have errors; nothing was imported');
    const lines = alert.getByRole('list', { name: 'Line errors' }).getByRole('listitem');
    await expect(lines).toHaveCount(2);
    await expect(lines.nth(0)).toContainText('Line 15:');
    await expect(lines.nth(0)).toContainText('"1,000.00"');
    await expect(lines.nth(1)).toContainText('Line 29:');
    await expect(lines.nth(1)).toContainText('credit/debit indicator');
  });

  test('a charge-back by invoice number: the number at two clients asks for the client, and Charge back asks first, naming the amount', async ({
    page,
    request,
  }) => {
    const number = `CB-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    const first = await fundedInstaPayInvoice(request, number);
    const second = await fundedInstaPayInvoice(request, number);
    await signInAs(page, 'collections');
    await page.goto('/collections?tab=recourse');
    const form = page.getByRole('form', { name: 'Charge back or write off an invoice' });

    // An unknown number is said under the field, nothing is charged.
    await form.getByLabel('Invoice number').fill(`${number}-X`);
    await form.getByRole('button', { name: 'Charge back (recourse)' }).click();
    await expect(form.getByText(`No invoice numbered ${number}-X`, { exact: true })).toBeVisible();

    // The same number at two clients: the form asks which client, offering those two.
    await form.getByLabel('Invoice number').fill(number);
    await form.getByRole('button', { name: 'Charge back (recourse)' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `Invoice number ${number} exists for` })).toContainText('choose the client');
    const clientSelect = form.getByLabel('Client (when two clients use the number)');
    await expect(clientSelect).toContainText(first.client.name);
    await expect(clientSelect).toContainText(second.client.name);
    await clientSelect.selectOption({ label: first.client.name });
    await expect(form.getByLabel('Invoice number')).toHaveValue(number);
    await form.getByRole('button', { name: 'Charge back (recourse)' }).click();

    // Charge back asks first, naming the client and what is still owed; Cancel charges nothing.
    const question = `Charge back invoice ${number} to ${first.client.name}: 1,000.00 USD still owed?`;
    await page.getByRole('alertdialog', { name: question }).getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Cancelled' })).toContainText('nothing was charged back');
    expect(await invoiceNow(request, first.invoice.id)).toMatchObject({ status: 'funded' });

    await form.getByRole('button', { name: 'Charge back (recourse)' }).click();
    await page.getByRole('alertdialog', { name: question }).getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'charged back to' })).toContainText(
      `Invoice ${number} charged back to ${first.client.name}: 1,000.00 USD (70.00 USD from its reserve`,
    );
    expect(await invoiceNow(request, first.invoice.id)).toMatchObject({ status: 'charged_back' });
    expect(await invoiceNow(request, second.invoice.id)).toMatchObject({ status: 'funded' });
  });

  test('a misdirected payment: the client and the debtor picked by typing (issue 13), the invoice by number', async ({ page, request }) => {
    const { invoice, client, debtor } = await fundedInstaPayInvoice(request);
    await signInAs(page, 'collections');
    await page.goto('/collections?tab=misdirected');
    await page.locator('html[data-hydrated]').waitFor(); // the typeaheads are client components
    const form = page.getByRole('form', { name: 'Record a misdirected payment' });
    await pickClient(form, client.name, 'Client (who was paid)');
    // the debtor's suggestion tells it apart: its number, credit limit, rating and open invoices
    const debtorId = await pickDebtor(form, debtor.name, 'Debtor (who paid)');
    expect(debtorId).toBe(debtor.id);
    await expect(form.getByLabel('Debtor (who paid)', { exact: true })).toHaveValue(
      `${debtor.name} (#${debtor.id}, limit 250,000.00 USD, rating unrated, 1 open invoice)`,
    );
    await form.getByLabel('Amount').fill('1000.00');
    await form.getByLabel('Invoice numbers (comma-separated)').fill(invoice.number);
    await form.getByRole('button', { name: 'Record misdirected payment' }).click();
    await expect(page.getByRole('status').filter({ hasText: `1,000.00 USD that ${debtor.name} paid to ${client.name}.` })).toBeVisible();
  });
});
