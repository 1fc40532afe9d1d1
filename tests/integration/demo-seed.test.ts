import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../lib/demo/users';
import { demoSignInsExist, forgetDemoSignIns } from '../../lib/demo/banner';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { runScript } from '../support/run';

/**
 * Issue 11: the demo's sign-ins have published passwords. They never reach a production
 * deployment by accident, and while they exist every page says so (the banner's check).
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('the demo seed', () => {
  it('is refused under NODE_ENV=production unless SEED_DEMO=true is set explicitly', async () => {
    const refused = await runScript('seed', [], { DATABASE_URL: t.url, NODE_ENV: 'production', SEED_DEMO: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NODE_ENV=production: the demo portfolio is not seeded (its sign-ins have published passwords). Set SEED_DEMO=true');
    expect(await t.database.sql`select email from users`).toEqual([]);
    forgetDemoSignIns();
    expect(await demoSignInsExist(t.database.sql)).toBe(false);

    const asked = await runScript('seed', [], { DATABASE_URL: t.url, NODE_ENV: 'production', SEED_DEMO: 'true' });
    expect(asked.stdout).toContain('demo portfolio seeded');
    expect(asked.code).toBe(0);
    const emails = (await t.database.sql<{ email: string }[]>`select email from users order by email`).map((u) => u.email);
    expect(emails).toEqual(DEMO_USERS.map((u) => u.email).sort());
  }, 180_000); // two runs of npm run seed, each a process of its own

  it('the banner check sees enabled demo sign-ins, remembers the answer briefly, and forgets them once disabled', async () => {
    forgetDemoSignIns();
    const now = Date.now();
    expect(await demoSignInsExist(t.database.sql, now)).toBe(true);
    await t.admin.sql`update users set disabled_at = now() where email like '%@holdback.demo'`;
    // Within the cache window the last answer stands (one query per 30 s, not per page).
    expect(await demoSignInsExist(t.database.sql, now + 1_000)).toBe(true);
    expect(await demoSignInsExist(t.database.sql, now + 31_000)).toBe(false);
  });
});
