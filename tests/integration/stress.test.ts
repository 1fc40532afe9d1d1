import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, sessionLimits, type Database } from '../../db/client';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { releaseSettings } from '../simulation/runner';
import { describeStress, runStress } from '../simulation/stress';
import { createTeam } from '../simulation/world';

/**
 * Issue 11: 32 concurrent callers issuing mixed commands (approvals, cycles, payments, funding,
 * disputes, chargebacks) on three hot clients through a ten-connection pool — the web server's —
 * then the invariants. STRESS_COMMANDS changes the size (`npm run stress` runs the same).
 */
let t: TestDatabase;
let pool: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  // The web server's pool: the app role, ten connections, its statement and lock timeouts.
  pool = createDatabase(t.appUrl, { max: 10, limits: sessionLimits('web') });
});
afterAll(async () => {
  await pool?.close();
  await t?.drop();
});

describe('concurrency stress', () => {
  it('32 callers on 3 hot clients: nothing lost, nothing doubled, no crash, no hang', { timeout: 900_000 }, async () => {
    const team = await createTeam(pool);
    await releaseSettings(pool);
    const report = await runStress(pool, team, { seed: 11, callers: 32, commands: Number(process.env.STRESS_COMMANDS ?? 2000), clients: 3 });
    console.log(describeStress(report));
    expect(report.errors, describeStress(report)).toEqual([]);
    expect(report.breaks, describeStress(report)).toEqual([]);
    expect(report.outcomes.ok).toBeGreaterThan(report.commands / 2);
  });
});
