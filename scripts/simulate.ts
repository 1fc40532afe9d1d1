import postgres from 'postgres';
import { createDatabase } from '../db/client';
import { ident, roleNames } from '../db/roles';
import { urlAsRole } from '../db/urls';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { describeFailure, runSeeds, type SeedReport } from '../tests/simulation/runner';
import { createTeam } from '../tests/simulation/world';
import { parseArgs } from './args';

/**
 * `npm run simulate [-- --seeds 1000] [--commands 100] [--from 1] [--seed N] [--lanes 2]`: the
 * model-based simulation of tests/simulation on throwaway databases (one per lane, cloned from a
 * freshly migrated template on SIMULATE_DATABASE_SERVER, default the local server). Prints each
 * failing seed's sequence and a closing summary; exits 1 if any invariant broke.
 */
const { flags } = parseArgs(process.argv.slice(2));
const int = (name: string, fallback: number) => {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) {
    console.error(`--${name} takes a whole number`);
    process.exit(2);
  }
  return Number(v);
};
const commands = int('commands', 100);
const seeds = flags.seed !== undefined ? [int('seed', 1)] : Array.from({ length: int('seeds', 100) }, (_, i) => int('from', 1) + i);
const lanes = Math.max(1, Math.min(int('lanes', 2), seeds.length));
const server = process.env.SIMULATE_DATABASE_SERVER || 'postgres://postgres@127.0.0.1:5432';
const url = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();

const admin = postgres(url('postgres'), { max: 1, onnotice: () => {} });
const template = `holdback_sim_tpl_${process.pid}`;
const laneNames = Array.from({ length: lanes }, (_, i) => `holdback_sim_${process.pid}_${i}`);
const started = performance.now();
try {
  await ensureDatabase(url(template));
  await migrateDatabase(url(template));
  for (const name of laneNames) {
    await admin.unsafe(`create database "${name}" template "${template}"`);
    await admin.unsafe(`grant connect, temporary on database ${ident(name)} to ${ident(roleNames().app)}`);
  }
  let done = 0;
  const results = await Promise.all(
    laneNames.map(async (name, lane) => {
      // As the app connects: the restricted role (tests/support/db.ts does the same).
      const database = createDatabase(urlAsRole(url(name), roleNames().app), { max: 6 });
      try {
        const team = await createTeam(database);
        return await runSeeds(
          database,
          team,
          seeds.filter((_, i) => i % lanes === lane),
          commands,
          {
            onSeed: (r) => {
              done += 1;
              if (r.failure) console.log(`\n${describeFailure(r)}\n`);
              else if (done % 10 === 0 || done === seeds.length) console.log(`… ${done}/${seeds.length} seeds`);
            },
          },
        );
      } finally {
        await database.close();
      }
    }),
  );
  const reports: SeedReport[] = results.flat();
  const failed = reports.filter((r) => r.failure);
  const total = reports.reduce((t, r) => ({ ok: t.ok + r.outcomes.ok, refused: t.refused + r.outcomes.refused, conflict: t.conflict + r.outcomes.conflict }), {
    ok: 0,
    refused: 0,
    conflict: 0,
  });
  const steps = reports.reduce((t, r) => t + r.steps, 0);
  console.log('\n──── simulation summary ────');
  console.log(
    `seeds ${reports.length} × up to ${commands} commands: ${steps} commands run (${total.ok} done, ${total.refused} refused as a person would be, ${total.conflict} retried conflicts)`,
  );
  console.log(`invariant breaks: ${failed.length === 0 ? 0 : `${failed.length} seed(s): ${failed.map((f) => f.seed).join(', ')}`}`);
  console.log(`time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = failed.length === 0 ? 0 : 1;
} finally {
  for (const name of [...laneNames, template]) await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  await admin.end();
}
