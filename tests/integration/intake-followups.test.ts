import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { previewFunding } from '../../lib/funding';
import { approveDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { createInvoice, verifyInvoice } from '../../lib/invoices';
import { openFlagBadges } from '../../lib/intake/flags';
import { grantPairOverride, listPairLimits, revokePairOverride, setPairLimit } from '../../lib/intake/pair-limits';
import { holdingFlags } from '../../lib/intake/settings';
import { addDays, todayIn } from '../../lib/dates';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { setEnv } from '../support/env';
import { createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 16 items 4 and 5, the follow-ups: Settings → Intake flags (which kinds hold funding; its
 * API), the flags the funding builder shows, revoking an override early (a revocation row that
 * funding sees at once), and a debtor merge carrying client–debtor limits and overrides.
 */
let t: TestDatabase;
let team: Team;
let restoreEnv: () => void = () => {};
const keys = { admin: '', auditor: '', approver: '', underwriter: '' };
const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const uid = () => randomBytes(4).toString('hex');
const today = todayIn();

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  for (const role of ['admin', 'approver', 'underwriter'] as const) keys[role] = (await tx((x) => createApiKey(x, team[role].userId!, 'test', team[role]))).key;
  restoreEnv = setEnv({ DATABASE_URL: t.url, APP_DATABASE_URL: t.url });
  await closeDatabase();
}, 120_000);

afterAll(async () => {
  await closeDatabase();
  restoreEnv();
  await t?.drop();
});

const json = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

describe('Settings → Intake flags (intake.holding_flags)', () => {
  it('GET answers the default; PUT (admins) saves, audited; an unknown kind is a 400 naming it; the setting changes what holds at funding', async () => {
    const { GET, PUT } = await import('../../app/api/v1/intake/holding-flags/route');
    const url = 'http://holdback.test/api/v1/intake/holding-flags';
    const none = { params: Promise.resolve({}) };
    try {
      const got = await GET(new Request(url, { headers: json(keys.admin) }), none);
      expect(got.status).toBe(200);
      expect(await got.json()).toEqual({ kinds: ['future_issue_date'], saved: false });

      const put = (key: string, body: unknown) => PUT(new Request(url, { method: 'PUT', headers: json(key), body: JSON.stringify(body) }), none);
      expect((await put(keys.underwriter, { kinds: ['new_debtor'] })).status).toBe(403);
      expect((await put(keys.admin, {})).status).toBe(400);
      const unknown = await put(keys.admin, { kinds: ['new_debtor', 'moon_phase'] });
      expect(unknown.status).toBe(400);
      const refusal = (await unknown.json()) as { error: { code: string; message: string; details: Record<string, string> } };
      expect(refusal.error.code).toBe('invalid_input');
      expect(refusal.error.details['kinds.1']).toContain('Unknown flag kind "moon_phase"');

      // a client's first invoice with a debtor (new_debtor) and an invoice dated in the future (future_issue_date)
      const client = await aClient(t.database, team);
      const debtor = await aDebtor(t.database, team);
      const first = await anInvoice(t.database, team, { client, debtor, faceValue: '1000.00' });
      const future = await tx(async (x) => {
        const inv = await createInvoice(
          x,
          {
            clientId: client.id,
            debtorId: debtor.id,
            number: `FUT-${uid()}`,
            faceValue: '200.00',
            currency: 'USD',
            issueDate: addDays(today, 5),
            dueDate: addDays(today, 60),
          },
          team.funding,
        );
        return verifyInvoice(x, Number(inv.id), team.funding);
      });
      // the default: the future date holds, the first invoice with the debtor is shown only
      expect(await openFlagBadges(t.database, [Number(first.id), Number(future.id)])).toEqual({
        [first.id]: [{ kind: 'new_debtor', holding: false, text: 'Flag: first invoice with this debtor' }],
        [future.id]: [{ kind: 'future_issue_date', holding: true, text: 'Held: issue date in the future' }],
      });
      const fund = (id: string) => tx((x) => previewFunding(x, { clientId: client.id, invoiceIds: [id], fundingDate: today }, team.funding));
      await expect(fund(future.id)).rejects.toMatchObject({ code: 'intake_flags_open' });
      expect((await fund(first.id)).holds).toEqual([]);

      const saved = await put(keys.admin, { kinds: ['new_debtor', 'new_debtor'] });
      expect(saved.status).toBe(200);
      expect(await saved.json()).toEqual({ kinds: ['new_debtor'], saved: true });
      expect(await tx((x) => holdingFlags(x))).toEqual({ kinds: ['new_debtor'], saved: true });
      const audit = await t.database.sql<{ before: { kinds: string[] }; after: { kinds: string[] } }[]>`
        select before, after from audit_events where action = 'settings.intake_holding_flags' order by id`;
      expect(audit.map((a) => [a.before.kinds, a.after.kinds])).toEqual([[['future_issue_date'], ['new_debtor']]]);

      // now the first invoice with the debtor holds and the future date does not
      expect(await openFlagBadges(t.database, [Number(first.id), Number(future.id)])).toEqual({
        [first.id]: [{ kind: 'new_debtor', holding: true, text: 'Held: first invoice with this debtor' }],
        [future.id]: [{ kind: 'future_issue_date', holding: false, text: 'Flag: issue date in the future' }],
      });
      await expect(fund(first.id)).rejects.toMatchObject({ code: 'intake_flags_open', details: { invoiceNumbers: [first.number] } });
      expect((await fund(future.id)).holds).toEqual([]);

      // none holds: [] is saved as such (not the default)
      expect(await (await put(keys.admin, { kinds: [] })).json()).toEqual({ kinds: [], saved: true });
      expect((await fund(first.id)).holds).toEqual([]);
    } finally {
      await t.database.sql`delete from settings where key = 'intake.holding_flags'`;
    }
  });

  it('reads the open flags of many invoices in one query, nothing for invoices without flags', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const first = await anInvoice(t.database, team, { client, debtor, faceValue: '10.00' });
    const second = await anInvoice(t.database, team, { client, debtor, faceValue: '20.00' });
    expect(await openFlagBadges(t.database, [Number(first.id), Number(second.id)])).toEqual({
      [first.id]: [{ kind: 'new_debtor', holding: false, text: 'Flag: first invoice with this debtor' }],
    });
    expect(await openFlagBadges(t.database, [])).toEqual({});
  });
});

