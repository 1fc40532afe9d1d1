import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { closeDatabase } from '../../db/client';
import { closeQueues } from '../../jobs/queues';
import { verifyAll } from '../../lib/audit/verify';
import { setContactPreferences } from '../../lib/clients/contacts';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { balancesAsOf } from '../../lib/ledger';
import { addDays, todayIn } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { approveRelease, runReleaseCycle } from '../../lib/releases';
import { composeStatement, issueStatement, listStatements, statementPdf } from '../../lib/statements';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;
const prefixBefore = process.env.QUEUE_PREFIX;
const prefix = `holdback-stmt-${randomBytes(4).toString('hex')}`;
const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-statements-'));

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  process.env.DATABASE_URL = t.url; // the route handlers use the process-wide pool
  process.env.QUEUE_PREFIX = prefix; // and nudge the email outbox on this file's own queues
});
afterAll(async () => {
  await closeDatabase();
  await closeQueues();
  if (prefixBefore === undefined) delete process.env.QUEUE_PREFIX;
  else process.env.QUEUE_PREFIX = prefixBefore;
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  rmSync(scratch, { recursive: true, force: true });
  await t?.drop();
});

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const pay = async (invoiceId: string, amount: string, date: string, currency = 'USD') => {
  const p = await tx((x) => receivePayment(x, { amount, currency, receivedDate: date }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId, amount }] }, team.collections));
};
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;

/** The reserve the ledger holds for a client on a date (balancesAsOf), per currency. */
async function ledgerReserve(clientId: string, asOf: string): Promise<Record<string, string>> {
  const rows = await balancesAsOf(t.database, { asOf, clientId: Number(clientId), accounts: ['reserve'] });
  return Object.fromEntries(rows.map((r) => [r.currency, formatMoney(r.balance, r.currency)]));
}

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** A NAYA client (SPEC 6.1): funded 10,000 on 2026-01-01, paid 2026-01-31, 1,900.00 released 2026-02-13. */
async function nayaClient(name: string) {
  const client = await aClient(t.database, team, { name, agreement: NAYA });
  await t.database.sql`
    update clients set contacts = ${JSON.stringify([
      { name: 'Accounts', email: `ap@${client.id}.test` },
      { name: 'Owner', email: `owner@${client.id}.test` },
    ])}::jsonb where id = ${client.id}`;
  const debtor = await aDebtor(t.database, team);
  const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
  await pay(invoice.id, '10000.00', '2026-01-31');
  const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
  await tx((x) => approveRelease(x, Number(run.releases[0]!.id), {}, team.approver));
  return { client, invoice, releaseId: run.releases[0]!.id };
}

