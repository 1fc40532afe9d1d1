import { expect, test } from '@playwright/test';
import { apiKeyFor } from './helpers';

/** The public API through real HTTP: keys, roles, client scoping, the error shape, health. */
test.describe('API keys and the public API', () => {
  test('health answers without a key and checks Postgres and Redis', async ({ request }) => {
    const res = await request.get('/api/health');
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
  });

  test('a missing or bad key is 401 with the documented error shape', async ({ request }) => {
    const none = await request.get('/api/v1/clients/1');
    expect(none.status()).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthenticated', message: expect.any(String), details: {} } });
    const bad = await request.get('/api/v1/clients/1', { headers: { authorization: 'Bearer hb_not-a-real-key-at-all-000000000' } });
    expect(bad.status()).toBe(401);
  });

  test('a staff key reads a client, its current agreement and its ledger with running balances', async ({ request }) => {
    const key = apiKeyFor('warehouse@api.test', 'auditor');
    const headers = { authorization: `Bearer ${key}` };
    const client = await request.get('/api/v1/clients/1', { headers });
    expect(client.status()).toBe(200);
    const body = await client.json();
    expect(body).toMatchObject({
      id: '1',
      name: 'Acme Freight LLC',
      currency: 'USD',
      status: 'active',
      agreement: { model: 'recourse', advanceRate: '0.80', reserveRate: '0.20' },
    });
    // every page of the ledger (API.md pagination: 50 lines a page by default)
    const lines: { account: string; credit: string; runningBalance: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await (await request.get(`/api/v1/clients/1/ledger${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { headers })).json();
      lines.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const reserve = lines.filter((l) => l.account === 'reserve');
    expect(reserve.length).toBe(8);
    // Running balance = sum of the 20% held on each funded invoice so far.
    let held = 0n;
    for (const line of reserve) {
      held += BigInt(line.credit.replace('.', ''));
      expect(line.runningBalance.replace('.', '')).toBe(held.toString());
    }
    const missing = await request.get('/api/v1/clients/999999', { headers });
    expect(missing.status()).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });

  test("a client key sees only its own client: another client's ids are 404", async ({ request }) => {
    const key = apiKeyFor('erp@acme.test', 'client', '1');
    const headers = { authorization: `Bearer ${key}` };
    expect((await request.get('/api/v1/clients/1', { headers })).status()).toBe(200);
    for (const path of ['/api/v1/clients/2', '/api/v1/clients/2/ledger', '/api/v1/clients/3']) {
      const res = await request.get(path, { headers });
      expect(res.status()).toBe(404);
      expect(JSON.stringify(await res.json())).not.toContain('Northwind');
    }
    // Northwind's first invoice is id 13 (twelve per client, in order)
    const other = await request.get('/api/v1/invoices/13', { headers });
    expect(other.status()).toBe(404);
    const own = await request.get('/api/v1/invoices/1', { headers });
    expect(own.status()).toBe(200);
    expect(await own.json()).toMatchObject({ id: '1', clientId: '1', number: 'AF-1001', status: 'funded' });
  });
});
