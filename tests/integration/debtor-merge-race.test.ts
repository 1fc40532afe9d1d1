import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { createInvoice } from '../../lib/invoices';
import { importInvoices } from '../../lib/invoices/import';
import { aClient, aDebtor, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, found by the simulation's stress (a merge approved while invoices are entered for the
 * duplicate): an invoice entered for debtor B while B's merge into A is being approved must not
 * land on B after the merge has moved B's invoices (B would hold an invoice no merge moved, and new
 * business for a merged debtor). Entering the invoice reads B under a key-share lock: it waits for
 * the approval and then sees B merged (422 `debtor_merged`); entered first, the approval waits for
 * it and moves it with the rest.
 */
let t: TestDatabase;
let team: Team;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
}, 120_000);
afterAll(async () => t?.drop());

/** Until a statement of this database waits on a lock (the interleaving under test is in place). */
async function someoneWaitsOnALock(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const [row] = await t.admin.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${t.name} and state = 'active' and wait_event_type = 'Lock'`;
    if (row!.n > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nobody waited on a lock');
}

function invoiceFor(clientId: string, debtorId: string, number: string) {
  return t.database.transaction((tx) =>
    createInvoice(tx, { clientId, debtorId, number, faceValue: '1200.00', currency: 'USD', issueDate: '2026-03-01', dueDate: '2026-04-15' }, team.funding),
  );
}

describe('entering an invoice for a debtor while its merge is approved', () => {
  it('is refused as for a merged debtor when the approval locked the debtor first: nothing is left on the merged debtor', async () => {
    const a = await aDebtor(t.database, team);
    const b = await aDebtor(t.database, team);
    const client = await aClient(t.database, team);
    const merge = await t.database.transaction((tx) => requestDebtorMerge(tx, Number(b.id), { intoDebtorId: a.id, reason: 'dupe' }, team.underwriter));

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let approved!: () => void;
    const approving = new Promise<void>((r) => (approved = r));
    // The approval runs up to its commit and holds there: both debtors locked, B's invoices moved.
    const approval = t.database.transaction(async (tx) => {
      const result = await approveDebtorMerge(tx, Number(merge.id), team.approver);
      approved();
      await held;
      return result;
    });
    await approving;
    const entering = invoiceFor(client.id, b.id, 'RACE-1').then(
      () => 'entered',
      (error: unknown) => error,
    );
    await someoneWaitsOnALock();
    release();
    expect((await approval).moved.invoices).toBe(0);
    expect(await entering).toMatchObject({ status: 422, code: 'debtor_merged' });

    const onB = await t.admin.sql`select id from invoices where debtor_id = ${b.id}`;
    expect(onB).toHaveLength(0);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
  });

  it('is refused the same way for a schedule file naming the debtor by id, imported while the approval holds the debtor', async () => {
    const a = await aDebtor(t.database, team);
    const b = await aDebtor(t.database, team);
    const client = await aClient(t.database, team);
    const merge = await t.database.transaction((tx) => requestDebtorMerge(tx, Number(b.id), { intoDebtorId: a.id, reason: 'dupe' }, team.underwriter));

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let approved!: () => void;
    const approving = new Promise<void>((r) => (approved = r));
    const approval = t.database.transaction(async (tx) => {
      const result = await approveDebtorMerge(tx, Number(merge.id), team.approver);
      approved();
      await held;
      return result;
    });
    await approving;
    const file = `number,debtor,face_value,currency,issue_date,due_date\r\nRACE-F1,${b.id},900.00,USD,2026-03-01,2026-04-15\r\n`;
    const importing = t.database
      .transaction((tx) => importInvoices(tx, { clientId: client.id, csv: file }, team.funding))
      .then(
        () => 'imported',
        (error: unknown) => error,
      );
    await someoneWaitsOnALock();
    release();
    await approval;
    const refused = await importing;
    expect(refused).toMatchObject({ status: 422 });
    expect(JSON.stringify((refused as { details?: unknown }).details ?? refused)).toContain('was merged into debtor');

    const onB = await t.admin.sql`select id from invoices where debtor_id = ${b.id}`;
    expect(onB).toHaveLength(0);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
  });

  it('is moved with the rest when the invoice was entered first: the approval waits for it', async () => {
    const a = await aDebtor(t.database, team);
    const b = await aDebtor(t.database, team);
    const client = await aClient(t.database, team);
    const merge = await t.database.transaction((tx) => requestDebtorMerge(tx, Number(b.id), { intoDebtorId: a.id, reason: 'dupe' }, team.underwriter));

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const entering = new Promise<void>((r) => (entered = r));
    const invoice = t.database.transaction(async (tx) => {
      const view = await createInvoice(
        tx,
        { clientId: client.id, debtorId: b.id, number: 'RACE-2', faceValue: '800.00', currency: 'USD', issueDate: '2026-03-01', dueDate: '2026-04-15' },
        team.funding,
      );
      entered();
      await held;
      return view;
    });
    await entering;
    const approval = t.database.transaction((tx) => approveDebtorMerge(tx, Number(merge.id), team.approver));
    await someoneWaitsOnALock();
    release();
    const view = await invoice;
    expect((await approval).moved.invoices).toBe(1);
    const [row] = await t.admin.sql<{ debtor_id: string }[]>`select debtor_id::text from invoices where id = ${view.id}`;
    expect(row!.debtor_id).toBe(a.id);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
  });
});