describe('a reserve statement from the ledger (worked example 1)', () => {
  it('January: opening 0, 2,000.00 withheld, the 100.00 fee settled from it, closing 1,900.00 — tied to balancesAsOf', async () => {
    const { client, invoice } = await nayaClient('Naya Freight');
    const { statement, created } = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-01-01', to: '2026-01-31' }, team.controller);
    expect(created).toBe(true);
    expect(statement.currencies).toEqual([
      expect.objectContaining({
        currency: 'USD',
        opening: '0.00',
        withheld: '2000.00',
        fees: '-100.00',
        released: '0.00',
        closing: '1900.00',
        movements: 2,
        feesCharged: '100.00',
      }),
    ]);
    expect(await ledgerReserve(client.id, '2026-01-31')).toEqual({ USD: statement.currencies[0]!.closing });
    expect(await ledgerReserve(client.id, '2025-12-31')).toEqual({ USD: statement.currencies[0]!.opening });

    const composed = await composeStatement(t.database, Number(client.id), { from: '2026-01-01', to: '2026-01-31' });
    expect(
      composed.statement.currencies[0]!.movements.map((m) => [m.date, m.description, m.reference, formatMoney(m.amount, 'USD'), formatMoney(m.balance, 'USD')]),
    ).toEqual([
      ['2026-01-01', 'Reserve withheld at purchase', invoice.number, '2000.00', '2000.00'],
      ['2026-01-31', 'Fee settled from the reserve', invoice.number, '-100.00', '1900.00'],
    ]);

    // The PDF, read back as text: the client, the period and the closing balance the ledger holds.
    const file = await statementPdf(t.database, Number(client.id), Number(statement.id), team.controller);
    expect(file.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(file.pdf, 'january');
    expect(text).toContain('Naya Freight');
    expect(text).toContain('Reserve statement for January 2026');
    expect(text).toContain(invoice.number);
    const closing = /Closing balance\s+(-?[\d,]+\.\d{2})\s+(-?[\d,]+\.\d{2})/.exec(text);
    expect(closing?.[2]).toBe('1,900.00');
    expect(closing?.[2]?.replace(/,/g, '')).toBe((await ledgerReserve(client.id, '2026-01-31')).USD);
    expect(text).toMatch(/Closing balance \(held at the end of 2026-01-31\)\s+1,900\.00 USD/);
    expect(text).toMatch(/Page 1 of \d+/);
  });

  it('February: opening 1,900.00, the release of 1,900.00 paid, closing 0.00; the release is listed', async () => {
    const { client, releaseId } = await nayaClient('Naya Logistics');
    const { statement } = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-02-01', to: '2026-02-28' }, team.controller);
    expect(statement.currencies).toEqual([
      expect.objectContaining({ currency: 'USD', opening: '1900.00', released: '-1900.00', closing: '0.00', releasesPaid: '1900.00' }),
    ]);
    expect(await ledgerReserve(client.id, '2026-02-28')).toEqual({ USD: '0.00' });
    const text = pdfText((await statementPdf(t.database, Number(client.id), Number(statement.id), team.controller)).pdf, 'february');
    expect(text).toContain(`Release ${releaseId}`);
    expect(text).toMatch(/Released to you in the period\s+1,900\.00 USD/);
  });

  it('is stored once: the same period returns the stored statement; rebuilt from the ledger it gives the same figures and bytes', async () => {
    const { client } = await nayaClient('Naya Stored');
    const period = { from: '2026-01-01', to: '2026-02-28' };
    const first = await issueStatement(t.database, { clientId: Number(client.id), ...period }, team.controller);
    // Issuing stores for good and emails the client: controllers and admins only.
    for (const who of [team.underwriter, team.funding, await aUser(t.database, 'auditor')]) {
      await expect(issueStatement(t.database, { clientId: Number(client.id), ...period }, who)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    }
    const again = await issueStatement(t.database, { clientId: Number(client.id), ...period }, team.admin);
    expect(again).toMatchObject({ created: false, statement: { id: first.statement.id, sha256: first.statement.sha256 } });
    expect((await composeStatement(t.database, Number(client.id), period)).sha256).toBe(first.statement.sha256);
    // Deleted and issued again: the same figures and the same document.
    await t.database.sql`delete from statements where id = ${first.statement.id}`;
    const reissued = await issueStatement(t.database, { clientId: Number(client.id), ...period }, team.admin);
    expect(reissued.created).toBe(true);
    expect(reissued.statement.id).not.toBe(first.statement.id);
    expect(reissued.statement.currencies).toEqual(first.statement.currencies);
    expect(reissued.statement.sha256).toBe(first.statement.sha256);
    // An issued statement is never rewritten.
    await expect(t.database.sql`update statements set generated_by = 'x' where id = ${reissued.statement.id}`).rejects.toThrow(/never rewritten/);
    const [stored] = await t.database.sql<{ currencies: string[]; closing_balances: string[]; bytes: number }[]>`
      select currencies, closing_balances, bytes from statements where id = ${reissued.statement.id}`;
    expect(stored).toMatchObject({ currencies: ['USD'], closing_balances: ['0.0000'] });
    expect((await listStatements(t.database, Number(client.id), team.funding)).map((s) => s.id)).toEqual([reissued.statement.id]);
  });

  it('one section per currency, each tied to the ledger; no figure crosses currencies', async () => {
    const client = await aClient(t.database, team, { name: 'Globex Two Currencies', agreement: { ...NAYA, currencies: ['USD', 'EUR'] } });
    const debtor = await aDebtor(t.database, team);
    await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-03-02' });
    const eur = await aFundedInvoice(t.database, team, { client: { ...client, currency: 'EUR' }, debtor, faceValue: '5000.00', fundingDate: '2026-03-03' });
    await pay(eur.id, '5000.00', '2026-03-20', 'EUR');
    const { statement } = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-03-01', to: '2026-03-31' }, team.controller);
    expect(statement.currencies.map((c) => [c.currency, c.opening, c.closing])).toEqual([
      ['EUR', '0.00', '971.67'], // 1,000.00 withheld, the 28.33 fee for 17 days settled from it
      ['USD', '0.00', '2000.00'],
    ]);
    const ledger = await ledgerReserve(client.id, '2026-03-31');
    for (const c of statement.currencies) expect(ledger[c.currency]).toBe(c.closing);
    const text = pdfText((await statementPdf(t.database, Number(client.id), Number(statement.id), team.controller)).pdf, 'currencies');
    expect(text).toContain('EUR reserve');
    expect(text).toContain('USD reserve');
  });

  it('refuses a period that has not ended, and names bad fields', async () => {
    const client = await aClient(t.database, team);
    const issue = (from: unknown, to: unknown) =>
      issueStatement(t.database, { clientId: Number(client.id), from, to }, team.controller, { today: '2026-03-15' });
    await expect(issue('2026-03-01', '2026-03-31')).rejects.toMatchObject({ status: 422, code: 'period_not_closed' });
    await expect(issue('2026-02-30', '2026-03-01')).rejects.toMatchObject({ status: 400, details: { from: 'from must be a date written YYYY-MM-DD' } });
    await expect(issue('2026-02-10', '2026-02-01')).rejects.toMatchObject({ status: 400, details: { to: 'must not be before from' } });
    await expect(issue(undefined, '2026-02-01')).rejects.toMatchObject({ status: 400, details: { from: expect.stringContaining('from') } });
    // A client with no reserve at all gets an all-zero statement in its home currency.
    const { statement } = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-01-01', to: '2026-01-31' }, team.controller, {
      today: '2026-03-15',
    });
    expect(statement.currencies).toEqual([expect.objectContaining({ currency: 'USD', opening: '0.00', closing: '0.00', movements: 0 })]);
  });
});

