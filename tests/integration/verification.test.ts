import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { approveFundingBatch, fundBatch, previewFunding } from '../../lib/funding';
import { getInvoice, verifyInvoice } from '../../lib/invoices';
import { currentBalances } from '../../lib/ledger';
import { createApiKey } from '../../lib/users';
import { listVerifications, recordVerification } from '../../lib/verifications';
import type { Actor } from '../../lib/auth/actor';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { asOwner, createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 15 item 1, verification: records per invoice (one per chosen invoice in a bulk record),
 * appended and audited; the invoice's verified status follows the latest record; an agreement's
 * verification threshold refuses funding without a positive record, naming the invoices; the API.
 */
let t: TestDatabase;
let team: Team;
const keys: Record<'funding' | 'collections' | 'auditor', string> = { funding: '', collections: '', auditor: '' };
const saved: Record<string, string | undefined> = {};

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const record = (input: Record<string, unknown>, actor: Actor = team.funding) => tx((x) => recordVerification(x, input, actor));
const call = { method: 'call', contact: 'Jane Roe, AP at Globex, +1 555 0100', outcome: 'verified', note: 'Goods received, will pay on terms' };

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  const auditor = await aUser(t.database, 'auditor');
  for (const [name, actor] of [
    ['funding', team.funding],
    ['collections', team.collections],
    ['auditor', auditor],
  ] as const) {
    keys[name] = (await tx((x) => createApiKey(x, actor.userId!, 'test', actor))).key;
  }
  for (const [name, value] of [
    ['DATABASE_URL', t.url],
    ['APP_DATABASE_URL', t.url],
  ] as const) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  await closeDatabase();
}, 120_000);

