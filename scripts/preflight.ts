import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { DEFAULT_DATABASE_URL } from '../db/client';
import { DEFAULT_REDIS_URL } from '../jobs/queues';

/** One clear line per missing piece, saying exactly what to run (README: two commands). */
export const FIXES = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  chromium: 'apt-get update && apt-get install -y chromium',
  pdftotext: 'apt-get update && apt-get install -y poppler-utils',
} as const;

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function checkServices(options: { chromium?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];
  const pg = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const pgHost = pg.hostname || '127.0.0.1';
  const pgPort = Number(pg.port || 5432);
  if (!(await reachable(pgHost, pgPort))) {
    problems.push(`PostgreSQL is not answering on ${pgHost}:${pgPort}. Start it with: ${FIXES.postgres}`);
  }
  const redis = new URL(process.env.REDIS_URL || DEFAULT_REDIS_URL);
  const redisHost = redis.hostname || '127.0.0.1';
  const redisPort = Number(redis.port || 6379);
  if (!(await reachable(redisHost, redisPort))) {
    problems.push(`Redis is not answering on ${redisHost}:${redisPort}. Start it with: ${FIXES.redis}`);
  }
  if (options.chromium) {
    const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    if (!existsSync(chromium)) problems.push(`Chromium is missing at ${chromium} (the browser tests need it). Install it with: ${FIXES.chromium}`);
    // the statement tests read the PDFs' text with pdftotext
    if (spawnSync('pdftotext', ['-v']).error)
      problems.push(`pdftotext is missing (the statement tests read PDFs with it). Install it with: ${FIXES.pdftotext}`);
  }
  return problems;
}

export function describeConnectionError(error: unknown, url: string): string {
  const code = (error as { code?: string }).code;
  const target = new URL(url);
  if (code === 'ECONNREFUSED') return `PostgreSQL is not answering on ${target.host}. Start it with: ${FIXES.postgres}`;
  // db/roles.ts: a role step DATABASE_URL's user may not do; the message names what to run.
  if (error instanceof Error && error.name === 'RoleSetupError') return error.message;
  if (code === '28000' || code === '28P01') {
    const user = decodeURIComponent(target.username) || 'the app role';
    return (
      `PostgreSQL refused the sign-in of ${user} on ${target.host}: ${error instanceof Error ? error.message : String(error)}. ` +
      `npm start creates the roles (holdback_owner, holdback_app) with DATABASE_URL; where PostgreSQL asks for passwords, ` +
      `set one (ALTER ROLE ${user} PASSWORD '…') and give it in APP_DATABASE_URL (postgres://${user}:PASSWORD@${target.host}${target.pathname}).`
    );
  }
  return `Could not prepare the database ${target.pathname.slice(1)} on ${target.host}: ${error instanceof Error ? error.message : String(error)}`;
}
