import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import type { ClientView } from '../../lib/clients';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { createDebtor, type DebtorView } from '../../lib/debtors';
import { approveDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { fundBatch } from '../../lib/funding';
import type { InvoiceView } from '../../lib/invoices';
import { search, type SearchItem } from '../../lib/search';
import { createApiKey } from '../../lib/users';
import { aClient, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));
// The route also takes the signed-in session (the console's typeahead); here nobody is signed in.
vi.mock('../../lib/auth/session', () => ({ currentActor: async () => null }));

/**
 * Issue 13, item 3: GET /api/v1/search through its route handler (an API key, the app's role,
 * this file's database). Invoices by partial number, payments by reference and payer, clients
 * and debtors by name; a client user's key finds only its own client's.
 */

let t: TestDatabase;
let team: Team;
const keys: Record<string, string> = {};
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let northwind: ClientView;
let globex: ClientView;
let acme: DebtorView;
let acmeTwin: DebtorView;
let initech: DebtorView;
const inv: Record<string, InvoiceView> = {};
let wire: string;
let other: string;
let clientUser: Actor;
const tag = randomBytes(3).toString('hex').toUpperCase();

async function funded(client: ClientView, debtor: DebtorView, number: string, faceValue: string): Promise<InvoiceView> {
  const invoice = await anInvoice(t.database, team, { client, debtor, number, faceValue });
  await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-05' }, team.funding));
  return invoice;
}

const debtor = (name: string, creditLimit: string) => t.database.transaction((tx) => createDebtor(tx, { name, creditLimit }, team.underwriter));

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  northwind = await aClient(t.database, team, { name: `Northwind Traders ${tag}` });
  globex = await aClient(t.database, team, { name: `Globex ${tag}` });
  acme = await debtor(`Acme Corp ${tag}`, '250000.00');
  acmeTwin = await debtor(`Acme Corp ${tag}`, '75000.00');
  initech = await debtor(`Initech ${tag}`, '50000.00');
  // NW-1003 and NW-1050 start with NW-10; XNW-1077 only contains it; NW-2003 neither.
  inv['NW-1003'] = await funded(northwind, acme, 'NW-1003', '2003.00');
  inv['NW-1050'] = await anInvoice(t.database, team, { client: northwind, debtor: acme, number: 'NW-1050', faceValue: '1050.00' });
  inv['XNW-1077'] = await anInvoice(t.database, team, { client: northwind, debtor: initech, number: 'XNW-1077', faceValue: '1077.00' });
  inv['NW-2003'] = await anInvoice(t.database, team, { client: northwind, debtor: acme, number: 'NW-2003' });
  inv['GX-1009'] = await funded(globex, initech, 'GX-1009', '1009.00');
  inv['NW-1005'] = await anInvoice(t.database, team, { client: globex, debtor: initech, number: 'NW-1005', faceValue: '1005.00' });
  // A payment from Acme naming NW-1003, applied to it; another from Initech to Globex's invoice.
  const paid = await t.database.transaction((tx) =>
    receivePayment(
      tx,
      { amount: '500.00', currency: 'USD', receivedDate: '2026-02-10', payerName: `Acme Wholesale ${tag}`, reference: `WIRE REF-${tag} for NW-1003` },
      team.collections,
    ),
  );
  await t.database.transaction((tx) =>
    applyPayment(tx, Number(paid.id), { allocations: [{ invoiceId: inv['NW-1003']!.id, amount: '500.00' }] }, team.collections),
  );
  wire = paid.id;
  const theirs = await t.database.transaction((tx) =>
    receivePayment(
      tx,
      { amount: '300.00', currency: 'USD', receivedDate: '2026-02-11', payerName: `Initech Payables ${tag}`, reference: `GX-1009 REF-${tag}X` },
      team.collections,
    ),
  );
  await t.database.transaction((tx) =>
    applyPayment(tx, Number(theirs.id), { allocations: [{ invoiceId: inv['GX-1009']!.id, amount: '300.00' }] }, team.collections),
  );
  other = theirs.id;
  clientUser = await aUser(t.database, 'client', { clientId: Number(northwind.id) });
  for (const [name, actor] of Object.entries({ ...team, client: clientUser })) {
    keys[name] = (await t.database.transaction((tx) => createApiKey(tx, actor.userId!, 'test', actor))).key;
  }
  await t.admin.sql`analyze`;
  // The route uses the process-wide pool: point it at this file's database, as the app's role.
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.appUrl);
  await closeDatabase();
});

