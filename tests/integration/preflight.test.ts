import { describe, expect, it } from 'vitest';
import { checkServices } from '../../scripts/preflight';
import { runScript } from '../support/run';

describe('a stopped service or missing chromium', () => {
  it('gives one clear line each, saying exactly what to run', async () => {
    const saved = { ...process.env };
    try {
      process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/holdback';
      process.env.REDIS_URL = 'redis://127.0.0.1:2';
      process.env.CHROMIUM_PATH = '/nonexistent/chromium';
      const problems = await checkServices({ chromium: true });
      expect(problems).toEqual([
        'PostgreSQL is not answering on 127.0.0.1:1. Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
        'Redis is not answering on 127.0.0.1:2. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
        'Chromium is missing at /nonexistent/chromium (the browser tests need it). Install it with: apt-get update && apt-get install -y chromium',
      ]);
    } finally {
      process.env = saved;
    }
    expect(await checkServices()).toEqual([]);
  });

  it('npm start stops at once with that line when Redis is not answering', async () => {
    const result = await runScript('start', [], {
      REDIS_URL: 'redis://127.0.0.1:2',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/holdback_never_created',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Redis is not answering on 127.0.0.1:2. Start it with: redis-server');
  });
});
