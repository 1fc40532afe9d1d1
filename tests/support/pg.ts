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
