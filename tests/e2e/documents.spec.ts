import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { aPdf, aPng, aWindowsProgram } from '../support/documents';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 15 item 2 ("Must show"): a proof of delivery uploaded on an invoice's page is listed and
 * previewed there; a client user uploads the signed schedule to its own schedule in the portal;
 * another client's document is 404 to a client user, by the API and by its URL; a program renamed
 * .pdf is refused with a clear message and nothing is listed.
 */
let funding: string;
test.beforeAll(() => {
  funding = apiKeyFor(`funding-docs-${Date.now()}@docs.test`, 'funding');
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

interface InvoiceItem {
  id: string;
  number: string;
  status: string;
  client: { id: string; name: string };
}

async function invoices(request: APIRequestContext): Promise<InvoiceItem[]> {
  const res = await request.get('/api/v1/invoices?limit=100', { headers: auth(funding) });
  expect(res.status()).toBe(200);
  return (await res.json()).items as InvoiceItem[];
}

/** A funding batch of the client's (the schedule of one of its funded invoices). */
async function scheduleOf(request: APIRequestContext, clientId: string): Promise<string> {
  const res = await request.get(`/api/v1/fundings?clientId=${clientId}&status=funded&limit=1`, { headers: auth(funding) });
  expect(res.status()).toBe(200);
  return ((await res.json()).items as { id: string }[])[0]!.id;
}

function documentsOf(page: Page) {
  return page.getByRole('region', { name: 'Documents' });
}

test('funding uploads a proof of delivery on an invoice and sees it there, previewed; a program renamed .pdf is refused', async ({ page, request }) => {
  // a funded invoice nothing is attached to yet (a retry, or the test below, may have used the first)
  let invoice: InvoiceItem | undefined;
  for (const i of (await invoices(request)).filter((x) => x.status === 'funded')) {
    const listed = await request.get(`/api/v1/documents?subjectType=invoice&subjectId=${i.id}`, { headers: auth(funding) });
    if ((await listed.json()).total === 0) {
      invoice = i;
      break;
    }
  }
  if (!invoice) throw new Error('no funded invoice without documents in the demo portfolio');
  await signInAs(page, 'funding');
  await page.goto(`/invoices/${invoice.id}`);
  await page.locator('html[data-hydrated]').waitFor(); // the upload form is client-handled
  const section = documentsOf(page);
  await expect(section).toContainText(`No documents are attached to invoice ${invoice.number} yet.`);
  const form = section.getByRole('form', { name: 'Upload a document' });
  await expect(form.getByLabel('Kind of document')).toHaveValue('proof_of_delivery');

  // an image: listed and shown inline
  const tag = Date.now();
  const png = aPng(60, 40, [20, 120, 60]);
  await form.getByLabel(/^File \(PDF, PNG or JPEG, up to 10 MB\)/).setInputFiles({ name: `pod-${tag}.png`, mimeType: 'image/png', buffer: png });
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByRole('status')).toHaveText(
    new RegExp(`^pod-${tag}\\.png \\(proof of delivery, PNG image, [0-9.]+ (bytes|KB)\\) is attached to Invoice ${invoice.number}\\.$`),
  );
  const list = section.getByRole('list', { name: `Documents of Invoice ${invoice.number}` });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  const preview = list.getByRole('img', { name: `Preview of pod-${tag}.png` });
  await expect(preview).toBeVisible();
  // the browser decoded the image the API sent: 60 × 40 pixels
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`)).toBe('60x40');
  await expect(list.getByText('Proof of delivery · PNG image')).toBeVisible();

  // a PDF: opened from the API with its type, inline
  await form.getByLabel(/^File /).setInputFiles({ name: `pod-${tag}.pdf`, mimeType: 'application/pdf', buffer: aPdf(`POD ${invoice.number}`) });
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByRole('status')).toContainText(`pod-${tag}.pdf (proof of delivery, PDF,`);
  await expect(list.getByRole('listitem')).toHaveCount(2);
  const open = list.getByRole('link', { name: `Open pod-${tag}.pdf (PDF)` });
  const href = (await open.getAttribute('href'))!;
  const served = await page.request.get(href);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('application/pdf');
  expect(served.headers()['content-disposition']).toBe(`inline; filename="pod-${tag}.pdf"`);
  expect((await served.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // a Windows program named invoice.pdf: refused in words, nothing added
  await form.getByLabel(/^File /).setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: aWindowsProgram() });
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByRole('alert')).toContainText('invoice.pdf is named as a PDF, but its content is a Windows program (it starts with "MZ")');
  await expect(form.getByRole('alert')).toContainText('Nothing was stored.');
  await page.reload();
  await expect(
    documentsOf(page)
      .getByRole('list', { name: `Documents of Invoice ${invoice.number}` })
      .getByRole('listitem'),
  ).toHaveCount(2);

  // and the API lists the two, newest first
  const listed = await request.get(`/api/v1/documents?subjectType=invoice&subjectId=${invoice.id}`, { headers: auth(funding) });
  expect(((await listed.json()).items as { fileName: string }[]).map((d) => d.fileName)).toEqual([`pod-${tag}.pdf`, `pod-${tag}.png`]);
});

test('a client user uploads the signed schedule to its own schedule in the portal', async ({ page, request }) => {
  await signInAs(page, 'client');
  const schedules = page.getByRole('region', { name: 'Your schedules' });
  const first = schedules.getByRole('link', { name: /^Schedule \d+$/ }).first();
  const scheduleId = /\d+/.exec((await first.textContent())!)![0];
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/portal/schedules/${scheduleId}$`));
  await expect(page.getByRole('heading', { name: `Schedule ${scheduleId}` })).toBeVisible();
  await page.locator('html[data-hydrated]').waitFor();
  const section = documentsOf(page);
  const form = section.getByRole('form', { name: 'Upload a document' });
  await expect(form.getByLabel('Kind of document')).toHaveValue('schedule');
  const name = `schedule-${scheduleId}-signed-${Date.now()}.pdf`;
  await form.getByLabel(/^File /).setInputFiles({ name, mimeType: 'application/pdf', buffer: aPdf(`Schedule ${scheduleId}, signed`) });
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByRole('status')).toContainText(`${name} (signed schedule, PDF,`);
  await expect(form.getByRole('status')).toContainText(`is attached to Schedule ${scheduleId}.`);
  const link = section.getByRole('link', { name: `Open ${name} (PDF)` });
  await expect(link).toBeVisible();
  const served = await page.request.get((await link.getAttribute('href'))!);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('application/pdf');

  // the factor's staff see it on the funding batch
  const listed = await request.get(`/api/v1/documents?subjectType=schedule&subjectId=${scheduleId}`, { headers: auth(funding) });
  const items = (await listed.json()).items as { fileName: string; kind: string; uploadedBy: string }[];
  expect(items[0]).toMatchObject({ fileName: name, kind: 'schedule', uploadedBy: 'client@holdback.demo' });
});

