import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { createDebtor } from '../../lib/debtors';
import { DomainError } from '../../lib/errors';
import { createInvoice } from '../../lib/invoices';
import { importInvoices } from '../../lib/invoices/import';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aTeam, anInvoice, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  // The route handlers use the process-wide pool: point it at this file's database.
  process.env.DATABASE_URL = t.url;
});
afterAll(async () => {
  await closeDatabase();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

const HEADER = 'number,debtor,face_value,currency,issue_date,due_date';
const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

const importAs = (actor: Team[keyof Team], clientId: string, text: string) =>
  t.database.transaction((tx) => importInvoices(tx, { clientId, csv: text }, actor));

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function storedInvoices(clientId: string) {
  return t.database.sql<
    { number: string; debtor_id: string; currency: string; face_value: string; issue_date: string; due_date: string; status: string; created_by: string }[]
  >`
    select number, debtor_id, currency, face_value, issue_date, due_date, status, created_by from invoices where client_id = ${clientId} order by id`;
}

describe('importing a schedule of accounts', () => {
  it('imports every row of a good file as a submitted invoice, with one audit event for the file naming every invoice', async () => {
    const client = await aClient(t.database, team);
    const [globex, initech] = [await aDebtor(t.database, team), await aDebtor(t.database, team)];
    const file = `\uFEFF${csv(
      `A-1001,${globex!.name},10000,USD,2026-01-05,2026-02-04`,
      '',
      `"A-1002, rush",${initech!.id},2500.50,,2026-01-06,2026-03-07`,
      `A-1001,${initech!.id},0.01,USD,2026-01-07,2026-01-07`,
    )}`;
    const result = await importAs(team.funding, client.id, file);
    expect(result.count).toBe(3);
    expect(result.invoices.map((i) => [i.line, i.number, i.debtorName, i.faceValue, i.status])).toEqual([
      [2, 'A-1001', globex!.name, '10000.00', 'submitted'],
      [4, 'A-1002, rush', initech!.name, '2500.50', 'submitted'],
      [5, 'A-1001', initech!.name, '0.01', 'submitted'],
    ]);
    expect(result.invoices[0]).toMatchObject({
      clientId: client.id,
      clientName: client.name,
      debtorId: globex!.id,
      currency: 'USD',
      issueDate: '2026-01-05',
      dueDate: '2026-02-04',
      fundingDate: null,
    });

    const stored = await storedInvoices(client.id);
    const by = String(team.funding.userId);
    expect(stored).toEqual([
      {
        number: 'A-1001',
        debtor_id: globex!.id,
        currency: 'USD',
        face_value: '10000.0000',
        issue_date: '2026-01-05',
        due_date: '2026-02-04',
        status: 'submitted',
        created_by: by,
      },
      {
        number: 'A-1002, rush',
        debtor_id: initech!.id,
        currency: 'USD',
        face_value: '2500.5000',
        issue_date: '2026-01-06',
        due_date: '2026-03-07',
        status: 'submitted',
        created_by: by,
      },
      {
        number: 'A-1001',
        debtor_id: initech!.id,
        currency: 'USD',
        face_value: '0.0100',
        issue_date: '2026-01-07',
        due_date: '2026-01-07',
        status: 'submitted',
        created_by: by,
      },
    ]);

    const events = await t.database.sql<
      { action: string; target_id: string; actor: string; after: { count?: number; totals?: unknown; invoiceIds?: string[]; invoices?: unknown[][] } }[]
    >`
      select action, target_id, actor, after from audit_events
       where (action = 'invoice.import' and target_id = ${client.id})
       order by id`;
    expect(events.map((e) => [e.action, e.target_id])).toEqual([['invoice.import', client.id]]);
    expect(events[0]!.after.invoices![1]).toEqual([
      result.invoices[1]!.id,
      result.invoices[1]!.line,
      'A-1002, rush',
      initech!.id,
      'USD',
      '2500.50',
      '2026-01-06',
      '2026-03-07',
    ]);
    expect(events[0]!.actor).toBe(team.funding.label);
    expect(events[0]!.after).toMatchObject({ count: 3, totals: [{ currency: 'USD', faceValue: '12500.51' }], invoiceIds: result.invoices.map((i) => i.id) });
  });

  it('imports nothing from a file with two bad lines and names both lines in readable messages', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const error = await refusal(
      importAs(
        team.funding,
        client.id,
        csv(
          `B-1,${debtor.name},100.00,USD,2026-01-01,2026-01-31`,
          `B-2,${debtor.name},1e3,USD,2026-01-01,2026-01-31`,
          `B-3,${debtor.name},100.00,USD,2026-01-01,2026-01-31`,
          `B-4,No Such Debtor Ltd,100.00,USD,2026-01-01,2026-01-31`,
          `B-5,${debtor.name},100.00,USD,2026-01-01,2026-01-31`,
        ),
      ),
    );
    expect(error).toMatchObject({ status: 422, code: 'invalid_schedule', message: '2 lines have errors; nothing was imported' });
    expect(error.details.errors).toEqual([
      { line: 3, message: 'faceValue "1e3" is not a plain decimal number (digits and one point, no exponent)' },
      { line: 5, message: 'there is no debtor "No Such Debtor Ltd" (give its id or its exact name)' },
    ]);
    expect(await storedInvoices(client.id)).toEqual([]);
  });

  it('refuses a duplicate of an existing invoice, and a number twice in the file, on their lines', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    await anInvoice(t.database, team, { client, debtor, number: 'C-1001', verified: false });
    const error = await refusal(
      importAs(
        team.funding,
        client.id,
        csv(
          `C-1000,${debtor.id},100.00,USD,2026-01-01,2026-01-31`,
          `C-1002,${debtor.id},100.00,USD,2026-01-01,2026-01-31`,
          `C-1003,${debtor.id},100.00,USD,2026-01-01,2026-01-31`,
          `C-1003,${debtor.name},200.00,USD,2026-01-01,2026-01-31`,
          '',
          '',
          `C-1001,${debtor.name},100.00,USD,2026-01-01,2026-01-31`,
        ),
      ),
    );
    expect(error.message).toBe('2 lines have errors; nothing was imported');
    expect(error.details.errors).toEqual([
      { line: 5, message: `invoice C-1003 for ${debtor.name} appears twice in this file (first on line 4)` },
      { line: 8, message: `invoice C-1001 exists already for this client and debtor (${debtor.name})` },
    ]);
    expect((await storedInvoices(client.id)).map((i) => i.number)).toEqual(['C-1001']);
    // The same number for another client, or another debtor, is a different invoice.
    const other = await aClient(t.database, team);
    expect((await importAs(team.funding, other.id, csv(`C-1001,${debtor.id},100.00,USD,2026-01-01,2026-01-31`))).count).toBe(1);
  });

  it('refuses a debtor name that several debtors share, and an unknown debtor id', async () => {
    const client = await aClient(t.database, team);
    const name = `Twin Debtor ${client.id}`;
    const twins = await t.database.transaction(async (tx) => [
      await createDebtor(tx, { name, creditLimit: '100000.00' }, team.underwriter),
      await createDebtor(tx, { name, creditLimit: '100000.00' }, team.underwriter),
    ]);
    const error = await refusal(
      importAs(
        team.funding,
        client.id,
        [
          'number,debtor_id,face_value,currency,issue_date,due_date',
          `D-1,${twins[0]!.id},1.00,USD,2026-01-01,2026-01-02`,
          'D-2,999999,1.00,USD,2026-01-01,2026-01-02',
        ].join('\n'),
      ),
    );
    expect(error.details.errors).toEqual([{ line: 3, message: 'there is no debtor with id 999999' }]);
    const ambiguous = await refusal(importAs(team.funding, client.id, csv(`D-3,${name},1.00,USD,2026-01-01,2026-01-02`)));
    expect(ambiguous.details.errors).toEqual([
      { line: 2, message: `debtor "${name}" matches 2 debtors (ids ${twins[0]!.id}, ${twins[1]!.id}); give the debtor id instead` },
    ]);
  });

  it('refuses a missing column on line 1, an unknown client, and every role but funding', async () => {
    const client = await aClient(t.database, team);
    const missing = await refusal(importAs(team.funding, client.id, 'number,debtor,face_value,issue_date\nE-1,1,1.00,2026-01-01\n'));
    expect(missing.details.errors).toEqual([{ line: 1, message: 'the column due_date is missing from the header row' }]);
    await expect(importAs(team.funding, '999999', csv())).rejects.toMatchObject({
      status: 422,
      code: 'unknown_client',
      details: { clientId: 'no such client' },
    });
    await expect(importAs(team.funding, 'abc', csv())).rejects.toMatchObject({ status: 400, details: { clientId: 'must be an id' } });
    for (const role of ['underwriter', 'collections', 'approver', 'controller', 'admin'] as const) {
      await expect(importAs(team[role], client.id, csv())).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('lets only one of two concurrent imports of the same file in', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const file = csv(...Array.from({ length: 200 }, (_, i) => `F-${i},${debtor.id},${i + 1}.00,USD,2026-01-01,2026-01-31`));
    const outcomes = await Promise.allSettled([importAs(team.funding, client.id, file), importAs(team.funding, client.id, file)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 422, code: 'invalid_schedule', message: '200 lines have errors; nothing was imported' });
    expect(await storedInvoices(client.id)).toHaveLength(200);
  });
});

describe('creating one invoice', () => {
  it('refuses a second invoice with the same number for the same client and debtor with 409', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const input = {
      clientId: client.id,
      debtorId: debtor.id,
      number: 'G-1',
      faceValue: '500.00',
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
    };
    await t.database.transaction((tx) => createInvoice(tx, input, team.funding));
    await expect(t.database.transaction((tx) => createInvoice(tx, { ...input, faceValue: '600.00' }, team.funding))).rejects.toMatchObject({
      status: 409,
      code: 'duplicate_invoice',
      message: 'Invoice G-1 exists already for this client and debtor',
    });
  });
});

describe('the API routes', () => {
  async function keyFor(role: keyof Team): Promise<string> {
    const actor = team[role];
    return (await t.database.transaction((tx) => createApiKey(tx, actor.userId!, 'test', actor))).key;
  }
  const post = async (path: string, key: string, body: string, contentType = 'application/json') => {
    const pathname = path.split('?')[0];
    const { POST } =
      pathname === '/api/v1/invoices/import'
        ? await import('../../app/api/v1/invoices/import/route')
        : path === '/api/v1/invoices'
          ? await import('../../app/api/v1/invoices/route')
          : await import('../../app/api/v1/invoices/[id]/verify/route');
    const id = /\/invoices\/(\d+)\/verify/.exec(path)?.[1];
    return POST(
      new Request(`http://holdback.test${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body }),
      {
        params: Promise.resolve(id ? { id } : {}),
      } as never,
    );
  };

  it('POST /invoices/import: 201 with the invoices, 422 with every line error, 403 for other roles', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const key = await keyFor('funding');
    const good = await post(`/api/v1/invoices/import?clientId=${client.id}`, key, csv(`H-1,${debtor.name},1234.56,USD,2026-01-01,2026-01-31`), 'text/csv');
    expect(good.status).toBe(201);
    const body = await good.json();
    expect(body).toMatchObject({
      count: 1,
      errors: [],
      invoices: [{ number: 'H-1', debtorId: debtor.id, faceValue: '1234.56', currency: 'USD', status: 'submitted', line: 2 }],
    });

    const bad = await post(
      `/api/v1/invoices/import?clientId=${client.id}`,
      key,
      csv(`H-1,${debtor.name},1.00,USD,2026-01-01,2026-01-31`, `H-2,${debtor.name},1.001,USD,2026-01-01,2026-01-31`),
      'text/csv',
    );
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({
      error: {
        code: 'invalid_schedule',
        message: '2 lines have errors; nothing was imported',
        details: {
          errors: [
            { line: 2, message: `invoice H-1 exists already for this client and debtor (${debtor.name})` },
            { line: 3, message: 'faceValue "1.001" has more than 2 decimal places' },
          ],
        },
      },
    });

    const refused = await post(
      `/api/v1/invoices/import?clientId=${client.id}`,
      await keyFor('collections'),
      csv(`H-3,${debtor.name},1.00,USD,2026-01-01,2026-01-31`),
      'text/csv',
    );
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');
  });

  it('POST /invoices creates (201, then 409 for the duplicate) and POST /invoices/{id}/verify verifies', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const key = await keyFor('funding');
    const input = JSON.stringify({
      clientId: client.id,
      debtorId: debtor.id,
      number: 'J-1',
      faceValue: '10000.00',
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: '2026-03-01',
    });
    const created = await post('/api/v1/invoices', key, input);
    expect(created.status).toBe(201);
    const invoice = await created.json();
    expect(invoice).toMatchObject({
      clientId: client.id,
      debtorId: debtor.id,
      number: 'J-1',
      status: 'submitted',
      faceValue: '10000.00',
      outstanding: '10000.00',
    });
    const again = await post('/api/v1/invoices', key, input);
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('duplicate_invoice');

    const verified = await post(`/api/v1/invoices/${invoice.id}/verify`, key, '');
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ id: invoice.id, status: 'verified' });
    const byAdmin = await post(`/api/v1/invoices/${invoice.id}/verify`, await keyFor('admin'), '');
    expect(byAdmin.status).toBe(403);
  });
});
