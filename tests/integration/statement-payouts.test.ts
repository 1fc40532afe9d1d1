import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../db/client';
import { verifyAll } from '../../lib/audit/verify';
import type { Actor } from '../../lib/auth/actor';
import { importBankFile } from '../../lib/collections/import';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { Big } from '../../lib/money';
import { batchFile, createBatch, getBatch, markSent } from '../../lib/payouts';
import { loadSentBatches, statementSettleBatch } from '../../lib/payouts/statement-match';
import { getRelease, runReleaseCycle } from '../../lib/releases';
import { pain001File } from '../../lib/releases/pain001';
import { eurSample } from '../fixtures/pain001-samples';
import { aClient, aDebtor, aFundedInvoice, aTeam, aPayoutAccount, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ROOT } from '../support/run';

/**
 * Issue 14 item 1: an imported bank statement settles the sent payout batches its outgoing lines
 * match. The first part reads the matcher through the importer with sent batches written by hand
 * (amounts and files of a real bank's statement fixture) and a stand-in settle command that
 * records its calls; the second runs the payout lifecycle itself (lib/payouts) on a database of
 * its own: approve → batch → NACHA file → sent → the statement's debit settles it → paid, through
 * the ledger, with audit:verify clean.
 */

const fixture = (name: string) => readFileSync(path.join(ROOT, 'tests', 'fixtures', 'bank', name), 'utf8');
let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

async function aSentBatch(values: { currency: string; total: string; sentDate: string; file?: { format: string; bytes: Buffer } }): Promise<number> {
  const [row] = await t.admin.sql<{ id: string }[]>`
    insert into payout_batches (currency, value_date, status, total, format, file_bytes, sent_date, created_by_label)
    values (${values.currency}, ${values.sentDate}, 'sent', ${values.total}, ${values.file?.format ?? null}, ${values.file?.bytes ?? null},
            ${values.sentDate}, 'test')
    returning id`;
  return Number(row!.id);
}

/** The stand-in for lib/payouts' markSettled: records the call and marks the batch settled. */
function fakeSettle() {
  const calls: { batchId: number; date: string; actor: string }[] = [];
  const settleBatch = async (tx: Tx, batchId: number, date: string, actor: Actor) => {
    calls.push({ batchId, date, actor: actor.label });
    await tx.sql`update payout_batches set status = 'settled', settled_date = ${date}::date, settled_by = ${actor.userId}::bigint where id = ${batchId} and status = 'sent'`;
  };
  return { calls, settleBatch };
}

const importFile = (text: string, settleBatch?: ReturnType<typeof fakeSettle>['settleBatch']) =>
  t.database.transaction((tx) => importBankFile(tx, { text }, team.collections, { settleBatch }));

const statement = fixture('camt053-001-08-payouts.xml');
/** The pain.001 of batch 7, as the bank received it: its MsgId and PmtInfId come back on the statement. */
const painOfBatch7 = Buffer.from(pain001File({ ...eurSample, messageId: 'HB-PAYOUT-7-20260212', batch: { ...eurSample.batch, id: 'HB-BATCH-7' } }));

