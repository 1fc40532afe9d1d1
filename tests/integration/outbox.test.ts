import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db/client';
import { checkHealth } from '../../lib/health';
import { queueEmail, queueEmails, sendDueEmails } from '../../lib/notifications/outbox';
import { renderEmail } from '../../emails';
import { createTransport } from '../../lib/notifications/transport';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp';

const prefix = `holdback-test-${randomBytes(4).toString('hex')}`;
let t: TestDatabase;
let smtp: SmtpCatcher;

beforeAll(async () => {
  t = await createTestDatabase();
  smtp = await startSmtpCatcher();
  // The worker's modules read these when they start, as the real worker does.
  process.env.DATABASE_URL = t.url;
  process.env.QUEUE_PREFIX = prefix;
  process.env.SMTP_URL = smtp.url;
});

afterAll(async () => {
  await smtp?.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

describe('the email outbox job', () => {
  it('a real worker delivers a queued email to an SMTP server, once, and records it', async () => {
    const { startWorkers } = await import('../../jobs/worker');
    const { kickOutbox } = await import('../../jobs/queues');
    const id = await t.database.transaction((tx) =>
      queueEmail(tx, {
        to: 'ops@factor.test',
        template: 'test_message',
        data: { requestedBy: 'admin@factor.test', at: '2026-11-23 10:00' },
        dedupeKey: 'test-1',
      }),
    );
    const duplicate = await t.database.transaction((tx) =>
      queueEmail(tx, {
        to: 'ops@factor.test',
        template: 'test_message',
        data: { requestedBy: 'admin@factor.test', at: '2026-11-23 10:00' },
        dedupeKey: 'test-1',
      }),
    );
    expect(id).toBeGreaterThan(0);
    expect(duplicate).toBeNull();
    const handle = await startWorkers({ log: () => {} });
    try {
      await kickOutbox();
      const mail = await smtp.waitFor((m) => m.subject === 'Holdback test email');
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ops@factor.test');
      expect(mail.text).toContain('requested by admin@factor.test');
      expect(mail.html).toContain('<strong>admin@factor.test</strong>');
      // the row is marked sent (poll: the worker commits just after the SMTP answer)
      for (let i = 0; i < 50; i += 1) {
        const [row] = await t.database.sql<{ status: string }[]>`select status from email_outbox where id = ${id}`;
        if (row!.status === 'sent') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [row] = await t.database.sql<
        { status: string; attempts: number; message_id: string }[]
      >`select status, attempts, message_id from email_outbox where id = ${id}`;
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      await kickOutbox();
      await new Promise((r) => setTimeout(r, 1000));
      expect(smtp.messages.filter((m) => m.subject === 'Holdback test email').length).toBe(1);
      const [event] = await t.database.sql`select action from audit_events where action = 'email.sent' and target_id = ${String(id)}`;
      expect(event).toBeDefined();
    } finally {
      await handle.close();
    }
  });

  it('retries with backoff when the server refuses, then sends', async () => {
    const database = createDatabase(t.url, { max: 2 });
    try {
      const id = await database.transaction((tx) => queueEmail(tx, { to: 'retry@factor.test', template: 'test_message', data: { requestedBy: 'x', at: 'y' } }));
      smtp.failNext(1);
      const transport = createTransport(smtp.url);
      const first = await sendDueEmails(database, transport);
      expect(first).toEqual({ sent: 0, retrying: 1, failed: 0 });
      const [pending] = await database.sql<{ status: string; attempts: number; last_error: string; wait: number }[]>`
        select status, attempts, last_error, extract(epoch from next_attempt_at - now())::int as wait from email_outbox where id = ${id}`;
      expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
      expect(pending!.last_error).toContain('Mailbox temporarily unavailable');
      expect(pending!.wait).toBeGreaterThan(50);
      // not due yet: nothing is sent
      expect(await sendDueEmails(database, transport)).toEqual({ sent: 0, retrying: 0, failed: 0 });
      await database.sql`update email_outbox set next_attempt_at = now() where id = ${id}`;
      expect(await sendDueEmails(database, transport)).toEqual({ sent: 1, retrying: 0, failed: 0 });
      transport.close();
    } finally {
      await database.close();
    }
  });

  it('without SMTP_URL writes each email as an .eml file', async () => {
    const database = createDatabase(t.url, { max: 2 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'holdback-mail-'));
    const previous = process.env.MAIL_DIR;
    process.env.MAIL_DIR = dir;
    try {
      const id = await database.transaction((tx) =>
        queueEmail(tx, { to: 'file@factor.test', template: 'test_message', data: { requestedBy: 'file test', at: 'now' } }),
      );
      const transport = createTransport(null);
      await sendDueEmails(database, transport);
      const files = await readdir(dir);
      expect(files).toContain(`${String(id).padStart(8, '0')}.eml`);
      const text = await readFile(path.join(dir, files[0]!), 'utf8');
      expect(text).toContain('To: file@factor.test');
      expect(text).toContain('Subject: Holdback test email');
    } finally {
      process.env.MAIL_DIR = previous;
      await database.close();
    }
  });
});

describe('health', () => {
  it('reports ok when Postgres and Redis answer, and names what is down with ok/down only', async () => {
    expect(await checkHealth({ databaseUrl: t.url, redisUrl: 'redis://127.0.0.1:6379' })).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
    expect(await checkHealth({ databaseUrl: t.url, redisUrl: 'redis://127.0.0.1:1' })).toEqual({ status: 'down', db: 'ok', redis: 'down' });
    // nothing about the connection (its host, port or error) is in the answer
    expect(await checkHealth({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', redisUrl: 'redis://127.0.0.1:1' })).toEqual({
      status: 'down',
      db: 'down',
      redis: 'down',
    });
  });
});

describe('queueEmails', () => {
  it('queues many emails together (streamed when there are many), exactly as rendered, and skips keys queued before', async () => {
    const mail = (i: number) => ({
      to: `bulk${i}@factor.test`,
      template: 'test_message' as const,
      data: { requestedBy: `bulk ${i}\ttab \\ backslash`, at: 'now\r\nnext' },
      dedupeKey: `bulk-${i}`,
    });
    expect(await t.database.transaction((tx) => queueEmails(tx, [0, 1, 2].map(mail)))).toBe(3);
    // twice in one transaction, the second time overlapping the first
    const [first, second] = await t.database.transaction(async (tx) => [
      await queueEmails(
        tx,
        Array.from({ length: 250 }, (_, i) => mail(i)),
      ),
      await queueEmails(
        tx,
        Array.from({ length: 300 }, (_, i) => mail(i)),
      ),
    ]);
    expect([first, second]).toEqual([247, 50]);
    const rows = await t.database.sql<{ to: string; subject: string; html: string; text: string }[]>`
      select "to", subject, html, text from email_outbox where dedupe_key like 'bulk-%' order by id`;
    expect(rows.length).toBe(300);
    const sample = rows.find((r) => r.to === 'bulk150@factor.test')!;
    const expected = renderEmail('test_message', mail(150).data);
    expect(sample).toEqual({ to: 'bulk150@factor.test', subject: expected.subject, html: expected.html, text: expected.text });
  });
});
