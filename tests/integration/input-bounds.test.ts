import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { closeDatabase } from '../../db/client';
import { closeQueues } from '../../jobs/queues';
import { feeAccrualProcessor } from '../../jobs/processors/fee-accrual';
import { verifyAll } from '../../lib/audit/verify';
import { proposeAgreementChange } from '../../lib/clients/onboarding';
import { createClient } from '../../lib/clients';
import { chargebackInvoice, openDispute, resolveDispute, writeOffInvoice } from '../../lib/collections/disputes';
import { importBankFile } from '../../lib/collections/import';
import { recordMisdirected } from '../../lib/collections/misdirected';
import { applyPayment, receivePayment, refundPayment } from '../../lib/collections/payments';
import { addDays, todayIn } from '../../lib/dates';
import { createDebtor, recordNoa } from '../../lib/debtors';
import { fundBatch } from '../../lib/funding';
import { createInvoice } from '../../lib/invoices';
import { importInvoices } from '../../lib/invoices/import';
import { clientLedger } from '../../lib/ledger';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 11, what the system accepts: business dates inside a window around today, payments and
 * other events never dated before the invoice was bought, real ISO 4217 currencies, amounts that
 * fit their columns, unknown ids refused (never an empty success) — at the command and at the API.
 */
let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;
const prefixBefore = process.env.QUEUE_PREFIX;
const prefix = `holdback-inputs-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  process.env.DATABASE_URL = t.url; // the route handlers use the process-wide pool
  process.env.QUEUE_PREFIX = prefix;
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
  await t?.drop();
});

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const count = async (table: 'payments' | 'invoices' | 'journal_entries' | 'clients' | 'disputes' | 'statements' | 'email_outbox') =>
  Number((await t.database.sql<{ n: string }[]>`select count(*) as n from ${t.database.sql(table)}`)[0]!.n);

async function keyFor(actor: { userId: number | null }): Promise<string> {
  return (await tx((x) => createApiKey(x, actor.userId!, 'test', actor as never))).key;
}

/** Calls a route handler as Next would: method, path (for the params), an API key, a JSON body. */
async function call(
  method: 'GET' | 'POST' | 'PUT',
  module: string,
  path: string,
  params: Record<string, string>,
  key: string,
  body?: unknown,
): Promise<{ status: number; json: { error?: { code: string; message: string; details: Record<string, unknown> } } & Record<string, unknown> }> {
  const mod = (await import(/* @vite-ignore */ `../../app/api/v1/${module}/route`)) as Record<string, (req: Request, ctx: unknown) => Promise<Response>>;
  const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await mod[method]!(new Request(`http://holdback.test/api/v1${path}`, init), { params: Promise.resolve(params) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

