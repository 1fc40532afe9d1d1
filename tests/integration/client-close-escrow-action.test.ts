import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import type { Permission } from '../../lib/auth/permissions';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { initialActionState } from '../../lib/http/action-state';
import { approveRelease, runReleaseCycle } from '../../lib/releases';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { setEnv } from '../support/env';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 16 item 3: closing a client from its page says what happens to its escrow — requested
 * for release, waiting for an approver — and the request is there, by the person who closed it.
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
  restoreEnv = setEnv({ DATABASE_URL: t.url, APP_DATABASE_URL: t.appUrl });
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

describe('closing a client with escrow, from the console', () => {
  it('answers that the escrow is requested for release and an approver must approve it', async () => {
    // SPEC 6 example 1: a 10,000 invoice paid after 30 days releases 1,900.00; half of it to escrow (cap 5,000.00)
    const client = await aClient(t.database, team, {
      agreement: {
        advanceRate: '0.80',
        reserveRate: '0.20',
        fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
        reservePolicy: { kind: 'escrow', share: '0.50', cap: '5000.00' },
      },
    });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const payment = await t.database.transaction((x) =>
      receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-01-31' }, team.collections),
    );
    await t.database.transaction((x) =>
      applyPayment(x, Number(payment.id), { allocations: [{ invoiceId: invoice.id, amount: '10000.00' }] }, team.collections),
    );
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-02', clientIds: [client.id] }, team.controller);
    await t.database.transaction((x) => approveRelease(x, Number(run.releases[0]!.id), {}, team.approver));

    session.actor = team.underwriter;
    const { setClientStatusAction } = await import('../../app/(console)/clients/actions');
    const answer = await setClientStatusAction(initialActionState, form({ clientId: client.id, status: 'closed', reason: 'Relationship ended' }));
    expect(answer).toMatchObject({
      ok: true,
      message: `${client.name} is closed. The escrow of 950.00 USD is requested for release; an approver must approve it.`,
    });
    const rows = await t.admin.sql<{ amount: string; status: string; created_by: string }[]>`
      select amount::text, status, created_by::text from releases where client_id = ${client.id} and kind = 'escrow'`;
    expect(rows).toEqual([{ amount: '950.0000', status: 'pending_approval', created_by: String(team.underwriter.userId) }]);
  });
});
