import { numeric, timestamp } from 'drizzle-orm/pg-core';

/** Money in Postgres: numeric, read and written as decimal strings (never a JS number). */
export const money = (name: string) => numeric(name, { precision: 20, scale: 4 });
/** Rates such as 0.80 or 0.12. */
export const rate = (name: string) => numeric(name, { precision: 12, scale: 10 });
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
