import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors';
import { AmbiguousInvoiceError, resolveInvoiceRef } from '../../lib/invoices/reference';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const tag = () => Math.random().toString(36).slice(2, 8).toUpperCase();

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('resolveInvoiceRef: an invoice named by its number (issue 12)', () => {
  it('finds the one invoice with that number, in any case', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const number = `NW-${tag()}`;
    const invoice = await anInvoice(t.database, team, { client, debtor, number });
    expect(await resolveInvoiceRef(t.database, { number }, team.collections)).toBe(Number(invoice.id));
    expect(await resolveInvoiceRef(t.database, { number: ` ${number.toLowerCase()} ` }, team.collections)).toBe(Number(invoice.id));
  });

  it('an unknown number is a 422 keyed by the form field', async () => {
    const number = `NW-${tag()}`;
    const error = await refusal(resolveInvoiceRef(t.database, { number }, team.collections));
    expect(error).toMatchObject({
      code: 'unknown_invoice',
      status: 422,
      message: `No invoice numbered ${number}`,
      details: { invoiceNumber: `No invoice numbered ${number}` },
    });
    const keyed = await refusal(resolveInvoiceRef(t.database, { number }, team.collections, { field: 'number' }));
    expect(keyed.details).toEqual({ number: `No invoice numbered ${number}` });
  });

  it('the same number at two clients asks for the client, naming both; the client tells them apart', async () => {
    const suffix = tag();
    const northwind = await aClient(t.database, team, { name: `Northwind ${suffix}` });
    const globex = await aClient(t.database, team, { name: `Globex ${suffix}` });
    const debtor = await aDebtor(t.database, team);
    const number = `1001-${suffix}`;
    const atNorthwind = await anInvoice(t.database, team, { client: northwind, debtor, number });
    const atGlobex = await anInvoice(t.database, team, { client: globex, debtor, number });

    const error = await refusal(resolveInvoiceRef(t.database, { number }, team.collections));
    expect(error).toBeInstanceOf(AmbiguousInvoiceError);
    expect(error.status).toBe(422);
    expect(error.message).toBe(`Invoice number ${number} exists for Globex ${suffix} and Northwind ${suffix}: choose the client`);
    expect(error.details).toEqual({ invoiceNumber: error.message, clientId: 'choose the client' });
    expect((error as AmbiguousInvoiceError).clients.map((c) => c.id).sort()).toEqual([globex.id, northwind.id].sort());

    expect(await resolveInvoiceRef(t.database, { number, clientId: Number(northwind.id) }, team.collections)).toBe(Number(atNorthwind.id));
    expect(await resolveInvoiceRef(t.database, { number, clientId: Number(globex.id) }, team.collections)).toBe(Number(atGlobex.id));

    const other = await aClient(t.database, team, { name: `Initech ${suffix}` });
    const missing = await refusal(resolveInvoiceRef(t.database, { number, clientId: Number(other.id) }, team.collections));
    expect(missing).toMatchObject({ code: 'unknown_invoice', status: 422, message: `No invoice numbered ${number} for Initech ${suffix}` });
  });

  it('a client user finds only its own invoices: another client\u2019s number is unknown, never ambiguous', async () => {
    const suffix = tag();
    const mine = await aClient(t.database, team, { name: `Mine ${suffix}` });
    const theirs = await aClient(t.database, team, { name: `Theirs ${suffix}` });
    const debtor = await aDebtor(t.database, team);
    const shared = `S-${suffix}`;
    const own = await anInvoice(t.database, team, { client: mine, debtor, number: shared });
    await anInvoice(t.database, team, { client: theirs, debtor, number: shared });
    const onlyTheirs = `T-${suffix}`;
    await anInvoice(t.database, team, { client: theirs, debtor, number: onlyTheirs });
    const user = await aUser(t.database, 'client', { clientId: Number(mine.id) });

    expect(await resolveInvoiceRef(t.database, { number: shared }, user)).toBe(Number(own.id));
    expect(await refusal(resolveInvoiceRef(t.database, { number: onlyTheirs }, user))).toMatchObject({
      code: 'unknown_invoice',
      message: `No invoice numbered ${onlyTheirs}`,
    });
    // naming the other client does not widen the scope
    expect(await refusal(resolveInvoiceRef(t.database, { number: onlyTheirs, clientId: Number(theirs.id) }, user))).toMatchObject({
      code: 'unknown_invoice',
      message: `No invoice numbered ${onlyTheirs}`,
    });
  });

  it('one client with the number for two debtors says so, naming the debtors', async () => {
    const client = await aClient(t.database, team);
    const first = await aDebtor(t.database, team);
    const second = await aDebtor(t.database, team);
    const number = `D-${tag()}`;
    await anInvoice(t.database, team, { client, debtor: first, number });
    await anInvoice(t.database, team, { client, debtor: second, number });
    const error = await refusal(resolveInvoiceRef(t.database, { number, clientId: Number(client.id) }, team.collections));
    expect(error).toMatchObject({ code: 'ambiguous_invoice', status: 422 });
    expect(error.message).toContain(first.name);
    expect(error.message).toContain(second.name);
  });
  it('looks numbers up through invoices_number_sort_idx (upper(number) collate "C"; migration 0022 dropped the other index on upper(number))', async () => {
    // The statements resolveInvoice and the payment matcher send. On this small table the planner
    // would rather read the few open invoices: without a sequential scan and the status indexes
    // (dropped in a transaction rolled back), the plan shows that the number condition is an
    // index condition of invoices_number_sort_idx.
    let plans: string[] = [];
    await t.admin.sql
      .begin(async (sql) => {
        await sql`set local enable_seqscan = off`;
        await sql`drop index invoices_open_id_idx, invoices_status_id_idx`;
        const pick = await sql<{ 'QUERY PLAN': string }[]>`
          explain select i.id from invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id
           where upper(i.number) collate "C" = upper(${'inv-1'}) order by c.name, d.name, i.id limit 20`;
        const match = await sql<{ 'QUERY PLAN': string }[]>`
          explain select id, number from invoices
           where upper(number) collate "C" = any(${['INV-1', 'INV-2']}::text[]) and status in ('funded', 'disputed') and outstanding > 0`;
        plans = [pick, match].map((p) => p.map((r) => r['QUERY PLAN']).join('\n'));
        throw new Error('roll back');
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error) || error.message !== 'roll back') throw error;
      });
    expect(plans).toHaveLength(2);
    for (const plan of plans)
      expect(plan).toMatch(/(Index Scan using|Bitmap Index Scan on) invoices_number_sort_idx[^\n]*\n\s+Index Cond: \(+upper\(number\)\)::text = /);
    expect(await t.admin.sql`select 1 from pg_indexes where indexname = 'invoices_number_key_idx'`).toEqual([]);
  });
});
