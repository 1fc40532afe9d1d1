import type { z } from 'zod';
import type { RawSql } from '../../db/client';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { Big } from '../money';

/**
 * Issue 13: checks and SQL pieces the lists share (payments, fundings, releases, audit, outbox,
 * alerts). Filters themselves are the field schemas of lib/validation/fields.ts; what is here is
 * what spans two fields (a range written backwards) and the safe spelling of "contains".
 */

type Ctx = z.RefinementCtx;

/** `to` before `from` is refused on `to`, in the fields' words ("To must not be before From"). */
export function checkDateRange(
  ctx: Ctx,
  from: string | undefined,
  to: string | undefined,
  labels: { from: string; to: string },
  keys = { from: 'from', to: 'to' },
) {
  if (from && to && to < from) ctx.addIssue({ code: 'custom', path: [keys.to], message: `${labels.to} must not be before ${labels.from}` });
}

/** A largest amount below the smallest is refused on the largest. */
export function checkAmountRange(
  ctx: Ctx,
  min: string | undefined,
  max: string | undefined,
  labels: { min: string; max: string },
  keys = { min: 'minAmount', max: 'maxAmount' },
) {
  if (min !== undefined && max !== undefined && new Big(max).lt(min)) {
    ctx.addIssue({ code: 'custom', path: [keys.max], message: `${labels.max} must not be less than ${labels.min}` });
  }
}

/** A LIKE pattern matching `text` anywhere, its own %, _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${likeEscape(text)}%`;
}

/** A LIKE pattern matching what starts with `text`. */
export function prefixPattern(text: string): string {
  return `${likeEscape(text)}%`;
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The start of a business date in UTC, and the start of the day after: a day range over a timestamp column. */
export function dayStart(sql: RawSql, date: string) {
  return sql`(${date}::date::timestamp at time zone 'UTC')`;
}
export function dayAfter(sql: RawSql, date: string) {
  return sql`((${date}::date + 1)::timestamp at time zone 'UTC')`;
}

/**
 * A client user's scope (API.md: a client user's key lists only its own): the condition that keeps
 * its own client's rows, or null for staff. A client user without a client sees nothing.
 */
export function ownClientOnly(sql: RawSql, actor: Pick<Actor, 'role' | 'clientId'>, column: string) {
  if (!isClientUser(actor)) return null;
  return actor.clientId === null ? sql`false` : sql`${sql.unsafe(column)} = ${actor.clientId}`;
}
