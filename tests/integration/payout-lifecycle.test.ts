import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { createDatabase, type Database } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { verifyAll } from '../../lib/audit/verify';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { currentBalances } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { batchFile, createBatch, getBatch, markSent, markSettled, returnRelease } from '../../lib/payouts';
import { approveRelease, getRelease, runReleaseCycle } from '../../lib/releases';
import { aClient, aDebtor, aFundedInvoice, aPayoutAccount, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/*
 * Issue 14 / SPEC 5.3: the payout lifecycle through the ledger — approve (reserve → client
 * payable) → batch → file (frozen) → sent (→ cash in transit) → settled (→ cash); returns before
 * and after settlement back to client payable, paid again once in a later batch; one live batch per
 * release, one open batch per currency and date, double requests posting once.
 */

let t: TestDatabase;
let team: Team;
let second: Database;
const ENV = {
  NACHA_ORIGIN_ROUTING: '021000021',
  NACHA_DESTINATION_ROUTING: '021000021',
  NACHA_DESTINATION_NAME: 'Chase',
  NACHA_COMPANY_ID: '1234567890',
  NACHA_COMPANY_NAME: 'Holdback Factors',
  SEPA_DEBTOR_NAME: 'Holdback Factors GmbH',
  SEPA_DEBTOR_IBAN: 'DE89370400440532013000',
  SEPA_DEBTOR_BIC: 'COBADEFFXXX',
};
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  t = await createTestDatabase();
  team = await aTeam(t.database);
  second = createDatabase(t.appUrl, { max: 2 });
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await second?.sql.end();
  await t?.drop();
});

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;
const INSTAPAY = {
  advanceRate: '0.90',
  reserveRate: '0.10',
  fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
  releaseAutoApproveUpTo: '100000.00',
} as const;
const xsd = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pain001-subset.xsd'), 'utf8');

/** A factor-level account's signed balance (debits positive). */
async function factorBalance(code: 'cash' | 'cash_in_transit', currency = 'USD'): Promise<Big> {
  const [row] = await t.database.sql<
    { balance: string }[]
  >`select balance from ledger_accounts where code = ${code} and currency = ${currency} and client_id is null`;
  return new Big(row?.balance ?? '0');
}
const clientBalances = async (clientId: string) =>
  Object.fromEntries((await currentBalances(t.database, { clientId: Number(clientId) })).map((b) => [b.account, formatMoney(b.balance, b.currency)]));

async function withAba(clientId: string, routing = '011000015', account = `1111${clientId.padStart(6, '0')}`) {
  await aPayoutAccount(t.database, team, clientId, { holderName: `Holder ${clientId}`, routing, account });
}

/** A client whose 1,000 × n face invoice was funded and paid: InstaPay releases 7% (70.00 per 1,000), auto-approved. */
async function approvedRelease(face: string, options: { currency?: string; account?: 'aba' | 'iban' | 'none'; asOf?: string } = {}) {
  const currency = options.currency ?? 'USD';
  const client = await aClient(t.database, team, { agreement: INSTAPAY, currency });
  const debtor = await aDebtor(t.database, team);
  const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate: '2026-01-01' });
  const p = await tx((x) => receivePayment(x, { amount: face, currency, receivedDate: '2026-01-20' }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: face }] }, team.collections));
  const cycle = await runReleaseCycle(t.database, { asOf: options.asOf ?? '2026-01-30', clientIds: [client.id] }, team.controller);
  expect(cycle.releases).toEqual([expect.objectContaining({ status: 'approved' })]);
  if ((options.account ?? 'aba') === 'aba') await withAba(client.id);
  if (options.account === 'iban') {
    await aPayoutAccount(t.database, team, client.id, {
      kind: 'iban',
      holderName: `Kunde ${client.id} GmbH`,
      iban: 'DE44500105175407324931',
      bic: 'INGDDEFFXXX',
    });
  }
  return { client, releaseId: Number(cycle.releases[0]!.id), amount: cycle.releases[0]!.amount };
}

