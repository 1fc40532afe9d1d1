import { describe, expect, it } from 'vitest';
import { APP_ROLE, adminDatabaseUrl, appDatabaseUrl, urlAsRole } from '../../db/urls';
import { demoSeedRefusal } from '../../lib/demo/seed';

describe('the connection each process uses', () => {
  it('the app signs in as holdback_app on DATABASE_URL unless APP_DATABASE_URL says otherwise', () => {
    const env = { DATABASE_URL: 'postgres://admin:secret@db.internal:5433/holdback?sslmode=require' };
    expect(adminDatabaseUrl(env)).toBe(env.DATABASE_URL);
    // the operator's password is never handed to the app role
    expect(appDatabaseUrl(env)).toBe(`postgres://${APP_ROLE}@db.internal:5433/holdback?sslmode=require`);
    expect(appDatabaseUrl({ ...env, APP_DATABASE_URL: 'postgres://web:pw@db.internal/holdback' })).toBe('postgres://web:pw@db.internal/holdback');
    expect(appDatabaseUrl({})).toBe('postgres://holdback_app@127.0.0.1:5432/holdback');
    expect(urlAsRole('postgres://postgres@127.0.0.1:5432/x', 'holdback_owner')).toBe('postgres://holdback_owner@127.0.0.1:5432/x');
  });
});

describe('the demo seed in production', () => {
  it('is refused under NODE_ENV=production unless SEED_DEMO=true', () => {
    expect(demoSeedRefusal({ NODE_ENV: 'production' })).toMatch(/^NODE_ENV=production: the demo portfolio is not seeded/);
    expect(demoSeedRefusal({ NODE_ENV: 'production', SEED_DEMO: 'yes' })).not.toBeNull();
    expect(demoSeedRefusal({ NODE_ENV: 'production', SEED_DEMO: 'true' })).toBeNull();
    expect(demoSeedRefusal({ NODE_ENV: 'development' })).toBeNull();
    expect(demoSeedRefusal({})).toBeNull();
  });
});