afterAll(async () => {
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

async function api(method: 'GET' | 'POST', path: string, key: string, body?: unknown) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const req = new Request(`http://holdback.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let res: Response;
  if (path.startsWith('/api/v1/verifications')) {
    const { POST } = await import('../../app/api/v1/verifications/route');
    res = await POST(req, { params: Promise.resolve({}) });
  } else {
    const { GET } = await import('../../app/api/v1/invoices/[id]/route');
    res = await GET(req, { params: Promise.resolve({ id: /\/invoices\/(\d+)/.exec(path)![1]! }) });
  }
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function auditOf(invoiceId: string) {
  return t.admin.sql<{ action: string; actor: string; before: unknown; after: Record<string, unknown> }[]>`
    select action, actor, before, after from audit_events where target_type = 'invoice' and target_id = ${invoiceId} and action = 'invoice.verification' order by id`;
}

describe('recording verifications', () => {
  it('bulk: one call recorded for four invoices is four records with the same details, each audited; they are verified', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoices = await Promise.all(
      ['1000.00', '2000.00', '3000.00', '4000.00'].map((faceValue) => anInvoice(t.database, team, { client, debtor, faceValue, verified: false })),
    );
    const records = await record({ ...call, invoiceIds: invoices.map((i) => i.id) });
    expect(records).toHaveLength(4);
    expect(records.map((r) => r.invoiceId)).toEqual(invoices.map((i) => i.id).sort((a, b) => Number(a) - Number(b)));
    for (const r of records) {
      expect(r).toMatchObject({
        method: 'call',
        contact: 'Jane Roe, AP at Globex, +1 555 0100',
        outcome: 'verified',
        positive: true,
        note: 'Goods received, will pay on terms',
        recordedById: String(team.funding.userId),
        recordedBy: team.funding.label,
        invoiceStatus: 'verified',
      });
    }
    expect(new Set(records.map((r) => r.id)).size).toBe(4);
    for (const i of invoices) {
      expect((await getInvoice(t.database, Number(i.id), team.funding)).status).toBe('verified');
      const audit = await auditOf(i.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: team.funding.label,
        before: { status: 'submitted' },
        after: { method: 'call', contact: call.contact, outcome: 'verified', note: call.note, status: 'verified' },
      });
    }
    const [counted] = await t.admin.sql<{ n: number }[]>`
      select count(*)::int as n from invoice_verifications where invoice_id = any(${invoices.map((i) => Number(i.id))}::bigint[])`;
    expect(counted!.n).toBe(4);
  });

  it('the status follows the latest record: a dispute puts a verified invoice back to submitted, a new positive record verifies it again', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, verified: false });
    await record({ ...call, invoiceIds: [invoice.id] });
    expect((await getInvoice(t.database, Number(invoice.id), team.funding)).status).toBe('verified');
    const [disputed] = await record({
      method: 'email',
      contact: 'ap@globex.test',
      outcome: 'disputed',
      note: 'Says 3 pallets short',
      invoiceIds: [invoice.id],
    });
    expect(disputed).toMatchObject({ outcome: 'disputed', positive: false, invoiceStatus: 'submitted' });
    expect((await getInvoice(t.database, Number(invoice.id), team.funding)).status).toBe('submitted');
    // A bare verify (API.md POST /invoices/{id}/verify) does not overrule the latest record.
    await expect(tx((x) => verifyInvoice(x, Number(invoice.id), team.funding))).rejects.toMatchObject({
      status: 422,
      code: 'verification_not_positive',
      message: expect.stringContaining('latest verification is "Disputed by the debtor"'),
    });
    // No answer keeps it submitted; a document proving delivery verifies it again.
    await record({ method: 'call', contact: 'Jane Roe', outcome: 'no_answer', invoiceIds: [invoice.id] });
    expect((await getInvoice(t.database, Number(invoice.id), team.funding)).status).toBe('submitted');
    const [again] = await record({ method: 'document', outcome: 'verified', note: 'Signed proof of delivery for all pallets', invoiceIds: [invoice.id] });
    expect(again).toMatchObject({ contact: null, invoiceStatus: 'verified' });
    const history = await listVerifications(t.database, Number(invoice.id));
    expect(history.map((h) => [h.method, h.outcome])).toEqual([
      ['document', 'verified'],
      ['call', 'no_answer'],
      ['email', 'disputed'],
      ['call', 'verified'],
    ]);
    const audit = await auditOf(invoice.id);
    expect(audit.map((a) => [a.before, a.after.outcome, a.after.status])).toEqual([
      [{ status: 'submitted' }, 'verified', 'verified'],
      [{ status: 'verified' }, 'disputed', 'submitted'],
      [{ status: 'submitted' }, 'no_answer', 'submitted'],
      [{ status: 'submitted' }, 'verified', 'verified'],
    ]);
  });

  it('a record on a funded invoice is kept and leaves the invoice funded', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor });
    await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-02' }, team.funding));
    const [r] = await record({ ...call, outcome: 'disputed', invoiceIds: [invoice.id] });
    expect(r).toMatchObject({ outcome: 'disputed', invoiceStatus: 'funded' });
    expect((await getInvoice(t.database, Number(invoice.id), team.funding)).status).toBe('funded');
  });

  it('the table is append-only: a correction is a new record, never an update or a delete', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, verified: false });
    const [r] = await record({ ...call, invoiceIds: [invoice.id] });
    // the app's role may not even try; the owner (what migrations run as) meets the trigger
    await expect(t.database.sql`update invoice_verifications set outcome = 'disputed' where id = ${r!.id}`).rejects.toThrow(/permission denied/);
    await expect(t.database.sql`delete from invoice_verifications where id = ${r!.id}`).rejects.toThrow(/permission denied/);
    await expect(asOwner(t, (sql) => sql`update invoice_verifications set outcome = 'disputed' where id = ${r!.id}`)).rejects.toThrow(/append-only/);
    await expect(asOwner(t, (sql) => sql`delete from invoice_verifications where id = ${r!.id}`)).rejects.toThrow(/append-only/);
    await expect(asOwner(t, (sql) => sql`truncate invoice_verifications cascade`)).rejects.toThrow(/append-only/);
    expect((await listVerifications(t.database, Number(invoice.id)))[0]).toMatchObject({ id: r!.id, outcome: 'verified' });
  });

  it('refuses unknown invoices, invoices of two clients, and other roles — recording nothing', async () => {
    const a = await aClient(t.database, team, { name: `Alpha ${Date.now()}` });
    const b = await aClient(t.database, team, { name: `Beta ${Date.now()}` });
    const debtor = await aDebtor(t.database, team);
    const ia = await anInvoice(t.database, team, { client: a, debtor, number: `ALPHA-${Date.now()}`, verified: false });
    const ib = await anInvoice(t.database, team, { client: b, debtor, number: `BETA-${Date.now()}`, verified: false });
    await expect(record({ ...call, invoiceIds: [ia.id, '987654321'] })).rejects.toMatchObject({
      status: 422,
      code: 'unknown_invoice',
      message: 'No invoice 987654321',
      details: { invoiceIds: 'no such invoice: 987654321' },
    });
    await expect(record({ ...call, invoiceIds: [ia.id, ib.id] })).rejects.toMatchObject({
      status: 422,
      code: 'mixed_clients',
      message: expect.stringMatching(new RegExp(`^The invoices belong to 2 clients \\(${ia.number}: ${a.name}; ${ib.number}: ${b.name}\\)`)),
    });
    await expect(record({ ...call, invoiceIds: [ia.id] }, team.collections)).rejects.toMatchObject({ status: 403 });
    const client = await aUser(t.database, 'client', { clientId: Number(a.id) });
    await expect(record({ ...call, invoiceIds: [ia.id] }, client)).rejects.toMatchObject({ status: 403 });
    const [counted] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from invoice_verifications where invoice_id in (${ia.id}, ${ib.id})`;
    expect(counted!.n).toBe(0);
    expect((await getInvoice(t.database, Number(ia.id), team.funding)).status).toBe('submitted');
  });
});