/** Every entry posted for a release, by kind, with the net it moved into cash (a credit to cash is money out). */
async function releaseLedger(releaseId: number) {
  const rows = await t.database.sql<{ kind: string; key: string; cash: string | null; transit: string | null; payable: string | null }[]>`
    select e.kind, e.idempotency_key as key,
           sum(l.amount) filter (where a.code = 'cash') as cash, sum(l.amount) filter (where a.code = 'cash_in_transit') as transit,
           sum(l.amount) filter (where a.code = 'client_payable') as payable
      from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
     where e.release_id = ${releaseId} group by e.id order by e.id`;
  const sum = (k: 'cash' | 'transit' | 'payable') => rows.reduce((s, r) => s.plus(r[k] ?? '0'), new Big(0)).toFixed(2);
  return { kinds: rows.map((r) => r.kind), keys: rows.map((r) => r.key), cash: sum('cash'), transit: sum('transit'), payable: sum('payable') };
}

const file = (id: number, format: 'nacha' | 'pain001' | 'csv', by: Actor = team.controller) => tx((x) => batchFile(x, id, format, by));

describe('approve → batch → file → sent → settled: one path per release', () => {
  it('worked example 1 (NAYA): 1,900.00 goes reserve → payable → in transit → cash exactly once', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const p = await tx((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-01-31' }, team.collections));
    await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '10000.00' }] }, team.collections));
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
    const releaseId = Number(run.releases[0]!.id);
    const approved = await tx((x) => approveRelease(x, releaseId, {}, team.approver));
    expect(approved).toMatchObject({ status: 'approved', approvedAmount: '1900.00', batchId: null });
    expect(await clientBalances(client.id)).toMatchObject({ reserve: '0.00', client_payable: '1900.00' });

    // no payout account: the batch is refused naming the client
    await expect(tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-16' }, team.controller))).rejects.toMatchObject({
      status: 422,
      code: 'payout_accounts_missing',
      details: { clients: [client.id] },
    });
    await withAba(client.id);
    // only controllers and admins batch
    await expect(tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-16' }, team.approver))).rejects.toMatchObject({ status: 403 });
    const { batch, created } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-16' }, team.controller));
    expect(created).toBe(true);
    expect(batch).toMatchObject({
      status: 'open',
      currency: 'USD',
      valueDate: '2026-02-16',
      total: '1900.00',
      releases: [expect.objectContaining({ id: String(releaseId), clientId: client.id, amount: '1900.00' })],
    });
    const batchId = Number(batch.id);
    expect(await tx((x) => getRelease(x, releaseId, team.approver))).toMatchObject({ status: 'in_batch', batchId: batch.id });
    // marking sent before the file exists is refused
    await expect(tx((x) => markSent(x, batchId, { date: '2026-02-16' }, team.controller))).rejects.toMatchObject({ status: 409, code: 'file_not_generated' });

    const cash0 = await factorBalance('cash');
    const transit0 = await factorBalance('cash_in_transit');
    // an auditor may read a generated file, not generate one
    await expect(file(batchId, 'nacha', team.approver)).rejects.toMatchObject({ status: 403 });
    const first = await file(batchId, 'nacha');
    expect(first.generated).toBe(true);
    const again = await file(batchId, 'nacha', team.approver);
    expect(again.generated).toBe(false);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(again.sha256).toBe(first.sha256);
    await expect(file(batchId, 'csv')).rejects.toMatchObject({ status: 409, code: 'batch_file_frozen' });
    // the database keeps the bytes: no UPDATE may change them
    await expect(t.database.sql`update payout_batches set file_bytes = 'x'::bytea where id = ${batchId}`).rejects.toThrow(/never change/);

    await tx((x) => markSent(x, batchId, { date: '2026-02-16' }, team.controller));
    expect(await clientBalances(client.id)).toMatchObject({ client_payable: '0.00' });
    expect((await factorBalance('cash_in_transit')).minus(transit0).toFixed(2)).toBe('-1900.00');
    expect(await tx((x) => getRelease(x, releaseId, team.approver))).toMatchObject({ status: 'sent' });
    await expect(tx((x) => markSettled(x, batchId, { date: '2026-02-15' }, team.controller))).rejects.toMatchObject({ code: 'settled_before_sent' });
    const settled = await tx((x) => markSettled(x, batchId, { date: '2026-02-17' }, team.controller));
    expect(settled).toMatchObject({ status: 'settled', sentDate: '2026-02-16', settledDate: '2026-02-17', posted: 1 });
    expect((await factorBalance('cash_in_transit')).minus(transit0).toFixed(2)).toBe('0.00');
    expect((await factorBalance('cash')).minus(cash0).toFixed(2)).toBe('-1900.00');

    const view = await tx((x) => getRelease(x, releaseId, team.approver));
    expect(view).toMatchObject({ status: 'paid', batchId: batch.id });
    expect(view.entries.map((e) => [e.kind, e.date])).toEqual([
      ['release', '2026-02-13'],
      ['payout_sent', '2026-02-16'],
      ['payout_settled', '2026-02-17'],
    ]);
    expect(view.entries[1]!.lines).toEqual([
      { account: 'client_payable', amount: '1900.00' },
      { account: 'cash_in_transit', amount: '-1900.00' },
    ]);
    expect(await releaseLedger(releaseId)).toMatchObject({ cash: '-1900.00', transit: '0.00', payable: '0.00' });
    const actions = await t.database.sql<{ action: string }[]>`
      select action from audit_events where (target_type = 'payout_batch' and target_id = ${batch.id}) order by id`;
    expect(actions.map((a) => a.action)).toEqual(['payout.batch_create', 'payout.batch_file', 'payout.batch_sent', 'payout.batch_settled']);
  });

  it('the NACHA file keeps each item trace number, to the byte', async () => {
    const a = await approvedRelease('1000.00'); // 70.00
    const b = await approvedRelease('2000.00'); // 140.00
    const { batch } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-02' }, team.controller));
    expect(batch.releases.map((r) => r.id)).toEqual([String(a.releaseId), String(b.releaseId)]);
    const out = await file(Number(batch.id), 'nacha');
    const lines = new TextDecoder().decode(out.bytes).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[1]!.slice(69, 75)).toBe('260202'); // the value date is the effective entry date
    const ref = `R${a.releaseId}B${batch.id}`.padEnd(15);
    expect(lines[2]).toBe(
      `622011000015${`1111${a.client.id.padStart(6, '0')}`.padEnd(17)}0000007000${ref}${`HOLDER ${a.client.id}`.padEnd(22)}  0021000020000001`,
    );
    expect(lines[4]!.slice(20, 44)).toBe('000000000000000000021000'); // no debits, 210.00 credited
    const kept = await tx((x) => getBatch(x, Number(batch.id), team.controller));
    expect(kept.status).toBe('generated');
    expect(kept.releases.map((r) => r.traceNumber)).toEqual([lines[2]!.slice(79, 94), lines[3]!.slice(79, 94)]);
    expect(kept.releases.map((r) => r.traceNumber)).toEqual(['021000020000001', '021000020000002']);
    await tx((x) => markSent(x, Number(batch.id), { date: '2026-02-02' }, team.controller));
    await tx((x) => markSettled(x, Number(batch.id), { date: '2026-02-03' }, team.controller));
  });

  it('nothing to pay is 422; a release with no money never joins', async () => {
    await expect(tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-03-01' }, team.controller))).rejects.toMatchObject({
      status: 422,
      code: 'nothing_to_pay',
    });
    expect(await t.database.sql`select 1 from payout_batches where value_date = '2026-03-01'`).toHaveLength(0);
  });
});

