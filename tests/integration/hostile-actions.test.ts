import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { closeQueues } from '../../jobs/queues';
import type { Actor } from '../../lib/auth/actor';
import type { Permission } from '../../lib/auth/permissions';
import { initialActionState, type ActionState } from '../../lib/http/action-state';
import { formValues } from '../../lib/validation/fields';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  ZOD_WORDING,
  describeSchema,
  generateInput,
  seedOf,
  seededRng,
  serverActionFiles,
  shown,
  toFormData,
  type AnchorKind,
  type GenContext,
} from '../support/hostile';
import { countChanges, hostileFixtures, roleFor, tableCounts, type HostileFixtures } from '../support/hostile-fixtures';
import type { z } from 'zod';

/**
 * Issue 12, "Must show": every server action (every export of every 'use server' module under
 * app/, found by walking the tree — a new action is covered or this test fails) answers at least
 * 200 generated hostile inputs each with a form state `{ ok: false, message, errors? }` — never a
 * thrown error, never zod's words — and afterwards every table has exactly the rows it had.
 *
 * Actions are made by formAction (or publicFormAction), which keep their permission and schema
 * on the function: the signed-in person is one whose role holds the permission (the portal's:
 * a client user of client A), and the FormData is generated per schema field from a seeded PRNG
 * (tests/support/hostile.ts): text only, as a browser sends it, with names sent twice where one
 * value is expected. Each input is anchored by a value the form cannot be accepted with, or by
 * an id that names nothing / a date far outside the business-date window, which the command
 * must refuse.
 */

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {}, unstable_cache: <T>(fn: T) => fn }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers(),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => {}, delete: () => {} }),
}));
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock('@/lib/auth/session', async () => {
  const { requirePermission } = await import('../../lib/auth/permissions');
  return {
    currentActor: async () => session.actor,
    actionActorFor: async (permission: Permission) => requirePermission(session.actor, permission),
    requireSection: async () => {
      if (!session.actor) throw new Error('not signed in');
      return session.actor;
    },
  };
});

const ROOT = path.resolve(import.meta.dirname, '../..');
const PER_ACTION = Math.max(200, Number(process.env.HOSTILE_INPUTS ?? 200));

/**
 * Tables an action that takes no input may change on each call: the console's Verify records
 * that it verified (an audit event) — it is the one action whose schema has no field (so no
 * input can be hostile to it); it is called once, and the 200 generated forms are shown to be
 * ignored by its schema instead.
 */
const INPUT_FREE_WRITES: Record<string, readonly string[]> = { 'audit.verify': ['audit_events'] };

const actions = serverActionFiles(ROOT).flatMap((f) => f.exports.map((name) => ({ file: f.file, name })));

type Action = ((prev: ActionState, form: FormData) => Promise<ActionState>) & { permission?: Permission | null; schema?: z.ZodType };

const prefix = `holdback-hostile-actions-${randomBytes(4).toString('hex')}`;
const anchorDir = mkdtempSync(path.join(tmpdir(), 'holdback-hostile-'));
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let t: TestDatabase;
let fx: HostileFixtures;
const report: { action: string; tried: number; anchors: Partial<Record<AnchorKind | 'ignored', number>>; refusedBy: Record<string, number> }[] = [];

beforeAll(async () => {
  setEnv('AUTH_SECRET', process.env.AUTH_SECRET ?? 'hostile-actions-secret');
  t = await createTestDatabase();
  fx = await hostileFixtures(t.database);
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.appUrl);
  setEnv('QUEUE_PREFIX', prefix);
  setEnv('ACCRUAL_WAIT_MS', '1000');
  setEnv('AUDIT_ANCHOR_FILE', path.join(anchorDir, 'anchor.jsonl'));
  setEnv('AUDIT_ANCHOR_EMAIL', undefined);
  await closeDatabase();
}, 120_000);

