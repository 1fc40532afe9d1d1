import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../db/client';
import { ident, roleNames } from '../../db/roles';
import { verifyAll } from '../../lib/audit/verify';
import type { Actor } from '../../lib/auth/actor';
import { importBankFile } from '../../lib/collections/import';
import { loadSentBatches } from '../../lib/payouts/statement-match';
import { pain001File } from '../../lib/releases/pain001';
import { eurSample } from '../fixtures/pain001-samples';
import { aTeam, type Team } from '../support/builders';
import { asOwner, createTestDatabase, type TestDatabase } from '../support/db';
import { ROOT } from '../support/run';

/**
 * Issue 14 item 1: an imported bank statement settles the sent payout batches its outgoing lines
 * match. The payout batches themselves (table, markSettled) come with the payout lifecycle; until
 * they are merged, `payoutTables` makes the columns the matcher reads (the lifecycle's shape, so
 * this is a no-op once its migration exists) and the settle command is a stand-in that records
 * its calls and marks the batch settled.
 */

const fixture = (name: string) => readFileSync(path.join(ROOT, 'tests', 'fixtures', 'bank', name), 'utf8');
let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

async function payoutTables() {
  await asOwner(t, async (sql) => {
    await sql.unsafe(`
      create table if not exists payout_batches (
        id bigserial primary key, currency char(3) not null, value_date date not null, status text not null default 'open',
        total numeric(20,4) not null, format text, file_name text, file_bytes bytea, file_sha256 text,
        sent_date date, settled_date date, settled_by bigint, created_by_label text not null, created_at timestamptz not null default now());
      create table if not exists payout_batch_items (
        id bigserial primary key, batch_id bigint not null references payout_batches(id), release_id bigint not null, client_id bigint not null,
        amount numeric(20,4) not null, reference text not null, trace_number text, status text not null default 'live');
      grant select, insert, update on payout_batches, payout_batch_items to ${ident(roleNames().app)};
      grant usage on sequence payout_batches_id_seq, payout_batch_items_id_seq to ${ident(roleNames().app)};`);
  });
}

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
  it('before the payout tables exist, the outgoing lines are reported and the credits imported as ever', async () => {
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
    await payoutTables();
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

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