describe('returns', () => {
  it('before and after settlement the amount goes back to client payable, and a later batch pays it once', async () => {
    const a = await approvedRelease('1000.00'); // 70.00, returned before settlement
    const b = await approvedRelease('2000.00'); // 140.00, returned after settlement (R03: the account is flagged)
    await t.database.sql`update clients set contacts = '[]'::jsonb where id = any(${[a.client.id, b.client.id]}::bigint[])`;
    // a release not sent cannot come back
    await expect(tx((x) => returnRelease(x, a.releaseId, { date: '2026-02-05', code: 'R01', reason: 'NSF' }, team.controller))).rejects.toMatchObject({
      status: 409,
      code: 'not_sent',
    });
    const { batch } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-05' }, team.controller));
    const id = Number(batch.id);
    await file(id, 'nacha');
    await tx((x) => markSent(x, id, { date: '2026-02-05' }, team.controller));
    const transit0 = await factorBalance('cash_in_transit');
    const cash0 = await factorBalance('cash');
    // the code must be one Nacha assigns; a SEPA code is not an ACH return
    await expect(tx((x) => returnRelease(x, a.releaseId, { date: '2026-02-06', code: 'R48', reason: 'x' }, team.controller))).rejects.toMatchObject({
      status: 400,
    });
    await expect(tx((x) => returnRelease(x, a.releaseId, { date: '2026-02-06', code: 'AC04', reason: 'x' }, team.controller))).rejects.toMatchObject({
      status: 400,
    });
    await expect(tx((x) => returnRelease(x, a.releaseId, { date: '2026-02-06', code: 'R01', reason: 'NSF' }, team.approver))).rejects.toMatchObject({
      status: 403,
    });
    const returnedA = await tx((x) =>
      returnRelease(x, a.releaseId, { date: '2026-02-06', code: 'r01', reason: 'Insufficient funds at the RDFI' }, team.controller),
    );
    expect(returnedA).toMatchObject({ status: 'returned', batchId: null });
    expect(await clientBalances(a.client.id)).toMatchObject({ client_payable: '70.00' });
    expect((await factorBalance('cash_in_transit')).minus(transit0).toFixed(2)).toBe('70.00');
    // a double return posts nothing more
    await expect(tx((x) => returnRelease(x, a.releaseId, { date: '2026-02-06', code: 'R01', reason: 'again' }, team.controller))).rejects.toMatchObject({
      code: 'not_sent',
    });

    const settled = await tx((x) => markSettled(x, id, { date: '2026-02-07' }, team.controller));
    expect(settled.posted).toBe(1); // only b: a came back before settlement
    expect(settled.releases.map((r) => [r.id, r.status, r.returnCode])).toEqual([
      [String(a.releaseId), 'returned', 'R01'],
      [String(b.releaseId), 'live', null],
    ]);
    expect((await factorBalance('cash')).minus(cash0).toFixed(2)).toBe('-140.00');
    // both left transit: a back to client payable, b into cash
    expect((await factorBalance('cash_in_transit')).minus(transit0).toFixed(2)).toBe('210.00');

    await tx((x) => returnRelease(x, b.releaseId, { date: '2026-02-10', code: 'R03', reason: 'No account at the RDFI' }, team.controller));
    expect(await clientBalances(b.client.id)).toMatchObject({ client_payable: '140.00' });
    expect((await factorBalance('cash')).minus(cash0).toFixed(2)).toBe('0.00');
    const [flagged] = await t.database.sql<
      { payout_account_flag: { code: string } | null }[]
    >`select payout_account_flag from clients where id = ${b.client.id}`;
    expect(flagged!.payout_account_flag).toMatchObject({ code: 'R03', releaseId: String(b.releaseId) });
    const mails = await t.database.sql<
      { to: string; subject: string }[]
    >`select "to", subject from email_outbox where template = 'payout_returned' order by id`;
    expect(mails.map((m) => m.to)).toEqual([team.underwriter.label, team.underwriter.label]);
    expect(mails[1]!.subject).toContain('R03');

    // the next batch takes a (returned) but not b, whose account is flagged
    const next = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-12' }, team.controller));
    expect(next.batch.releases.map((r) => r.id)).toEqual([String(a.releaseId)]);
    await file(Number(next.batch.id), 'csv');
    await tx((x) => markSent(x, Number(next.batch.id), { date: '2026-02-12' }, team.controller));
    await tx((x) => markSettled(x, Number(next.batch.id), { date: '2026-02-13' }, team.controller));
    expect(await releaseLedger(a.releaseId)).toMatchObject({
      kinds: ['release', 'payout_sent', 'payout_return', 'payout_sent', 'payout_settled'],
      cash: '-70.00',
      transit: '0.00',
      payable: '0.00',
    });
    // the account set again (confirmed) clears the flag: b is paid once more, and only once
    await withAba(b.client.id, '026009593', '9999888877');
    const last = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-14' }, team.controller));
    expect(last.batch.releases.map((r) => r.id)).toEqual([String(b.releaseId)]);
    await file(Number(last.batch.id), 'nacha');
    await tx((x) => markSent(x, Number(last.batch.id), { date: '2026-02-14' }, team.controller));
    await tx((x) => markSettled(x, Number(last.batch.id), { date: '2026-02-17' }, team.controller));
    expect(await releaseLedger(b.releaseId)).toMatchObject({
      kinds: ['release', 'payout_sent', 'payout_settled', 'payout_return', 'payout_sent', 'payout_settled'],
      cash: '-140.00',
      transit: '0.00',
      payable: '0.00',
    });
    expect((await tx((x) => getRelease(x, b.releaseId, team.approver))).status).toBe('paid');
  });
});

