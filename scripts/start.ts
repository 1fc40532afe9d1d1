import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { closeDatabase, databaseUrl, getDatabase } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { todayIn } from '../lib/dates';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../lib/demo/seed';
import { buildIsCurrent, sourceStamp, writeStamp } from './build-stamp';
import { ROOT, ensureAuthSecret, loadEnvLocal } from './env';
import { checkServices, describeConnectionError } from './preflight';

/**
 * `npm start` (API.md Configuration): creates and migrates the database, seeds the demo portfolio
 * into an empty one, builds the app if the build is missing or stale, then runs the web server
 * and the workers together until Ctrl-C, which stops both cleanly.
 */
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  loadEnvLocal();
  ensureAuthSecret();
  const port = process.env.PORT || '3000';
  process.env.NEXTAUTH_URL ||= `http://localhost:${port}`;
  process.env.NEXT_TELEMETRY_DISABLED = '1';

  const problems = await checkServices();
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }

  const url = databaseUrl();
  try {
    if (await ensureDatabase(url)) console.log(`created database ${new URL(url).pathname.slice(1)}`);
    await migrateDatabase(url);
  } catch (error) {
    console.error(describeConnectionError(error, url));
    process.exit(1);
  }
  if ((process.env.SEED_DEMO ?? 'true') !== 'false') {
    const { seeded } = await seedDemo(getDatabase(), { today: todayIn() });
    if (seeded) console.log('seeded the demo portfolio');
  }
  await closeDatabase();

  const stamp = sourceStamp();
  if (!buildIsCurrent(stamp)) {
    console.log('building the web console (next build)…');
    const code = await run(bin('next'), ['build'], process.env);
    if (code !== 0) {
      console.error('the build failed; see above');
      process.exit(code);
    }
    writeStamp(stamp);
  }

  const children: ChildProcess[] = [
    // scripts/web.ts: Next behind Holdback's own server (forwarded-for, request ids, body limits, headers).
    spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'web.ts')], { cwd: ROOT, env: { ...process.env, PORT: port }, stdio: 'inherit' }),
    spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'worker.ts')], { cwd: ROOT, env: process.env, stdio: 'inherit' }),
  ];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    }, 35_000);
    force.unref();
    Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
  };
  children.forEach((child, i) =>
    child.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${i === 0 ? 'the web server' : 'the worker'} stopped (${signal ?? `exit ${code}`}); stopping Holdback`);
      stop(1);
    }),
  );
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  const admin = DEMO_USERS.find((u) => u.role === 'admin')!;
  console.log(`\nHoldback is running at ${process.env.NEXTAUTH_URL}`);
  console.log(`demo sign-in: ${admin.email} / ${DEMO_PASSWORD} (README lists one user per role). Ctrl-C stops web and workers.\n`);
}

main().catch((error) => {
  console.error('npm start failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
