import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_DATABASE_URL, E2E_PORT, E2E_QUEUE_PREFIX } from '../../playwright.config';

/**
 * WEB_PROCESSES (scripts/web.ts): the production server as a cluster on the e2e build — N servers
 * answer on one port, and SIGTERM stops them all and the primary with exit 0 (as scripts/start.ts
 * stops it). The e2e web server beside it keeps running one process.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('WEB_PROCESSES=2: two servers answer on one port; SIGTERM stops them and the primary cleanly', async ({ request }) => {
  test.setTimeout(180_000);
  const port = E2E_PORT + 7;
  const web = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'web.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), BIND_ADDRESS: '127.0.0.1', WEB_PROCESSES: '2', DATABASE_URL: E2E_DATABASE_URL, QUEUE_PREFIX: E2E_QUEUE_PREFIX },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  web.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  web.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => web.once('exit', (code) => resolve(code)));
  try {
    await expect.poll(async () => (await request.get(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status() ?? 0, { timeout: 120_000 }).toBe(200);
    expect(out).toContain(`[web] 2 servers on port ${port}`);
    expect(childrenOf(web.pid!)).toHaveLength(2);
    // Twenty parallel pages (not /api/health: it says "down" past its own 2 s limit, which a just
    // started, still cold second server on a busy CI box can take — CI saw 503s from it).
    const answers = await Promise.all(Array.from({ length: 20 }, () => request.get(`http://127.0.0.1:${port}/signin`, { timeout: 60_000 })));
    expect(answers.map((a) => a.status())).toEqual(Array(20).fill(200));
    expect(await answers[0]!.text()).toContain('Sign in');
  } finally {
    const servers = childrenOf(web.pid!);
    web.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(servers.filter((pid) => readdirSync('/proc').includes(String(pid)))).toEqual([]);
  }
  expect(out.match(/\[web\] stopped/g)).toHaveLength(2);
});
