import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { verifyAll } from '../../lib/audit/verify';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { recordNoa, updateDebtor } from '../../lib/debtors';
import { getDebtorDetail } from '../../lib/debtors/detail';
import { approveDebtorMerge, rejectDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { verifyDebtorRollups } from '../../lib/debtors/rollups';
import { subjectDocuments, uploadDocument } from '../../lib/documents';
import { DomainError } from '../../lib/errors';
import { addNote } from '../../lib/notes';
import { subjectNotes } from '../../lib/notes/queries';
import { aPdf } from '../support/documents';
import { createInvoice } from '../../lib/invoices';
import { foldRollups } from '../../lib/reports/rollups';
import { createApiKey } from '../../lib/users';
import type { ClientView } from '../../lib/clients';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 13: merging duplicate debtors, maker-checker. The maker never approves; the approval moves
 * every invoice (same ids: the journal is not rewritten), payment, payer alias, notice and
 * misdirected payment of the duplicate to the survivor in one transaction, with the roll-ups; a
 * client's invoice number under both debtors refuses the merge, naming the invoices; approving
 * twice, or twice at once, merges once; everything is audited.
 */
let t: TestDatabase;
let team: Team;
let secondUnderwriter: Awaited<ReturnType<typeof aUser>>;
const saved: Record<string, string | undefined> = {};
const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { status: error.status, code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('not refused');
}

async function pay(invoiceId: string, amount: string, payer: string) {
  const payment = await tx((x) =>
    receivePayment(x, { amount, currency: 'USD', receivedDate: '2026-03-01', payerName: payer, reference: 'x' }, team.collections),
  );
  await tx((x) => applyPayment(x, Number(payment.id), { allocations: [{ invoiceId, amount }] }, team.collections));
  return payment;
}

/** Two debtors that are one company, with invoices of two clients, payments, aliases and notices. */
async function duplicates() {
  const survivor = await aDebtor(t.database, team, { creditLimit: '500000.00' });
  const duplicate = await aDebtor(t.database, team, { creditLimit: '20000.00' });
  const c1 = await aClient(t.database, team);
  const c2 = await aClient(t.database, team);
  const kept = await aFundedInvoice(t.database, team, { client: c1, debtor: survivor, faceValue: '1000.00' });
  const moving = [
    await aFundedInvoice(t.database, team, { client: c1, debtor: duplicate, faceValue: '2000.00' }),
    await aFundedInvoice(t.database, team, { client: c2, debtor: duplicate, faceValue: '3000.00' }),
    await aFundedInvoice(t.database, team, { client: c2, debtor: duplicate, faceValue: '4000.00' }),
  ];
  await pay(moving[2]!.id, '4000.00', 'GLOBEX RETAIL INC'); // settled; learns the alias on the duplicate
  await pay(kept.id, '1000.00', 'GLOBEX RETAIL INC'); // the survivor learns the same alias
  await pay(moving[1]!.id, '500.00', 'GLOBEX INC'); // part payment
  await tx((x) => recordNoa(x, Number(c1.id), { debtorId: duplicate.id, sentDate: '2026-01-02', acknowledgedDate: '2026-01-05' }, team.underwriter));
  await tx((x) => recordNoa(x, Number(c1.id), { debtorId: survivor.id }, team.underwriter));
  await tx((x) => recordNoa(x, Number(c2.id), { debtorId: duplicate.id, sentDate: '2026-01-03' }, team.underwriter));
  await t.admin
    .sql`insert into misdirected_payments (client_id, debtor_id, currency, amount, paid_date) values (${c2.id}, ${duplicate.id}, 'USD', 100, '2026-02-01')`;
  return { survivor, duplicate, c1, c2, kept, moving };
}

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  secondUnderwriter = await aUser(t.database, 'underwriter');
}, 120_000);

