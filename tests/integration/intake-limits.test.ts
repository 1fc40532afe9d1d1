import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { approveFundingBatch, fundBatch, previewFunding } from '../../lib/funding';
import { createInvoice, verifyInvoice } from '../../lib/invoices';
import { importInvoices } from '../../lib/invoices/import';
import { clearIntakeFlag, listInvoiceFlags } from '../../lib/intake/flags';
import { grantPairOverride, listPairLimits, setPairLimit } from '../../lib/intake/pair-limits';
import { addDays, todayIn } from '../../lib/dates';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 16 items 4 and 5: client–debtor limits (history, overrides that expire, the hold at
 * funding) and intake flags (raised at entry and import, one set-based query; funding refused
 * until each holding flag is cleared, once, audited).
 */
let t: TestDatabase;
let team: Team;
const saved: Record<string, string | undefined> = {};
let underwriterKey = '';
const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const uid = () => randomBytes(4).toString('hex');
const today = todayIn();

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  underwriterKey = (await tx((x) => createApiKey(x, team.underwriter.userId!, 'test', team.underwriter))).key;
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

describe('client–debtor limits', () => {
  it('holds the batch that takes the pair over its limit, naming debtor, exposure and limit; keeps the history', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    await expect(
      tx((x) => setPairLimit(x, Number(client.id), { debtorId: debtor.id, currency: 'USD', limit: '15000.00' }, team.funding)),
    ).rejects.toMatchObject({
      status: 403,
    });
    await tx((x) => setPairLimit(x, Number(client.id), { debtorId: debtor.id, currency: 'USD', limit: '12000.00', reason: 'first review' }, team.underwriter));
    await tx((x) => setPairLimit(x, Number(client.id), { debtorId: debtor.id, currency: 'USD', limit: '15000.00', reason: 'annual review' }, team.underwriter));
    const first = await anInvoice(t.database, team, { client, debtor, faceValue: '10000.00' });
    expect((await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [first.id], fundingDate: '2026-02-01' }, team.funding))).status).toBe('funded');

    const second = await anInvoice(t.database, team, { client, debtor, faceValue: '6000.00' });
    const held = await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [second.id], fundingDate: '2026-02-02' }, team.funding));
    expect(held.status).toBe('pending_approval');
    expect(held.holds).toContainEqual({
      code: 'client_debtor_limit',
      message: `Over the client–debtor limit for ${debtor.name}: exposure 16,000.00 USD, limit 15,000.00 USD`,
      details: { debtorId: debtor.id, exposure: '16000.00', limit: '15000.00' },
    });
    // the approver releases it as any held batch
    expect((await tx((x) => approveFundingBatch(x, Number(held.id), team.approver))).status).toBe('funded');

    const limits = await tx((x) => listPairLimits(x, Number(client.id), team.underwriter));
    expect(limits.limits).toMatchObject([{ debtorId: debtor.id, currency: 'USD', limit: '15000.00', exposure: '16000.00', reason: 'annual review' }]);
    expect(limits.history.map((h) => [h.limit, h.reason])).toEqual([
      ['15000.00', 'annual review'],
      ['12000.00', 'first review'],
    ]);
    const audit = await t.database.sql<{ action: string; actor: string }[]>`
      select action, actor from audit_events where action = 'pair_limit.set' and target_id = ${client.id} order by id`;
    expect(audit).toHaveLength(2);
  });

  it('an override with a future expiry lets the batch through; an expired one does not; only approvers grant one', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    await tx((x) => setPairLimit(x, Number(client.id), { debtorId: debtor.id, currency: 'USD', limit: '5000.00' }, team.underwriter));
    const override = { debtorId: debtor.id, currency: 'USD', limit: '20000.00', until: addDays(today, 30), reason: 'seasonal peak, CFO approved' };
    await expect(tx((x) => grantPairOverride(x, Number(client.id), override, team.underwriter))).rejects.toMatchObject({ status: 403 });
    // an expired override (until a date before the funding) is kept but covers nothing
    await t.database.sql`
      insert into client_debtor_limit_overrides (client_id, debtor_id, currency, "limit", until, reason, granted_by)
      values (${client.id}, ${debtor.id}, 'USD', 50000, '2026-01-15', 'old', ${team.approver.userId})`;
    const one = await anInvoice(t.database, team, { client, debtor, faceValue: '8000.00' });
    const expired = await tx((x) => previewFunding(x, { clientId: client.id, invoiceIds: [one.id], fundingDate: '2026-02-01' }, team.funding));
    expect(expired.holds.map((h) => h.code)).toEqual(['client_debtor_limit']);

    const granted = await tx((x) => grantPairOverride(x, Number(client.id), override, team.approver));
    expect(granted).toMatchObject({ limit: '20000.00', until: addDays(today, 30), active: true });
    const batch = await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [one.id], fundingDate: today }, team.funding));
    expect(batch.status).toBe('funded');
    // above the override's own limit, it holds again
    const big = await anInvoice(t.database, team, { client, debtor, faceValue: '13000.00' });
    const over = await tx((x) => previewFunding(x, { clientId: client.id, invoiceIds: [big.id], fundingDate: today }, team.funding));
    expect(over.holds.map((h) => h.message)).toEqual([`Over the client–debtor limit for ${debtor.name}: exposure 21,000.00 USD, limit 5,000.00 USD`]);
    const listed = await tx((x) => listPairLimits(x, Number(client.id), team.underwriter));
    expect(listed.limits[0]!.override).toMatchObject({ limit: '20000.00', active: true });
    expect(listed.overrides.map((o) => o.active)).toEqual([true, false]);
  });

  it('the API sets and lists a pair limit', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const { GET, POST } = await import('../../app/api/v1/clients/[id]/debtor-limits/route');
    const headers = { authorization: `Bearer ${underwriterKey}`, 'content-type': 'application/json' };
    const url = `http://holdback.test/api/v1/clients/${client.id}/debtor-limits`;
    const params = { params: Promise.resolve({ id: client.id }) };
    const bad = await POST(
      new Request(url, { method: 'POST', headers, body: JSON.stringify({ debtorId: debtor.id, currency: 'USD', limit: 'lots' }) }),
      params,
    );
    expect(bad.status).toBe(400);
    const made = await POST(
      new Request(url, { method: 'POST', headers, body: JSON.stringify({ debtorId: debtor.id, currency: 'USD', limit: '7500.00' }) }),
      params,
    );
    expect(made.status).toBe(201);
    const got = await GET(new Request(url, { headers }), params);
    expect(((await got.json()) as { limits: unknown[] }).limits).toMatchObject([{ debtorId: debtor.id, limit: '7500.00', exposure: '0.00' }]);
  });
});