afterAll(async () => {
  const total = report.reduce((n, r) => n + r.tried, 0);
  const lines = report.map(
    (r) => `  ${r.action.padEnd(64)} ${String(r.tried).padStart(4)} inputs  anchors ${JSON.stringify(r.anchors)}  refused by ${JSON.stringify(r.refusedBy)}`,
  );
  console.log(
    `Hostile inputs to server actions (seeded; HOSTILE_INPUTS=${PER_ACTION} per action):\n${lines.join('\n')}\n  total: ${total} inputs over ${report.length} actions`,
  );
  session.actor = null;
  await closeDatabase();
  await closeQueues();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const redis = new Redis('redis://127.0.0.1:6379');
  const found = await redis.keys(`${prefix}:*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
  rmSync(anchorDir, { recursive: true, force: true });
  await t?.drop();
});

/** What is wrong with an action's answer (null: a refusal in a person's words). */
function problemWith(state: unknown): string | null {
  if (state === null || typeof state !== 'object') return `answered ${String(state)}`;
  const s = state as Partial<ActionState>;
  if (s.ok !== false) return `ok: ${String(s.ok)} — ${s.message ?? ''}`;
  if (typeof s.message !== 'string' || s.message.trim() === '') return 'no message';
  if (ZOD_WORDING.test(s.message)) return `zod's words in "${s.message}"`;
  if (s.errors !== undefined) {
    if (s.errors === null || typeof s.errors !== 'object' || Array.isArray(s.errors)) return `errors ${JSON.stringify(s.errors)}`;
    for (const [field, message] of Object.entries(s.errors)) {
      if (typeof message !== 'string' || message.trim() === '') return `empty error for ${field}`;
      if (ZOD_WORDING.test(message)) return `zod's words for ${field}: "${message}"`;
    }
  }
  return null;
}

describe('every server action is a formAction with its permission and schema', () => {
  it('finds the actions under app/ (a module that starts with "use server")', async () => {
    expect(actions.length).toBeGreaterThanOrEqual(40);
    const notFormActions: string[] = [];
    for (const { file, name } of actions) {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, Action>;
      const action = mod[name];
      if (typeof action !== 'function' || action.schema === undefined || action.permission === undefined) notFormActions.push(`${file}: ${name}`);
    }
    expect(notFormActions, 'server actions not made by formAction(permission, schema, command)').toEqual([]);
  });
});

describe('hostile input to every server action', () => {
  it.each(actions.map((a) => [`${a.file.replace(/^app\//, '')} ${a.name}`, a] as const))(
    '%s: every answer a refusal in a person’s words, nothing written',
    async (label, { file, name }) => {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, Action>;
      const action = mod[name]!;
      expect(action.schema, `${label} is not a formAction`).toBeDefined();
      const permission = action.permission ?? null;
      session.actor = permission ? fx.actors[roleFor(permission, { portal: file.includes('(portal)') })] : null;
      const node = describeSchema(action.schema!);
      const refuses = (value: Record<string, unknown>) => !action.schema!.safeParse(formValues(toFormData(value))).success;
      const rng = seededRng(seedOf(label));
      const ctx: GenContext = { rng, surface: 'form', ids: fx.ids, today: fx.today };
      const anchors: Partial<Record<AnchorKind | 'ignored', number>> = {};
      const refusedBy: Record<string, number> = {};
      const problems: string[] = [];
      const before = await tableCounts(t.admin);

      if (node.type === 'object' && Object.keys(node.shape).length === 0) {
        // An action that takes no input: whatever a form sends is dropped by its schema.
        for (let i = 0; i < PER_ACTION; i++) {
          const junk = generateInput(node, ctx, 'benign')!;
          const form = toFormData({ ...(junk.value as object), [`field${rng.int(100)}`]: rng.pick(['0.8x', 'a\u0000b', '🚚', 'x'.repeat(5000)]) });
          const parsed = action.schema!.safeParse(formValues(form));
          if (!parsed.success || Object.keys(parsed.data as object).length > 0) problems.push(`junk was not ignored: ${shown(formValues(form))}`);
        }
        anchors.ignored = PER_ACTION;
        const state = await action(initialActionState, toFormData({ junk: 'a\u0000b', other: '🚚' }));
        expect(typeof state.message, label).toBe('string');
        const changed = countChanges(before, await tableCounts(t.admin));
        for (const table of INPUT_FREE_WRITES[permission ?? ''] ?? []) delete changed[table];
        report.push({ action: label, tried: PER_ACTION, anchors, refusedBy: { 'schema (no fields)': PER_ACTION } });
        expect(problems).toEqual([]);
        expect(changed, 'row counts changed').toEqual({});
        return;
      }

      let tried = 0;
      let confirmations = 0;
      while (tried < PER_ACTION) {
        const g = (rng.chance(0.3) ? generateInput(node, ctx, 'business') : null) ?? generateInput(node, ctx, 'field', refuses);
        if (!g) throw new Error(`${label}: its schema has no field a hostile value can be sent for; add the action's case to this test`);
        tried += 1;
        anchors[g.anchor] = (anchors[g.anchor] ?? 0) + 1;
        let problem: string | null;
        try {
          let state = await action(initialActionState, toFormData(g.value as Record<string, unknown>));
          // A money command's first answer asks to confirm the amount (nothing done yet); Confirm sends
          // the form again with the token, and that answer is the one that must refuse.
          const question = (state as ActionState & { confirm?: { token: string } }).confirm;
          if (state.ok && question) {
            confirmations += 1;
            state = await action(initialActionState, toFormData({ ...(g.value as Record<string, unknown>), confirmed: question.token }));
          }
          problem = problemWith(state);
          const by = state.errors && Object.keys(state.errors).length > 0 ? 'field errors' : 'message';
          refusedBy[by] = (refusedBy[by] ?? 0) + 1;
        } catch (error) {
          problem = `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
        }
        if (problem && problems.length < 10) problems.push(`${problem}\n      input (${g.anchor} ${g.anchored.join(',')}): ${shown(g.value, 500)}`);
      }
      const changed = countChanges(before, await tableCounts(t.admin));
      if (confirmations > 0) refusedBy['after confirming'] = confirmations;
      report.push({ action: label, tried, anchors, refusedBy });
      expect(tried).toBeGreaterThanOrEqual(200);
      expect(problems, problems.join('\n')).toEqual([]);
      expect(changed, 'row counts changed').toEqual({});
    },
  );
});
