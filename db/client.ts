import postgres from 'postgres';
import { drizzle, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { appDatabaseUrl } from './urls';

export { DEFAULT_DATABASE_URL, adminDatabaseUrl } from './urls';

/**
 * The app's connection (web server, workers, CLI commands): APP_DATABASE_URL, or DATABASE_URL
 * as the least-privileged `holdback_app` role (db/urls.ts). Creating, migrating and granting use
 * `adminDatabaseUrl()`.
 */
export function databaseUrl(): string {
  return appDatabaseUrl();
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

/**
 * Per-connection limits (issue 11), in milliseconds; 0 is none. A request never waits forever on
 * a lock or a runaway statement, and a transaction left open by a bug does not hold its locks.
 */
export interface SessionLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/** What kind of process the pool serves: `web` answers requests; `batch` (the worker, bulk scripts) may run long. */
export type DatabaseProfile = 'web' | 'batch';

function envMs(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const v = env[name];
  return v !== undefined && /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : fallback;
}

/**
 * The limits of a profile from the environment. web: `DB_STATEMENT_TIMEOUT_MS` (30 s),
 * `DB_LOCK_TIMEOUT_MS` (10 s), `DB_IDLE_IN_TRANSACTION_TIMEOUT_MS` (60 s). batch (the worker:
 * bulk accrual over a million invoices runs long): `WORKER_STATEMENT_TIMEOUT_MS` (none),
 * `WORKER_LOCK_TIMEOUT_MS` (none: jobs wait for each other's client locks), and
 * `WORKER_IDLE_IN_TRANSACTION_TIMEOUT_MS` (10 min).
 */
export function sessionLimits(profile: DatabaseProfile, env: Record<string, string | undefined> = process.env): SessionLimits {
  if (profile === 'batch') {
    return {
      statementTimeoutMs: envMs(env, 'WORKER_STATEMENT_TIMEOUT_MS', 0),
      lockTimeoutMs: envMs(env, 'WORKER_LOCK_TIMEOUT_MS', 0),
      idleInTransactionTimeoutMs: envMs(env, 'WORKER_IDLE_IN_TRANSACTION_TIMEOUT_MS', 600_000),
    };
  }
  return {
    statementTimeoutMs: envMs(env, 'DB_STATEMENT_TIMEOUT_MS', 30_000),
    lockTimeoutMs: envMs(env, 'DB_LOCK_TIMEOUT_MS', 10_000),
    idleInTransactionTimeoutMs: envMs(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000),
  };
}

export interface DatabaseOptions {
  max?: number;
  /** statement, lock and idle-in-transaction timeouts of every connection; unset: none */
  limits?: SessionLimits;
  /** seconds to wait for a connection to open (postgres.js `connect_timeout`; default 30) */
  connectTimeoutSeconds?: number;
  /**
   * false: no JIT compilation. A page's queries are short or read kept figures; compiling them
   * costs more than it saves (the dashboard at a million open invoices spent 0.4–0.9 s in JIT).
   */
  jit?: boolean;
  /** postgres.js `debug`: called with each statement's text and parameters as it is sent (the plan checks of tests/integration/query-plans.test.ts) */
  debug?: (connection: number, query: string, parameters: unknown[], types: unknown[]) => void;
}

export function createDatabase(url: string = databaseUrl(), options: DatabaseOptions = {}): Database {
  const limits = options.limits;
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    types: parsers,
    ...(options.connectTimeoutSeconds ? { connect_timeout: options.connectTimeoutSeconds } : {}),
    ...(options.debug ? { debug: options.debug } : {}),
    // Room for the per-chunk scratch tables of bulk jobs (set at connection start: Postgres
    // fixes temp_buffers before a session's first temporary table). The limits are session
    // settings sent in the startup message, so they hold for every statement of the pool.
    connection: {
      application_name: 'holdback',
      temp_buffers: '64MB',
      ...(options.jit === false ? { jit: 'off' } : {}),
      ...(limits
        ? {
            statement_timeout: limits.statementTimeoutMs,
            lock_timeout: limits.lockTimeoutMs,
            idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
          }
        : {}),
    },
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

const globalForDb = globalThis as unknown as { __holdbackDb?: Database; __holdbackDbProfile?: DatabaseProfile };

/**
 * Says, before the pool's first use, what this process is: the worker and bulk scripts call
 * `selectDatabaseProfile('batch')`; everything else (the web server) gets the `web` limits.
 */
export function selectDatabaseProfile(profile: DatabaseProfile): void {
  globalForDb.__holdbackDbProfile = profile;
}

/** The process-wide pool, created on first use (never at import, so builds need no database). */
export function getDatabase(): Database {
  if (!globalForDb.__holdbackDb) {
    const profile = globalForDb.__holdbackDbProfile ?? 'web';
    globalForDb.__holdbackDb = createDatabase(databaseUrl(), {
      limits: sessionLimits(profile),
      connectTimeoutSeconds: profile === 'web' ? 10 : undefined,
      jit: profile === 'web' ? false : undefined,
    });
  }
  return globalForDb.__holdbackDb;
}

export async function closeDatabase(): Promise<void> {
  const current = globalForDb.__holdbackDb;
  globalForDb.__holdbackDb = undefined;
  if (current) await current.close();
}