describe('concurrency: one batch, one live batch per release, one posting per step', () => {
  it('two people creating the batch of one date at once make one batch', async () => {
    const a = await approvedRelease('1000.00');
    const b = await approvedRelease('3000.00');
    const [x, y] = await Promise.all([
      t.database.transaction((q) => createBatch(q, { currency: 'USD', valueDate: '2026-04-01' }, team.controller)),
      second.transaction((q) => createBatch(q, { currency: 'USD', valueDate: '2026-04-01' }, team.admin)),
    ]);
    expect(x.batch.id).toBe(y.batch.id);
    expect([x.created, y.created].sort()).toEqual([false, true]);
    const batches = await t.database.sql`select id from payout_batches where value_date = '2026-04-01'`;
    expect(batches).toHaveLength(1);
    const items = await t.database.sql<{ release_id: string }[]>`select release_id from payout_batch_items where batch_id = ${x.batch.id} order by release_id`;
    expect(items.map((i) => Number(i.release_id))).toEqual([a.releaseId, b.releaseId]);
  });

  it('batches of two dates at once never share a release; the database refuses a second live item', async () => {
    const a = await approvedRelease('1000.00');
    const results = await Promise.allSettled([
      t.database.transaction((q) => createBatch(q, { currency: 'USD', valueDate: '2026-04-02' }, team.controller)),
      second.transaction((q) => createBatch(q, { currency: 'USD', valueDate: '2026-04-03' }, team.admin)),
    ]);
    const made = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(made).toHaveLength(1);
    expect(refused.map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.objectContaining({ code: 'nothing_to_pay' })]);
    const live = await t.database.sql<{ n: number }[]>`select count(*)::int as n from payout_batch_items where release_id = ${a.releaseId} and status = 'live'`;
    expect(live[0]!.n).toBe(1);
    const [item] = await t.database.sql<
      { batch_id: string; client_id: string }[]
    >`select batch_id, client_id from payout_batch_items where release_id = ${a.releaseId}`;
    await expect(
      t.database
        .sql`insert into payout_batch_items (batch_id, release_id, client_id, amount, reference) values (${item!.batch_id}, ${a.releaseId}, ${item!.client_id}, 70, 'dup')`,
    ).rejects.toThrow(/payout_batch_items_one_live/);
  });

  it('double sent and settled requests post once', async () => {
    const r = await approvedRelease('1000.00');
    const { batch } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-04-10' }, team.controller));
    const id = Number(batch.id);
    await file(id, 'nacha');
    const sent = await Promise.all([
      t.database.transaction((q) => markSent(q, id, { date: '2026-04-10' }, team.controller)),
      second.transaction((q) => markSent(q, id, { date: '2026-04-10' }, team.admin)),
    ]);
    expect(sent.map((s) => s.posted).sort()).toEqual([0, batch.releases.length]);
    const settled = await Promise.all([
      t.database.transaction((q) => markSettled(q, id, { date: '2026-04-11' }, team.controller)),
      second.transaction((q) => markSettled(q, id, { date: '2026-04-11' }, team.admin)),
    ]);
    expect(settled.map((s) => s.posted).sort()).toEqual([0, batch.releases.length]);
    expect(await releaseLedger(r.releaseId)).toMatchObject({ kinds: ['release', 'payout_sent', 'payout_settled'], cash: '-70.00' });
  });
});