afterAll(async () => {
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function get(query: string, key: string | null) {
  const { GET } = (await import('../../app/api/v1/search/route')) as unknown as { GET: Handler };
  const res = await GET(new Request(`http://holdback.test/api/v1/search?${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), {
    params: Promise.resolve({}),
  });
  return { status: res.status, body: (await res.json()) as { items: SearchItem[]; error: { code: string; message: string; details: Record<string, string> } } };
}

const labels = (items: SearchItem[], type?: string) => items.filter((i) => !type || i.type === type).map((i) => i.label);

describe('GET /api/v1/search (staff)', () => {
  it('a partial number finds the invoices that start with it first, NW-1003 first, then those that contain it', async () => {
    const { status, body } = await get('q=NW-10&type=invoice', keys.collections!);
    expect(status).toBe(200);
    expect(labels(body.items)).toEqual(['NW-1003', 'NW-1005', 'NW-1050', 'XNW-1077']);
    expect(body.items[0]).toEqual({
      type: 'invoice',
      id: inv['NW-1003']!.id,
      label: 'NW-1003',
      detail: `Northwind Traders ${tag} · Acme Corp ${tag} · 2,003.00 USD · funded`,
      url: `/invoices/${inv['NW-1003']!.id}`,
    });
    // the same number typed another way is the same number
    expect(labels((await get('q=nw1003&type=invoice', keys.collections!)).body.items)).toEqual(['NW-1003']);
    expect(labels((await get('q=nw%201050', keys.collections!)).body.items, 'invoice')).toEqual(['NW-1050']);
  });

  it('all kinds at once, best matches first, at most `limit`', async () => {
    const { body } = await get('q=NW-1003', keys.collections!);
    // the exact invoice, then the payment whose reference contains the number
    expect(body.items.map((i) => `${i.type}:${i.id}`)).toEqual([`invoice:${inv['NW-1003']!.id}`, `payment:${wire}`]);
    const limited = await get('q=NW-10&limit=2', keys.collections!);
    expect(labels(limited.body.items)).toEqual(['NW-1003', 'NW-1005']);
  });

  it('payments by reference and by payer name, with what tells them apart', async () => {
    const byReference = await get(`q=ref-${tag}&type=payment`, keys.collections!);
    expect(byReference.body.items.map((i) => i.id).sort()).toEqual([wire, other].sort());
    const byPayer = await get(`q=acme wholesale ${tag}&type=payment`, keys.collections!);
    expect(byPayer.body.items).toEqual([
      {
        type: 'payment',
        id: wire,
        label: `Payment ${wire}: 500.00 USD`,
        detail: `from Acme Wholesale ${tag} · ref WIRE REF-${tag} for NW-1003 · received 2026-02-10 · applied`,
        url: `/payments/${wire}`,
      },
    ]);
    // a payer's name from its start
    expect((await get(`q=initech pay&type=payment`, keys.collections!)).body.items.map((i) => i.id)).toEqual([other]);
  });

  it('clients and debtors by name; two debtors of one name are told apart', async () => {
    const clients = await get(`q=northwind ${tag}&type=client`, keys.collections!);
    expect(clients.body.items).toEqual([
      { type: 'client', id: northwind.id, label: `Northwind Traders ${tag}`, detail: `Client ${northwind.id} · active · USD`, url: `/clients/${northwind.id}` },
    ]);
    const debtors = await get(`q=acme corp ${tag}&type=debtor`, keys.collections!);
    expect(debtors.body.items.map((i) => i.detail)).toEqual([
      `Debtor ${acme.id} · credit limit 250,000.00 USD · rating unrated`,
      `Debtor ${acmeTwin.id} · credit limit 75,000.00 USD · rating unrated`,
    ]);
    expect(debtors.body.items.map((i) => i.url)).toEqual([`/debtors/${acme.id}`, `/debtors/${acmeTwin.id}`]);
    // a near miss (a typo) still finds the debtor
    expect(labels((await get(`q=initek ${tag}&type=debtor`, keys.collections!)).body.items)).toEqual([`Initech ${tag}`]);
  });

  it('staff who may not open Collections do not get payments (their page is there)', async () => {
    const { body } = await get(`q=ref-${tag}`, keys.funding!);
    expect(body.items.filter((i) => i.type === 'payment')).toEqual([]);
    expect((await get(`q=ref-${tag}&type=payment`, keys.funding!)).body.items).toEqual([]);
  });

  it('q shorter than 2 characters, a bad limit or type: 400 naming the parameter; no key: 401', async () => {
    const short = await get('q=N', keys.collections!);
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ code: 'invalid_input', details: { q: 'Search text (q) must be at least 2 characters' } });
    const missing = await get('', keys.collections!);
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.details)).toEqual(['q']);
    expect((await get('q=NW&limit=51', keys.collections!)).body.error.details).toEqual({ limit: 'limit must be between 1 and 50' });
    expect((await get('q=NW&type=journal', keys.collections!)).status).toBe(400);
    expect((await get('q=NW-10', null)).status).toBe(401);
  });
});

describe('GET /api/v1/search (a client user)', () => {
  it('finds only its own client’s invoices, never another client’s', async () => {
    const { status, body } = await get('q=NW-10', keys.client!);
    expect(status).toBe(200);
    // NW-1005 is Globex's: not found; every url is the portal (the console is staff's)
    expect(labels(body.items, 'invoice')).toEqual(['NW-1003', 'NW-1050', 'XNW-1077']);
    expect(body.items.every((i) => i.url === '/portal')).toBe(true);
    expect((await get('q=GX-1009', keys.client!)).body.items).toEqual([]);
    expect((await get('q=NW-1005', keys.client!)).body.items).toEqual([]);
  });

  it('its own payments only, its own client only, no debtors', async () => {
    const payments = await get(`q=ref-${tag}`, keys.client!);
    expect(payments.body.items.map((i) => `${i.type}:${i.id}`)).toEqual([`payment:${wire}`]);
    expect((await get(`q=initech payables ${tag}`, keys.client!)).body.items).toEqual([]);
    expect(labels((await get(`q=${tag}&type=client`, keys.client!)).body.items)).toEqual([`Northwind Traders ${tag}`]);
    expect((await get(`q=globex ${tag}`, keys.client!)).body.items).toEqual([]);
    expect((await get(`q=acme corp ${tag}&type=debtor`, keys.client!)).body.items).toEqual([]);
  });

  it('the lib scopes the same way for an actor with no client (matches nothing)', async () => {
    const orphan: Actor = { ...clientUser, clientId: null };
    expect((await search(t.database, orphan, 'NW-10')).items).toEqual([]);
  });
});

describe('GET /api/v1/search after a debtor merge (migration 0019)', () => {
  it('does not find the merged debtor: only the one it was merged into, by either name', async () => {
    const merge = await t.database.transaction((tx) =>
      requestDebtorMerge(tx, Number(acmeTwin.id), { intoDebtorId: acme.id, reason: 'Same company, entered twice' }, team.underwriter),
    );
    await t.database.transaction((tx) => approveDebtorMerge(tx, Number(merge.id), team.approver));
    const debtors = await get(`q=acme corp ${tag}&type=debtor`, keys.collections!);
    expect(debtors.body.items.map((i) => `${i.id} ${i.url}`)).toEqual([`${acme.id} /debtors/${acme.id}`]);
    // a near miss does not bring the merged one back either
    expect((await get(`q=acme corq ${tag}&type=debtor`, keys.collections!)).body.items.map((i) => i.id)).toEqual([acme.id]);
    const all = await search(t.database, team.collections, `acme corp ${tag}`);
    expect(all.items.filter((i) => i.id === acmeTwin.id && i.type === 'debtor')).toEqual([]);
  });
});