describe('revoking a client–debtor limit override', () => {
  it('takes effect at once: the next funding is held again; approvers only, with a reason, once, audited, append-only', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    await tx((x) => setPairLimit(x, Number(client.id), { debtorId: debtor.id, currency: 'USD', limit: '5000.00' }, team.underwriter));
    const granted = await tx((x) =>
      grantPairOverride(
        x,
        Number(client.id),
        { debtorId: debtor.id, currency: 'USD', limit: '20000.00', until: addDays(today, 30), reason: 'peak' },
        team.approver,
      ),
    );
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue: '8000.00' });
    const preview = () => tx((x) => previewFunding(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: today }, team.funding));
    expect((await preview()).holds).toEqual([]);

    const { POST } = await import('../../app/api/v1/clients/[id]/debtor-limit-overrides/[overrideId]/revoke/route');
    const url = `http://holdback.test/api/v1/clients/${client.id}/debtor-limit-overrides/${granted.id}/revoke`;
    const params = { params: Promise.resolve({ id: client.id, overrideId: granted.id }) };
    const revoke = (key: string, body: unknown) => POST(new Request(url, { method: 'POST', headers: json(key), body: JSON.stringify(body) }), params);
    expect((await revoke(keys.underwriter, { reason: 'no' })).status).toBe(403);
    const noReason = await revoke(keys.approver, {});
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { details: Record<string, string> } }).error.details.reason).toBe('Reason is required');
    // another client's path: not found
    const other = await aClient(t.database, team);
    const wrong = await POST(new Request(url, { method: 'POST', headers: json(keys.approver), body: JSON.stringify({ reason: 'x' }) }), {
      params: Promise.resolve({ id: other.id, overrideId: granted.id }),
    });
    expect(wrong.status).toBe(404);

    const done = await revoke(keys.approver, { reason: 'Debtor downgraded by the credit bureau' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      id: granted.id,
      active: false,
      revokedBy: expect.any(String),
      revokedReason: 'Debtor downgraded by the credit bureau',
      limit: '20000.00',
    });
    // funding after it no longer sees the override
    expect((await preview()).holds).toEqual([
      {
        code: 'client_debtor_limit',
        message: `Over the client–debtor limit for ${debtor.name}: exposure 8,000.00 USD, limit 5,000.00 USD`,
        details: { debtorId: debtor.id, exposure: '8000.00', limit: '5000.00' },
      },
    ]);
    const again = await revoke(keys.approver, { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('already_revoked');

    const listed = await tx((x) => listPairLimits(x, Number(client.id), team.underwriter));
    expect(listed.overrides).toMatchObject([{ id: granted.id, active: false, revokedReason: 'Debtor downgraded by the credit bureau' }]);
    expect(listed.limits[0]!.override).toBeNull();
    const audit = await t.database.sql<{ before: { active: boolean }; after: { reason: string } }[]>`
      select before, after from audit_events where action = 'pair_limit.override_revoke' and target_id = ${client.id}`;
    expect(audit.map((a) => [a.before.active, a.after.reason])).toEqual([[true, 'Debtor downgraded by the credit bureau']]);
    await expect(t.database.sql`update client_debtor_limit_override_revocations set reason = 'rewritten'`).rejects.toThrow();
    await expect(t.database.sql`delete from client_debtor_limit_override_revocations`).rejects.toThrow();
  });

  it('an expired override is not revoked (nothing left to revoke)', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const [old] = await t.database.sql<{ id: string }[]>`
      insert into client_debtor_limit_overrides (client_id, debtor_id, currency, "limit", until, reason, granted_by)
      values (${client.id}, ${debtor.id}, 'USD', 50000, ${addDays(today, -1)}, 'old', ${team.approver.userId}) returning id::text`;
    await expect(tx((x) => revokePairOverride(x, Number(client.id), Number(old!.id), { reason: 'late' }, team.approver))).rejects.toMatchObject({
      status: 409,
      code: 'override_expired',
    });
  });
});