test("another client's document is 404 to a client user, by the API and by its URL", async ({ page, request }) => {
  await signInAs(page, 'client');
  const ownId = (await page.getByRole('region', { name: 'A statement for any period' }).getAttribute('data-client-id'))!;
  const all = await invoices(request);
  const other = all.find((i) => i.client.id !== ownId && i.status === 'funded')!;
  const own = all.find((i) => i.client.id === ownId)!;
  const otherSchedule = await scheduleOf(request, other.client.id);
  const upload = async (subjectType: string, subjectId: string, name: string) => {
    const res = await request.post(`/api/v1/documents?subjectType=${subjectType}&subjectId=${subjectId}&kind=other&fileName=${name}`, {
      headers: { ...auth(funding), 'content-type': 'application/pdf' },
      data: aPdf(`${name} ${Date.now()}`),
    });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()) as { id: string; sha256: string; size: number; contentType: string };
  };
  const theirs = await upload('invoice', other.id, 'their-pod.pdf');
  const theirSchedule = await upload('schedule', otherSchedule, 'their-schedule.pdf');
  const mine = await upload('invoice', own.id, 'our-pod.pdf');
  expect(theirs.contentType).toBe('application/pdf');
  expect(theirs.sha256).toMatch(/^[0-9a-f]{64}$/);

  // by its URL, signed in to the portal
  for (const id of [theirs.id, theirSchedule.id]) {
    const res = await page.request.get(`/api/v1/documents/${id}`);
    expect(res.status(), `document ${id}`).toBe(404);
    expect((await res.json()).error).toEqual({ code: 'not_found', message: `Document ${id} not found`, details: {} });
  }
  const opened = await page.goto(`/api/v1/documents/${theirs.id}`);
  expect(opened!.status()).toBe(404);
  const schedulePage = await page.goto(`/portal/schedules/${otherSchedule}`);
  expect(schedulePage!.status()).toBe(404);
  expect((await page.request.get(`/api/v1/documents?subjectType=invoice&subjectId=${other.id}`)).status()).toBe(404);
  // its own client's document opens
  expect((await page.request.get(`/api/v1/documents/${mine.id}`)).status()).toBe(200);

  // by the API, with the client user's key
  const clientKey = apiKeyFor(`client-docs-${Date.now()}@acme.test`, 'client', ownId);
  for (const path of [
    `/documents/${theirs.id}`,
    `/documents/${theirSchedule.id}`,
    `/documents?subjectType=invoice&subjectId=${other.id}`,
    `/documents?subjectType=schedule&subjectId=${otherSchedule}`,
    `/documents?subjectType=client&subjectId=${other.client.id}`,
  ]) {
    const res = await request.get(`/api/v1${path}`, { headers: auth(clientKey) });
    expect(res.status(), path).toBe(404);
    expect((await res.json()).error.code, path).toBe('not_found');
  }
  const ownList = await request.get(`/api/v1/documents?subjectType=invoice&subjectId=${own.id}`, { headers: auth(clientKey) });
  expect(ownList.status()).toBe(200);
  expect(((await ownList.json()).items as { id: string }[]).map((d) => d.id)).toContain(mine.id);
});