describe('intake flags', () => {
  const entry = (clientId: string, debtorId: string, extra: Record<string, string> = {}) =>
    tx((x) =>
      createInvoice(
        x,
        { clientId, debtorId, number: `F-${uid()}`, faceValue: '1234.56', currency: 'USD', issueDate: '2026-03-03', dueDate: '2026-05-01', ...extra },
        team.funding,
      ),
    );

  it('raises each kind at entry: first invoice with a debtor, same debtor/amount/date, a reused number, a future issue date', async () => {
    const a = await aClient(t.database, team);
    const b = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const first = await entry(a.id, debtor.id);
    expect(first.flags.map((f) => f.kind)).toEqual(['new_debtor']);
    const second = await entry(a.id, debtor.id, { faceValue: '99.00' });
    expect(second.flags).toEqual([]);
    // the same debtor, amount and date under another client (and its first with that debtor)
    const twin = await entry(b.id, debtor.id);
    expect(twin.flags.map((f) => f.kind).sort()).toEqual(['duplicate_amount_date', 'new_debtor']);
    expect(twin.flags.find((f) => f.kind === 'duplicate_amount_date')!.detail).toContain(`invoice ${first.number} of ${a.name}`);
    // the same number at another client (case aside), another amount
    const reused = await entry(b.id, debtor.id, { number: second.number.toLowerCase(), faceValue: '55.00' });
    expect(reused.flags.map((f) => f.kind)).toEqual(['number_reused']);
    expect(reused.flags[0]!.detail).toContain('for the same debtor');
    const future = await entry(a.id, debtor.id, { issueDate: addDays(today, 3), dueDate: addDays(today, 40), faceValue: '77.00' });
    expect(future.flags.map((f) => f.kind)).toEqual(['future_issue_date']);
    const listed = await tx((x) => listInvoiceFlags(x, Number(future.id), team.funding));
    expect(listed).toMatchObject([{ kind: 'future_issue_date', label: 'Issue date in the future', clearedAt: null }]);
  });

  it('raises the flags of a whole CSV import in one pass', async () => {
    const a = await aClient(t.database, team);
    const b = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const known = await entry(a.id, debtor.id, { faceValue: '500.00', issueDate: '2026-04-01' });
    const n = uid();
    const csv = [
      'number,debtor,face_value,currency,issue_date,due_date',
      `${known.number},${debtor.id},10.00,USD,2026-04-02,2026-05-01`,
      `D-${n},${debtor.id},500.00,USD,2026-04-01,2026-05-01`,
      `E-${n},${debtor.id},20.00,USD,${addDays(today, 2)},${addDays(today, 40)}`,
      `G-${n},${debtor.id},30.00,USD,2026-04-03,2026-05-01`,
    ].join('\n');
    const result = await tx((x) => importInvoices(x, { clientId: b.id, csv }, team.funding));
    expect(result.count).toBe(4);
    const byNumber = (number: string) =>
      result.flags
        .filter((f) => f.invoiceNumber === number)
        .map((f) => f.kind)
        .sort();
    expect(byNumber(known.number)).toEqual(['new_debtor', 'number_reused']);
    expect(byNumber(`D-${n}`)).toEqual(['duplicate_amount_date']);
    expect(byNumber(`E-${n}`)).toEqual(['future_issue_date']);
    expect(byNumber(`G-${n}`)).toEqual([]);
  });

  it('refuses funding while a holding flag is open, naming the invoice; cleared once by an underwriter, audited; then funds', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const created = await entry(client.id, debtor.id, { issueDate: addDays(today, 2), dueDate: addDays(today, 60) });
    await tx((x) => verifyInvoice(x, Number(created.id), team.funding));
    const fund = () => tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [created.id], fundingDate: today }, team.funding));
    await expect(fund()).rejects.toMatchObject({
      status: 422,
      code: 'intake_flags_open',
      message: expect.stringContaining(`Invoice ${created.number} (future issue date) has an intake flag nobody has cleared yet`),
      details: { invoiceNumbers: [created.number] },
    });
    await expect(tx((x) => previewFunding(x, { clientId: client.id, invoiceIds: [created.id], fundingDate: today }, team.funding))).rejects.toMatchObject({
      code: 'intake_flags_open',
    });
    const [flag] = (await tx((x) => listInvoiceFlags(x, Number(created.id), team.underwriter))).filter((f) => f.kind === 'future_issue_date');
    await expect(tx((x) => clearIntakeFlag(x, Number(flag!.id), { reason: 'ok' }, team.funding))).rejects.toMatchObject({ status: 403 });
    await expect(tx((x) => clearIntakeFlag(x, Number(flag!.id), {}, team.underwriter))).rejects.toMatchObject({ status: 400 });
    const cleared = await tx((x) =>
      clearIntakeFlag(x, Number(flag!.id), { reason: 'Debtor confirmed delivery is scheduled; invoice pre-dated by agreement' }, team.underwriter),
    );
    expect(cleared).toMatchObject({ clearedBy: String(team.underwriter.userId), clearedReason: expect.stringContaining('Debtor confirmed') });
    await expect(tx((x) => clearIntakeFlag(x, Number(flag!.id), { reason: 'again' }, team.approver))).rejects.toMatchObject({
      status: 409,
      code: 'already_cleared',
    });
    // the database itself keeps a cleared flag as it is
    await expect(t.database.sql`update invoice_flags set cleared_reason = 'rewritten' where id = ${flag!.id}`).rejects.toThrow(/cleared already/);
    await expect(t.database.sql`delete from invoice_flags where id = ${flag!.id}`).rejects.toThrow();
    const audit = await t.database.sql<{ after: { reason: string } }[]>`
      select after from audit_events where action = 'invoice_flag.clear' and target_id = ${created.id}`;
    expect(audit).toHaveLength(1);
    // funded now (issued after the funding date is raised and shown, and holds only when the factor lists it)
    const batch = await fund();
    expect(batch.status).toBe('funded');
    const kinds = (await tx((x) => listInvoiceFlags(x, Number(created.id), team.underwriter))).map((f) => [f.kind, f.clearedAt === null]);
    expect(kinds).toContainEqual(['issued_after_funding', true]);
  });

  it('a flag first found at funding holds the batch; approval is refused until it is cleared', async () => {
    await t.database.sql`
      insert into settings (key, value) values ('intake.holding_flags', '["future_issue_date","issued_after_funding","duplicate_amount_date","number_reused","new_debtor"]'::jsonb)
      on conflict (key) do update set value = excluded.value`;
    try {
      const client = await aClient(t.database, team);
      const debtor = await aDebtor(t.database, team);
      const created = await entry(client.id, debtor.id, { issueDate: '2026-03-10' });
      await tx((x) => verifyInvoice(x, Number(created.id), team.funding));
      const open = (await tx((x) => listInvoiceFlags(x, Number(created.id), team.underwriter))).filter((f) => f.clearedAt === null);
      for (const f of open) await tx((x) => clearIntakeFlag(x, Number(f.id), { reason: 'known debtor from the onboarding file' }, team.underwriter));
      const held = await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [created.id], fundingDate: '2026-03-01' }, team.funding));
      expect(held.status).toBe('pending_approval');
      expect(held.holds.map((h) => h.code)).toEqual(['intake_flags']);
      expect(held.holds[0]!.message).toContain(`${created.number} (issued after funding date)`);
      await expect(tx((x) => approveFundingBatch(x, Number(held.id), team.approver))).rejects.toMatchObject({ code: 'intake_flags_open' });
      const [late] = (await tx((x) => listInvoiceFlags(x, Number(created.id), team.underwriter))).filter((f) => f.clearedAt === null);
      await tx((x) => clearIntakeFlag(x, Number(late!.id), { reason: 'issue date typo on the schedule, checked with the debtor' }, team.approver));
      expect((await tx((x) => approveFundingBatch(x, Number(held.id), team.approver))).status).toBe('funded');
    } finally {
      await t.database.sql`delete from settings where key = 'intake.holding_flags'`;
    }
  });
});
