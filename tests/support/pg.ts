import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The server the tests use (its databases are throwaway: holdback_t_*, holdback_tpl_*). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER || 'postgres://postgres@127.0.0.1:5432';

export function urlFor(name: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(urlFor('postgres'), { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A throwaway database's name, with when it was made (base 36 ms), so a crashed run's are found later. */
export function testDatabaseName(prefix: 'holdback_t' | 'holdback_tpl'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** When testDatabaseName made `name`; null for names without the time (older runs). */
export function createdAt(name: string): number | null {
  const m = /^holdback_tp?l?_([0-9a-z]{8,9})_[0-9a-f]{8}$/.exec(name);
  return m ? parseInt(m[1]!, 36) : null;
}
