import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { adminDatabaseUrl, closeDatabase, databaseUrl, getDatabase } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { todayIn } from '../lib/dates';
import { demoSignInsExist } from '../lib/demo/banner';
import { DEMO_PASSWORD, DEMO_USERS, demoSeedRefusal, seedDemo } from '../lib/demo/seed';
import { buildIsCurrent, sourceStamp, writeStamp } from './build-stamp';
import { ROOT, WEB_NODE_FLAGS, ensureAuthSecret, loadEnvLocal } from './env';
import { checkServices, describeConnectionError } from './preflight';
import { supervise } from './supervisor';

/**
 * `npm start` (API.md Configuration): creates the database and its roles, migrates (as the owner
 * role) and grants the app role its privileges, seeds the demo portfolio into an empty one (never
 * under NODE_ENV=production unless SEED_DEMO=true), builds the app if the build is missing or
 * stale, then runs the web server and the workers — as the app role — until Ctrl-C, which stops
 * both cleanly. A worker that dies is started again with backoff; the web server dying stops all.
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

  // The operator's connection (DATABASE_URL) creates the database and the roles, migrates as
  // holdback_owner and grants (db/roles.ts); everything after runs as the app role.
  const url = adminDatabaseUrl();
  try {
    if (await ensureDatabase(url)) console.log(`created database ${new URL(url).pathname.slice(1)}`);
    for (const line of await migrateDatabase(url)) console.log(line);
  } catch (error) {
    console.error(describeConnectionError(error, url));
    process.exit(1);
  }
  const appUrl = databaseUrl();
  // The web server and the workers never see the operator's connection.
  process.env.APP_DATABASE_URL = appUrl;
  process.env.DATABASE_URL = appUrl;
  let demo = false;
  try {
    if ((process.env.SEED_DEMO ?? 'true') !== 'false') {
      const refusal = demoSeedRefusal();
      if (refusal) console.log(refusal);
      else if ((await seedDemo(getDatabase(), { today: todayIn() })).seeded) console.log('seeded the demo portfolio');
    }
    demo = await demoSignInsExist(getDatabase().sql);
  } catch (error) {
    console.error(describeConnectionError(error, appUrl));
    process.exit(1);
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

  // scripts/web.ts: Next behind Holdback's own server (forwarded-for, request ids, body limits, headers).
  const web: ChildProcess = spawn(process.execPath, [...WEB_NODE_FLAGS, '--import', 'tsx', path.join(ROOT, 'scripts', 'web.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: port },
    stdio: 'inherit',
  });
  const webRunning = () => web.exitCode === null && web.signalCode === null;
  const webExited = new Promise<void>((resolve) => web.once('exit', () => resolve()));
  // The worker is started again when it dies, with backoff (scripts/supervisor.ts); the web
  // server dying stops everything, for the process manager to restart.
  const worker = supervise('the worker', {
    spawn: () => spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'worker.ts')], { cwd: ROOT, env: process.env, stdio: 'inherit' }),
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
    log: (line) => console.error(line),
  });
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    if (webRunning()) web.kill('SIGTERM');
    const workerStopped = worker.stop('SIGTERM');
    const force = setTimeout(() => {
      if (webRunning()) web.kill('SIGKILL');
      void worker.stop('SIGKILL');
    }, 35_000);
    force.unref();
    Promise.all([webExited, workerStopped]).then(() => process.exit(code));
  };
  web.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`the web server stopped (${signal ?? `exit ${code}`}); stopping Holdback`);
    stop(1);
  });
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  const admin = DEMO_USERS.find((u) => u.role === 'admin')!;
  console.log(
    `\nHoldback is running at ${process.env.NEXTAUTH_URL} (connected as ${new URL(appUrl).username || 'the app role'}). Ctrl-C stops web and workers.`,
  );
  if (demo) {
    console.log(`Demo data — sign-ins with published passwords exist: ${admin.email} / ${DEMO_PASSWORD} (README lists one user per role).`);
    console.log('Disable them (Settings → Users) before this instance holds real data.\n');
  }
}

main().catch((error) => {
  console.error('npm start failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
