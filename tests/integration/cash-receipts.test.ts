import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { fundBatch } from '../../lib/funding';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 15 item 5: the cash receipts journal (GET /api/v1/cash-receipts, Collections → Cash
 * receipts) — one row per application of a payment to an invoice, with its date, payment reference,
 * payer, debtor, client, invoice number, amount and currency; filtered, sorted, keyset-paged both
 * ways, counted, and exported as CSV; staff only.
 */
let t: TestDatabase;
let team: Team;
let key: string;
const databaseUrlBefore = process.env.DATABASE_URL;

interface Receipt {
  id: string;
  date: string;
  paymentId: string;
  reference: string;
  payerName: string;
  debtorName: string;
  clientName: string;
  invoiceNumber: string;
  amount: string;
  currency: string;
}
interface Answer {
  items: Receipt[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalApproximate: boolean;
  error?: { details: Record<string, string> };
}

async function call(query: Record<string, string>, withKey = key): Promise<{ status: number; body: Answer; text: string; type: string }> {
  const { GET } = await import('../../app/api/v1/cash-receipts/route');
  const qs = new URLSearchParams(query).toString();
  const res = await GET(new Request(`http://holdback.test/api/v1/cash-receipts${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${withKey}` } }), {
    params: Promise.resolve({}),
  } as never);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, body: type.includes('json') ? (JSON.parse(text) as Answer) : ({} as Answer), text, type };
}

/** Every page forwards (limit 2), then back with Previous: the rows in order, and the total each page said. */
async function walk(query: Record<string, string>): Promise<{ rows: Receipt[]; total: number }> {
  const pages: { rows: Receipt[]; prev: string | null }[] = [];
  let cursor: string | null = null;
  let total = -1;
  do {
    const { status, body } = await call({ ...query, limit: '2', ...(cursor ? { cursor } : {}) });
    expect(status, JSON.stringify(body)).toBe(200);
    if (total === -1) total = body.total;
    expect(body.total).toBe(total);
    pages.push({ rows: body.items, prev: body.prevCursor });
    cursor = body.nextCursor;
  } while (cursor);
  for (let i = pages.length - 1; i > 0; i -= 1) {
    const back = await call({ ...query, limit: '2', cursor: pages[i]!.prev! });
    expect(back.body.items.map((x) => x.id)).toEqual(pages[i - 1]!.rows.map((r) => r.id));
  }
  return { rows: pages.flatMap((p) => p.rows), total };
}

const summary = (r: Receipt) => [r.date, r.invoiceNumber, r.amount, r.currency, r.clientName, r.debtorName, r.reference, r.payerName];