describe('the funding-side rule: above the agreement’s threshold, only a positive verification funds', () => {
  it('refuses the batch naming the invoices above the threshold without a positive record, posting nothing; funds once recorded', async () => {
    const client = await aClient(t.database, team, { name: `Threshold Co ${Date.now()}`, agreement: { verificationThreshold: '5000.00' } });
    expect(client.agreement?.verificationThreshold).toBe('5000.00');
    const debtor = await aDebtor(t.database, team);
    // verified the old way (a bare verify, no record): enough below the threshold, not above it
    const big1 = await anInvoice(t.database, team, { client, debtor, faceValue: '6000.00', number: `BIG-1-${Date.now()}` });
    const big2 = await anInvoice(t.database, team, { client, debtor, faceValue: '5000.01', number: `BIG-2-${Date.now()}` });
    const atLimit = await anInvoice(t.database, team, { client, debtor, faceValue: '5000.00' });
    const small = await anInvoice(t.database, team, { client, debtor, faceValue: '1000.00' });
    const input = { clientId: client.id, invoiceIds: [big1.id, big2.id, atLimit.id, small.id], fundingDate: '2026-02-02' };
    const refusal = {
      status: 422,
      code: 'verification_required',
      message: `Invoices ${big1.number} and ${big2.number} need a positive verification recorded before funding: ${client.name}'s agreement asks for one on invoices above 5,000.00 USD. Record the verification on the invoice, or with "Verify invoices" on the Fundings screen.`,
      details: {
        invoiceIds: `Invoices ${big1.number} and ${big2.number} need a positive verification recorded first`,
        invoiceNumbers: [big1.number, big2.number],
        verificationThreshold: '5000.00',
      },
    };
    await expect(tx((x) => fundBatch(x, input, team.funding))).rejects.toMatchObject(refusal);
    await expect(tx((x) => previewFunding(x, input, team.funding))).rejects.toMatchObject({ code: 'verification_required' });
    expect(await currentBalances(t.database, { clientId: Number(client.id) })).toEqual([]);

    // A positive call for big1: big2 alone stops the batch now.
    await record({ ...call, invoiceIds: [big1.id] });
    await expect(tx((x) => fundBatch(x, input, team.funding))).rejects.toMatchObject({
      code: 'verification_required',
      details: { invoiceNumbers: [big2.number] },
      message: expect.stringMatching(new RegExp(`^Invoice ${big2.number} needs a positive verification`)),
    });
    // A no-answer call is no verification: big2 goes back to submitted, which funding refuses as ever.
    await record({ ...call, outcome: 'no_answer', invoiceIds: [big2.id] });
    await expect(tx((x) => fundBatch(x, input, team.funding))).rejects.toMatchObject({ code: 'not_verified', message: expect.stringContaining(big2.number) });
    await record({ ...call, invoiceIds: [big2.id] });
    const batch = await tx((x) => fundBatch(x, input, team.funding));
    expect(batch).toMatchObject({ status: 'funded', totalFace: '17000.01', totalAdvance: '13600.01' });
  });

  it('a record that turns negative while a held batch waits stops its approval', async () => {
    const client = await aClient(t.database, team, { agreement: { verificationThreshold: '1000.00', creditLimit: '1000.00' } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '4000.00', verified: false });
    await record({ ...call, invoiceIds: [invoice.id] });
    const held = await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-02-02' }, team.funding));
    expect(held.status).toBe('pending_approval');
    await record({ ...call, outcome: 'disputed', invoiceIds: [invoice.id] });
    await expect(tx((x) => approveFundingBatch(x, Number(held.id), team.approver))).rejects.toMatchObject({ status: 422, code: 'not_verified' });
    expect(await currentBalances(t.database, { clientId: Number(client.id) })).toEqual([]);
  });

  it('without a threshold (the default) an invoice verified without any record funds as before', async () => {
    const client = await aClient(t.database, team);
    expect(client.agreement?.verificationThreshold).toBeUndefined();
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '900000.00' });
    const batch = await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-02-02' }, team.funding));
    expect(batch).toMatchObject({ status: 'funded', totalAdvance: '720000.00' });
  });
});