describe('business dates stay in a window around today', () => {
  it('refuses a payment received in 2099 — nothing stored, nothing posted — and the API answers 422 naming receivedDate', async () => {
    const [payments, entries] = [await count('payments'), await count('journal_entries')];
    await expect(
      tx((x) => receivePayment(x, { amount: '5729.31', currency: 'USD', receivedDate: '2099-11-20', payerName: 'Far Future Ltd' }, team.collections)),
    ).rejects.toMatchObject({
      status: 422,
      code: 'date_out_of_range',
      message: expect.stringMatching(/^Received date 2099-11-20 is in the future; today is \d{4}-\d{2}-\d{2}$/),
      details: { receivedDate: expect.stringContaining('must not be after today') },
    });
    const res = await call('POST', 'payments', '/payments', {}, await keyFor(team.collections), {
      amount: '5729.31',
      currency: 'USD',
      receivedDate: '2099-11-20',
    });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: 'date_out_of_range', details: { receivedDate: expect.any(String) } });
    expect(res.json.error!.message).toContain('Received date 2099-11-20 is in the future');
    expect([await count('payments'), await count('journal_entries')]).toEqual([payments, entries]);
    // today is fine
    const ok = await tx((x) => receivePayment(x, { amount: '1.00', currency: 'USD', receivedDate: todayIn() }, team.collections));
    expect(ok.receivedDate).toBe(todayIn());
  });

  it('a bank file line dated in the future is an error on its line; with partial=true the rest imports', async () => {
    const file = [
      'date,amount,currency,payer,reference,bank_reference',
      `2026-01-15,100.00,USD,Acme,ref one,BND-${randomBytes(3).toString('hex')}`,
      `2099-11-20,200.00,USD,Acme,ref two,BND-${randomBytes(3).toString('hex')}`,
    ].join('\n');
    await expect(tx((x) => importBankFile(x, { text: file }, team.collections))).rejects.toMatchObject({
      status: 422,
      code: 'invalid_bank_file',
      details: { errors: [{ line: 3, message: expect.stringMatching(/^received date 2099-11-20 is in the future; today is /) }] },
    });
    const partial = await tx((x) => importBankFile(x, { text: file, partial: true }, team.collections));
    expect(partial.payments.map((p) => [p.amount, p.receivedDate])).toEqual([['100.00', '2026-01-15']]);
    expect(partial.errors).toEqual([{ line: 3, message: expect.stringContaining('2099-11-20') }]);
  });

  it('refuses a funding date or a dispute in the future, an issue date or a due date more than a year ahead', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor });
    await expect(tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2099-01-01' }, team.funding))).rejects.toMatchObject({
      status: 422,
      details: { fundingDate: expect.any(String) },
      message: expect.stringContaining('Funding date 2099-01-01 is in the future'),
    });
    const base = { clientId: client.id, debtorId: debtor.id, number: `F-${randomBytes(3).toString('hex')}`, faceValue: '100.00', currency: 'USD' };
    // issue 16: an issue date after today is taken and flagged (it holds funding until cleared); years ahead is refused
    const future = await tx((x) =>
      createInvoice(x, { ...base, number: `${base.number}-1`, issueDate: addDays(todayIn(), 1), dueDate: addDays(todayIn(), 30) }, team.funding),
    );
    expect(future.flags.map((f) => f.kind)).toContain('future_issue_date');
    await expect(
      tx((x) => createInvoice(x, { ...base, number: `${base.number}-2`, issueDate: '2099-01-01', dueDate: '2099-01-30' }, team.funding)),
    ).rejects.toMatchObject({ status: 422, details: { issueDate: expect.any(String) } });
    await expect(tx((x) => createInvoice(x, { ...base, issueDate: '2026-01-01', dueDate: '2099-01-01' }, team.funding))).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Due date 2099-01-01 is too far ahead'),
      details: { dueDate: expect.any(String) },
    });
    // a due date months ahead is normal
    const ahead = await tx((x) => createInvoice(x, { ...base, issueDate: todayIn(), dueDate: addDays(todayIn(), 90) }, team.funding));
    expect(ahead.dueDate).toBe(addDays(todayIn(), 90));
    const funded = await aFundedInvoice(t.database, team, { client, debtor, fundingDate: '2026-02-01' });
    await expect(tx((x) => openDispute(x, Number(funded.id), { amount: '10.00', reason: 'x', date: '2099-01-01' }, team.collections))).rejects.toMatchObject({
      status: 422,
      details: { date: expect.any(String) },
    });
  });

  it('refuses an accrual through a date that has not come: the API, the job, and nothing posted', async () => {
    const entries = await count('journal_entries');
    const res = await call('POST', 'accruals', '/accruals', {}, await keyFor(team.controller), { asOf: '2099-01-01' });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({
      code: 'date_out_of_range',
      message: expect.stringContaining('Accrual date 2099-01-01 is in the future'),
      details: { asOf: expect.any(String) },
    });
    const tomorrow = await call('POST', 'accruals', '/accruals', {}, await keyFor(team.controller), { asOf: addDays(todayIn(), 1) });
    expect(tomorrow.status).toBe(422);
    const job = { id: 'test-1', data: { reason: 'api' as const, asOf: '2099-01-01' }, updateProgress: async () => {} };
    await expect(feeAccrualProcessor(t.database)(job as never)).rejects.toMatchObject({ code: 'date_out_of_range' });
    expect(await count('journal_entries')).toBe(entries);
  });

  it('refuses an agreement version or a client effective more than a year ahead', async () => {
    const client = await aClient(t.database, team);
    await expect(
      tx((x) => proposeAgreementChange(x, Number(client.id), { effectiveFrom: '2099-01-01', agreement: {} }, team.underwriter)),
    ).rejects.toMatchObject({
      status: 422,
      details: { effectiveFrom: expect.any(String) },
    });
    await expect(tx((x) => createClient(x, { name: 'Later Inc', currency: 'USD', effectiveFrom: '2099-01-01' }, team.underwriter))).rejects.toMatchObject({
      status: 422,
      details: { effectiveFrom: expect.any(String) },
    });
  });
});