describe('pain.001 and CSV', () => {
  it('an EUR batch is a pain.001 file that validates against the schema; NACHA is refused for it', async () => {
    const e1 = await approvedRelease('1000.00', { currency: 'EUR', account: 'iban' });
    const e2 = await approvedRelease('5000.00', { currency: 'EUR', account: 'iban' });
    const { batch } = await tx((x) => createBatch(x, { currency: 'EUR', valueDate: '2026-02-20' }, team.controller));
    expect(batch.total).toBe('420.00');
    const id = Number(batch.id);
    await expect(file(id, 'nacha')).rejects.toMatchObject({ status: 422, code: 'format_not_for_currency' });
    const out = await file(id, 'pain001');
    const xml = new TextDecoder().decode(out.bytes);
    const result = await validateXML({ xml: [{ fileName: 'payout.xml', contents: xml }], schema: [{ fileName: 'pain001-subset.xsd', contents: xsd }] });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml).toContain(`<EndToEndId>R${e1.releaseId}B${id}</EndToEndId>`);
    expect(xml).toContain(`<EndToEndId>R${e2.releaseId}B${id}</EndToEndId>`);
    expect(xml).toContain('<CtrlSum>420.00</CtrlSum>');
    expect(xml).toContain('<ReqdExctnDt>2026-02-20</ReqdExctnDt>');
    await tx((x) => markSent(x, id, { date: '2026-02-20' }, team.controller));
    // a SEPA return code for a pain.001 payout; an ACH code is not one
    await expect(tx((x) => returnRelease(x, e1.releaseId, { date: '2026-02-21', code: 'R01', reason: 'x' }, team.controller))).rejects.toMatchObject({
      status: 400,
    });
    await tx((x) => returnRelease(x, e1.releaseId, { date: '2026-02-21', code: 'AC04', reason: 'Closed account' }, team.controller));
    await tx((x) => markSettled(x, id, { date: '2026-02-22' }, team.controller));
    // back in client payable (a credit: the signed sum of its entries on the account)
    expect(await releaseLedger(e1.releaseId)).toMatchObject({ cash: '0.00', transit: '0.00', payable: '-70.00' });
    expect(await releaseLedger(e2.releaseId)).toMatchObject({ cash: '-350.00', transit: '0.00' });
  });

  it('the CSV carries the bank details a bank upload needs; a USD client without an IBAN is refused a pain.001', async () => {
    const u = await approvedRelease('1000.00');
    const { batch } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-05-01' }, team.controller));
    await expect(file(Number(batch.id), 'pain001')).rejects.toMatchObject({
      status: 422,
      code: 'payout_accounts_not_iban',
      details: { clients: [u.client.id] },
    });
    const out = await file(Number(batch.id), 'csv');
    const [header, row] = new TextDecoder().decode(out.bytes).trimEnd().split(/\r?\n/);
    expect(header).toBe('batch_id,release_id,reference,value_date,client_id,client_name,account_holder,routing,account,account_type,iban,bic,currency,amount');
    expect(row).toContain(`,Holder ${u.client.id},011000015,1111${u.client.id.padStart(6, '0')},checking,,,USD,70.00`);
    await tx((x) => markSent(x, Number(batch.id), { date: '2026-05-01' }, team.controller));
    await tx((x) => markSettled(x, Number(batch.id), { date: '2026-05-02' }, team.controller));
  });

  it('audit:verify finds every release status matching its postings', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