describe('statement-ready and rebate emails respect each contact’s preferences', () => {
  it('queues the statement notice once per contact who wants it; rebate advice likewise', async () => {
    const client = await aClient(t.database, team, { name: 'Prefs Freight', agreement: { ...NAYA, releaseAutoApproveUpTo: '100000.00' } });
    await t.database.sql`
      update clients set contacts = ${JSON.stringify([
        { name: 'Accounts', email: 'ap@prefs.test' },
        { name: 'Owner', email: 'owner@prefs.test' },
      ])}::jsonb where id = ${client.id}`;
    await tx((x) => setContactPreferences(x, Number(client.id), { email: 'owner@prefs.test', notifyStatements: false, notifyRebates: true }, team.underwriter));
    await tx((x) => setContactPreferences(x, Number(client.id), { email: 'ap@prefs.test', notifyStatements: true, notifyRebates: false }, team.underwriter));
    await expect(
      tx((x) => setContactPreferences(x, Number(client.id), { email: 'nobody@prefs.test', notifyStatements: true, notifyRebates: true }, team.underwriter)),
    ).rejects.toMatchObject({ status: 404 });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    await pay(inv.id, '10000.00', '2026-01-31');
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
    expect(run.releases[0]).toMatchObject({ status: 'approved', amount: '1900.00' });
    const { statement, emailed } = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-01-01', to: '2026-01-31' }, team.controller);
    expect(emailed).toBe(1);
    const mails = await t.database.sql<{ to: string; template: string; subject: string; text: string }[]>`
      select "to", template, subject, text from email_outbox where client_id = ${client.id} order by id`;
    expect(mails.map((m) => [m.template, m.to])).toEqual([
      ['rebate_advice', 'owner@prefs.test'],
      ['statement_ready', 'ap@prefs.test'],
    ]);
    const notice = mails[1]!;
    expect(notice.subject).toBe('Your reserve statement for January 2026 is ready');
    expect(notice.text).toContain('USD: held at the start 0.00, held at the end 1,900.00');
    expect(notice.text).toContain(`statement ${statement.id}`);
    // Issued again: no second notice.
    expect((await issueStatement(t.database, { clientId: Number(client.id), from: '2026-01-01', to: '2026-01-31' }, team.controller)).emailed).toBe(0);
    const [events] = await t.database.sql<
      { n: number }[]
    >`select count(*)::int as n from audit_events where action = 'statement.issue' and target_id = ${statement.id}`;
    expect(events!.n).toBe(1);
  });
});

