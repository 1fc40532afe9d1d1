import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditAnchorProcessor } from '../../jobs/processors/audit-anchor';
import { recordAudit } from '../../lib/audit';
import type { Anchor } from '../../lib/audit/anchor';
import { verifyAll, verifyAndAnchor } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { Big, moneyOut } from '../../lib/money';
import { aClient, aDebtor, aFundedInvoice, aTeam } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { runScript } from '../support/run';

/**
 * Issue 11: what audit:verify missed — a deleted tail of the audit log (the chain itself stays
 * intact: only an anchor kept outside the database can tell), and a forged "balanced" payout out
 * of a client's reserve whose stored account balance was edited to match.
 */
let t: TestDatabase;
let dir: string;
const opened: TestDatabase[] = [];

async function aDatabaseWithAReserve(): Promise<{
  t: TestDatabase;
  clientId: string;
  clientName: string;
  reserveAccount: string;
  cashAccount: string;
  held: string;
}> {
  const db = await createTestDatabase();
  opened.push(db);
  const team = await aTeam(db.database);
  const client = await aClient(db.database, team);
  const debtor = await aDebtor(db.database, team);
  await aFundedInvoice(db.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-05' });
  await aFundedInvoice(db.database, team, { client, debtor, faceValue: '5000.00', fundingDate: '2026-01-06' });
  const [reserve] = await db.admin.sql<{ id: string; balance: string }[]>`
    select id, balance from ledger_accounts where code = 'reserve' and client_id = ${client.id} and currency = 'USD'`;
  const [cash] = await db.admin.sql<{ id: string }[]>`select id from ledger_accounts where code = 'cash' and currency = 'USD' and client_id is null`;
  return {
    t: db,
    clientId: client.id,
    clientName: client.name,
    reserveAccount: reserve!.id,
    cashAccount: cash!.id,
    held: moneyOut(reserve!.balance.replace(/^-/, ''), 'USD'),
  };
}

/**
 * What an attacker with the database's superuser does: a balanced entry (the balance trigger is
 * satisfied) moving `amount` out of the reserve to cash, and the stored balances edited so each
 * still equals the sum of its lines — or, with `leaveReserveAt`, to whatever looks plausible.
 */
async function forge(
  db: TestDatabase,
  args: { kind: string; clientId: string; reserveAccount: string; cashAccount: string; amount: string; leaveReserveAt?: string },
): Promise<string> {
  return db.admin.sql.begin(async (sql) => {
    const [entry] = await sql<{ id: string }[]>`
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by)
      values ('2026-02-01', ${args.kind}, ${`forged-${args.kind}-${Date.now()}`}, ${args.clientId}, 'Rebate paid', 'job:release-cycle') returning id`;
    await sql`
      insert into journal_lines (entry_id, account_id, currency, amount, effective_date)
      values (${entry!.id}, ${args.reserveAccount}, 'USD', ${args.amount}, '2026-02-01'), (${entry!.id}, ${args.cashAccount}, 'USD', ${`-${args.amount}`}, '2026-02-01')`;
    if (args.leaveReserveAt !== undefined) await sql`update ledger_accounts set balance = ${args.leaveReserveAt} where id = ${args.reserveAccount}`;
    else await sql`update ledger_accounts set balance = balance + ${args.amount}::numeric where id = ${args.reserveAccount}`;
    await sql`update ledger_accounts set balance = balance - ${args.amount}::numeric where id = ${args.cashAccount}`;
    return entry!.id;
  });
}

const messages = (breaks: { kind: string; message: string }[]) => breaks.map((b) => `${b.kind}: ${b.message}`).join('\n');

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'holdback-anchor-'));
});
afterEach(() => {
  delete process.env.AUDIT_ANCHOR_FILE;
  delete process.env.AUDIT_ANCHOR_EMAIL;
});
afterAll(async () => {
  for (const db of opened) await db.drop();
});