afterAll(async () => {
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

describe('merging a duplicate debtor', () => {
  it('the survivor’s page shows the notes and documents kept on the duplicate (both are append-only: they stay where they were written)', async () => {
    const survivor = await aDebtor(t.database, team);
    const duplicate = await aDebtor(t.database, team);
    const earlier = await aDebtor(t.database, team);
    const dir = await mkdtemp(path.join(tmpdir(), 'holdback-merge-docs-'));
    try {
      const own = await tx((x) => addNote(x, { subjectType: 'debtor', subjectId: survivor.id, text: 'Survivor’s own note' }, team.collections));
      const theirs = await tx((x) => addNote(x, { subjectType: 'debtor', subjectId: duplicate.id, text: 'Written on the duplicate' }, team.collections));
      const older = await tx((x) =>
        addNote(x, { subjectType: 'debtor', subjectId: earlier.id, text: 'On a debtor merged into the duplicate' }, team.collections),
      );
      const { document } = await uploadDocument(
        t.database,
        { subjectType: 'debtor', subjectId: Number(duplicate.id), kind: 'other', fileName: 'credit report.pdf' },
        (async function* () {
          yield new Uint8Array(aPdf('Credit report'));
        })(),
        team.underwriter,
        { dir },
      );
      // earlier into duplicate, then duplicate into survivor: the survivor reads all three debtors' notes
      for (const [from, into] of [
        [earlier, duplicate],
        [duplicate, survivor],
      ] as const) {
        const merge = await tx((x) => requestDebtorMerge(x, Number(from.id), { intoDebtorId: into.id, reason: 'Same company' }, team.underwriter));
        await tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver));
      }
      const notes = await subjectNotes(t.database, { subjectType: 'debtor', subjectId: Number(survivor.id) }, '2026-03-01');
      expect(notes.items.map((n) => n.id)).toEqual([older.id, theirs.id, own.id]);
      expect(notes.total).toBe(3);
      const docs = await t.database.transaction((x) => subjectDocuments(x, 'debtor', Number(survivor.id), team.underwriter));
      expect(docs.page.items.map((d) => [d.id, d.fileName])).toEqual([[document.id, 'credit report.pdf']]);
      // another debtor's page is not touched
      expect((await subjectNotes(t.database, { subjectType: 'debtor', subjectId: Number((await aDebtor(t.database, team)).id) }, '2026-03-01')).items).toEqual(
        [],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is proposed by one person and refused to that person as approver; approved by another it moves everything, ledger untouched', async () => {
    const { survivor, duplicate, c1, c2, kept, moving } = await duplicates();
    const journalBefore = await t.admin.sql<{ lines: number; digest: string }[]>`
      select count(*)::int as lines, md5(string_agg(id || ':' || entry_id || ':' || account_id || ':' || amount || ':' || coalesce(invoice_id, 0), ',' order by id)) as digest
        from journal_lines`;
    const exposureBefore = (await getDebtorDetail(t.database, Number(survivor.id), team.underwriter)).exposureByCurrency;
    expect(exposureBefore).toEqual([]);

    const merge = await tx((x) =>
      requestDebtorMerge(x, Number(duplicate.id), { intoDebtorId: survivor.id, reason: 'Same company, entered twice' }, team.underwriter),
    );
    expect(merge).toMatchObject({ status: 'pending', debtorId: duplicate.id, intoDebtorId: survivor.id, reason: 'Same company, entered twice' });
    // Nothing moved yet.
    expect((await t.admin.sql`select 1 from invoices where debtor_id = ${duplicate.id}`).length).toBe(3);

    // The maker may not approve; someone without the permission may not either.
    expect(await refusal(tx((x) => approveDebtorMerge(x, Number(merge.id), team.underwriter)))).toMatchObject({ status: 403, code: 'maker_checker' });
    expect(await refusal(tx((x) => approveDebtorMerge(x, Number(merge.id), team.funding)))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await refusal(tx((x) => rejectDebtorMerge(x, Number(merge.id), { reason: 'mine' }, team.underwriter)))).toMatchObject({
      status: 403,
      code: 'maker_checker',
    });

    // The roll-ups are folded before the merge: the merge's own statement moves them as appended deltas.
    await foldRollups(t.database);
    const done = await tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver));
    expect(done.moved).toEqual({ invoices: 3, payments: 2, payerAliases: 1, noticesMoved: 1, noticesCombined: 1, misdirectedPayments: 1, alertsResolved: 0 });

    // Invoices keep their ids; the survivor has them all.
    const owned = await t.admin.sql<
      { id: string; debtor_id: string }[]
    >`select id::text, debtor_id::text from invoices where id = any(${moving.map((m) => m.id)}::bigint[])`;
    expect(owned.every((o) => o.debtor_id === survivor.id)).toBe(true);
    expect(await t.admin.sql`select 1 from invoices where debtor_id = ${duplicate.id}`).toHaveLength(0);
    expect(await t.admin.sql`select 1 from payments where debtor_id = ${duplicate.id}`).toHaveLength(0);
    expect((await t.admin.sql<{ name: string }[]>`select name from payer_aliases where debtor_id = ${survivor.id} order by name`).map((a) => a.name)).toEqual([
      // names are kept normalised (lib/collections/matching): one alias both had, one only the duplicate had
      'GLOBEX',
      'GLOBEX RETAIL',
    ]);
    expect(await t.admin.sql`select 1 from payer_aliases where debtor_id = ${duplicate.id}`).toHaveLength(0);
    // c1 had a notice for both: the survivor's, its empty dates filled from the duplicate's; c2's moved.
    expect(
      await t.admin
        .sql`select client_id::text, noa_sent_date::text as sent, noa_acknowledged_date::text as ack from client_debtors where debtor_id = ${survivor.id} order by client_id`,
    ).toEqual([
      { client_id: c1.id, sent: '2026-01-02', ack: '2026-01-05' },
      { client_id: c2.id, sent: '2026-01-03', ack: null },
    ]);
    expect(await t.admin.sql`select 1 from misdirected_payments where debtor_id = ${survivor.id}`).toHaveLength(1);

    // Marked merged, never deleted; the survivor keeps its own limit.
    const [b] = await t.admin.sql<
      { merged_into_id: string; credit_limit: string }[]
    >`select merged_into_id::text, credit_limit from debtors where id = ${duplicate.id}`;
    expect(b!.merged_into_id).toBe(survivor.id);
    const detail = await getDebtorDetail(t.database, Number(survivor.id), team.underwriter);
    expect(detail).toMatchObject({ creditLimit: '500000.00', invoices: 4, openInvoices: 2, clients: 2 });
    expect(detail.exposureByCurrency).toEqual([{ currency: 'USD', openInvoices: 2, amount: '4500.00', overLimit: false }]);
    expect(detail.exposure.map((e) => [e.clientId, e.amount])).toEqual([
      [c2.id, '2500.00'],
      [c1.id, '2000.00'],
    ]);
    const merged = await getDebtorDetail(t.database, Number(duplicate.id), team.underwriter);
    expect(merged).toMatchObject({ mergedIntoId: survivor.id, mergedInto: { id: survivor.id, name: survivor.name }, invoices: 0 });

    // The journal is exactly as it was; the roll-ups and every ledger invariant hold.
    const journalAfter = await t.admin.sql<{ lines: number; digest: string }[]>`
      select count(*)::int as lines, md5(string_agg(id || ':' || entry_id || ':' || account_id || ':' || amount || ':' || coalesce(invoice_id, 0), ',' order by id)) as digest
        from journal_lines`;
    expect(journalAfter).toEqual(journalBefore);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
    expect((await verifyAll(t.admin.sql)).breaks).toEqual([]);
    expect((await t.admin.sql`select debtor_id::text from invoices where id = ${kept.id}`)[0]).toEqual({ debtor_id: survivor.id });
    // Folded, the figures are the same and the duplicate's folded rows are empty.
    await foldRollups(t.database);
    expect(await getDebtorDetail(t.database, Number(survivor.id), team.underwriter)).toEqual(detail);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
    expect(await t.admin.sql`select invoices, open_invoices, exposure::text from debtor_figures where debtor_id = ${duplicate.id}`).toEqual([
      { invoices: 0, open_invoices: 0, exposure: '0.0000' },
    ]);

    // Audited: the request, the merge on both debtors, the approval.
    const events = await t.admin.sql<{ action: string; target_type: string; target_id: string; actor: string }[]>`
      select action, target_type, target_id, actor from audit_events where action like 'debtor%merge%' or action = 'debtor.merge' order by id`;
    expect(events).toEqual(
      expect.arrayContaining([
        { action: 'debtor.merge_request', target_type: 'debtor', target_id: duplicate.id, actor: team.underwriter.label },
        { action: 'debtor.merge', target_type: 'debtor', target_id: duplicate.id, actor: team.approver.label },
        { action: 'debtor.merge', target_type: 'debtor', target_id: survivor.id, actor: team.approver.label },
        { action: 'debtor_merge.approve', target_type: 'debtor_merge', target_id: merge.id, actor: team.approver.label },
      ]),
    );
    // The survivor's limit history says what happened to the limits.
    expect(detail.creditLimitHistory[0]).toMatchObject({ action: 'merged', creditLimit: '500000.00' });
    expect(detail.creditLimitHistory[0]!.note).toContain('keeps its credit limit of 500000.00 USD');

    // Approving again merges nothing twice; the merged debtor takes no new invoice, notice or edit.
    expect(await refusal(tx((x) => approveDebtorMerge(x, Number(merge.id), secondUnderwriter)))).toMatchObject({ status: 409, code: 'already_decided' });
    expect(
      await refusal(
        tx((x) =>
          createInvoice(
            x,
            { clientId: c1.id, debtorId: duplicate.id, number: 'LATE-1', faceValue: '10.00', currency: 'USD', issueDate: '2026-03-01', dueDate: '2026-04-01' },
            team.funding,
          ),
        ),
      ),
    ).toMatchObject({ status: 422, code: 'debtor_merged' });
    expect(await refusal(tx((x) => recordNoa(x, Number(c1.id), { debtorId: duplicate.id, sentDate: '2026-01-02' }, team.underwriter)))).toMatchObject({
      code: 'debtor_merged',
    });
    expect(await refusal(tx((x) => updateDebtor(x, Number(duplicate.id), { creditLimit: '1.00' }, team.underwriter)))).toMatchObject({ code: 'debtor_merged' });
    expect(
      await refusal(tx((x) => requestDebtorMerge(x, Number(survivor.id), { intoDebtorId: duplicate.id, reason: 'back' }, team.underwriter))),
    ).toMatchObject({ status: 409, code: 'debtor_merged' });
    // Debtors are never deleted.
    await expect(t.admin.sql`delete from debtors where id = ${duplicate.id}`).rejects.toThrow(/DELETE on debtors is not allowed/);
  });

  it('is refused when a client has the same invoice number under both debtors, naming the invoices — at the proposal and at the approval', async () => {
    const survivor = await aDebtor(t.database, team);
    const duplicate = await aDebtor(t.database, team);
    const client: ClientView = await aClient(t.database, team, { name: 'Twin Numbers Ltd' });
    await anInvoice(t.database, team, { client, debtor: survivor, number: 'TW-1001' });
    await anInvoice(t.database, team, { client, debtor: duplicate, number: 'TW-1001' });
    const early = await refusal(tx((x) => requestDebtorMerge(x, Number(duplicate.id), { intoDebtorId: survivor.id, reason: 'same' }, team.underwriter)));
    expect(early).toMatchObject({ status: 409, code: 'invoice_numbers_collide' });
    expect(early.message).toContain('TW-1001 (Twin Numbers Ltd)');
    expect(early.details).toMatchObject({ collisions: [expect.objectContaining({ number: 'TW-1001', clientName: 'Twin Numbers Ltd' })] });

    // Proposed while the numbers differ; a colliding invoice entered before the approval refuses it then.
    const other = await aDebtor(t.database, team);
    await anInvoice(t.database, team, { client, debtor: other, number: 'TW-2002' });
    const merge = await tx((x) => requestDebtorMerge(x, Number(other.id), { intoDebtorId: survivor.id, reason: 'same' }, team.underwriter));
    await anInvoice(t.database, team, { client, debtor: survivor, number: 'TW-2002' });
    const late = await refusal(tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver)));
    expect(late).toMatchObject({ status: 409, code: 'invoice_numbers_collide' });
    expect(late.message).toContain('TW-2002 (Twin Numbers Ltd)');
    // Nothing moved, the merge still waits (it can be rejected once the numbers are looked at).
    expect(await t.admin.sql`select 1 from invoices where debtor_id = ${other.id}`).toHaveLength(1);
    const rejected = await tx((x) => rejectDebtorMerge(x, Number(merge.id), { reason: 'Fix TW-2002 first' }, team.approver));
    expect(rejected).toMatchObject({ status: 'rejected', decisionReason: 'Fix TW-2002 first', decidedBy: team.approver.label });
    expect(await refusal(tx((x) => rejectDebtorMerge(x, Number(merge.id), {}, team.controller)))).toMatchObject({ status: 400, code: 'reason_required' });
  });

  it('merges once when two people approve at the same moment', async () => {
    const { survivor, duplicate } = await duplicates();
    const merge = await tx((x) => requestDebtorMerge(x, Number(duplicate.id), { intoDebtorId: survivor.id, reason: 'dupe' }, team.underwriter));
    const results = await Promise.allSettled([
      tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver)),
      tx((x) => approveDebtorMerge(x, Number(merge.id), team.controller)),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatchObject({ status: 409, code: 'already_decided' });
    const approvals = await t.admin.sql`select 1 from audit_events where action = 'debtor_merge.approve' and target_id = ${merge.id}`;
    expect(approvals).toHaveLength(1);
    expect(await verifyDebtorRollups(t.admin.sql, [])).toBe(0);
  });

  it('through the API: 201 pending, the maker refused 403, approve with an Idempotency-Key replays without merging twice', async () => {
    const { survivor, duplicate } = await duplicates();
    const keys: Record<string, string> = {};
    for (const [name, actor] of [
      ['maker', team.underwriter],
      ['checker', team.approver],
    ] as const) {
      keys[name] = (await tx((x) => createApiKey(x, actor.userId!, 'test', actor))).key;
    }
    for (const [name, value] of [
      ['DATABASE_URL', t.url],
      ['APP_DATABASE_URL', t.url],
    ] as const) {
      saved[name] ??= process.env[name];
      process.env[name] = value;
    }
    await closeDatabase();
    const { POST: propose } = await import('../../app/api/v1/debtors/[id]/merge/route');
    const { POST: approve } = await import('../../app/api/v1/debtor-merges/[id]/approve/route');
    const post = async (handler: typeof propose, path: string, id: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await handler(
        new Request(`http://holdback.test${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ id }) },
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown>, replayed: res.headers.get('idempotent-replayed') };
    };
    const bad = await post(propose, `/api/v1/debtors/${duplicate.id}/merge`, duplicate.id, keys.maker!, { intoDebtorId: duplicate.id, reason: 'x' });
    expect(bad).toMatchObject({ status: 400, body: { error: { details: { intoDebtorId: 'must be another debtor' } } } });
    const proposed = await post(propose, `/api/v1/debtors/${duplicate.id}/merge`, duplicate.id, keys.maker!, { intoDebtorId: survivor.id, reason: 'Same EIN' });
    expect(proposed).toMatchObject({ status: 201, body: { status: 'pending', debtorId: duplicate.id, intoDebtorId: survivor.id } });
    const id = proposed.body.id as string;
    const twice = await post(propose, `/api/v1/debtors/${duplicate.id}/merge`, duplicate.id, keys.maker!, { intoDebtorId: survivor.id, reason: 'again' });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'merge_pending' } } });
    expect(await post(approve, `/api/v1/debtor-merges/${id}/approve`, id, keys.maker!, {})).toMatchObject({
      status: 403,
      body: { error: { code: 'maker_checker' } },
    });
    const first = await post(approve, `/api/v1/debtor-merges/${id}/approve`, id, keys.checker!, {}, { 'idempotency-key': `merge-${id}` });
    expect(first).toMatchObject({ status: 200, body: { status: 'approved', moved: { invoices: 3 } } });
    const replay = await post(approve, `/api/v1/debtor-merges/${id}/approve`, id, keys.checker!, {}, { 'idempotency-key': `merge-${id}` });
    expect(replay).toMatchObject({ status: 200, replayed: 'true', body: { status: 'approved', moved: { invoices: 3 } } });
    const again = await post(approve, `/api/v1/debtor-merges/${id}/approve`, id, keys.checker!, {});
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_decided' } } });
    expect(await t.admin.sql`select 1 from audit_events where action = 'debtor_merge.approve' and target_id = ${id}`).toHaveLength(1);
  });
});
