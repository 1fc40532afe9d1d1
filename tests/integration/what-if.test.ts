import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { decideAgreementChange, proposeAgreementChange } from '../../lib/clients/onboarding';
import { reserveReport, runReleaseCycle } from '../../lib/releases';
import { DEFAULT_RISK_SCHEDULE, type RiskTier } from '../../lib/releases/releasable';
import { whatIf, type WhatIfAnswer } from '../../lib/releases/what-if';
import { updateReleasePolicy } from '../../lib/settings';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;
const AS_OF = '2026-03-10';

/** A client built with the real commands: invoices funded on 2026-01-01, the first `paid` of them paid in full on 2026-01-31. */
async function aClientWith(options: { riskScore?: number; invoices?: number; paid?: number; currency?: string; minimumReserveBalance?: string }) {
  const client = await aClient(t.database, team, {
    currency: options.currency ?? 'USD',
    agreement: { ...NAYA, riskScore: options.riskScore, ...(options.minimumReserveBalance ? { minimumReserveBalance: options.minimumReserveBalance } : {}) },
  });
  const debtor = await aDebtor(t.database, team);
  const currency = options.currency ?? 'USD';
  for (let i = 0; i < (options.invoices ?? 2); i++) {
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: `${10000 + i * 1234}.55`, fundingDate: '2026-01-01' });
    if (i < (options.paid ?? 1)) {
      const face = `${10000 + i * 1234}.55`;
      const p = await tx((x) => receivePayment(x, { amount: face, currency, receivedDate: '2026-01-31' }, team.collections));
      await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: face }] }, team.collections));
    }
  }
  return client;
}

/** The reserve report (what the release calculation answers) for each row's client and currency. */
async function reportFigures(answer: WhatIfAnswer) {
  const out: Record<string, { held: string; releasable: string }> = {};
  for (const row of answer.rows) {
    const report = await reserveReport(t.database, Number(row.clientId), answer.asOf, team.admin);
    const b = report.balances.find((x) => x.currency === row.currency)!;
    out[`${row.clientId}|${row.currency}`] = { held: b.held, releasable: b.releasable };
  }
  return out;
}
const side = (answer: WhatIfAnswer, which: 'before' | 'after') =>
  Object.fromEntries(answer.rows.map((r) => [`${r.clientId}|${r.currency}`, { held: r[which].held, releasable: r[which].releasable }]));

describe('what-if before applying (issue 16 item 2)', () => {
  it('a risk schedule edit: the preview equals, to the cent, what the release calculation gives once it is saved', async () => {
    // 85 → tier 80–89 (60 days, automatic); 75 → tier 70–79 (90 days, review); 95 and no score: untouched by the change below
    const a = await aClientWith({ riskScore: 85, invoices: 3, paid: 2 });
    const b = await aClientWith({ riskScore: 75, invoices: 2, paid: 1, currency: 'EUR' });
    const c = await aClientWith({ riskScore: 95 });
    await aClientWith({});
    // an open proposal counts against what is releasable, before and after alike
    const d = await aClientWith({ riskScore: 82, invoices: 2, paid: 2 });
    await runReleaseCycle(t.database, { asOf: '2026-03-05', clientIds: [d.id] }, team.controller);
    const schedule: RiskTier[] = DEFAULT_RISK_SCHEDULE.map((tier) =>
      tier.minScore === 80 ? { ...tier, holdDays: 30 } : tier.minScore === 70 ? { ...tier, holdDays: 20, release: 'manual' } : tier,
    );
    const events = async () => Number((await t.database.sql<{ n: string }[]>`select count(*) as n from audit_events`)[0]!.n);
    const eventsBefore = await events();
    const preview = await tx((x) => whatIf(x, { riskSchedule: schedule, asOf: AS_OF }, team.admin, AS_OF));
    expect(await events()).toBe(eventsBefore);
    const ids = preview.rows.map((r) => r.clientId);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id, d.id]));
    expect(ids).not.toContain(c.id);
    expect(preview.rows.find((r) => r.clientId === a.id)).toMatchObject({ changes: true, before: { releasable: '0.00' } });
    expect(preview.rows.find((r) => r.clientId === b.id)).toMatchObject({ currency: 'EUR', changes: true, after: { releaseMode: 'manual' } });
    // "before" is what the reserve report says now
    expect(side(preview, 'before')).toEqual(await reportFigures(preview));

    await tx((x) => updateReleasePolicy(x, { riskSchedule: schedule }, team.admin));
    // "after" is what it says once the schedule is saved
    expect(side(preview, 'after')).toEqual(await reportFigures(preview));
    const totalAfter = preview.totals.find((x) => x.currency === 'USD')!.after.releasable;
    const sum = preview.rows.filter((r) => r.currency === 'USD').reduce((s, r) => s + Math.round(Number(r.after.releasable) * 100), 0);
    expect(Math.round(Number(totalAfter) * 100)).toBe(sum);
  });

  it("a client's terms change: the preview equals what the release calculation gives once the agreement change is approved", async () => {
    const client = await aClientWith({ invoices: 3, paid: 2 });
    const terms = { ...NAYA, minimumReserveBalance: '1500.00', riskScore: 65 };
    const preview = await tx((x) => whatIf(x, { clientId: client.id, terms, asOf: AS_OF }, team.underwriter, AS_OF));
    expect(preview).toMatchObject({ kind: 'client_terms', clientsAffected: 1, clientsChanged: 1 });
    expect(side(preview, 'before')).toEqual(await reportFigures(preview));
    expect(preview.rows[0]!.before.releasable).not.toBe(preview.rows[0]!.after.releasable);

    const version = await tx((x) => proposeAgreementChange(x, Number(client.id), { effectiveFrom: '2026-03-01', agreement: terms }, team.underwriter));
    await tx((x) => decideAgreementChange(x, Number(version.id), 'approve', undefined, team.approver));
    expect(side(preview, 'after')).toEqual(await reportFigures(preview));
  });

  it('is read only, asks for the right permission, and names bad input', async () => {
    const client = await aClientWith({});
    await expect(
      tx(async (x) => {
        await whatIf(x, { clientId: client.id, terms: NAYA, asOf: AS_OF }, team.underwriter, AS_OF);
        await x.sql`insert into settings (key, value) values ('what-if.probe', '1'::jsonb)`;
      }),
    ).rejects.toThrow(/read-only transaction/);
    await expect(tx((x) => whatIf(x, { riskSchedule: DEFAULT_RISK_SCHEDULE }, team.underwriter, AS_OF))).rejects.toMatchObject({ status: 403 });
    await expect(tx((x) => whatIf(x, { clientId: client.id, terms: NAYA }, team.approver, AS_OF))).rejects.toMatchObject({ status: 403 });
    await expect(
      tx((x) => whatIf(x, { riskSchedule: [{ minScore: 0, maxScore: 50, rate: '0.1', holdDays: 1, release: 'automatic' }] }, team.admin, AS_OF)),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Scores 51–100 have no tier'),
    });
    await expect(tx((x) => whatIf(x, { clientId: client.id, terms: { advanceRate: '2' } }, team.underwriter, AS_OF))).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Advance rate must be between 0 and 1'),
    });
    await expect(tx((x) => whatIf(x, {}, team.admin, AS_OF))).rejects.toMatchObject({ status: 400 });
  });
});
