import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { verifyAll } from '../../lib/audit/verify';
import { findBankProfile, listBankProfiles, saveBankProfile } from '../../lib/collections/bank-profiles';
import { importBankFile } from '../../lib/collections/import';
import { inboxListDefinition, inboxPage } from '../../lib/collections/payment-list';
import { applyPayment } from '../../lib/collections/payments';
import { fundBatch } from '../../lib/funding';
import { getInvoice } from '../../lib/invoices';
import { parseListRequest } from '../../lib/lists/keyset';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 15 item 6: a bank CSV imported through a saved bank profile (its columns, MM/DD/YYYY dates
 * and 8,000.00 amounts); the next file with the same profile; a line that parses but cannot be
 * applied goes to the inbox with its reason instead of refusing the file; a malformed line still
 * refuses it, naming every bad line; the API takes `?profile=`.
 */
let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;

const PROFILE = {
  name: 'First Federal',
  delimiter: 'comma',
  dateColumn: 'Posting Date',
  amountColumn: 'Credit Amount',
  referenceColumn: 'Description',
  payerColumn: 'Originator',
  bankReferenceColumn: 'Ref No',
  currency: 'USD',
  dateFormat: 'MM/DD/YYYY',
  amountFormat: '8,000.00',
};

const file = (rows: string[]) => ['Posting Date,Description,Credit Amount,Originator,Ref No', ...rows].join('\r\n');
const importWith = (text: string, extra: { profile?: string; partial?: boolean } = {}) =>
  t.database.transaction((tx) => importBankFile(tx, { text, ...extra }, team.collections));

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  team = await aTeam(t.database);
});
afterAll(async () => {
  await closeDatabase();
  process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

describe('bank profiles (issue 15 item 6)', () => {
  it('saves a mapping under a name, audited; the same name in another case replaces it, audited with what it was', async () => {
    const saved = await t.database.transaction((tx) => saveBankProfile(tx, { ...PROFILE, name: 'Scratch Bank' }, team.collections));
    expect(saved).toMatchObject({
      created: true,
      name: 'Scratch Bank',
      mapping: {
        delimiter: ',',
        columns: { date: 'Posting Date', amount: 'Credit Amount', reference: 'Description', payer: 'Originator', bankReference: 'Ref No' },
        currency: 'USD',
        dateFormat: 'MM/DD/YYYY',
        amountFormat: '8,000.00',
      },
    });
    const again = await t.database.transaction((tx) =>
      saveBankProfile(tx, { ...PROFILE, name: 'scratch bank', delimiter: 'semicolon', amountFormat: '8.000,00' }, team.collections),
    );
    expect(again).toMatchObject({ created: false, id: saved.id, name: 'scratch bank', mapping: { delimiter: ';', amountFormat: '8.000,00' } });
    expect((await findBankProfile(t.database, 'SCRATCH BANK')).id).toBe(saved.id);
    expect((await findBankProfile(t.database, saved.id)).name).toBe('scratch bank');
    const audit = await t.database.sql<{ action: string; before: { mapping: { delimiter: string } } | null; after: { name: string } }[]>`
      select action, before, after from audit_events where target_type = 'bank_profile' and target_id = ${saved.id} order by id`;
    expect(audit.map((a) => [a.action, a.before?.mapping.delimiter ?? null, a.after.name])).toEqual([
      ['bank_profile.create', null, 'Scratch Bank'],
      ['bank_profile.update', ',', 'scratch bank'],
    ]);
  });

  it('refuses a mapping without a currency, or with one column for two fields, naming the field', async () => {
    const { currency: _c, ...noCurrency } = PROFILE;
    await expect(t.database.transaction((tx) => saveBankProfile(tx, { ...noCurrency, name: 'X' }, team.collections))).rejects.toMatchObject({
      status: 400,
      details: { currency: 'Currency of the file is required when no column gives the currency' },
    });
    await expect(
      t.database.transaction((tx) => saveBankProfile(tx, { ...PROFILE, name: 'Y', amountColumn: 'posting date' }, team.collections)),
    ).rejects.toMatchObject({ status: 400, details: { amountColumn: 'Amount column: "posting date" already gives the date; choose another column' } });
    await expect(t.database.transaction((tx) => saveBankProfile(tx, { ...PROFILE, dateFormat: 'D/M/Y' }, team.funding))).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('importing a bank CSV through a profile (issue 15 item 6)', () => {
  let numbers: { early: string; late: string; next: string };
  let ids: { early: string; late: string; next: string; spare: string };

  beforeAll(async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const early = await anInvoice(t.database, team, { client, debtor, faceValue: '8000.00', number: 'FF-1001' });
    const late = await anInvoice(t.database, team, { client, debtor, faceValue: '5000.00', number: 'FF-1002' });
    const next = await anInvoice(t.database, team, { client, debtor, faceValue: '125000.50', number: 'FF-1003' });
    const spare = await anInvoice(t.database, team, { client, debtor, faceValue: '9999.00', number: 'FF-1004' });
    await t.database.transaction((tx) =>
      fundBatch(tx, { clientId: client.id, invoiceIds: [early.id, next.id, spare.id], fundingDate: '2026-01-05' }, team.funding),
    );
    await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [late.id], fundingDate: '2026-02-10' }, team.funding));
    numbers = { early: early.number, late: late.number, next: next.number };
    ids = { early: early.id, late: late.id, next: next.id, spare: spare.id };
    await t.database.transaction((tx) => saveBankProfile(tx, PROFILE, team.collections));
  });

  it('imports MM/DD/YYYY and 8,000.00 through the profile; a line dated before its invoice’s funding and an unknown reference go to the inbox with their reasons', async () => {
    const text = file([
      `01/15/2026,INV ${numbers.early},"8,000.00",Globex Retail,FF-0001`,
      `02/01/2026,INV ${numbers.late},"5,000.00",Globex Retail,FF-0002`,
      `02/02/2026,INV ZZ-404,"1,234.56",Somebody Else,FF-0003`,
      '02/03/2026,Bank fee,-35.00,,FF-0004',
    ]);
    // Without the profile the file is refused: its columns are not the plain CSV's.
    await expect(importWith(text)).rejects.toMatchObject({ status: 422, code: 'invalid_bank_file' });

    const result = await importWith(text, { profile: 'first federal' });
    expect(result.profile).toMatchObject({ name: 'First Federal' });
    expect(result.errors).toEqual([]);
    expect(result.payments.map((p) => [p.receivedDate, p.amount, p.status])).toEqual([
      ['2026-01-15', '8000.00', 'applied'],
      ['2026-02-01', '5000.00', 'unapplied'],
      ['2026-02-02', '1234.56', 'unapplied'],
    ]);
    expect(result.applied).toBe(1);
    expect((await getInvoice(t.database, Number(ids.early), team.collections)).status).toBe('settled');
    expect(result.unapplied).toEqual([
      {
        line: 3,
        paymentId: result.payments[1]!.id,
        amount: '5000.00',
        currency: 'USD',
        reason: `it is dated 2026-02-01, before invoice ${numbers.late} was funded on 2026-02-10: it cannot pay an invoice the factor had not bought yet; a suggestion is listed to confirm`,
      },
      {
        line: 4,
        paymentId: result.payments[2]!.id,
        amount: '1234.56',
        currency: 'USD',
        reason: 'no invoice Holdback knows is named in its reference (looked for ZZ-404)',
      },
    ]);
    expect(result.outgoingUnmatched).toEqual([{ line: 5, reason: expect.stringContaining('no sent payout batch') }]);

    // The inbox shows the reason beside the payment; applying it clears the reason.
    const page = await inboxPage(t.database, parseListRequest(inboxListDefinition, {}));
    const listed = page.items.find((p) => p.id === result.payments[1]!.id)!;
    expect(listed.unappliedReason).toContain(`before invoice ${numbers.late} was funded on 2026-02-10`);
    const audit = await t.database.sql<{ after: { profile: { name: string } } }[]>`
      select after from audit_events where action = 'payment.import' order by id desc limit 1`;
    expect(audit[0]!.after.profile.name).toBe('First Federal');

    // Re-importing the same file through the profile adds nothing.
    expect(await importWith(text, { profile: 'First Federal' })).toMatchObject({ payments: [], skipped: 3 });
  });

  it('imports the next file with the saved profile directly, by its id too', async () => {
    const profile = (await listBankProfiles(t.database)).find((p) => p.name === 'First Federal')!;
    const result = await importWith(file([`02/20/2026,Remittance ${numbers.next},"125,000.50",Globex Retail,FF-0101`]), { profile: profile.id });
    expect(result.payments.map((p) => [p.receivedDate, p.amount, p.status])).toEqual([['2026-02-20', '125000.50', 'applied']]);
    expect(result.unapplied).toEqual([]);
    const [app] = await t.database.sql<{ client_id: string; debtor_id: string; currency: string; amount: string }[]>`
      select client_id::text, debtor_id::text, currency, amount::text from payment_applications where invoice_id = ${ids.next}`;
    const invoice = await getInvoice(t.database, Number(ids.next), team.collections);
    // the application keeps the invoice's client, debtor and currency (the cash receipts journal's filters)
    expect(app).toEqual({ client_id: invoice.clientId, debtor_id: invoice.debtorId, currency: 'USD', amount: '125000.5000' });
  });

  it('a malformed line still refuses the whole file, listing every bad line with its reason; nothing is imported', async () => {
    const before = await t.database.sql<{ n: number }[]>`select count(*)::int as n from payments`;
    const text = file([
      `02/21/2026,INV ${numbers.late},"5,000.00",Globex Retail,FF-0201`,
      '2026-02-22,Wire,"100.00",Acme,FF-0202',
      '02/23/2026,Wire,"1.000,00",Acme,FF-0203',
      '02/30/2026,Wire,,Acme,FF-0204',
    ]);
    await expect(importWith(text, { profile: 'First Federal' })).rejects.toMatchObject({
      status: 422,
      code: 'invalid_bank_file',
      message: '3 line(s) have errors; nothing was imported (fix them, or import with partial=true)',
      details: {
        profile: 'First Federal',
        errors: [
          { line: 3, message: 'date "2026-02-22" is not a date written MM/DD/YYYY' },
          { line: 4, message: 'amount "1.000,00" is not an amount written like 8,000.00' },
          { line: 5, message: 'the amount is empty' },
          { line: 5, message: 'date "02/30/2026" is not a day of the calendar when read as MM/DD/YYYY' },
        ],
      },
    });
    expect((await t.database.sql<{ n: number }[]>`select count(*)::int as n from payments`)[0]!.n).toBe(before[0]!.n);
  });

  it('an unknown profile is refused naming it; a profile with another format is refused', async () => {
    await expect(importWith(file(['02/21/2026,x,"1.00",A,B']), { profile: 'Nobody Bank' })).rejects.toMatchObject({
      status: 422,
      code: 'unknown_bank_profile',
      details: { profile: 'no such bank profile' },
    });
    await expect(
      t.database.transaction((tx) => importBankFile(tx, { text: '<x/>', profile: 'First Federal', format: 'camt053' }, team.collections)),
    ).rejects.toMatchObject({ status: 400, details: { format: 'a bank profile reads CSV files only' } });
  });

  it('the API imports with ?profile= and lists and saves profiles', async () => {
    const key = (await t.database.transaction((x) => createApiKey(x, team.collections.userId!, 'bank mapping test', team.collections))).key;
    const headers = { authorization: `Bearer ${key}` };
    const { POST: importRoute } = await import('../../app/api/v1/payments/import/route');
    const { GET: listRoute, POST: saveRoute } = await import('../../app/api/v1/bank-profiles/route');
    const ctx = { params: Promise.resolve({}) } as never;

    const saved = await saveRoute(
      new Request('http://holdback.test/api/v1/bank-profiles', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ ...PROFILE, name: 'Euro Bank', delimiter: 'semicolon', currency: 'EUR', dateFormat: 'DD.MM.YYYY', amountFormat: '8.000,00' }),
      }),
      ctx,
    );
    expect(saved.status).toBe(201);
    const listed = (await (await listRoute(new Request('http://holdback.test/api/v1/bank-profiles', { headers }), ctx)).json()) as {
      items: { name: string }[];
    };
    expect(listed.items.map((p) => p.name)).toEqual(['Euro Bank', 'First Federal', 'scratch bank']);

    const text = ['Posting Date;Description;Credit Amount;Originator;Ref No', '15.02.2026;Wire 77;12.500,75;Euro Kunde GmbH;EB-1'].join('\n');
    const res = await importRoute(
      new Request('http://holdback.test/api/v1/payments/import?profile=Euro%20Bank', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: text,
      }),
      ctx,
    );
    const body = (await res.json()) as { payments: { amount: string; currency: string; receivedDate: string }[]; profile: { name: string } };
    expect(res.status).toBe(201);
    expect(body.profile.name).toBe('Euro Bank');
    expect(body.payments.map((p) => [p.receivedDate, p.amount, p.currency])).toEqual([['2026-02-15', '12500.75', 'EUR']]);

    const unknown = await importRoute(
      new Request('http://holdback.test/api/v1/payments/import?profile=Nope', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: text,
      }),
      ctx,
    );
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { details: Record<string, string> } }).error.details).toEqual({ profile: 'no such bank profile' });
  });

  it('applying a payment left with a reason clears the reason', async () => {
    const [p] = await t.database.sql<{ id: string }[]>`select id::text from payments where unapplied_reason like 'it is dated 2026-02-01%'`;
    await t.database
      .transaction((tx) => applyPayment(tx, Number(p!.id), { allocations: [{ invoiceId: ids.late, amount: '100.00' }] }, team.collections))
      .catch(() => null);
    // dated before the funding, it cannot be applied to that invoice: the reason stays
    const [still] = await t.database.sql<{ unapplied_reason: string | null }[]>`select unapplied_reason from payments where id = ${p!.id}`;
    expect(still!.unapplied_reason).not.toBeNull();
    const [other] = await t.database.sql<{ id: string }[]>`select id::text from payments where unapplied_reason like 'no invoice Holdback knows%'`;
    await t.database.transaction((tx) => applyPayment(tx, Number(other!.id), { allocations: [{ invoiceId: ids.spare, amount: '1234.56' }] }, team.collections));
    const [cleared] = await t.database.sql<
      { unapplied_reason: string | null; status: string }[]
    >`select unapplied_reason, status from payments where id = ${other!.id}`;
    expect(cleared).toEqual({ unapplied_reason: null, status: 'applied' });
  });

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
