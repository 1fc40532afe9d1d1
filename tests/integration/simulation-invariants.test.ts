import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { createInvoice, verifyInvoice } from '../../lib/invoices';
import { Big, ZERO } from '../../lib/money';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { checkCounts, checkStep, mark, type Mark } from '../simulation/invariants';
import { Prng } from '../simulation/prng';
import { releaseSettings } from '../simulation/runner';
import { createTeam, createWorld, type World } from '../simulation/world';

/**
 * Issue 13's simulation invariants see what they are for: an invoice left on a merged debtor (or
 * not with the debtor the merges lead to), a merge applied twice, the invoices list's kept counts
 * or the roll-ups drifting from the invoices. Each is broken by hand (as the admin) and named.
 */
let t: TestDatabase;
let world: World;
let since: Mark;
let invoiceId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  const team = await createTeam(t.database);
  await releaseSettings(t.database);
  since = await mark(t.database);
  world = await createWorld(t.database, team, new Prng(1), { clients: 1 });
  const [into, from] = world.debtors as [number, number];
  const client = world.clients[0]!;
  const view = await t.database.transaction(async (tx) => {
    const created = await createInvoice(
      tx,
      { clientId: client.id, debtorId: from, number: 'INV-1', faceValue: '1000.00', currency: client.currency, issueDate: '2026-03-01', dueDate: '2026-04-15' },
      team.funding,
    );
    return verifyInvoice(tx, Number(created.id), team.funding);
  });
  invoiceId = Number(view.id);
  world.invoices.push({
    name: 'I1',
    id: invoiceId,
    client,
    debtor: from,
    number: 'INV-1',
    face: new Big('1000.00'),
    status: 'verified',
    check: null,
    outstanding: new Big('1000.00'),
    fundingDate: null,
    advance: ZERO,
    reserve: ZERO,
    fees: ZERO,
  });
  const merge = await t.database.transaction((tx) => requestDebtorMerge(tx, from, { intoDebtorId: into, reason: 'dupe' }, team.underwriter));
  await t.database.transaction((tx) => approveDebtorMerge(tx, Number(merge.id), team.approvers[0]!));
  world.merges.push({ name: 'M1', id: Number(merge.id), from, into, requestedBy: team.underwriter, status: 'approved' });
  world.merged.set(from, into);
}, 120_000);
afterAll(async () => t?.drop());

async function breaks(): Promise<string[]> {
  const [step, counts] = await Promise.all([checkStep(t.database, world, since, since.chain), checkCounts(t.database, world, 1)]);
  return [...step.breaks, ...counts];
}

describe('the simulation invariants of issue 13', () => {
  it('hold after a merge (the invoice moved to the survivor)', async () => {
    expect(await breaks()).toEqual([]);
  });

  it('name an invoice left on the merged debtor', async () => {
    const [, from] = world.debtors as [number, number];
    await t.admin.sql`update invoices set debtor_id = ${from} where id = ${invoiceId}`;
    try {
      const found = await breaks();
      expect(found).toContain(`I1 is with debtor ${from}, the model expects Dr1 (${world.debtors[0]})`);
      expect(found).toContain(`Dr2 was merged into debtor ${world.debtors[0]} but still holds 1 invoice(s)`);
    } finally {
      await t.admin.sql`update invoices set debtor_id = ${world.debtors[0]!} where id = ${invoiceId}`;
    }
  });

  it('name a merge applied twice', async () => {
    const [into, from] = world.debtors as [number, number];
    const [row] = await t.admin.sql<{ id: string }[]>`
      insert into debtor_merges (debtor_id, into_debtor_id, reason, status, requested_by) values (${from}, ${into}, 'again', 'approved', 0) returning id::text`;
    try {
      expect(await breaks()).toContain('Dr2 was merged 2 times');
    } finally {
      await t.admin.sql`delete from debtor_merges where id = ${row!.id}`;
    }
  });

  it('name the invoices list counting wrong, and the roll-ups drifting from the invoices', async () => {
    const currency = world.clients[0]!.currency;
    await t.admin.sql`insert into invoice_status_counts (status, currency, n) values ('settled', ${currency}, 1)`;
    await t.admin.sql`insert into rollup_deltas (grain, currency, tag, items, amount) values (3, ${currency}, 'settled', 1, 0)`;
    try {
      const found = await breaks();
      expect(found).toContain(`the invoices list keeps 1 settled invoice(s) in ${currency} but there are 0`);
      expect(found.some((b) => b.startsWith('audit:verify [rollup] the roll-up of invoices by status') && b.includes('off by 1 invoices'))).toBe(true);
    } finally {
      await t.admin.sql`delete from invoice_status_counts where status = 'settled' and currency = ${currency}`;
      await t.admin.sql`delete from rollup_deltas where grain = 3 and tag = 'settled'`;
    }
    expect(await breaks()).toEqual([]);
  });

  it('name an invoice funded while an intake flag that holds funding is open on it (issue 16)', async () => {
    const [flag] = await t.admin.sql<{ id: string }[]>`
      insert into invoice_flags (invoice_id, kind, detail) values (${invoiceId}, 'future_issue_date', 'planted') returning id::text`;
    await t.admin.sql`update invoices set funding_date = '2026-03-02' where id = ${invoiceId}`;
    try {
      expect(await breaks()).toContain('INV-1 is funded with its intake flag "future_issue_date" not cleared');
    } finally {
      await t.admin.sql`update invoices set funding_date = null where id = ${invoiceId}`;
      await t.admin
        .sql`update invoice_flags set cleared_at = now(), cleared_by = ${world.team.funding.userId}, cleared_reason = 'planted' where id = ${flag!.id}`;
    }
    expect(await breaks()).toEqual([]);
  });

  // Last: the application planted here leaves the debtor roll-up's payment figures behind it.
  it('name a payment application that no longer keeps its invoice’s client, debtor or currency (the cash receipts journal)', async () => {
    const [into, from] = world.debtors as [number, number];
    const client = world.clients[0]!;
    const [payment] = await t.admin.sql<{ id: string }[]>`
      insert into payments (currency, amount, unapplied, received_date, source) values (${client.currency}, 10, 0, '2026-04-01', 'manual') returning id::text`;
    const [application] = await t.admin.sql<{ id: string }[]>`
      insert into payment_applications (payment_id, invoice_id, amount, applied_date, client_id, debtor_id, currency)
      values (${payment!.id}, ${invoiceId}, 10, '2026-04-01', ${client.id}, ${from}, ${client.currency}) returning id::text`;
    try {
      expect(await breaks()).toContain(
        `payment application ${application!.id} keeps client ${client.id}, debtor ${from}, ${client.currency} but its invoice INV-1 is client ${client.id}, debtor ${into}, ${client.currency}`,
      );
    } finally {
      await t.admin.sql`delete from payment_applications where id = ${application!.id}`;
      await t.admin.sql`delete from payments where id = ${payment!.id}`;
    }
  });
});