describe('nothing is dated before the factor bought the invoice', () => {
  async function fundedOn(fundingDate: string, agreement?: NonNullable<Parameters<typeof aClient>[2]>['agreement']) {
    const client = await aClient(t.database, team, { agreement });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate });
    return { client, debtor, invoice };
  }

  it('refuses a payment received before the invoice was funded (422 naming the invoice and both dates); nothing is applied', async () => {
    const { invoice, client } = await fundedOn('2026-03-10');
    const payment = await tx((x) =>
      receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-03-01', payerName: 'Early Bird' }, team.collections),
    );
    const entries = await count('journal_entries');
    const refusal = tx((x) => applyPayment(x, Number(payment.id), { allocations: [{ invoiceId: invoice.id, amount: '1000.00' }] }, team.collections));
    await expect(refusal).rejects.toMatchObject({
      status: 422,
      code: 'payment_before_funding',
      message: `Payment ${payment.id} was received on 2026-03-01, before invoice ${invoice.number} was funded on 2026-03-10; it cannot pay an invoice the factor had not bought yet`,
      details: { invoiceId: invoice.id, receivedDate: '2026-03-01', fundingDate: '2026-03-10' },
    });
    expect(await count('journal_entries')).toBe(entries);
    const ledger = await clientLedger(t.database, Number(client.id), { accounts: ['receivable'], limit: 500 });
    expect(ledger.lines.map((l) => [l.effectiveDate, l.amount.toString()])).toEqual([['2026-03-10', '1000']]);
    // the same API call is a 422 in the error shape
    const res = await call('POST', 'payments/[id]/applications', `/payments/${payment.id}/applications`, { id: payment.id }, await keyFor(team.collections), {
      allocations: [{ invoiceId: invoice.id, amount: '1000.00' }],
    });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({
      code: 'payment_before_funding',
      details: { invoiceId: invoice.id, receivedDate: '2026-03-01', fundingDate: '2026-03-10' },
    });
    // received on the funding date or later it applies
    const onTime = await tx((x) => receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-03-10' }, team.collections));
    const applied = await tx((x) => applyPayment(x, Number(onTime.id), { allocations: [{ invoiceId: invoice.id, amount: '1000.00' }] }, team.collections));
    expect(applied.invoices[0]).toMatchObject({ outcome: 'settled' });
  });

  it('a payment naming an invoice funded after it came in is not applied automatically (and does not fail the receipt)', async () => {
    const { invoice } = await fundedOn('2026-04-10');
    const payment = await tx((x) =>
      receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-04-01', reference: invoice.number }, team.collections),
    );
    expect(payment).toMatchObject({ status: 'unapplied', unapplied: '1000.00' });
    expect(payment.suggestions.map((s) => s.invoiceId)).not.toContain(invoice.id);
  });

  it('refuses a dispute, a resolution, a chargeback and a write-off dated before the funding, and a refund before the receipt', async () => {
    const { invoice } = await fundedOn('2026-05-10');
    await expect(
      tx((x) => openDispute(x, Number(invoice.id), { amount: '10.00', reason: 'Damaged', date: '2026-05-09' }, team.collections)),
    ).rejects.toMatchObject({
      status: 422,
      code: 'before_funding',
      message: `Dispute date 2026-05-09 is before invoice ${invoice.number} was funded on 2026-05-10; it cannot be disputed before the factor bought it`,
      details: { date: 'must be on or after 2026-05-10', fundingDate: '2026-05-10' },
    });
    const dispute = await tx((x) => openDispute(x, Number(invoice.id), { amount: '10.00', reason: 'Damaged', date: '2026-05-20' }, team.collections));
    await expect(
      tx((x) => resolveDispute(x, Number(invoice.id), Number(dispute.id), { outcome: 'credit_note', date: '2026-05-01' }, team.collections)),
    ).rejects.toMatchObject({ status: 422, code: 'before_funding' });
    await expect(
      tx((x) => resolveDispute(x, Number(invoice.id), Number(dispute.id), { outcome: 'credit_note', date: '2026-05-15' }, team.collections)),
    ).rejects.toMatchObject({
      status: 422,
      code: 'before_dispute',
      message: `Resolution date 2026-05-15 is before dispute ${dispute.id} was opened on 2026-05-20`,
    });
    await expect(tx((x) => chargebackInvoice(x, Number(invoice.id), { date: '2026-05-01' }, team.collections))).rejects.toMatchObject({
      status: 422,
      code: 'before_funding',
    });

    const nonRecourse = await fundedOn('2026-05-10', { model: 'non_recourse' });
    await expect(tx((x) => writeOffInvoice(x, Number(nonRecourse.invoice.id), { date: '2026-05-01' }, team.collections))).rejects.toMatchObject({
      status: 422,
      code: 'before_funding',
      message: expect.stringContaining('Write-off date 2026-05-01 is before invoice'),
    });

    const payment = await tx((x) => receivePayment(x, { amount: '50.00', currency: 'USD', receivedDate: '2026-05-10' }, team.collections));
    await expect(tx((x) => refundPayment(x, Number(payment.id), { date: '2026-05-09' }, team.collections))).rejects.toMatchObject({
      status: 422,
      code: 'refund_before_receipt',
      details: { date: 'must be on or after 2026-05-10' },
    });
    await expect(tx((x) => refundPayment(x, Number(payment.id), { date: '2026-5-11' }, team.collections))).rejects.toMatchObject({
      status: 400,
      details: { date: expect.any(String) },
    });
    const refunded = await tx((x) => refundPayment(x, Number(payment.id), { date: '2026-05-11' }, team.collections));
    expect(refunded).toMatchObject({ status: 'refunded', unapplied: '0.00' });
  });
});