let clientUser: Actor;
let names: { alder: string; birch: string; globex: string; initech: string };

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  team = await aTeam(t.database);
  const alder = await aClient(t.database, team, { name: 'Alder Works' });
  const birch = await aClient(t.database, team, { name: 'Birch Supply', currency: 'EUR' });
  const globex = await aDebtor(t.database, team);
  const initech = await aDebtor(t.database, team);
  names = { alder: alder.name, birch: birch.name, globex: globex.name, initech: initech.name };
  const inv = async (client: typeof alder, debtor: typeof globex, number: string, faceValue: string) =>
    anInvoice(t.database, team, { client, debtor, number, faceValue });
  const a1 = await inv(alder, globex, 'CR-101', '1000.00');
  const a2 = await inv(alder, globex, 'CR-102', '2500.00');
  const a3 = await inv(alder, initech, 'CR-103', '700.00');
  const b1 = await inv(birch, initech, 'CR-201', '4000.00');
  await t.database.transaction((tx) => fundBatch(tx, { clientId: alder.id, invoiceIds: [a1.id, a2.id, a3.id], fundingDate: '2026-01-05' }, team.funding));
  await t.database.transaction((tx) => fundBatch(tx, { clientId: birch.id, invoiceIds: [b1.id], fundingDate: '2026-01-05' }, team.funding));
  const receive = (amount: string, currency: string, receivedDate: string, payerName: string, reference: string) =>
    t.database.transaction((tx) => receivePayment(tx, { amount, currency, receivedDate, payerName, reference }, team.collections));
  // Applied at once (the reference names the invoice and the amount is what it owes).
  await receive('1000.00', 'USD', '2026-02-03', 'Globex Retail', 'INV CR-101');
  await receive('4000.00', 'EUR', '2026-02-10', 'Initech AG', 'RE CR-201');
  // One payment over two invoices, applied by hand: two rows of the journal.
  const split = await receive('3200.00', 'USD', '2026-02-15', 'Mixed Payer', 'March remittance');
  await t.database.transaction((tx) =>
    applyPayment(
      tx,
      Number(split.id),
      {
        allocations: [
          { invoiceId: a2.id, amount: '2500.00' },
          { invoiceId: a3.id, amount: '700.00' },
        ],
      },
      team.collections,
    ),
  );
  // Left unapplied: not in the journal.
  await receive('99.00', 'USD', '2026-02-16', 'Nobody', 'no invoice');
  key = (await t.database.transaction((x) => createApiKey(x, team.collections.userId!, 'receipts test', team.collections))).key;
  clientUser = await aUser(t.database, 'client', { clientId: Number(alder.id) });
});
afterAll(async () => {
  await closeDatabase();
  process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

describe('the cash receipts journal (issue 15 item 5)', () => {
  it('one row per application, newest first, with the payment, payer, debtor, client, invoice, amount and currency', async () => {
    const { rows, total } = await walk({});
    expect(total).toBe(4);
    expect(rows.map(summary)).toEqual([
      // one date: the later application first (the list's tiebreaker, newest first)
      ['2026-02-15', 'CR-103', '700.00', 'USD', names.alder, names.initech, 'March remittance', 'Mixed Payer'],
      ['2026-02-15', 'CR-102', '2500.00', 'USD', names.alder, names.globex, 'March remittance', 'Mixed Payer'],
      ['2026-02-10', 'CR-201', '4000.00', 'EUR', names.birch, names.initech, 'RE CR-201', 'Initech AG'],
      ['2026-02-03', 'CR-101', '1000.00', 'USD', names.alder, names.globex, 'INV CR-101', 'Globex Retail'],
    ]);
    // the two rows of the split payment name the same payment
    expect(rows[0]!.paymentId).toBe(rows[1]!.paymentId);
    expect((await walk({ order: 'asc' })).rows.map((r) => r.invoiceNumber)).toEqual(['CR-101', 'CR-201', 'CR-102', 'CR-103']);
  });

  it('sorts by amount', async () => {
    expect((await walk({ sort: 'amount', order: 'desc' })).rows.map((r) => r.amount)).toEqual(['4000.00', '2500.00', '1000.00', '700.00']);
    expect((await walk({ sort: 'amount' })).rows.map((r) => r.amount)).toEqual(['700.00', '1000.00', '2500.00', '4000.00']);
  });

  it('filters by date range, debtor, client, invoice number and currency', async () => {
    const numbers = async (q: Record<string, string>) => {
      const { rows, total } = await walk(q);
      expect(total).toBe(rows.length);
      return rows.map((r) => r.invoiceNumber);
    };
    expect(await numbers({ from: '2026-02-04', to: '2026-02-14' })).toEqual(['CR-201']);
    expect(await numbers({ from: '2026-02-10' })).toEqual(['CR-103', 'CR-102', 'CR-201']);
    expect(await numbers({ debtorName: names.initech.slice(-8) })).toEqual(['CR-103', 'CR-201']);
    expect(await numbers({ clientName: 'alder' })).toEqual(['CR-103', 'CR-102', 'CR-101']);
    expect(await numbers({ invoice: 'cr-103' })).toEqual(['CR-103']);
    expect(await numbers({ currency: 'EUR' })).toEqual(['CR-201']);
    const [ids] = await t.database.sql<{ client_id: string; debtor_id: string }[]>`
      select client_id::text, debtor_id::text from invoices where number = 'CR-102'`;
    expect(await numbers({ clientId: ids!.client_id, debtorId: ids!.debtor_id })).toEqual(['CR-102', 'CR-101']);
    expect(await numbers({ invoice: 'CR-999' })).toEqual([]);
  });

  it('exports the whole filtered set as CSV, in the list’s order', async () => {
    const csv = await call({ format: 'csv', currency: 'USD' });
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Application,Date,Payment,Payment reference,Payer,Debtor,Client,Invoice,Amount applied,Currency');
    expect(lines.slice(1).map((l) => l.split(',').slice(7).join(','))).toEqual(['CR-103,700.00,USD', 'CR-102,2500.00,USD', 'CR-101,1000.00,USD']);
  });

  it('refuses a bad filter naming it, and a client user', async () => {
    const bad = await call({ from: '2026-03-01', to: '2026-02-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.details).toEqual({ to: 'Date to must not be before Date from' });
    expect((await call({ sort: 'payer' })).status).toBe(400);
    const clientKey = (await t.database.transaction((x) => createApiKey(x, clientUser.userId!, 'client', clientUser))).key;
    expect((await call({}, clientKey)).status).toBe(403);
  });
});