describe('a bank statement settles sent payout batches (issue 14 item 1)', () => {
  it('with no sent batch, the outgoing lines are reported and the credits imported as ever', async () => {
    expect(await t.database.transaction((tx) => loadSentBatches(tx))).toEqual([]);
    const { calls, settleBatch } = fakeSettle();
    const result = await importFile(statement, settleBatch);
    expect(result.errors).toEqual([]);
    expect(result.payments.map((p) => p.amount)).toEqual(['31500.00']);
    expect(result.payoutsSettled).toEqual([]);
    expect(result.outgoingUnmatched).toEqual([
      { line: 22, reason: 'no sent payout batch is of 18420.55 EUR, and its references name none' },
      { line: 73, reason: 'no sent payout batch is of 980.00 EUR, and its references name none' },
      { line: 90, reason: 'no sent payout batch is of 12.50 EUR, and its references name none' },
      { line: 107, reason: 'the line cannot be read: the entry has no booking date (BookgDt)' },
    ]);
    expect(calls).toEqual([]);
  });

  it('the payout debit settles the batch its pain.001 file named, once, on the booking date, as the importing user', async () => {
    const batch7 = await aSentBatch({ currency: 'EUR', total: '18420.55', sentDate: '2026-02-12', file: { format: 'pain001', bytes: painOfBatch7 } });
    // same amount, no file: the reference tells them apart
    const other = await aSentBatch({ currency: 'EUR', total: '18420.55', sentDate: '2026-02-12' });
    const sent = await t.database.transaction((tx) => loadSentBatches(tx));
    expect(sent.find((b) => b.id === batch7)).toEqual({
      id: batch7,
      currency: 'EUR',
      total: '18420.5500',
      sentDate: '2026-02-12',
      references: ['HB-PAYOUT-7-20260212', 'HB-BATCH-7', 'E2E-1', 'E2E-2', 'E2E-3'],
    });

    const { calls, settleBatch } = fakeSettle();
    const result = await importFile(statement.replace('2026021300098802', '2026021300098803'), settleBatch);
    expect(calls).toEqual([{ batchId: batch7, date: '2026-02-13', actor: team.collections.label }]);
    expect(result.payoutsSettled).toEqual([{ batchId: batch7, date: '2026-02-13', line: 22 }]);
    expect(result.outgoingUnmatched.map((u) => u.line)).toEqual([73, 90, 107]);
    const [row] = await t.database.sql<{ status: string; settled_date: string }[]>`select status, settled_date::text from payout_batches where id = ${batch7}`;
    expect(row).toEqual({ status: 'settled', settled_date: '2026-02-13' });
    expect((await t.database.sql<{ status: string }[]>`select status from payout_batches where id = ${other}`)[0]!.status).toBe('sent');

    // the audit record of the import names what it settled
    const [audit] = await t.database.sql<{ after: { outgoing: number; payoutsSettled: number[] } }[]>`
      select after from audit_events where action = 'payment.import' order by id desc limit 1`;
    expect(audit!.after).toMatchObject({ outgoing: 4, payoutsSettled: [batch7] });

    // the same statement again: nothing is settled twice; now only the other batch has that amount
    const again = await importFile(statement.replace('2026021300098802', '2026021300098803'), settleBatch);
    expect(again.skipped).toBe(1);
    expect(calls).toHaveLength(1);
    expect(again.payoutsSettled).toEqual([]);
    expect(again.outgoingUnmatched[0]).toEqual({ line: 22, reason: `it names payout batch #${batch7}, which was settled on 2026-02-13 already` });
  });

  it('a line matched by its amount alone; without a settle command it is reported, not settled', async () => {
    const batch = await aSentBatch({ currency: 'USD', total: '21050.00', sentDate: '2026-02-12' });
    const csv = 'date,amount,currency,reference,bank_reference\n2026-02-13,-21050.00,USD,ACH ORIG SETTLEMENT,TRX-9001\n2099-01-01,-5.00,USD,FEE,TRX-9002\n';
    const unsettled = await importFile(csv);
    expect(unsettled.payoutsSettled).toEqual([]);
    expect(unsettled.outgoingUnmatched).toEqual([
      { line: 2, reason: `it matches payout batch #${batch}, but this import cannot settle payout batches` },
      { line: 3, reason: expect.stringMatching(/^booking date 2099-01-01 is (in the future|too far ahead)/) },
    ]);
    const { calls, settleBatch } = fakeSettle();
    const settled = await importFile(csv, settleBatch);
    expect(settled.payoutsSettled).toEqual([{ batchId: batch, date: '2026-02-13', line: 2 }]);
    expect(calls).toHaveLength(1);

    // another batch of that amount, sent by then: the statement imported again settles it not
    const twin = await aSentBatch({ currency: 'USD', total: '21050.00', sentDate: '2026-02-11' });
    const again = await importFile(csv, settleBatch);
    expect(again.payoutsSettled).toEqual([]);
    expect(again.outgoingUnmatched[0]).toEqual({
      line: 2,
      reason: `payout batch #${batch} of 21050.00 USD was settled on 2026-02-13 already, perhaps by this line (the statement imported before, or settled by hand); if not, settle the right batch by hand`,
    });
    expect(calls).toHaveLength(1);
    expect((await t.database.sql<{ status: string }[]>`select status from payout_batches where id = ${twin}`)[0]!.status).toBe('sent');
  });
});

