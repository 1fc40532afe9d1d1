import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementInForce, agreementOn, agreementVersions, createClient } from '../../lib/clients';
import {
  KYB_ITEMS,
  decideAgreementChange,
  proposeAgreementChange,
  reviewClient,
  setClientStatus,
  setKybItem,
  submitForReview,
} from '../../lib/clients/onboarding';
import { listApprovals } from '../../lib/approvals';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

describe('client onboarding (SPEC 2)', () => {
  it('prospect → pending_review → active, with a complete KYB checklist and a second underwriter', async () => {
    const client = await tx((x) => createClient(x, { name: 'Prospect Co', currency: 'USD' }, team.underwriter));
    expect(client.status).toBe('prospect');
    await expect(tx((x) => submitForReview(x, Number(client.id), team.underwriter))).rejects.toMatchObject({
      code: 'kyb_incomplete',
      message: expect.stringContaining('Certificate of incorporation'),
    });
    for (const item of KYB_ITEMS) await tx((x) => setKybItem(x, Number(client.id), item.key, true, team.underwriter));
    const submitted = await tx((x) => submitForReview(x, Number(client.id), team.underwriter));
    expect(submitted.status).toBe('pending_review');
    // the underwriter who entered it cannot review it
    await expect(tx((x) => reviewClient(x, Number(client.id), 'activate', undefined, team.underwriter))).rejects.toMatchObject({
      status: 403,
      code: 'maker_checker',
    });
    const second = await aUser(t.database, 'underwriter');
    const active = await tx((x) => reviewClient(x, Number(client.id), 'activate', undefined, second));
    expect(active.status).toBe('active');
    const [request] = await listApprovals(t.database, { kind: 'client_activation' });
    expect(request).toMatchObject({ status: 'approved', targetId: client.id });
  });

  it('a reviewer can return a prospect with a reason; suspend, reactivate and close need reasons and valid states', async () => {
    const client = await tx((x) => createClient(x, { name: 'Returned Co', currency: 'USD' }, team.underwriter));
    for (const item of KYB_ITEMS) await tx((x) => setKybItem(x, Number(client.id), item.key, true, team.underwriter));
    await tx((x) => submitForReview(x, Number(client.id), team.underwriter));
    const second = await aUser(t.database, 'underwriter');
    const returned = await tx((x) => reviewClient(x, Number(client.id), 'return', 'Bank letter is unsigned', second));
    expect(returned).toMatchObject({ status: 'prospect', statusReason: 'Bank letter is unsigned' });

    const live = await aClient(t.database, team);
    await expect(tx((x) => setClientStatus(x, Number(live.id), 'suspended', '', team.underwriter))).rejects.toMatchObject({
      status: 400,
      code: 'reason_required',
    });
    expect((await tx((x) => setClientStatus(x, Number(live.id), 'suspended', 'Fraud review', team.underwriter))).status).toBe('suspended');
    expect((await tx((x) => setClientStatus(x, Number(live.id), 'active', undefined, team.underwriter))).status).toBe('active');
    expect((await tx((x) => setClientStatus(x, Number(live.id), 'closed', 'Relationship ended', team.underwriter))).status).toBe('closed');
    await expect(tx((x) => setClientStatus(x, Number(live.id), 'active', undefined, team.underwriter))).rejects.toMatchObject({ status: 409 });
  });
});

describe('agreement versions (SPEC 2)', () => {
  it('a change is a new effective-dated version through approval; history is never rewritten', async () => {
    const client = await aClient(t.database, team, { agreement: { advanceRate: '0.80', reserveRate: '0.20' }, effectiveFrom: '2026-01-01' });
    const debtor = await aDebtor(t.database, team);
    await aFundedInvoice(t.database, team, { client, debtor, fundingDate: '2026-02-10' });
    const cid = Number(client.id);
    await expect(
      tx((x) => proposeAgreementChange(x, cid, { effectiveFrom: '2026-02-10', agreement: { advanceRate: '0.85', reserveRate: '0.15' } }, team.underwriter)),
    ).rejects.toMatchObject({ code: 'rewrites_history' });
    await expect(
      tx((x) => proposeAgreementChange(x, cid, { effectiveFrom: '2026-03-01', agreement: { advanceRate: '0.85', reserveRate: '0.25' } }, team.underwriter)),
    ).rejects.toMatchObject({ status: 400, details: { reserveRate: expect.stringContaining('must be 1') } });
    const proposed = await tx((x) =>
      proposeAgreementChange(x, cid, { effectiveFrom: '2026-03-01', agreement: { advanceRate: '0.85', reserveRate: '0.15' } }, team.underwriter),
    );
    expect(proposed).toMatchObject({ version: 2, status: 'pending_approval' });
    // not in force until approved
    expect((await agreementOn(t.database, cid, '2026-03-05'))!.advanceRate).toBe('0.80');
    await expect(tx((x) => decideAgreementChange(x, Number(proposed.id), 'approve', undefined, team.underwriter))).rejects.toMatchObject({ status: 403 });
    await tx((x) => decideAgreementChange(x, Number(proposed.id), 'approve', undefined, team.approver));
    expect((await agreementOn(t.database, cid, '2026-02-28'))!.advanceRate).toBe('0.80');
    expect((await agreementOn(t.database, cid, '2026-03-01'))!.advanceRate).toBe('0.85');
    const versions = await agreementVersions(t.database, cid, team.approver);
    expect(versions.map((v) => [v.version, v.status, v.effectiveFrom, v.advanceRate])).toEqual([
      [2, 'approved', '2026-03-01', '0.85'],
      [1, 'approved', '2026-01-01', '0.80'],
    ]);
    // the client page finds the agreement in force in the versions it reads, by agreementOn's rule
    // (before the first version's date: the first terms; a pending version never)
    const pendingToo = await tx((x) =>
      proposeAgreementChange(x, cid, { effectiveFrom: '2026-06-01', agreement: { advanceRate: '0.90', reserveRate: '0.10' } }, team.underwriter),
    );
    const all = await agreementVersions(t.database, cid, team.approver);
    expect(all.map((v) => v.status)).toEqual(['pending_approval', 'approved', 'approved']);
    for (const date of ['2025-12-01', '2026-01-01', '2026-02-28', '2026-03-01', '2026-06-01', '2027-01-01']) {
      expect(agreementInForce(all, date)?.id, date).toBe((await agreementOn(t.database, cid, date))!.id);
    }
    expect(agreementInForce(all, '2026-07-01')!.version).toBe(2);
    expect(agreementInForce([], '2026-07-01')).toBeNull();
    expect(pendingToo.status).toBe('pending_approval');
  });

  it('a rejected change needs a reason and leaves the terms as they were', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const proposed = await tx((x) =>
      proposeAgreementChange(x, cid, { effectiveFrom: '2027-01-01', agreement: { concentrationLimit: '0.30' } }, team.underwriter),
    );
    await expect(tx((x) => decideAgreementChange(x, Number(proposed.id), 'reject', '', team.approver))).rejects.toMatchObject({ status: 400 });
    await tx((x) => decideAgreementChange(x, Number(proposed.id), 'reject', 'Too tight for this client', team.approver));
    expect((await agreementOn(t.database, cid, '2027-06-01'))!.concentrationLimit).toBe('1.00');
  });
});