describe('the API', () => {
  async function keyFor(actor: { userId: number | null }): Promise<string> {
    return (await tx((x) => createApiKey(x, actor.userId!, 'test', actor as never))).key;
  }
  const route = async (pathname: string) =>
    pathname.includes('/statements/')
      ? await import('../../app/api/v1/clients/[id]/statements/[statementId]/route')
      : await import('../../app/api/v1/clients/[id]/statements/route');
  const paramsOf = (pathname: string) => {
    const m = /\/clients\/([^/?]+)\/statements(?:\/([^/?]+))?/.exec(pathname)!;
    return { params: Promise.resolve({ id: m[1]!, statementId: m[2] }) } as never;
  };
  const get = async (pathname: string, key: string) =>
    (await route(pathname)).GET(new Request(`http://holdback.test${pathname}`, { headers: { authorization: `Bearer ${key}` } }), paramsOf(pathname));
  const post = async (pathname: string, key: string, body: unknown, idempotencyKey?: string) => {
    const { POST } = await import('../../app/api/v1/clients/[id]/statements/route');
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    return POST(new Request(`http://holdback.test${pathname}`, { method: 'POST', headers, body: JSON.stringify(body) }), paramsOf(pathname));
  };
  /** What issuing writes: stored statements, queued emails and audit events of the client. */
  const writes = async (clientId: string) => {
    const [row] = await t.database.sql<{ statements: number; emails: number; events: number }[]>`
      select (select count(*)::int from statements where client_id = ${clientId}) as statements,
             (select count(*)::int from email_outbox where client_id = ${clientId}) as emails,
             (select count(*)::int from audit_events where action like 'statement.%') as events`;
    return row!;
  };

  it('POST /clients/{id}/statements issues once — stored and the statement-ready email queued; GET ?from&to then answers the stored PDF', async () => {
    const { client } = await nayaClient('Naya API');
    const key = await keyFor(team.admin);
    const before = await writes(client.id);
    const issued = await post(`/api/v1/clients/${client.id}/statements`, key, { from: '2026-01-01', to: '2026-01-31' }, `stmt-${client.id}`);
    expect(issued.status).toBe(201);
    const body = (await issued.json()) as {
      id: string;
      from: string;
      to: string;
      created: boolean;
      emailed: number;
      downloadUrl: string;
      currencies: { currency: string; closing: string }[];
    };
    expect(body).toMatchObject({
      from: '2026-01-01',
      to: '2026-01-31',
      created: true,
      emailed: 2,
      currencies: [expect.objectContaining({ currency: 'USD', closing: '1900.00' })],
    });
    expect(await writes(client.id)).toEqual({ statements: before.statements + 1, emails: before.emails + 2, events: before.events + 1 });
    const mails = await t.database.sql<
      { template: string; to: string }[]
    >`select template, "to" from email_outbox where client_id = ${client.id} and template = 'statement_ready' order by "to"`;
    expect(mails.map((m) => m.to)).toEqual([`ap@${client.id}.test`, `owner@${client.id}.test`]);

    // The same key again replays the answer; another request for the period finds it stored: nothing twice.
    expect((await post(`/api/v1/clients/${client.id}/statements`, key, { from: '2026-01-01', to: '2026-01-31' }, `stmt-${client.id}`)).status).toBe(201);
    const again = await post(`/api/v1/clients/${client.id}/statements`, key, { from: '2026-01-01', to: '2026-01-31' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: body.id, created: false, emailed: 0 });
    expect(await writes(client.id)).toEqual({ statements: before.statements + 1, emails: before.emails + 2, events: before.events + 1 });

    const pdf = await get(`/api/v1/clients/${client.id}/statements?from=2026-01-01&to=2026-01-31`, key);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain(`reserve-statement-${client.id}-2026-01-01-to-2026-01-31.pdf`);
    expect(pdf.headers.get('x-statement-stored')).toBe('true');
    expect(pdf.headers.get('x-statement-id')).toBe(body.id);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfText(bytes, 'api')).toMatch(/Closing balance\s+[\d,.]+\s+1,900\.00/);

    const list = await get(`/api/v1/clients/${client.id}/statements`, key);
    expect(list.status).toBe(200);
    const listed = (await list.json()) as {
      items: { id: string; from: string; to: string; downloadUrl: string; currencies: { closing: string }[] }[];
      nextCursor: string | null;
    };
    expect(listed.nextCursor).toBeNull();
    expect(listed.items).toEqual([
      expect.objectContaining({ id: body.id, from: '2026-01-01', to: '2026-01-31', currencies: [expect.objectContaining({ closing: '1900.00' })] }),
    ]);
    const download = await get(listed.items[0]!.downloadUrl, key);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('GET ?from&to writes nothing: a period never issued is rendered on the fly — no statement stored, no email, no audit event', async () => {
    const { client } = await nayaClient('Naya Read Only');
    const auditor = await aUser(t.database, 'auditor');
    const key = await keyFor(auditor);
    const before = await writes(client.id);
    const pdf = await get(`/api/v1/clients/${client.id}/statements?from=2026-01-01&to=2026-01-31`, key);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('x-statement-stored')).toBe('false');
    expect(pdf.headers.get('x-statement-id')).toBeNull();
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfText(bytes, 'on-the-fly')).toMatch(/Closing balance \(held at the end of 2026-01-31\)\s+1,900\.00 USD/);
    // the same bytes a stored statement would have
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      (await composeStatement(t.database, Number(client.id), { from: '2026-01-01', to: '2026-01-31' })).sha256,
    );
    expect(pdf.headers.get('x-statement-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await get(`/api/v1/clients/${client.id}/statements?from=2026-01-01&to=2026-01-31`, key)).toMatchObject({ status: 200 });
    expect(await writes(client.id)).toEqual(before);
    expect(((await (await get(`/api/v1/clients/${client.id}/statements`, key)).json()) as { items: unknown[] }).items).toEqual([]);

    // and the auditor may not issue one: 403, nothing written
    const refused = await post(`/api/v1/clients/${client.id}/statements`, key, { from: '2026-01-01', to: '2026-01-31' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');
    for (const who of [team.underwriter, team.collections]) {
      expect((await post(`/api/v1/clients/${client.id}/statements`, await keyFor(who), { from: '2026-01-01', to: '2026-01-31' })).status).toBe(403);
    }
    expect(await writes(client.id)).toEqual(before);
  });

  it('validation errors in the API error shape; a client user reaches its own client only (404 otherwise)', async () => {
    const { client } = await nayaClient('Naya Scoped');
    const other = await aClient(t.database, team, { name: 'Someone Else' });
    const key = await keyFor(team.controller);
    const bad = await get(`/api/v1/clients/${client.id}/statements?from=2026-01-01&to=2026-13-01`, key);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'invalid_input',
        message: expect.stringContaining('to must be a date written YYYY-MM-DD'),
        details: { to: 'to must be a date written YYYY-MM-DD' },
      },
    });
    const badPost = await post(`/api/v1/clients/${client.id}/statements`, key, { from: '2026-02-10', to: '2026-02-01' });
    expect(badPost.status).toBe(400);
    expect((await badPost.json()).error.details).toEqual({ to: 'must not be before from' });
    const today = todayIn();
    const open = await get(`/api/v1/clients/${client.id}/statements?from=${addDays(today, -10)}&to=${today}`, key);
    expect(open.status).toBe(422);
    expect((await open.json()).error.code).toBe('period_not_closed');
    const openPost = await post(`/api/v1/clients/${client.id}/statements`, key, { from: addDays(today, -10), to: today });
    expect(openPost.status).toBe(422);
    expect((await post('/api/v1/clients/999999/statements', key, { from: '2026-01-01', to: '2026-01-31' })).status).toBe(404);
    expect((await post(`/api/v1/clients/${client.id}/statements`, key, { from: '2026-01-01', to: '2026-01-31' })).status).toBe(201);

    const clientUser = await aUser(t.database, 'client', { clientId: Number(client.id) });
    const clientKey = await keyFor(clientUser);
    expect((await get(`/api/v1/clients/${client.id}/statements?from=2026-01-01&to=2026-01-31`, clientKey)).status).toBe(200);
    const own = (await (await get(`/api/v1/clients/${client.id}/statements`, clientKey)).json()) as { items: { id: string }[] };
    expect(own.items).toHaveLength(1);
    // a client key issues nothing through the API (the portal's own form does, for its own client)
    expect((await post(`/api/v1/clients/${client.id}/statements`, clientKey, { from: '2026-02-01', to: '2026-02-28' })).status).toBe(403);
    for (const path of [
      `/api/v1/clients/${other.id}/statements`,
      `/api/v1/clients/${other.id}/statements?from=2026-01-01&to=2026-01-31`,
      `/api/v1/clients/${other.id}/statements/${own.items[0]!.id}`,
    ]) {
      const res = await get(path, clientKey);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
    // another client's statement id under one's own client id is not found either
    const { statement } = await issueStatement(t.database, { clientId: Number(other.id), from: '2026-01-01', to: '2026-01-31' }, team.controller);
    expect((await get(`/api/v1/clients/${client.id}/statements/${statement.id}`, clientKey)).status).toBe(404);
    expect((await get(`/api/v1/clients/${client.id}/statements/${statement.id}`, key)).status).toBe(404);
  });

  it('a client user issues its own client’s statement (the portal’s command) and no other’s', async () => {
    const { client } = await nayaClient('Naya Portal');
    const other = await aClient(t.database, team, { name: 'Not Yours' });
    const clientUser = await aUser(t.database, 'client', { clientId: Number(client.id) });
    const mine = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-01-01', to: '2026-01-31' }, clientUser, {
      permission: 'statement.issue_own',
    });
    expect(mine).toMatchObject({ created: true, emailed: 2, statement: { generatedBy: clientUser.label } });
    await expect(
      issueStatement(t.database, { clientId: Number(other.id), from: '2026-01-01', to: '2026-01-31' }, clientUser, { permission: 'statement.issue_own' }),
    ).rejects.toMatchObject({ status: 404 });
    // without the portal's roles, the default is controllers and admins
    await expect(issueStatement(t.database, { clientId: Number(client.id), from: '2026-02-01', to: '2026-02-28' }, clientUser)).rejects.toMatchObject({
      status: 403,
    });
  });

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
