import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConcentrationCheck, listOpenAlerts } from '../../lib/concentration';
import { fundBatch } from '../../lib/funding';
import type { Actor } from '../../lib/auth/actor';
import type { ClientView } from '../../lib/clients';
import type { DebtorView } from '../../lib/debtors';
import { aClient, aDebtor, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp';

const prefix = `holdback-test-${randomBytes(4).toString('hex')}`;
let t: TestDatabase;
let team: Team;
let underwriters: Actor[];
let smtp: SmtpCatcher;

const setPortfolioLimit = (value: string | null) =>
  value === null
    ? t.database.sql`delete from settings where key = 'concentration.portfolio_limit'`
    : t.database.sql`
        insert into settings (key, value) values ('concentration.portfolio_limit', ${JSON.stringify(value)}::jsonb)
        on conflict (key) do update set value = excluded.value`;

/** Funds one invoice per face value (debtor i gets faces[i]) in one batch, under the agreement's limit. */
async function fundedPortfolio(client: ClientView, faces: string[]) {
  const debtors: DebtorView[] = [];
  const invoiceIds: string[] = [];
  for (const faceValue of faces) {
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor, faceValue });
    debtors.push(debtor);
    invoiceIds.push(invoice.id);
  }
  const batch = await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds, fundingDate: '2026-03-02' }, team.funding));
  expect(batch.status).toBe('funded');
  return debtors;
}

/** An underwriter lowers (or raises) the limit: here straight on the approved agreement row. */
const setClientLimit = (client: ClientView, limit: string) =>
  t.database.sql`update agreements set concentration_limit = ${limit} where client_id = ${client.id}`;

const alertsOf = (client: ClientView) =>
  t.database.sql<
    {
      id: string;
      scope: string;
      debtor_id: string;
      level: string;
      share: string;
      limit: string;
      exposure: string;
      status: string;
      resolved_at: string | null;
      seen_since_opened: boolean;
    }[]
  >`
    select id, scope, debtor_id, level, share, "limit", exposure, status, resolved_at, last_seen_at > opened_at as seen_since_opened
      from concentration_alerts where client_id = ${client.id} order by id`;

const emailsOf = (alertId: string) =>
  t.database.sql<{ to: string; template: string; subject: string; text: string }[]>`
    select "to", template, subject, text from email_outbox where dedupe_key like ${`concentration:${alertId}:%`} order by "to"`;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  const second = await aUser(t.database, 'underwriter');
  const disabled = await aUser(t.database, 'underwriter');
  await t.database.sql`update users set disabled_at = now() where id = ${disabled.userId}`;
  underwriters = [team.underwriter, second];
  // The client scope is what most tests look at; the portfolio scope has its own test (in EUR).
  await setPortfolioLimit('1');
});

