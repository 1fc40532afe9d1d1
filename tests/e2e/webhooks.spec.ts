import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { apiKeyFor, signInAs } from './helpers';

/**
 * Issue 16 item 8 in the browser: an admin adds a webhook in Settings (the secret shown once), an
 * event reaches a receiver signed as README says, the delivery log shows it delivered, and
 * Redeliver (after asking) sends the same event id again.
 */

interface Got {
  eventId: string;
  type: string;
  verified: boolean;
}

test('Settings → Webhooks: add, receive a signed event, see it in the log, redeliver it', async ({ page, request }) => {
  test.setTimeout(120_000);
  let secret = '';
  const got: Got[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['holdback-signature'] ?? '');
      const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
      const t = Number(parts.t);
      const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
      const given = Buffer.from(parts.v1 ?? '', 'hex');
      const verified = Math.abs(Date.now() / 1000 - t) <= 300 && given.length === expected.length && timingSafeEqual(given, expected);
      const event = JSON.parse(body) as { id: string; type: string };
      got.push({ eventId: event.id, type: event.type, verified });
      res.writeHead(verified ? 200 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/holdback`;
  try {
    await signInAs(page, 'admin');
    await page.goto('/settings');
    await page.getByRole('link', { name: 'Manage webhooks' }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await page.locator('html[data-hydrated]').waitFor();
    const form = page.getByRole('form', { name: 'Add a webhook' });
    // a bad URL is named, and what was typed is kept
    await form.getByLabel('URL').fill('ftp://example.com/x');
    await form.getByRole('checkbox', { name: /statement\.ready/ }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByRole('alert')).toContainText('URL must start with https:// or http://');
    await expect(form.getByLabel('URL')).toHaveValue('ftp://example.com/x');
    await expect(form.getByRole('checkbox', { name: /statement\.ready/ })).toBeChecked();
    await form.getByLabel('URL').fill(url);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByRole('status')).toContainText('Copy its signing secret now');
    secret = await form.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);

    // an event: a statement issued through the API
    const key = apiKeyFor('webhooks.e2e@factor.test', 'controller');
    const issued = await request.post('/api/v1/clients/1/statements', {
      headers: { authorization: `Bearer ${key}` },
      data: { from: '2026-11-10', to: '2026-11-12' },
    });
    expect(issued.status()).toBe(201);
    await expect.poll(() => got.filter((g) => g.type === 'statement.ready').length, { timeout: 45_000 }).toBe(1);
    expect(got[0]!.verified).toBe(true);
    const eventId = got[0]!.eventId;

    // the log: delivered, HTTP 200; Redeliver asks, then queues it again
    await expect(async () => {
      await page.reload();
      await expect(
        page.getByRole('table', { name: 'Webhook deliveries' }).getByRole('row', { name: new RegExp(`${eventId}.*delivered.*HTTP 200`) }),
      ).toBeVisible({
        timeout: 1000,
      });
    }).toPass({ timeout: 30_000 });
    await page.locator('html[data-hydrated]').waitFor();
    const row = page.getByRole('table', { name: 'Webhook deliveries' }).getByRole('row', { name: new RegExp(eventId) });
    await row.getByRole('button', { name: 'Redeliver' }).click();
    const question = page.getByRole('alertdialog', { name: /Send delivery \d+ .* again\?/ });
    await expect(question).toBeVisible();
    await question.getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => got.length, { timeout: 45_000 }).toBe(2);
    expect(got[1]).toEqual({ eventId, type: 'statement.ready', verified: true });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