describe('through the payout lifecycle: the statement’s debit settles the batch, its releases paid (issue 14 item 1)', () => {
  const ENV = { NACHA_ORIGIN_ROUTING: '021000021', NACHA_COMPANY_ID: '1234567890', NACHA_COMPANY_NAME: 'Holdback Factors' };
  const saved: Record<string, string | undefined> = {};
  let life: TestDatabase;
  let crew: Team;
  beforeAll(async () => {
    for (const [k, v] of Object.entries(ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    life = await createTestDatabase();
    crew = await aTeam(life.database);
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await life?.drop();
  });

  const balance = async (code: 'cash' | 'cash_in_transit') =>
    (
      await life.database.sql<{ balance: string }[]>`select balance::text from ledger_accounts where code = ${code} and currency = 'USD' and client_id is null`
    )[0]?.balance ?? '0';

  it('approve → batch → NACHA → sent → the debit of the statement settles it once; the releases are paid; audit:verify is clean', async () => {
    const tx = <T>(fn: (x: Tx) => Promise<T>) => life.database.transaction(fn);
    const releases: string[] = [];
    for (const face of ['1000.00', '3000.00']) {
      const client = await aClient(life.database, crew, {
        agreement: {
          advanceRate: '0.90',
          reserveRate: '0.10',
          fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
          releaseAutoApproveUpTo: '100000.00',
        },
      });
      const debtor = await aDebtor(life.database, crew);
      const inv = await aFundedInvoice(life.database, crew, { client, debtor, faceValue: face, fundingDate: '2026-01-01' });
      const p = await tx((x) => receivePayment(x, { amount: face, currency: 'USD', receivedDate: '2026-01-20' }, crew.collections));
      await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: face }] }, crew.collections));
      await aPayoutAccount(life.database, crew, client.id, {
        holderName: `Holder ${client.id}`,
        routing: '011000015',
        account: `2222${client.id.padStart(6, '0')}`,
      });
      const cycle = await runReleaseCycle(life.database, { asOf: '2026-01-30', clientIds: [client.id] }, crew.controller);
      expect(cycle.releases).toEqual([expect.objectContaining({ status: 'approved' })]);
      releases.push(String(cycle.releases[0]!.id));
    }
    // 70.00 + 210.00 (InstaPay: 7% of face once paid)
    const { batch } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-02' }, crew.controller));
    expect(batch.total).toBe('280.00');
    await tx((x) => batchFile(x, Number(batch.id), 'nacha', crew.controller));
    await tx((x) => markSent(x, Number(batch.id), { date: '2026-02-02' }, crew.controller));
    expect(await balance('cash_in_transit')).toBe('-280.0000');
    const cashBefore = new Big(await balance('cash'));

    // The bank's CSV: the batch's total leaving on 2026-02-03, with a card payment of the same day beside it.
    const csv = [
      'date,amount,currency,reference,bank_reference',
      `2026-02-03,-280.00,USD,ACH ORIGINATION HOLDBACK PAYOUT ${releases.map((r) => `R${r}B${batch.id}`).join(' ')},DEBIT-1`,
      '2026-02-03,-35.10,USD,CARD PAYMENT,DEBIT-2',
    ].join('\n');
    const imported = await life.database.transaction((x) => importBankFile(x, { text: csv }, crew.collections, { settleBatch: statementSettleBatch }));
    expect(imported.payoutsSettled).toEqual([{ batchId: Number(batch.id), date: '2026-02-03', line: 2 }]);
    expect(imported.outgoingUnmatched).toEqual([{ line: 3, reason: expect.stringContaining('35.10 USD') }]);
    const settled = await tx((x) => getBatch(x, Number(batch.id), crew.controller));
    expect(settled).toMatchObject({ status: 'settled', settledDate: '2026-02-03' });
    for (const id of releases) expect((await tx((x) => getRelease(x, Number(id), crew.controller))).status).toBe('paid');
    expect(await balance('cash_in_transit')).toBe('0.0000');
    expect(new Big(await balance('cash')).minus(cashBefore).toFixed(2)).toBe('-280.00');
    // settled as the bank's confirmation, naming who imported the statement
    const [audit] = await life.database.sql<{ actor: string }[]>`
      select actor from audit_events where action = 'payout.batch_settled' order by id desc limit 1`;
    expect(audit!.actor).toBe(`bank-statement (${crew.collections.label})`);

    // The same statement again: nothing is settled or posted twice.
    const again = await life.database.transaction((x) => importBankFile(x, { text: csv }, crew.collections, { settleBatch: statementSettleBatch }));
    expect(again.payoutsSettled).toEqual([]);
    expect(await balance('cash_in_transit')).toBe('0.0000');
    expect((await verifyAll(life.database.sql)).breaks).toEqual([]);
  });
});
