import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../lib/audit';
import { verifyAll } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { seedDemo } from '../../lib/demo/seed';
import { aTeam } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { runScript } from '../support/run';

describe('the audit chain and audit:verify', () => {
  let t: TestDatabase;
  // audit:verify appends an anchor of the chain to this file (lib/audit/anchor.ts), one per run here
  let anchors: string;
  beforeAll(async () => {
    anchors = path.join(await mkdtemp(path.join(tmpdir(), 'holdback-anchor-')), 'audit-anchor.jsonl');
    t = await createTestDatabase();
    await seedDemo(t.database, { today: '2026-11-02' });
  });
  afterAll(async () => t?.drop());

  it('chains every event to the one before it', async () => {
    const rows = await t.database.sql<{ id: string; prev_hash: string; hash: string }[]>`select id, prev_hash, hash from audit_events order by id`;
    expect(rows.length).toBeGreaterThan(50);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
  });

  it('records who did what with before and after', async () => {
    const [event] = await t.database.sql<
      {
        actor: string;
        role: string;
        action: string;
        target_type: string;
        after: { status: string; invoices: string[][] };
        source: string;
        request_id: string;
      }[]
    >`
      select actor, role, action, target_type, after, source, request_id from audit_events where action = 'funding.fund' limit 1`;
    expect(event).toMatchObject({ actor: 'seed:funding', role: 'funding', action: 'funding.fund', target_type: 'funding_batch', source: 'seed' });
    expect(event!.after.status).toBe('funded');
    // every funded invoice is named with its split: [id, advance, reserve, fees]
    expect(event!.after.invoices).toHaveLength(8);
    expect(event!.after.invoices[0]).toHaveLength(4);
    expect(event!.request_id).toBeTruthy();
  });

  it('keeps the chain intact under concurrent commands', async () => {
    const actor = systemActor('test');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.database.transaction((tx) => recordAudit(tx, actor, { action: 'test.concurrent', targetType: 'test', targetId: i })),
      ),
    );
    const report = await verifyAll(t.database.sql);
    expect(report.breaks).toEqual([]);
  });

  it('npm run audit:verify passes on the demo data', async () => {
    const result = await runScript('audit:verify', [], { DATABASE_URL: t.url, AUDIT_ANCHOR_FILE: anchors });
    expect(result.stdout).toContain('OK: the audit chain is intact');
    expect(result.code).toBe(0);
  });

  it('npm run audit:verify fails on a tampered row and names it', async () => {
    const tampered = await createTestDatabase();
    try {
      await aTeam(tampered.database);
      const [victim] = await tampered.database.sql<{ id: string }[]>`select id from audit_events where action = 'user.create' order by id limit 1 offset 2`;
      // An attacker with the database's superuser drops the guard, edits history and puts the guard back.
      await tampered.admin.sql.begin(async (sql) => {
        await sql`drop trigger audit_events_append_only on audit_events`;
        await sql`update audit_events set after = jsonb_set(after, '{role}', '"admin"') where id = ${victim!.id}`;
        await sql`create trigger audit_events_append_only before update or delete on audit_events for each row execute function holdback_refuse_change()`;
      });
      const result = await runScript('audit:verify', [], { DATABASE_URL: tampered.url, AUDIT_ANCHOR_FILE: anchors });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`audit event ${victim!.id} (user.create`);
      expect(result.stderr).toContain('does not match its hash');
    } finally {
      await tampered.drop();
    }
  });

  it('names a deleted event, a tampered ledger line and a missing guard', async () => {
    const tampered = await createTestDatabase();
    try {
      await seedDemo(tampered.database, { today: '2026-11-02' });
      const [event] = await tampered.database.sql<{ id: string }[]>`select id from audit_events order by id limit 1 offset 5`;
      const [line] = await tampered.database.sql<{ id: string; entry_id: string }[]>`select id, entry_id from journal_lines order by id limit 1`;
      await tampered.admin.sql.begin(async (sql) => {
        await sql`alter table audit_events disable trigger audit_events_append_only`;
        await sql`delete from audit_events where id = ${event!.id}`;
        await sql`alter table journal_lines disable trigger journal_lines_append_only`;
        await sql`update journal_lines set amount = amount + 1 where id = ${line!.id}`;
      });
      const report = await verifyAll(tampered.database.sql);
      const messages = report.breaks.map((b) => `${b.kind}: ${b.message}`).join('\n');
      expect(report.ok).toBe(false);
      expect(messages).toContain(`audit event ${Number(event!.id) + 1}: its prev_hash`);
      expect(messages).toContain(`journal entry ${line!.entry_id} does not balance`);
      expect(messages).toMatch(/account_balance: account \d+ \(receivable USD client \d+\): stored balance/);
      expect(messages).toContain('trigger journal_lines_append_only on journal_lines is missing or disabled');
    } finally {
      await tampered.drop();
    }
  });
});
