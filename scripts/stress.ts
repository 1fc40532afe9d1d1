import postgres from 'postgres';
import { createDatabase, sessionLimits } from '../db/client';
import { ident, roleNames } from '../db/roles';
import { urlAsRole } from '../db/urls';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { releaseSettings } from '../tests/simulation/runner';
import { describeStress, runStress } from '../tests/simulation/stress';
import { createTeam } from '../tests/simulation/world';
import { parseArgs } from './args';

/**
 * `npm run stress [-- --callers 32] [--commands 2000] [--clients 3] [--seed 1] [--pool 10]`: the
 * concurrency stress of tests/simulation/stress.ts on a throwaway database. Exits 1 on any
 * crash or invariant break.
 */
const { flags } = parseArgs(process.argv.slice(2));
const int = (name: string, fallback: number) => (typeof flags[name] === 'string' && /^\d+$/.test(flags[name] as string) ? Number(flags[name]) : fallback);
const server = process.env.SIMULATE_DATABASE_SERVER || 'postgres://postgres@127.0.0.1:5432';
const url = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const name = `holdback_stress_${process.pid}`;
const admin = postgres(url('postgres'), { max: 1, onnotice: () => {} });
try {
  await ensureDatabase(url(name));
  await migrateDatabase(url(name));
  // The web server's pool: the app role, fewer connections than callers, its timeouts.
  await admin.unsafe(`grant connect, temporary on database ${ident(name)} to ${ident(roleNames().app)}`);
  const database = createDatabase(urlAsRole(url(name), roleNames().app), { max: int('pool', 10), limits: sessionLimits('web') });
  try {
    const team = await createTeam(database);
    await releaseSettings(database);
    const report = await runStress(database, team, {
      seed: int('seed', 1),
      callers: int('callers', 32),
      commands: int('commands', 2000),
      clients: int('clients', 3),
    });
    console.log('\n──── stress summary ────');
    console.log(describeStress(report));
    process.exitCode = report.errors.length === 0 && report.breaks.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
} finally {
  await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  await admin.end();
}
