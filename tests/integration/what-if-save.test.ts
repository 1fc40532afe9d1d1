import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { agreementToForm } from '../../lib/agreements/form';
import type { AgreementTerms } from '../../lib/agreements/terms';
import type { Actor } from '../../lib/auth/actor';
import type { Permission } from '../../lib/auth/permissions';
import { todayIn } from '../../lib/dates';
import { initialActionState } from '../../lib/http/action-state';
import { DEFAULT_RISK_SCHEDULE } from '../../lib/releases/releasable';
import { aClient, aTeam, type Team } from '../support/builders';
import { setEnv } from '../support/env';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 16 item 2, "first shows a simulation": the console's Save release policy and Propose
 * change act only on values whose preview was shown — the preview's digest sent back must be the
 * one of exactly the values submitted (lib/releases/what-if-digest.ts).
 */

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {}, unstable_cache: <T>(fn: T) => fn }));
vi.mock('next/headers', () => ({ headers: async () => new Headers(), cookies: async () => ({ get: () => undefined }) }));
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock('@/lib/auth/session', async () => {
  const { requirePermission } = await import('../../lib/auth/permissions');
  return {
    currentActor: async () => session.actor,
    actionActorFor: async (permission: Permission) => requirePermission(session.actor, permission),
  };
});

let t: TestDatabase;
let team: Team;
let restoreEnv: () => void = () => {};

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  restoreEnv = setEnv({ DATABASE_URL: t.url, APP_DATABASE_URL: t.appUrl, AUTH_SECRET: randomBytes(16).toString('hex') });
});

afterAll(async () => {
  session.actor = null;
  await closeDatabase();
  restoreEnv();
  await t?.drop();
});

const form = (values: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return data;
};

/** The release policy form as the console sends it: the threshold and the tier rows, rates as percentages. */
function policyForm(holdDays80: number, threshold = '50000.00'): Record<string, string> {
  const values: Record<string, string> = { controllerThreshold: threshold };
  DEFAULT_RISK_SCHEDULE.forEach((tier, i) => {
    values[`tier.${i}.minScore`] = String(tier.minScore);
    values[`tier.${i}.maxScore`] = String(tier.maxScore);
    values[`tier.${i}.rate`] = `${Number(tier.rate) * 100}%`;
    values[`tier.${i}.holdDays`] = String(tier.minScore === 80 ? holdDays80 : tier.holdDays);
    values[`tier.${i}.release`] = tier.release;
  });
  return values;
}

const savedSchedule = async () =>
  (await t.admin.sql<{ value: { minScore: number; holdDays: number }[] }[]>`select value from settings where key = 'reserve.risk_schedule'`)[0]?.value;
const OTHER = 'Preview the change first: the figures shown are for other values';

describe('Save release policy needs a preview of exactly its values', () => {
  it('is refused without a preview and with the preview of other values, and saves with the matching one', async () => {
    session.actor = team.admin;
    const { previewReleasePolicyAction, saveReleasePolicyAction } = await import('../../app/(console)/settings/actions');

    const none = await saveReleasePolicyAction(initialActionState, form(policyForm(45)));
    expect(none).toMatchObject({ ok: false, message: expect.stringMatching(/^Preview the change first/) });
    // what was typed is kept
    expect(none.values).toMatchObject({ 'tier.1.holdDays': '45' });

    const preview = await previewReleasePolicyAction(initialActionState, form(policyForm(45)));
    expect(preview).toMatchObject({ ok: true, whatIfDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // the digest of 45 days, sent with 50 days: refused, nothing saved
    const mismatched = await saveReleasePolicyAction(initialActionState, form({ ...policyForm(50), whatIfDigest: preview.whatIfDigest! }));
    expect(mismatched).toMatchObject({ ok: false, message: OTHER });
    // another threshold is other values too
    expect(await saveReleasePolicyAction(initialActionState, form({ ...policyForm(45, '60000.00'), whatIfDigest: preview.whatIfDigest! }))).toMatchObject({
      ok: false,
      message: OTHER,
    });
    expect(await savedSchedule()).toBeUndefined();

    // the same values written otherwise (a rate as a fraction) read the same: saved
    const same = policyForm(45);
    same['tier.1.rate'] = '0.10';
    const done = await saveReleasePolicyAction(initialActionState, form({ ...same, whatIfDigest: preview.whatIfDigest! }));
    expect(done).toMatchObject({ ok: true, message: expect.stringContaining('Release policy saved: 5 risk tiers') });
    expect((await savedSchedule())!.find((tier) => tier.minScore === 80)!.holdDays).toBe(45);
  });
});

describe('Propose change needs a preview of exactly its terms', () => {
  it('is refused without a preview and with the preview of other terms, and proposes with the matching one', async () => {
    const client = await aClient(t.database, team);
    const [row] = await t.admin.sql<{ terms: AgreementTerms }[]>`select terms from agreements where client_id = ${client.id} and status = 'approved'`;
    const base = { ...agreementToForm(row!.terms), clientId: client.id, effectiveFrom: todayIn() } as Record<string, string>;
    const proposed = { ...base, advanceRate: '75%', reserveRate: '25%' };
    session.actor = team.underwriter;
    const { proposeAgreementAction } = await import('../../app/(console)/clients/actions');
    const { previewAgreementChangeAction } = await import('../../app/(console)/clients/[id]/what-if-actions');

    expect(await proposeAgreementAction(initialActionState, form(proposed))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Preview the change first/),
      values: { reserveRate: '25%' },
    });
    const preview = await previewAgreementChangeAction(initialActionState, form(proposed));
    expect(preview).toMatchObject({ ok: true, whatIfDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(
      await proposeAgreementAction(initialActionState, form({ ...proposed, advanceRate: '70%', reserveRate: '30%', whatIfDigest: preview.whatIfDigest! })),
    ).toMatchObject({
      ok: false,
      message: OTHER,
    });
    // the digest is the client's own: another client's identical terms are other values
    const other = await aClient(t.database, team);
    expect(await proposeAgreementAction(initialActionState, form({ ...proposed, clientId: other.id, whatIfDigest: preview.whatIfDigest! }))).toMatchObject({
      ok: false,
      message: OTHER,
    });
    const pending = async () =>
      Number((await t.admin.sql<{ n: string }[]>`select count(*) as n from agreements where client_id = ${client.id} and status = 'pending_approval'`)[0]!.n);
    expect(await pending()).toBe(0);

    const done = await proposeAgreementAction(initialActionState, form({ ...proposed, whatIfDigest: preview.whatIfDigest! }));
    expect(done).toMatchObject({ ok: true, message: 'Agreement version 2 waits for approval by an approver.' });
    expect(await pending()).toBe(1);
  });
});