test.describe('on a 390 × 844 phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the Documents sections and the portal schedules fit the screen', async ({ page, request }) => {
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    const invoice = (await invoices(request)).find((i) => i.status === 'funded')!;
    await request.post(`/api/v1/documents?subjectType=invoice&subjectId=${invoice.id}&kind=invoice_image&fileName=${'a-very-long-file-name-'.repeat(6)}.png`, {
      headers: { ...auth(funding), 'content-type': 'image/png' },
      data: aPng(900, 300),
    });
    await signInAs(page, 'funding');
    await page.goto(`/invoices/${invoice.id}`);
    await expect(documentsOf(page).getByRole('form', { name: 'Upload a document' })).toBeVisible();
    expect(await width(), 'the invoice page is wider than the screen').toBeLessThanOrEqual(390);
    await page.context().clearCookies();
    await signInAs(page, 'client');
    await expect(page.getByRole('region', { name: 'Your schedules' })).toBeVisible();
    expect(await width(), '/portal is wider than the screen').toBeLessThanOrEqual(390);
    await page.goto('/portal/schedules');
    await expect(page.getByRole('heading', { name: 'Your schedules', level: 1 })).toBeVisible();
    expect(await width(), '/portal/schedules is wider than the screen').toBeLessThanOrEqual(390);
    await page
      .getByRole('link', { name: /^Schedule \d+$/ })
      .first()
      .click();
    await expect(documentsOf(page)).toBeVisible();
    expect(await width(), 'a portal schedule is wider than the screen').toBeLessThanOrEqual(390);
  });
});