describe('currencies are real ISO 4217 codes, and amounts fit their columns', () => {
  it('refuses XYZ, XXX and QQQ wherever a currency enters, naming the field', async () => {
    const clients = await count('clients');
    await expect(tx((x) => createClient(x, { name: 'Fake Money Ltd', currency: 'XYZ' }, team.underwriter))).rejects.toMatchObject({
      status: 400,
      details: { currency: expect.stringContaining('ISO 4217') },
    });
    await expect(
      tx((x) => createClient(x, { name: 'Fake Money Ltd', currency: 'USD', agreement: { currencies: ['USD', 'QQQ'] } }, team.underwriter)),
    ).rejects.toMatchObject({
      status: 400,
      details: { 'agreement.currencies.1': expect.stringContaining('ISO 4217') },
    });
    expect(await count('clients')).toBe(clients);
    const api = await call('POST', 'clients', '/clients', {}, await keyFor(team.underwriter), { name: 'Fake Money Ltd', currency: 'XXX' });
    expect(api.status).toBe(400);
    expect(api.json.error).toMatchObject({
      code: 'invalid_input',
      details: { currency: 'Currency must be an ISO 4217 currency code such as USD, EUR or JPY' },
    });

    const payment = await call('POST', 'payments', '/payments', {}, await keyFor(team.collections), {
      amount: '10.00',
      currency: 'XYZ',
      receivedDate: '2026-01-15',
    });
    expect(payment.status).toBe(400);
    expect(payment.json.error!.details).toEqual({ currency: 'Currency must be an ISO 4217 currency code such as USD, EUR or JPY' });
    await expect(tx((x) => importBankFile(x, { text: 'date,amount,currency\n2026-01-15,10.00,QQQ' }, team.collections))).rejects.toMatchObject({
      details: { errors: [{ line: 2, message: 'currency "QQQ" is not a currency code such as USD' }] },
    });

    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = { clientId: client.id, debtorId: debtor.id, number: 'CUR-1', faceValue: '100.00', issueDate: '2026-01-01', dueDate: '2026-02-01' };
    await expect(tx((x) => createInvoice(x, { ...invoice, currency: 'XYZ' }, team.funding))).rejects.toMatchObject({
      status: 400,
      details: { currency: expect.stringContaining('ISO 4217') },
    });
  });

  it('refuses at entry an invoice in a currency the client’s agreement does not fund', async () => {
    const usdOnly = await aClient(t.database, team);
    const both = await aClient(t.database, team, { agreement: { currencies: ['USD', 'EUR'] } });
    const debtor = await aDebtor(t.database, team);
    const invoice = (clientId: string, number: string) => ({
      clientId,
      debtorId: debtor.id,
      number,
      faceValue: '100.00',
      currency: 'EUR',
      issueDate: '2026-01-01',
      dueDate: '2026-02-01',
    });
    const invoices = await count('invoices');
    await expect(tx((x) => createInvoice(x, invoice(usdOnly.id, 'EU-1'), team.funding))).rejects.toMatchObject({
      status: 422,
      code: 'currency_not_allowed',
      message: `Invoice EU-1 is in EUR; ${usdOnly.name}'s agreement funds USD`,
      details: { currency: 'must be one of USD' },
    });
    expect(await count('invoices')).toBe(invoices);
    expect((await tx((x) => createInvoice(x, invoice(both.id, 'EU-2'), team.funding))).currency).toBe('EUR');
    // a schedule of accounts likewise, line by line
    const csv = [
      'number,debtor_id,face_value,currency,issue_date,due_date',
      `S-1,${debtor.id},100.00,USD,2026-01-01,2026-02-01`,
      `S-2,${debtor.id},100.00,EUR,2026-01-01,2026-02-01`,
      `S-3,${debtor.id},100.00,USD,2099-01-01,2099-02-01`,
    ].join('\n');
    await expect(tx((x) => importInvoices(x, { clientId: usdOnly.id, csv }, team.funding))).rejects.toMatchObject({
      status: 422,
      code: 'invalid_schedule',
      details: {
        errors: [
          { line: 3, message: `currency EUR is not one ${usdOnly.name}'s agreement funds (USD)` },
          { line: 4, message: expect.stringMatching(/^issue date 2099-01-01 is too far ahead/) },
          { line: 4, message: expect.stringMatching(/^due date 2099-02-01 is too far ahead/) },
        ],
      },
    });
    expect(await count('invoices')).toBe(invoices + 1);
  });

  it('an amount too large for numeric(20,4) is a 400 naming the field, never a database overflow', async () => {
    const huge = '1000000000000000000000000000000';
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const res = await call('POST', 'invoices', '/invoices', {}, await keyFor(team.funding), {
      clientId: client.id,
      debtorId: debtor.id,
      number: 'HUGE-1',
      faceValue: huge,
      currency: 'USD',
      issueDate: '2026-01-01',
      dueDate: '2026-02-01',
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'too_large', details: { faceValue: 'Face value is too large: at most 15 digits before the decimal point' } });
    const pay = await call('POST', 'payments', '/payments', {}, await keyFor(team.collections), { amount: huge, currency: 'USD', receivedDate: '2026-01-15' });
    expect(pay.status).toBe(400);
    expect(pay.json.error!.details).toEqual({ amount: 'Amount is too large: at most 15 digits before the decimal point' });
    await expect(tx((x) => createDebtor(x, { name: 'Huge Debtor', creditLimit: huge }, team.underwriter))).rejects.toMatchObject({
      status: 400,
      details: { creditLimit: expect.stringContaining('too large') },
    });
    const agreement = await call('POST', 'clients', '/clients', {}, await keyFor(team.underwriter), {
      name: 'Huge Limit',
      currency: 'USD',
      agreement: { creditLimit: huge },
    });
    expect(agreement.status).toBe(400);
    expect(agreement.json.error!.details).toEqual({ 'agreement.creditLimit': 'Credit limit is too large: at most 15 digits before the decimal point' });
  });
});