afterAll(async () => {
  await smtp?.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

describe('concentration alerts (SPEC 7)', () => {
  it('opens a breach with the exact share and emails each active underwriter once; a second run opens and emails nothing', async () => {
    const client = await aClient(t.database, team, { agreement: { concentrationLimit: '1.00' } });
    const [big, small] = await fundedPortfolio(client, ['6000.00', '4000.00']);
    await setClientLimit(client, '0.50');

    const first = await runConcentrationCheck(t.database);
    expect(first).toEqual({ opened: 1, resolved: 0, open: 1, emailed: 2 });
    const [alert, ...others] = await alertsOf(client);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      scope: 'client',
      debtor_id: big!.id,
      level: 'breach',
      share: '0.6000000000',
      limit: '0.5000000000',
      exposure: '6000.0000',
      status: 'open',
    });
    expect(small).toBeDefined();

    const emails = await emailsOf(alert!.id);
    expect(emails.map((e) => e.to)).toEqual(underwriters.map((u) => u.label).sort());
    expect(emails[0]).toMatchObject({ template: 'concentration_alert', subject: expect.stringContaining(`${big!.name} is 60% of ${client.name}`) });
    expect(emails[0]!.text).toContain('Owed by the debtor: 6,000.00 USD of 10,000.00 USD');

    const [opened] = await t.database.sql<{ actor: string; after: Record<string, string> }[]>`
      select actor, after from audit_events where action = 'concentration.open' and target_id = ${alert!.id}`;
    expect(opened).toMatchObject({ actor: 'job:concentration-alerts', after: { level: 'breach', share: '0.6', exposure: '6000.00', clientId: client.id } });
    const [run] = await t.database.sql<{ status: string; totals: unknown }[]>`
      select status, totals from job_runs where job = 'concentration-alerts' order by id desc limit 1`;
    expect(run).toEqual({ status: 'completed', totals: first });

    const second = await runConcentrationCheck(t.database);
    expect(second).toEqual({ opened: 0, resolved: 0, open: 1, emailed: 0 });
    const [same] = await alertsOf(client);
    expect(same).toMatchObject({ id: alert!.id, status: 'open', share: '0.6000000000' });
    expect(alert!.seen_since_opened).toBe(false);
    expect(same!.seen_since_opened).toBe(true);
    expect(await emailsOf(alert!.id)).toHaveLength(2);

    const view = (await t.database.transaction((tx) => listOpenAlerts(tx))).find((a) => a.id === alert!.id);
    expect(view).toMatchObject({
      scope: 'client',
      level: 'breach',
      clientName: client.name,
      debtorName: big!.name,
      share: '60%',
      limit: '50%',
      exposure: '6000.00',
      currency: 'USD',
    });

    // Fixing the exposure (a higher limit) resolves the alert; nothing else changes.
    await setClientLimit(client, '0.75');
    const third = await runConcentrationCheck(t.database);
    expect(third).toEqual({ opened: 0, resolved: 1, open: 0, emailed: 0 });
    const [resolved] = await alertsOf(client);
    expect(resolved).toMatchObject({ id: alert!.id, status: 'resolved' });
    expect(resolved!.resolved_at).not.toBeNull();
    const [event] = await t.database.sql<{ after: Record<string, string> }[]>`
      select after from audit_events where action = 'concentration.resolve' and target_id = ${alert!.id}`;
    expect(event!.after).toMatchObject({ status: 'resolved' });
    expect((await t.database.transaction((tx) => listOpenAlerts(tx))).find((a) => a.id === alert!.id)).toBeUndefined();
  });

  it('records a share at 90% of the limit as near; escalating resolves the near and opens (and emails) a breach', async () => {
    const client = await aClient(t.database, team, { agreement: { concentrationLimit: '1.00' } });
    const [a] = await fundedPortfolio(client, ['4500.00', '2750.00', '2750.00']);
    await setClientLimit(client, '0.50');

    expect(await runConcentrationCheck(t.database)).toEqual({ opened: 1, resolved: 0, open: 1, emailed: 2 });
    const [near, ...none] = await alertsOf(client);
    expect(none).toEqual([]);
    expect(near).toMatchObject({ debtor_id: a!.id, level: 'near', share: '0.4500000000', status: 'open' });
    expect((await emailsOf(near!.id))[0]!.subject).toContain('Concentration warning');

    await setClientLimit(client, '0.44');
    expect(await runConcentrationCheck(t.database)).toEqual({ opened: 1, resolved: 1, open: 1, emailed: 2 });
    const [wasNear, breach] = await alertsOf(client);
    expect(wasNear).toMatchObject({ id: near!.id, level: 'near', status: 'resolved' });
    expect(breach).toMatchObject({ debtor_id: a!.id, level: 'breach', share: '0.4500000000', limit: '0.4400000000', status: 'open' });
    expect(await emailsOf(breach!.id)).toHaveLength(2);
    await setClientLimit(client, '1.00');
    expect(await runConcentrationCheck(t.database)).toMatchObject({ opened: 0, resolved: 1, open: 0 });
  });

  it('checks the whole portfolio per currency against the settings limit (0.25 when unset)', async () => {
    await setPortfolioLimit(null);
    try {
      const client = await aClient(t.database, team, { currency: 'EUR' });
      const debtors = await fundedPortfolio(client, ['1000.00', '1000.00', '1000.00', '2000.00']);
      const totals = await runConcentrationCheck(t.database);
      expect(totals.emailed).toBe(totals.opened * 2);
      const rows = await t.database.sql<{ debtor_id: string; client_id: string | null; level: string; share: string; limit: string; exposure: string }[]>`
        select debtor_id, client_id, level, share, "limit", exposure from concentration_alerts
         where scope = 'portfolio' and currency = 'EUR' and status = 'open'`;
      // 2,000 of 5,000 (40%) breaches 25%; 1,000 (20%) is under 90% of it (22.5%).
      expect(rows).toEqual([
        { debtor_id: debtors[3]!.id, client_id: null, level: 'breach', share: '0.4000000000', limit: '0.2500000000', exposure: '2000.0000' },
      ]);
      const view = (await t.database.transaction((tx) => listOpenAlerts(tx))).find((v) => v.scope === 'portfolio' && v.currency === 'EUR');
      expect(view).toMatchObject({ clientName: null, share: '40%', limit: '25%', exposure: '2000.00' });
    } finally {
      await setPortfolioLimit('1');
    }
    const after = await runConcentrationCheck(t.database);
    expect(after.opened).toBe(0);
    const [open] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from concentration_alerts where scope = 'portfolio' and status = 'open'`;
    expect(open!.n).toBe(0);
  });

  it('two runs at once open an alert once (advisory lock)', async () => {
    const client = await aClient(t.database, team, { agreement: { concentrationLimit: '1.00' } });
    await fundedPortfolio(client, ['7000.00', '3000.00']);
    await setClientLimit(client, '0.60');
    const runs = await Promise.all([runConcentrationCheck(t.database), runConcentrationCheck(t.database), runConcentrationCheck(t.database)]);
    expect(runs.map((r) => r.opened).sort()).toEqual([0, 0, 1]);
    expect(runs.reduce((n, r) => n + r.emailed, 0)).toBe(2);
    const alerts = await alertsOf(client);
    expect(alerts).toHaveLength(1);
    expect(await emailsOf(alerts[0]!.id)).toHaveLength(2);
    await setClientLimit(client, '1.00');
    await runConcentrationCheck(t.database);
  });

  it('a run that fails changes nothing and is recorded as failed', async () => {
    const client = await aClient(t.database, team, { agreement: { concentrationLimit: '1.00' } });
    await fundedPortfolio(client, ['8000.00', '2000.00']);
    await setClientLimit(client, '0.50');
    await setPortfolioLimit('a quarter');
    try {
      await expect(runConcentrationCheck(t.database)).rejects.toMatchObject({ code: 'invalid_decimal' });
    } finally {
      await setPortfolioLimit('1');
    }
    expect(await alertsOf(client)).toEqual([]);
    const [run] = await t.database.sql<{ status: string; error: string }[]>`
      select status, error from job_runs where job = 'concentration-alerts' order by id desc limit 1`;
    expect(run!.status).toBe('failed');
    expect(run!.error).toContain('concentration.portfolio_limit');
    expect((await runConcentrationCheck(t.database)).opened).toBe(1);
    await setClientLimit(client, '1.00');
    await runConcentrationCheck(t.database);
  });

  it('a real worker runs the check on kickConcentration() and the underwriters get the email', async () => {
    smtp = await startSmtpCatcher();
    // The worker's modules read these when they start, as the real worker does.
    process.env.DATABASE_URL = t.url;
    process.env.QUEUE_PREFIX = prefix;
    process.env.SMTP_URL = smtp.url;
    const { startWorkers } = await import('../../jobs/worker');
    const { kickConcentration } = await import('../../jobs/queues');
    const client = await aClient(t.database, team, { agreement: { concentrationLimit: '1.00' } });
    const [big] = await fundedPortfolio(client, ['9000.00', '1000.00']);
    await setClientLimit(client, '0.50');
    const handle = await startWorkers({ log: () => {} });
    try {
      await kickConcentration();
      let alerts = await alertsOf(client);
      for (let i = 0; i < 150 && alerts.length === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        alerts = await alertsOf(client);
      }
      expect(alerts).toEqual([expect.objectContaining({ debtor_id: big!.id, level: 'breach', share: '0.9000000000', status: 'open' })]);
      // The processor nudges the outbox: the emails go out now, not at the next sweep.
      const mail = await smtp.waitFor((m) => m.subject?.includes(`${big!.name} is 90% of ${client.name}`) ?? false);
      expect(mail.text).toContain('Limit: 50%');
      for (let i = 0; i < 100 && smtp.messages.filter((m) => m.subject?.includes(big!.name)).length < 2; i += 1) await new Promise((r) => setTimeout(r, 100));
      const to = smtp.messages.filter((m) => m.subject?.includes(big!.name)).map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
      expect(to.sort()).toEqual(underwriters.map((u) => u.label).sort());
    } finally {
      await handle.close();
    }
  });
});
