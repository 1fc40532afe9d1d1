import { expect, test, type APIRequestContext } from '@playwright/test';
import { addDays, todayIn } from '../../lib/dates';
import { apiKeyFor, demoUser, signInAs } from './helpers';

/**
 * Issue 15 item 3, "Must show": a collector writes a call on an invoice with a follow-up for
 * tomorrow and the debtor's promise to pay, and an email on the debtor with a follow-up for today;
 * the dashboard's "My follow-ups today" lists the debtor's (due today) and, under "Upcoming (next
 * 7 days)", the invoice's — tomorrow's follow-up, in sight today (tomorrow it is in the due list:
 * tests/integration/notes.test.ts reads the same query as of tomorrow). Done takes the debtor's
 * off the list, and its page says who closed it. A refused note keeps what was typed.
 */
let keys: { underwriter: string; funding: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-notes@notes.test', 'underwriter'),
    funding: apiKeyFor('funding-notes@notes.test', 'funding'),
  };
});

async function post(request: APIRequestContext, key: string, urlPath: string, data: unknown) {
  const res = await request.post(`/api/v1${urlPath}`, { headers: { authorization: `Bearer ${key}` }, data });
  expect(res.status(), `${urlPath}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

test('a note and a follow-up on an invoice and a debtor: on the dashboard today and under Upcoming for tomorrow; marked done', async ({ page, request }) => {
  // FACTOR_TIMEZONE is UTC in the browser tests (playwright.config.ts)
  const today = todayIn('UTC');
  const tomorrow = addDays(today, 1);
  const tag = Date.now().toString(36);
  const agreement = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } };
  const client = await post(request, keys.underwriter, '/clients', { name: `Notes Freight ${tag}`, currency: 'USD', agreement });
  const debtor = await post(request, keys.underwriter, '/debtors', { name: `Slowpay Stores ${tag}`, creditLimit: '250000.00' });
  const invoice = await post(request, keys.funding, '/invoices', {
    clientId: client.id,
    debtorId: debtor.id,
    number: `NOTE-${tag}`,
    faceValue: '6000.00',
    currency: 'USD',
    issueDate: addDays(today, -40),
    dueDate: addDays(today, -10),
  });
  await post(request, keys.funding, `/invoices/${invoice.id}/verify`, {});
  await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: [invoice.id], fundingDate: addDays(today, -39) });

  const collector = demoUser('collections');
  await signInAs(page, 'collections');
  await page.goto(`/invoices/${invoice.id}`);
  await page.locator('html[data-hydrated]').waitFor();
  const section = page.getByRole('region', { name: 'Notes and follow-ups' });
  await expect(section.getByText('No notes yet.')).toBeVisible();
  const form = section.getByRole('form', { name: `Add a note to invoice NOTE-${tag}` });

  // refused: a promise without its amount — the form keeps what was typed and names the field
  await form.getByLabel('Kind').selectOption('call');
  await form.getByLabel('Note').fill('Spoke to Dana in AP: approved, paying 1,500 in the next run.');
  await form.getByLabel('Follow-up date').fill(tomorrow);
  await form.getByLabel('Promised date').fill(addDays(today, 3));
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(section.getByRole('alert')).toHaveText('Promised amount is required with a promised date');
  await expect(form.getByLabel('Note')).toHaveValue('Spoke to Dana in AP: approved, paying 1,500 in the next run.');
  await expect(form.getByLabel('Promised amount')).toHaveAttribute('aria-invalid', 'true');

  await form.getByLabel('Promised amount').fill('1,500.00');
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(section.getByRole('status')).toHaveText(
    `Call added with a follow-up on ${tomorrow} for ${collector.name} and a promise of 1,500.00 USD by ${addDays(today, 3)}.`,
  );
  const history = section.getByRole('list', { name: `Notes on invoice NOTE-${tag}` });
  const call = history.getByRole('listitem').first();
  await expect(call).toContainText(`Call · ${today}`);
  await expect(call).toContainText(collector.name);
  await expect(call).toContainText('Spoke to Dana in AP: approved, paying 1,500 in the next run.');
  await expect(call).toContainText(`Follow-up ${tomorrow} · ${collector.name} · Due tomorrow`);
  await expect(call).toContainText(`Promised 1,500.00 USD by ${addDays(today, 3)} · 0.00 USD collected since ${today}`);
  await expect(call).toContainText('Pending');
  // a blank form for the next note
  await expect(form.getByLabel('Note')).toHaveValue('');

  // on the debtor: an email with a follow-up due today
  await page.goto(`/debtors/${debtor.id}`);
  await page.locator('html[data-hydrated]').waitFor();
  const debtorSection = page.getByRole('region', { name: 'Notes and follow-ups' });
  const debtorForm = debtorSection.getByRole('form', { name: `Add a note to debtor Slowpay Stores ${tag}` });
  await expect(debtorForm.getByLabel('Promised date')).toHaveCount(0);
  await debtorForm.getByLabel('Kind').selectOption('email');
  await debtorForm.getByLabel('Note').fill('Asked for the remittance advice of last week’s wire.');
  await debtorForm.getByLabel('Follow-up date').fill(today);
  await debtorForm.getByRole('button', { name: 'Add note' }).click();
  await expect(debtorSection.getByRole('status')).toHaveText(`Email added with a follow-up on ${today} for ${collector.name}.`);

  // the dashboard: the debtor's due today; the invoice's tomorrow, under Upcoming
  await page.goto('/dashboard');
  await page.locator('html[data-hydrated]').waitFor();
  const mine = page.getByRole('region', { name: 'My follow-ups today' });
  const due = mine.getByRole('list', { name: 'Due today or earlier' });
  const upcoming = mine.getByRole('list', { name: 'Upcoming (next 7 days)' });
  const debtorRow = due.getByRole('listitem').filter({ hasText: `Slowpay Stores ${tag}` });
  await expect(debtorRow).toContainText('Due today');
  await expect(debtorRow).toContainText('Email: Asked for the remittance advice of last week’s wire.');
  const invoiceRow = upcoming.getByRole('listitem').filter({ hasText: `NOTE-${tag}` });
  await expect(invoiceRow).toContainText('Due tomorrow');
  await expect(invoiceRow).toContainText('Call: Spoke to Dana in AP');
  await expect(due.getByRole('listitem').filter({ hasText: `NOTE-${tag}` })).toHaveCount(0);
  // each links to its subject
  await expect(invoiceRow.getByRole('link', { name: `Invoice NOTE-${tag}` })).toHaveAttribute('href', `/invoices/${invoice.id}`);
  await expect(debtorRow.getByRole('link', { name: `Debtor Slowpay Stores ${tag}` })).toHaveAttribute('href', `/debtors/${debtor.id}`);

  // Done: off the list; the debtor's page says who closed it and when
  await debtorRow.getByRole('button', { name: 'Done' }).click();
  await expect(due.getByRole('listitem').filter({ hasText: `Slowpay Stores ${tag}` })).toHaveCount(0);
  await expect(upcoming.getByRole('listitem').filter({ hasText: `NOTE-${tag}` })).toHaveCount(1);
  await page.goto(`/debtors/${debtor.id}`);
  const closed = page.getByRole('region', { name: 'Notes and follow-ups' }).getByRole('listitem').first();
  await expect(closed).toContainText(`Follow-up ${today} · ${collector.name} · Done by ${collector.name} at ${today}`);
  await expect(closed.getByRole('button', { name: 'Done' })).toHaveCount(0);

  // every open follow-up of mine, a paged list; every note on the invoice, a paged list
  await page.goto('/dashboard');
  await page.getByRole('link', { name: 'All my open follow-ups' }).click();
  await expect(page).toHaveURL(/\/notes\/follow-ups\?owner=\d+$/);
  const open = page.getByRole('table', { name: /^Open follow-ups/ });
  await expect(open.getByRole('row').filter({ hasText: `Invoice NOTE-${tag}` })).toContainText('Due tomorrow');
  await expect(open.getByRole('row').filter({ hasText: `Slowpay Stores ${tag}` })).toHaveCount(0);
  await page.goto(`/notes?subjectType=invoice&subjectId=${invoice.id}`);
  await expect(page.getByRole('heading', { name: `Notes on invoice NOTE-${tag}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId('list-showing')).toHaveText('Showing 1–1 of 1 notes');
  await expect(
    page
      .getByRole('table', { name: /^Notes on invoice/ })
      .getByRole('row')
      .nth(1),
  ).toContainText('1,500.00 USD by');

  // the invoice's follow-up from the dashboard's link
  await page.goto('/dashboard');
  await page
    .getByRole('region', { name: 'My follow-ups today' })
    .getByRole('link', { name: `Invoice NOTE-${tag}` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
  await expect(page.getByRole('region', { name: 'Notes and follow-ups' })).toContainText('Promise to pay: 1,500.00 USD by');

  // on a 390-px phone the section and the dashboard's list fit the screen (the form in one column)
  await page.setViewportSize({ width: 390, height: 844 });
  const notes = page.getByRole('region', { name: 'Notes and follow-ups' });
  const fits = (target: typeof notes) => target.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= 390);
  await expect.poll(() => fits(notes)).toBe(true);
  await page.goto('/dashboard');
  await expect(page.getByRole('region', { name: 'My follow-ups today' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth), '/dashboard is wider than the screen').toBeLessThanOrEqual(390);
});