describe('a deleted tail of the audit log', () => {
  it('is found by audit:verify against the anchor the previous run wrote outside the database', async () => {
    ({ t } = await aDatabaseWithAReserve());
    const file = path.join(dir, 'audit-anchor.jsonl');
    const env = { DATABASE_URL: t.url, AUDIT_ANCHOR_FILE: file };

    const first = await runScript('audit:verify', [], env);
    expect(first.code).toBe(0);
    const [tip] = await t.admin.sql<{ id: string; hash: string; n: number }[]>`
      select id, hash, (select count(*)::int from audit_events) as n from audit_events order by id desc limit 1`;
    expect(first.stdout).toContain(`anchor: no anchor of ${t.name} in ${file} yet (first run); wrote ${tip!.n} events up to id ${tip!.id}`);
    const written = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Anchor);
    expect(written).toEqual([{ at: expect.any(String), database: t.name, events: tip!.n, lastId: tip!.id, tipHash: tip!.hash }]);

    // The same check in-process (what the console's Verify runs): the chain matches its anchor.
    const second = await verifyAndAnchor(t.database, { file, emails: [] });
    expect(second.ok).toBe(true);
    expect(second.anchor!.note).toContain(`the chain matches the anchor of ${written[0]!.at} (${tip!.n} events up to id ${tip!.id}`);

    // The superuser switches the guard off, deletes the last three events and switches it back on.
    const [keep] = await t.admin.sql<{ id: string }[]>`select id from audit_events order by id desc offset 3 limit 1`;
    await t.admin.sql.begin(async (sql) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`;
      await sql`delete from audit_events where id > ${keep!.id}`;
      await sql`alter table audit_events enable trigger audit_events_append_only`;
    });
    // The chain that is left is intact: without the anchor nothing would be seen.
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);

    const third = await runScript('audit:verify', [], env);
    expect(third.code).toBe(1);
    expect(third.stderr).toContain(`BREAK [audit_anchor] the audit log lost events after ${keep!.id}: the anchor of`);
    expect(third.stderr).toContain(`recorded ${tip!.n} events up to id ${tip!.id}`);
    expect(third.stdout).toContain('so no new anchor was written');
    // No anchor hides the loss from the next run.
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
  }, 180_000); // two runs of the script, each a process of its own

  it('the hourly audit-anchor job appends anchors incrementally, emails them, and fails on a lost tail', async () => {
    ({ t } = await aDatabaseWithAReserve());
    const file = path.join(dir, 'job-anchor.jsonl');
    process.env.AUDIT_ANCHOR_FILE = file;
    process.env.AUDIT_ANCHOR_EMAIL = 'ops@factor.test';
    const run = auditAnchorProcessor(t.database);
    const job = { data: { reason: 'schedule' } } as Job;

    const first = await run(job);
    const [count] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from audit_events`;
    expect(first.events).toBe(count!.n);
    await t.database.transaction((tx) =>
      recordAudit(tx, systemActor('test'), [
        { action: 'test.one', targetType: 'test' },
        { action: 'test.two', targetType: 'test' },
      ]),
    );
    const second = await run(job);
    expect(second.events).toBe(count!.n + 2);
    expect(second.note).toContain(`the chain matches the anchor of`);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Anchor);
    expect(lines.map((a) => a.events)).toEqual([count!.n, count!.n + 2]);

    const emails = await t.admin.sql<
      { to: string; subject: string; text: string }[]
    >`select "to", subject, text from email_outbox where template = 'audit_anchor' order by id`;
    expect(emails).toHaveLength(2);
    expect(emails[1]!.to).toBe('ops@factor.test');
    expect(emails[1]!.subject).toBe(`Holdback audit anchor: ${t.name}, ${count!.n + 2} events up to ${lines[1]!.lastId}`);
    expect(emails[1]!.text).toContain(JSON.stringify(lines[1]));

    await t.admin.sql.begin(async (sql) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`;
      await sql`delete from audit_events where id = ${lines[1]!.lastId}`;
      await sql`alter table audit_events enable trigger audit_events_append_only`;
    });
    await expect(run(job)).rejects.toThrow(`the audit log lost events after ${Number(lines[1]!.lastId) - 1}`);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
  });
});

describe('a forged balanced payout out of a reserve, its balance edited to match', () => {
  it('a "payout" entry that drains the reserve is named: payouts never move a reserve', async () => {
    const s = await aDatabaseWithAReserve();
    const before = await verifyAll(s.t.database.sql);
    expect(before.breaks).toEqual([]);
    const entry = await forge(s.t, { kind: 'payout', clientId: s.clientId, reserveAccount: s.reserveAccount, cashAccount: s.cashAccount, amount: s.held });
    const report = await verifyAll(s.t.database.sql);
    expect(report.ok).toBe(false);
    // Every entry balances and every stored balance equals its lines: the old checks saw nothing.
    expect(report.breaks.filter((b) => ['unbalanced_entry', 'account_balance'].includes(b.kind))).toEqual([]);
    expect(messages(report.breaks)).toContain(
      `reserve_movement: journal entry ${entry} (payout) debits client ${s.clientId}'s USD reserve by ${s.held}: a payout entry never moves a reserve`,
    );
  });

  it('a "release" entry with no approved release behind it is named', async () => {
    const s = await aDatabaseWithAReserve();
    const entry = await forge(s.t, { kind: 'release', clientId: s.clientId, reserveAccount: s.reserveAccount, cashAccount: s.cashAccount, amount: s.held });
    const report = await verifyAll(s.t.database.sql);
    expect(report.breaks.filter((b) => ['unbalanced_entry', 'account_balance'].includes(b.kind))).toEqual([]);
    expect(messages(report.breaks)).toContain(`release_unmatched: release entry ${entry} names no release`);
  });

  it('releasing more than was withheld is named with the roll-forward, and a reserve in debit', async () => {
    const s = await aDatabaseWithAReserve();
    // Even with the balance constraint dropped and the stored balance kept equal to the lines.
    await s.t.admin.sql`alter table ledger_accounts drop constraint ledger_accounts_liability_not_in_debit`;
    const drained = moneyOut(new Big(s.held).plus(500), 'USD');
    await forge(s.t, { kind: 'release', clientId: s.clientId, reserveAccount: s.reserveAccount, cashAccount: s.cashAccount, amount: drained });
    const report = await verifyAll(s.t.database.sql);
    const text = messages(report.breaks);
    expect(report.breaks.filter((b) => b.kind === 'account_balance')).toEqual([]);
    expect(text).toContain(`liability_in_debit: account ${s.reserveAccount} (reserve USD client ${s.clientId} ${s.clientName}) is in debit by 500.00`);
    expect(text).toContain(
      `reserve_rollforward: client ${s.clientId} (${s.clientName}) USD: released ${drained} from the reserve but only ${s.held} was there to release — withheld at funding ${s.held} − fees settled 0.00 − chargebacks and short pays 0.00`,
    );
    expect(text).toContain('missing_guard: constraint ledger_accounts_liability_not_in_debit on ledger_accounts is missing');
  });

  it('the same drain with the stored balance left looking drained is named too', async () => {
    const s = await aDatabaseWithAReserve();
    await forge(s.t, {
      kind: 'release',
      clientId: s.clientId,
      reserveAccount: s.reserveAccount,
      cashAccount: s.cashAccount,
      amount: '99999.00',
      leaveReserveAt: '0',
    });
    const text = messages((await verifyAll(s.t.database.sql)).breaks);
    expect(text).toMatch(
      new RegExp(
        `account_balance: account ${s.reserveAccount} \\(reserve USD client ${s.clientId}\\): stored balance 0(\\.0+)? but its lines sum to 96999(\\.0+)?$`,
        'm',
      ),
    );
    expect(text).toContain(
      `reserve_rollforward: client ${s.clientId} (${s.clientName}) USD: released 99999.00 from the reserve but only ${s.held} was there to release`,
    );
  });
});
