import postgres from 'postgres';
import { drizzle, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/holdback';

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export type Schema = typeof schema;
/** A drizzle handle: the pool's database or a transaction (both are PgDatabase). */
export type Drizzle = PgDatabase<PostgresJsQueryResultHKT, Schema>;
export type RawSql = postgres.Sql | postgres.TransactionSql;

/**
 * What lib/ commands run against: the same connection seen two ways — drizzle for typed
 * queries, postgres.js for set-based SQL and multi-row inserts. Inside `transaction()` both
 * are bound to the transaction's connection.
 */
export interface Tx {
  db: Drizzle;
  sql: RawSql;
}

export interface Database extends Tx {
  sql: postgres.Sql;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** drizzle's postgres-js transaction runs on a postgres.js TransactionSql; expose it for bulk SQL. */
function rawClientOf(dtx: unknown): postgres.TransactionSql {
  const client = (dtx as { session?: { client?: postgres.TransactionSql } }).session?.client;
  if (!client) throw new Error('drizzle transaction without a postgres.js client');
  return client;
}

const parsers = {
  // Business dates stay 'YYYY-MM-DD' strings; never a JS Date in the server's time zone.
  date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
  // Money stays a decimal string both ways, which also teaches postgres.js numeric[] arrays.
  numeric: { to: 1700, from: [1700], serialize: (x: string) => String(x), parse: (x: string) => x },
};

export function createDatabase(url: string = databaseUrl(), options: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    types: parsers,
    // Room for the per-chunk scratch tables of bulk jobs (set at connection start: Postgres
    // fixes temp_buffers before a session's first temporary table).
    connection: { application_name: 'holdback', temp_buffers: '64MB' },
  });
  const db = drizzle(sql, { schema });
  // drizzle marks the array types date[], timestamp[], timestamptz[] and numeric[] as
  // pass-through; give them back to postgres.js so bulk SQL can bind JS arrays of strings.
  const typeOptions = sql.options as unknown as { parsers: Record<string, unknown>; serializers: Record<string, unknown> };
  for (const arrayType of ['1182', '1115', '1185', '1231']) {
    delete typeOptions.parsers[arrayType];
    delete typeOptions.serializers[arrayType];
  }
  return {
    sql,
    db,
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return db.transaction(async (dtx) => fn({ db: dtx, sql: rawClientOf(dtx) }));
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

const globalForDb = globalThis as unknown as { __holdbackDb?: Database };

/** The process-wide pool, created on first use (never at import, so builds need no database). */
export function getDatabase(): Database {
  if (!globalForDb.__holdbackDb) globalForDb.__holdbackDb = createDatabase();
  return globalForDb.__holdbackDb;
}

export async function closeDatabase(): Promise<void> {
  const current = globalForDb.__holdbackDb;
  globalForDb.__holdbackDb = undefined;
  if (current) await current.close();
}