describe('unknown ids are 404 or 422, never an empty success', () => {
  it('answers every POST that names an id that does not exist with 404 or 422 in the error shape', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, fundingDate: '2026-01-05' });
    const payment = await tx((x) => receivePayment(x, { amount: '10.00', currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
    const keys = {
      underwriter: await keyFor(team.underwriter),
      funding: await keyFor(team.funding),
      collections: await keyFor(team.collections),
      approver: await keyFor(team.approver),
      controller: await keyFor(team.controller),
    };
    const none = '999999';
    const before = { invoices: await count('invoices'), entries: await count('journal_entries'), disputes: await count('disputes') };
    const cases: [string, () => ReturnType<typeof call>, number, string?][] = [
      [
        'invoice for an unknown client',
        () =>
          call('POST', 'invoices', '/invoices', {}, keys.funding, {
            clientId: none,
            debtorId: debtor.id,
            number: 'U-1',
            faceValue: '10.00',
            currency: 'USD',
            issueDate: '2026-01-01',
            dueDate: '2026-02-01',
          }),
        422,
        'clientId',
      ],
      [
        'invoice for an unknown debtor',
        () =>
          call('POST', 'invoices', '/invoices', {}, keys.funding, {
            clientId: client.id,
            debtorId: none,
            number: 'U-2',
            faceValue: '10.00',
            currency: 'USD',
            issueDate: '2026-01-01',
            dueDate: '2026-02-01',
          }),
        422,
        'debtorId',
      ],
      [
        'schedule for an unknown client',
        () =>
          call(
            'POST',
            'invoices/import',
            `/invoices/import?clientId=${none}`,
            {},
            keys.funding,
            'number,debtor,face_value,currency,issue_date,due_date\nA-1,1,1.00,USD,2026-01-01,2026-02-01',
          ),
        422,
        'clientId',
      ],
      [
        'funding an unknown client',
        () => call('POST', 'fundings', '/fundings', {}, keys.funding, { clientId: none, invoiceIds: [invoice.id], fundingDate: '2026-01-05' }),
        404,
      ],
      [
        'funding unknown invoices',
        () => call('POST', 'fundings', '/fundings', {}, keys.funding, { clientId: client.id, invoiceIds: [none], fundingDate: '2026-01-05' }),
        404,
        'invoiceIds',
      ],
      ['approving an unknown funding batch', () => call('POST', 'fundings/[id]/approve', `/fundings/${none}/approve`, { id: none }, keys.approver, {}), 404],
      [
        'rejecting an unknown funding batch',
        () => call('POST', 'fundings/[id]/reject', `/fundings/${none}/reject`, { id: none }, keys.approver, { reason: 'no' }),
        404,
      ],
      [
        'allocating to an unknown invoice',
        () =>
          call('POST', 'payments/[id]/applications', `/payments/${payment.id}/applications`, { id: payment.id }, keys.collections, {
            allocations: [{ invoiceId: none, amount: '10.00' }],
          }),
        404,
      ],
      [
        'applying an unknown payment',
        () =>
          call('POST', 'payments/[id]/applications', `/payments/${none}/applications`, { id: none }, keys.collections, {
            allocations: [{ invoiceId: invoice.id, amount: '10.00' }],
          }),
        404,
      ],
      ['refunding an unknown payment', () => call('POST', 'payments/[id]/refund', `/payments/${none}/refund`, { id: none }, keys.collections, {}), 404],
      ['verifying an unknown invoice', () => call('POST', 'invoices/[id]/verify', `/invoices/${none}/verify`, { id: none }, keys.funding, {}), 404],
      [
        'disputing an unknown invoice',
        () => call('POST', 'invoices/[id]/disputes', `/invoices/${none}/disputes`, { id: none }, keys.collections, { amount: '1.00', reason: 'x' }),
        404,
      ],
      [
        'resolving an unknown dispute',
        () =>
          call(
            'POST',
            'invoices/[id]/disputes/[disputeId]/resolve',
            `/invoices/${invoice.id}/disputes/${none}/resolve`,
            { id: invoice.id, disputeId: none },
            keys.collections,
            { outcome: 'paid' },
          ),
        404,
      ],
      [
        'charging back an unknown invoice',
        () => call('POST', 'invoices/[id]/chargeback', `/invoices/${none}/chargeback`, { id: none }, keys.collections, { date: '2026-02-01' }),
        404,
      ],
      [
        'writing off an unknown invoice',
        () => call('POST', 'invoices/[id]/write-off', `/invoices/${none}/write-off`, { id: none }, keys.collections, { date: '2026-02-01' }),
        404,
      ],
      [
        'debtor approval of an unknown invoice',
        () => call('POST', 'invoices/[id]/debtor-approval', `/invoices/${none}/debtor-approval`, { id: none }, keys.funding, { date: '2026-01-02' }),
        404,
      ],
      [
        'notice of assignment for an unknown client',
        () => call('POST', 'clients/[id]/noa', `/clients/${none}/noa`, { id: none }, keys.underwriter, { debtorId: debtor.id, sentDate: '2026-01-02' }),
        404,
      ],
      [
        'notice of assignment to an unknown debtor',
        () => call('POST', 'clients/[id]/noa', `/clients/${client.id}/noa`, { id: client.id }, keys.underwriter, { debtorId: none, sentDate: '2026-01-02' }),
        422,
        'debtorId',
      ],
      [
        'an agreement version for an unknown client',
        () =>
          call('POST', 'clients/[id]/agreement-versions', `/clients/${none}/agreement-versions`, { id: none }, keys.underwriter, {
            effectiveFrom: '2026-12-01',
            agreement: {},
          }),
        404,
      ],
      [
        'approving an unknown agreement version',
        () => call('POST', 'agreement-versions/[id]/approve', `/agreement-versions/${none}/approve`, { id: none }, keys.approver, {}),
        404,
      ],
      [
        'rejecting an unknown agreement version',
        () => call('POST', 'agreement-versions/[id]/reject', `/agreement-versions/${none}/reject`, { id: none }, keys.approver, { reason: 'no' }),
        404,
      ],
      [
        'a statement of an unknown client',
        () => call('POST', 'clients/[id]/statements', `/clients/${none}/statements`, { id: none }, keys.controller, { from: '2026-01-01', to: '2026-01-31' }),
        404,
      ],
      [
        'a statement run for unknown clients',
        () => call('POST', 'statement-runs', '/statement-runs', {}, keys.controller, { from: '2026-01-01', to: '2026-01-31', clientIds: [none] }),
        404,
        'clientIds',
      ],
      [
        'the payout account of an unknown client',
        () =>
          call('PUT', 'clients/[id]/payout-account', `/clients/${none}/payout-account`, { id: none }, keys.underwriter, {
            holderName: 'X',
            routing: '021000021',
            account: '123456789',
            accountType: 'checking',
          }),
        404,
      ],
      ['approving an unknown release', () => call('POST', 'releases/[id]/approve', `/releases/${none}/approve`, { id: none }, keys.approver, {}), 404],
      [
        'rejecting an unknown release',
        () => call('POST', 'releases/[id]/reject', `/releases/${none}/reject`, { id: none }, keys.approver, { reason: 'no' }),
        404,
      ],
    ];
    const answers: [string, number, string | undefined, unknown][] = [];
    for (const [name, run, , field] of cases) {
      const res = await run();
      answers.push([name, res.status, res.json.error?.code, field ? Object.keys(res.json.error?.details ?? {}) : undefined]);
    }
    expect(answers).toEqual(cases.map(([name, , status, field]) => [name, status, expect.any(String), field ? [field] : undefined]));
    expect({ invoices: await count('invoices'), entries: await count('journal_entries'), disputes: await count('disputes') }).toEqual(before);
    // misdirected payments (console): unknown debtor or invoices, and a date to come, are refused
    const misdirected = { clientId: client.id, debtorId: debtor.id, amount: '10.00', currency: 'USD', paidDate: '2026-01-20' };
    await expect(tx((x) => recordMisdirected(x, { ...misdirected, debtorId: none }, team.collections))).rejects.toMatchObject({
      status: 422,
      details: { debtorId: 'no such debtor' },
    });
    await expect(tx((x) => recordMisdirected(x, { ...misdirected, invoiceIds: [invoice.id, none] }, team.collections))).rejects.toMatchObject({
      status: 422,
      code: 'unknown_invoice',
      details: { invoiceIds: expect.any(String) },
    });
    await expect(tx((x) => recordMisdirected(x, { ...misdirected, paidDate: '2099-01-01' }, team.collections))).rejects.toMatchObject({
      status: 422,
      details: { paidDate: expect.any(String) },
    });
    expect((await tx((x) => recordMisdirected(x, { ...misdirected, invoiceIds: [invoice.id] }, team.collections))).invoiceIds).toEqual([invoice.id]);
    // the NOA command itself: 422 naming the debtor
    await expect(tx((x) => recordNoa(x, Number(client.id), { debtorId: none, sentDate: '2026-01-02' }, team.underwriter))).rejects.toMatchObject({
      status: 422,
      code: 'unknown_debtor',
      details: { debtorId: 'no such debtor' },
    });
  });

  it('an auditor may read but the commands refuse it', async () => {
    const auditor = await aUser(t.database, 'auditor');
    const res = await call('POST', 'payments', '/payments', {}, await keyFor(auditor), { amount: '1.00', currency: 'USD', receivedDate: '2026-01-15' });
    expect(res.status).toBe(403);
  });

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