describe('the API', () => {
  it('POST /api/v1/verifications records one per invoice (201); GET /api/v1/invoices/{id} lists them for staff', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoices = [
      await anInvoice(t.database, team, { client, debtor, verified: false }),
      await anInvoice(t.database, team, { client, debtor, verified: false }),
    ];
    const res = await api('POST', '/api/v1/verifications', keys.funding, { ...call, invoiceIds: invoices.map((i) => i.id) });
    expect(res.status).toBe(201);
    expect(res.body.verifications).toHaveLength(2);
    expect(res.body.verifications[0]).toMatchObject({
      invoiceId: invoices[0]!.id,
      invoiceNumber: invoices[0]!.number,
      method: 'call',
      outcome: 'verified',
      invoiceStatus: 'verified',
    });
    const got = await api('GET', `/api/v1/invoices/${invoices[0]!.id}`, keys.auditor);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: invoices[0]!.id, status: 'verified' });
    expect(got.body.verifications).toEqual([
      {
        id: res.body.verifications[0].id,
        invoiceId: invoices[0]!.id,
        invoiceNumber: invoices[0]!.number,
        method: 'call',
        contact: call.contact,
        outcome: 'verified',
        positive: true,
        note: call.note,
        recordedById: String(team.funding.userId),
        recordedBy: team.funding.label,
        recordedAt: res.body.verifications[0].recordedAt,
      },
    ]);
  });

  it('bad input is 400 naming each field in plain words; unknown invoices and other roles are refused', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, verified: false });
    const bad = await api('POST', '/api/v1/verifications', keys.funding, { invoiceIds: [invoice.id], method: 'carrier pigeon', outcome: 'verified' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({
      method: 'Method must be one of: Phone call, Email, Debtor portal or approval, Document (proof of delivery, signed PO)',
    });
    const noContact = await api('POST', '/api/v1/verifications', keys.funding, { invoiceIds: [invoice.id], method: 'call', outcome: 'verified' });
    expect(noContact.status).toBe(400);
    expect(noContact.body.error.details).toEqual({ contact: 'Contact is required for phone call: whom you spoke to or wrote to' });
    const none = await api('POST', '/api/v1/verifications', keys.funding, { ...call, invoiceIds: [] });
    expect(none.body.error.details).toEqual({ invoiceIds: 'Invoices must have at least one entry' });
    const unknown = await api('POST', '/api/v1/verifications', keys.funding, { ...call, invoiceIds: ['99999999'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_invoice', message: 'No invoice 99999999' });
    const forbidden = await api('POST', '/api/v1/verifications', keys.collections, { ...call, invoiceIds: [invoice.id] });
    expect(forbidden.status).toBe(403);
    expect((await getInvoice(t.database, Number(invoice.id), team.funding)).status).toBe('submitted');
  });

  it('a client user reads its invoice without the factor’s verification notes, and another client’s not at all (404)', async () => {
    const mine = await aClient(t.database, team);
    const theirs = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client: mine, debtor, verified: false });
    const other = await anInvoice(t.database, team, { client: theirs, debtor, verified: false });
    await record({ ...call, invoiceIds: [invoice.id] });
    const user = await aUser(t.database, 'client', { clientId: Number(mine.id) });
    const key = (await tx((x) => createApiKey(x, user.userId!, 'test', user))).key;
    const own = await api('GET', `/api/v1/invoices/${invoice.id}`, key);
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('verified');
    expect(own.body).not.toHaveProperty('verifications');
    expect((await api('GET', `/api/v1/invoices/${other.id}`, key)).status).toBe(404);
  });
});
