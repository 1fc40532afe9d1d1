import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor, mailTo, signInAs } from './helpers';

/**
 * Issue 15, item 4 — "send a debtor statement (received by the test SMTP server, PDF parsed)", as
 * people do it: an admin fills in Settings → Debtor statements (a mistyped routing number is
 * refused naming the field, what was typed stays); a collector adds the debtor's AP contact on the
 * debtor page, emails its statement (asked first, naming the recipient, the invoices and what is
 * open), the email reaches the real SMTP server tests/e2e/serve.ts runs with the statement as a
 * PDF, whose text lists the open invoices and where to pay; the invoice page shows the send.
 */
let keys: { underwriter: string; funding: string; collections: string };
const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-e2e-dstmt-'));
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-dstmt@ui.test', 'underwriter'),
    funding: apiKeyFor('funding-dstmt@ui.test', 'funding'),
    collections: apiKeyFor('collector-dstmt@ui.test', 'collections'),
  };
});
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

test('a collector emails a debtor its statement: the AP contact receives it with the PDF, and the invoice shows it was sent', async ({ browser, request }) => {
  const tag = `${Date.now()}`;
  const short = tag.slice(-6);
  const ap = `payables-${tag}@debtor.test`;
  // short enough for one line of the PDF's invoice table (longer ones wrap: tests/unit/debtor-statements.test.ts)
  const clientName = `Stmt Co ${short}`;
  const client = await post(request, keys.underwriter, '/clients', {
    name: clientName,
    currency: 'USD',
    agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } },
  });
  const debtorName = `Statement Debtor ${tag}`;
  const debtor = await post(request, keys.underwriter, '/debtors', { name: debtorName, creditLimit: '100000.00' });
  await post(request, keys.underwriter, `/clients/${client.id}/noa`, { debtorId: debtor.id, sentDate: '2026-01-02' });
  const invoices = [];
  for (const [n, face, due] of [
    [1, '10000.00', '2026-01-31'],
    [2, '5000.00', '2026-02-28'],
  ] as const) {
    const invoice = await post(request, keys.funding, '/invoices', {
      clientId: client.id,
      debtorId: debtor.id,
      number: `ST${short}-${n}`,
      faceValue: face,
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: due,
    });
    await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
    invoices.push(invoice);
  }
  await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: invoices.map((i) => i.id), fundingDate: '2026-01-02' });
  const payment = await post(request, keys.collections, '/payments', { amount: '4000.00', currency: 'USD', receivedDate: '2026-02-10', payerName: debtorName });
  await post(request, keys.collections, `/payments/${payment.id}/applications`, { allocations: [{ invoiceId: invoices[0].id, amount: '4000.00' }] });

  // An admin says where debtors pay: a mistyped routing number is refused, naming the field, keeping what was typed.
  const admin = await browser.newPage();
  await signInAs(admin, 'admin');
  await admin.goto('/settings');
  await admin.getByRole('link', { name: 'Edit debtor statements' }).click();
  await admin.locator('html[data-hydrated]').waitFor();
  const remit = admin.getByRole('form', { name: 'Remittance instructions' });
  await remit.getByLabel('Pay to').fill('Holdback E2E Factor LLC');
  await remit.getByLabel('Bank name').fill('First E2E Bank');
  await remit.getByLabel('Routing number (ABA)').fill('021000022');
  await remit.getByLabel('Account number').fill('4455 6677 88');
  await remit.getByRole('button', { name: 'Save remittance instructions' }).click();
  await expect(remit.getByLabel('Routing number (ABA)')).toHaveAccessibleDescription(/Routing number \(ABA\) is not a valid ABA routing number/);
  await expect(remit.getByLabel('Pay to')).toHaveValue('Holdback E2E Factor LLC');
  await expect(remit.getByLabel('Account number')).toHaveValue('4455 6677 88');
  await remit.getByLabel('Routing number (ABA)').fill('021000021');
  await remit.getByRole('button', { name: 'Save remittance instructions' }).click();
  await expect(remit.getByRole('status')).toHaveText('Saved: statements tell debtors to pay Holdback E2E Factor LLC.');
  await admin.close();

  // A collector adds the debtor's AP contact (an address that is none is refused) and emails the statement.
  const page = await browser.newPage();
  await signInAs(page, 'collections');
  await page.goto(`/debtors/${debtor.id}`);
  await page.locator('html[data-hydrated]').waitFor();
  const section = page.getByRole('region', { name: 'Statements and reminders' });
  await expect(section).toContainText('No AP contact: no statement or reminder can be emailed to this debtor until one is added.');
  await expect(section).toContainText('The statement tells the debtor to pay Holdback E2E Factor LLC, 4455667788');
  const contact = section.getByRole('form', { name: 'AP contact' });
  // the browser takes it, the server does not (no domain)
  await contact.getByLabel('AP contact email').fill('payables@debtor');
  await contact.getByLabel('AP contact name').fill('Accounts Payable');
  await contact.getByRole('button', { name: 'Save AP contact' }).click();
  await expect(contact.getByLabel('AP contact email')).toHaveAccessibleDescription(/AP contact email must be an email address such as ap@example.com/);
  await expect(contact.getByLabel('AP contact name')).toHaveValue('Accounts Payable');
  await contact.getByLabel('AP contact email').fill(ap);
  await contact.getByRole('button', { name: 'Save AP contact' }).click();
  await expect(contact.getByRole('status')).toHaveText(`Statements and reminders for ${debtorName} go to Accounts Payable, ${ap}.`);

  // the PDF download, as the link opens it
  const download = await page.request.get(`/api/v1/debtors/${debtor.id}/statement.pdf`);
  expect(download.status()).toBe(200);
  expect(download.headers()['content-type']).toBe('application/pdf');

  const send = section.getByRole('form', { name: `Email ${debtorName} its statement` });
  await send.getByRole('button', { name: 'Email statement' }).click();
  const ask = send.getByRole('alertdialog', { name: `Email ${debtorName}'s statement of 2 open invoices, 11,000.00 USD to ${ap}?` });
  await ask.getByRole('button', { name: 'Send statement' }).click();
  await expect(send.getByRole('status')).toContainText(`Statement of 2 open invoices, 11,000.00 USD queued to ${ap}`);

  // the real SMTP server receives it, the statement attached as a PDF
  const mail = await mailTo(ap);
  expect(mail.subject).toMatch(new RegExp(`^Statement of open invoices from .+ — ${debtorName}, \\d{4}-\\d{2}-\\d{2}$`));
  expect(mail.text).toContain('Dear Accounts Payable,');
  expect(mail.text).toContain('Pay to: Holdback E2E Factor LLC');
  expect(mail.attachments).toHaveLength(1);
  expect(mail.attachments[0]!.contentType).toBe('application/pdf');
  expect(mail.attachments[0]!.filename).toMatch(new RegExp(`^debtor-${debtor.id}-statement-\\d{4}-\\d{2}-\\d{2}-\\d+\\.pdf$`));
  const text = pdfText(mail.attachments[0]!.content, 'mailed');
  expect(text).toContain('Statement of open invoices');
  expect(text).toContain(`${debtorName} (debtor ${debtor.id})`);
  expect(text).toMatch(new RegExp(`ST${short}-1\\s+${clientName}\\s+2026-01-01\\s+2026-01-31\\s+\\d+\\s+USD\\s+10,000\\.00\\s+4,000\\.00\\s+6,000\\.00\\n`));
  expect(text).toMatch(new RegExp(`ST${short}-2\\s+${clientName}\\s+2026-01-01\\s+2026-02-28\\s+\\d+\\s+USD\\s+5,000\\.00\\s+0\\.00\\s+5,000\\.00\\n`));
  expect(text).toMatch(/USD\s+2\s+15,000\.00\s+4,000\.00\s+11,000\.00\s+11,000\.00\n/);
  expect(text).toMatch(/Pay to\s+Holdback E2E Factor LLC/);
  expect(text).toMatch(/Routing number \(ABA\)\s+021000021/);
  expect(text).toMatch(/Account number\s+4455667788/);
  expect(text).toMatch(new RegExp(`${clientName}\\s+notice sent 2026-01-02`));

  // each invoice's page shows the send: what, to whom, what it owed then
  await page.goto(`/invoices/${invoices[0].id}`);
  const sent = page.getByRole('table', { name: 'Reminders and statements sent' });
  await expect(sent.getByRole('row')).toHaveCount(2);
  await expect(sent).toContainText('Statement');
  await expect(sent).toContainText(ap);
  await expect(sent).toContainText('6,000.00 USD');
  // and the debtor page lists it
  await page.goto(`/debtors/${debtor.id}`);
  await expect(page.getByRole('table', { name: 'Statements and reminders sent' })).toContainText(ap);
  await page.close();
});
