import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { addDays, todayIn } from '../../lib/dates';
import { runRiskScores } from '../../lib/risk/run';
import { systemActor } from '../../lib/auth/actor';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  process.env.DATABASE_URL = t.url; // the route handler uses the process-wide pool
});
afterAll(async () => {
  await closeDatabase();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

async function get(clientId: string, key: string | null) {
  const { GET } = await import('../../app/api/v1/clients/[id]/risk/route');
  return GET(new Request(`http://holdback.test/api/v1/clients/${clientId}/risk`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), {
    params: Promise.resolve({ id: clientId }),
  } as never);
}

const keyOf = async (userId: number) => (await t.database.transaction((x) => createApiKey(x, userId, 'test', systemActor('test', 'cli')))).key;

describe('GET /api/v1/clients/{id}/risk', () => {
  it('answers the score, band, parts and history to staff; a client user its own only; nobody without a key', async () => {
    const today = todayIn();
    const client = await aClient(t.database, team, { agreement: { riskScore: 95, advanceRate: '0.95', reserveRate: '0.05' } });
    const other = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: addDays(today, -10) });
    await runRiskScores(t.database, { asOf: addDays(today, -1), by: systemActor('job:risk-scores') });
    await runRiskScores(t.database, { asOf: today, by: systemActor('job:risk-scores') });

    const staff = await get(client.id, await keyOf(team.underwriter.userId!));
    expect(staff.status).toBe(200);
    const body = (await staff.json()) as Record<string, unknown>;
    // one debtor owes everything: concentration 1 → 100 × 0.1 = 10; the invoice (the builder's,
    // due 2026-03-01) is months past due: days beyond terms → 100 × 0.2 = 20 → score 70, band 70–79
    expect(body).toMatchObject({
      clientId: client.id,
      score: 70,
      band: '70–79',
      parts: { dilution: '0.00', daysBeyondTerms: '100.00', disputes: '0.00', chargebacks: '0.00', concentration: '100.00', trend: '0.00' },
      history: [
        { asOf: addDays(today, -1), score: 70, band: '70–79' },
        { asOf: today, score: 70, band: '70–79' },
      ],
      // proposed by the first run; the second found it waiting and proposed nothing more
      pending: { score: 70, fromBand: '90–100', toBand: '70–79', reserveRate: '0.15', holdDays: 90 },
    });

    const own = await aUser(t.database, 'client', { clientId: Number(client.id) });
    expect((await get(client.id, await keyOf(own.userId!))).status).toBe(200);
    // API.md: a client user asking for another client is told it is not found, never shown it
    expect((await get(other.id, await keyOf(own.userId!))).status).toBe(404);
    expect((await get(client.id, null)).status).toBe(401);
    expect((await get('999999', await keyOf(team.underwriter.userId!))).status).toBe(404);
  });
});
