import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { describeFailure, releaseSettings, runSeed } from './runner';
import { createTeam, type Team } from './world';

/**
 * One shard of the CI simulation (issue 11: ≥ 100 seeds × 100 commands). The seeds are dealt
 * round-robin over a few test files so vitest runs them side by side, each on its own database.
 * SIMULATION_SEEDS and SIMULATION_COMMANDS change the size (`npm run simulate` runs more).
 */
export function simulationShard(shard: number, shards: number): void {
  const seeds = Number(process.env.SIMULATION_SEEDS ?? 100);
  const commands = Number(process.env.SIMULATION_COMMANDS ?? 100);
  let t: TestDatabase;
  let team: Team;
  const known = new Set<string>();
  beforeAll(async () => {
    t = await createTestDatabase();
    team = await createTeam(t.database);
    await releaseSettings(t.database);
  });
  afterAll(async () => t?.drop());

  describe(`model-based simulation, shard ${shard + 1} of ${shards}`, () => {
    for (let seed = shard + 1; seed <= seeds; seed += shards) {
      it(`seed ${seed}: ${commands} random commands keep every invariant`, { timeout: 300_000 }, async () => {
        const report = await runSeed(t.database, team, seed, commands, known);
        expect(report.failure, describeFailure(report)).toBeNull();
        expect(report.steps).toBe(commands);
      });
    }
  });
}
