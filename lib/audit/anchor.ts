import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, RawSql } from '../../db/client';
import { queueEmail } from '../notifications/outbox';
import type { Break } from './verify';

/**
 * The audit chain's anchor, kept OUTSIDE the database (SPEC 9, issue 11). The hash chain proves
 * no event was changed or removed in the middle; it cannot tell a log whose last events were
 * deleted from a log that simply ends there. An anchor — how many events the chain had, its last
 * id and that event's hash, at a time — written to a file (and emailed) lets a later check see
 * that the log lost events after the anchored point, even if whoever deleted them had the
 * database's superuser. Each line of the file is one anchor, JSON: {at, database, events,
 * lastId, tipHash}. Operators copy the file (or keep the emails) off the machine.
 */
export interface Anchor {
  at: string;
  /** current_database(): one file may hold anchors of several databases */
  database: string;
  events: number;
  lastId: string;
  tipHash: string;
}

export interface AnchorOptions {
  /** AUDIT_ANCHOR_FILE, default .data/audit-anchor.jsonl */
  file: string;
  /** AUDIT_ANCHOR_EMAIL (comma-separated): each new anchor is also emailed there, through the outbox */
  emails: string[];
}

export interface AnchorReport {
  file: string;
  /** the latest anchor of this database before this run (null: the first run) */
  previous: Anchor | null;
  /** the anchor appended by this run (null when the chain did not match the previous one, or is empty) */
  written: Anchor | null;
  emailedTo: string[];
  /** one line for a person: compared with what, and what was written */
  note: string;
}

export const DEFAULT_ANCHOR_FILE = '.data/audit-anchor.jsonl';

export function anchorOptions(env: NodeJS.ProcessEnv = process.env): AnchorOptions {
  return {
    file: path.resolve(env.AUDIT_ANCHOR_FILE || DEFAULT_ANCHOR_FILE),
    emails: (env.AUDIT_ANCHOR_EMAIL ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  };
}

function isAnchor(value: unknown): value is Anchor {
  const a = value as Anchor;
  return (
    !!a &&
    typeof a.at === 'string' &&
    typeof a.database === 'string' &&
    Number.isSafeInteger(a.events) &&
    typeof a.lastId === 'string' &&
    typeof a.tipHash === 'string'
  );
}

/** The last anchor of `database` in the file; null when the file or such a line does not exist. */
export async function readLatestAnchor(file: string, database: string): Promise<Anchor | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let latest: Anchor | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // a torn last line of a crashed writer; the lines before it still stand
    }
    if (isAnchor(parsed) && parsed.database === database) latest = parsed;
  }
  return latest;
}

export async function appendAnchor(file: string, anchor: Anchor): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
}

export async function currentDatabaseName(sql: RawSql): Promise<string> {
  const [row] = await sql<{ name: string }[]>`select current_database() as name`;
  return row!.name;
}

/**
 * The chain against an anchor: the anchored event is still there with the anchored hash, and
 * exactly `events` events lead up to it. Anything else means the log lost (or had replaced)
 * events the anchor saw.
 */
export async function compareWithAnchor(sql: RawSql, anchor: Anchor): Promise<Break[]> {
  const [row] = await sql<{ tip: string | null; up_to: string; survivor: string | null; latest: string | null }[]>`
    select (select hash from audit_events where id = ${anchor.lastId}) as tip,
           (select count(*) from audit_events where id <= ${anchor.lastId}) as up_to,
           (select max(id) from audit_events where id <= ${anchor.lastId}) as survivor,
           (select max(id) from audit_events) as latest`;
  const r = row!;
  const upTo = Number(r.up_to);
  const seen = `the anchor of ${anchor.at} recorded ${anchor.events} events up to id ${anchor.lastId} (hash ${anchor.tipHash.slice(0, 12)}…)`;
  const after = r.survivor ?? 'its start (no event is left)';
  if (r.tip === null) {
    return [
      {
        kind: 'audit_anchor',
        message: `the audit log lost events after ${after}: ${seen}, but event ${anchor.lastId} is gone (${upTo} events up to there${r.latest ? `, newest now ${r.latest}` : ''})`,
      },
    ];
  }
  if (r.tip !== anchor.tipHash) {
    return [
      {
        kind: 'audit_anchor',
        message: `the audit log lost events after ${after}: ${seen}, but event ${anchor.lastId} now has hash ${r.tip.slice(0, 12)}… — the events up to it were replaced`,
      },
    ];
  }
  if (upTo < anchor.events) {
    return [
      {
        kind: 'audit_anchor',
        message: `the audit log lost ${anchor.events - upTo} event(s) at or before ${anchor.lastId}: ${seen}, now ${upTo} lead up to it`,
      },
    ];
  }
  if (upTo > anchor.events) {
    return [
      {
        kind: 'audit_anchor',
        message: `the audit log gained ${upTo - anchor.events} event(s) before ${anchor.lastId} after it was anchored: ${seen}, now ${upTo} lead up to it`,
      },
    ];
  }
  return [];
}

/** Appends the anchor and, when AUDIT_ANCHOR_EMAIL is set, queues it to each address (the outbox). */
export async function recordAnchor(database: Database, anchor: Anchor, options: AnchorOptions): Promise<string[]> {
  await appendAnchor(options.file, anchor);
  if (options.emails.length === 0) return [];
  const line = JSON.stringify(anchor);
  await database.transaction(async (tx) => {
    for (const to of options.emails) {
      await queueEmail(tx, {
        to,
        template: 'audit_anchor',
        data: { database: anchor.database, at: anchor.at, events: anchor.events, lastId: anchor.lastId, tipHash: anchor.tipHash, line },
        dedupeKey: `audit-anchor:${anchor.database}:${anchor.lastId}:${anchor.events}:${to}`,
      });
    }
  });
  return options.emails;
}

function describe(a: Anchor): string {
  return `${a.events} events up to id ${a.lastId} (hash ${a.tipHash.slice(0, 12)}…)`;
}

/**
 * Writes the next anchor unless the chain contradicted the previous one (a new anchor would
 * hide the loss from the next check); answers the report either way.
 */
export async function nextAnchor(
  database: Database,
  options: AnchorOptions,
  state: { database: string; previous: Anchor | null; tip: { events: number; lastId: string; tipHash: string }; chainBroken: boolean; now?: Date },
): Promise<AnchorReport> {
  const { previous, tip } = state;
  if (state.chainBroken) {
    const kept = previous ? ` (the last one stays: ${previous.at}, ${describe(previous)})` : '';
    return { file: options.file, previous, written: null, emailedTo: [], note: `the audit chain has breaks, so no new anchor was written${kept}` };
  }
  const compared = previous
    ? `the chain matches the anchor of ${previous.at} (${describe(previous)})`
    : `no anchor of ${state.database} in ${options.file} yet (first run)`;
  if (tip.events === 0) return { file: options.file, previous, written: null, emailedTo: [], note: `${compared}; the audit log is empty, nothing to anchor` };
  const written: Anchor = {
    at: (state.now ?? new Date()).toISOString(),
    database: state.database,
    events: tip.events,
    lastId: tip.lastId,
    tipHash: tip.tipHash,
  };
  const emailedTo = await recordAnchor(database, written, options);
  return {
    file: options.file,
    previous,
    written,
    emailedTo,
    note: `${compared}; wrote ${describe(written)} to ${options.file}${emailedTo.length ? ` and emailed it to ${emailedTo.join(', ')}` : ''} — keep a copy off this machine`,
  };
}