describe('a debtor merge carries client–debtor limits', () => {
  it('the lower limit and the lower override apply to client–survivor; rows appended, the merged debtor’s overrides revoked, audited', async () => {
    const [c1, c2, c3] = [await aClient(t.database, team), await aClient(t.database, team), await aClient(t.database, team)];
    const survivor = await aDebtor(t.database, team);
    const duplicate = await aDebtor(t.database, team);
    const limit = (client: { id: string }, debtor: { id: string }, amount: string) =>
      tx((x) => setPairLimit(x, Number(client.id), { debtorId: debtor.id, currency: 'USD', limit: amount, reason: 'review' }, team.underwriter));
    const override = (client: { id: string }, debtor: { id: string }, amount: string, days: number) =>
      tx((x) =>
        grantPairOverride(
          x,
          Number(client.id),
          { debtorId: debtor.id, currency: 'USD', limit: amount, until: addDays(today, days), reason: `approved ${amount}` },
          team.approver,
        ),
      );
    // c1: both limits, the duplicate's lower; an override only on the duplicate
    await limit(c1, survivor, '10000.00');
    await limit(c1, duplicate, '6000.00');
    const c1Override = await override(c1, duplicate, '15000.00', 10);
    // c2: a limit only on the duplicate
    await limit(c2, duplicate, '8000.00');
    // c3: the survivor's limit is the lower; both have overrides, the duplicate's lower
    await limit(c3, survivor, '3000.00');
    await limit(c3, duplicate, '9000.00');
    const c3SurvivorOverride = await override(c3, survivor, '12000.00', 20);
    const c3DuplicateOverride = await override(c3, duplicate, '7000.00', 5);
    // c1's open invoice with the duplicate moves to the survivor with the merge
    const moved = await anInvoice(t.database, team, { client: c1, debtor: duplicate, faceValue: '7000.00' });

    const merge = await tx((x) => requestDebtorMerge(x, Number(duplicate.id), { intoDebtorId: survivor.id, reason: 'Same company' }, team.underwriter));
    await tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver));

    const c1Limits = await tx((x) => listPairLimits(x, Number(c1.id), team.underwriter));
    const onSurvivor = (l: { debtorId: string }) => l.debtorId === survivor.id;
    expect(c1Limits.limits.filter(onSurvivor)).toMatchObject([
      { limit: '6000.00', exposure: '0.00', override: { limit: '15000.00', until: addDays(today, 10) } },
    ]);
    // history kept: the survivor's 10,000 row is still there under the new 6,000 row
    expect(c1Limits.history.filter(onSurvivor).map((h) => h.limit)).toEqual(['6000.00', '10000.00']);
    expect(c1Limits.history.filter(onSurvivor)[0]!.reason).toContain(`Debtor merge ${merge.id}`);
    const c1Overrides = c1Limits.overrides.map((o) => [o.debtorId, o.limit, o.active, o.revokedReason !== null]);
    expect(c1Overrides).toEqual([
      [survivor.id, '15000.00', true, false],
      [duplicate.id, '15000.00', false, true],
    ]);
    expect(c1Limits.overrides[0]!.reason).toContain(`(override ${c1Override.id})`);

    const c2Limits = await tx((x) => listPairLimits(x, Number(c2.id), team.underwriter));
    expect(c2Limits.limits.filter(onSurvivor).map((l) => l.limit)).toEqual(['8000.00']);

    const c3Limits = await tx((x) => listPairLimits(x, Number(c3.id), team.underwriter));
    expect(c3Limits.limits.filter(onSurvivor)).toMatchObject([{ limit: '3000.00', override: { limit: '7000.00', until: addDays(today, 5) } }]);
    expect(c3Limits.history.filter(onSurvivor).map((h) => h.limit)).toEqual(['3000.00']);
    const byId = new Map(c3Limits.overrides.map((o) => [o.id, o]));
    expect(byId.get(c3SurvivorOverride.id)).toMatchObject({ active: false, revokedReason: expect.stringContaining('lower override') });
    expect(byId.get(c3DuplicateOverride.id)).toMatchObject({ active: false });
    expect(c3Limits.overrides.filter((o) => o.active).map((o) => [o.debtorId, o.limit])).toEqual([[survivor.id, '7000.00']]);

    // funding the moved invoice checks client–survivor: 7,000 above the carried 6,000 limit, within the carried override
    const preview = () => tx((x) => previewFunding(x, { clientId: c1.id, invoiceIds: [moved.id], fundingDate: today }, team.funding));
    expect((await preview()).holds).toEqual([]);
    const carried = c1Limits.overrides[0]!;
    await tx((x) => revokePairOverride(x, Number(c1.id), Number(carried.id), { reason: 'merge reviewed' }, team.approver));
    expect((await preview()).holds.map((h) => h.message)).toEqual([
      `Over the client–debtor limit for ${survivor.name}: exposure 7,000.00 USD, limit 6,000.00 USD`,
    ]);

    const [audit] = await t.database.sql<{ after: { limits: unknown[]; overrides: unknown[]; revokedOnSurvivor: string[]; revokedOnMerged: string[] } }[]>`
      select after from audit_events where action = 'pair_limit.merge_carry' and target_id = ${survivor.id}`;
    expect(audit!.after.limits).toHaveLength(2);
    expect(audit!.after.overrides).toHaveLength(2);
    expect(audit!.after.revokedOnSurvivor).toEqual([c3SurvivorOverride.id]);
    expect(audit!.after.revokedOnMerged.sort()).toEqual([c1Override.id, c3DuplicateOverride.id].sort());
  });

  it('a merge without pair limits writes none', async () => {
    const client = await aClient(t.database, team);
    const survivor = await aDebtor(t.database, team);
    const duplicate = await aDebtor(t.database, team);
    await anInvoice(t.database, team, { client, debtor: duplicate, faceValue: '100.00' });
    const merge = await tx((x) => requestDebtorMerge(x, Number(duplicate.id), { intoDebtorId: survivor.id, reason: 'dup' }, team.underwriter));
    await tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver));
    const rows = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from client_debtor_limits where debtor_id = ${survivor.id}`;
    expect(rows[0]!.n).toBe(0);
    const audit = await t.database.sql`select 1 from audit_events where action = 'pair_limit.merge_carry' and target_id = ${survivor.id}`;
    expect(audit).toHaveLength(0);
  });
});
