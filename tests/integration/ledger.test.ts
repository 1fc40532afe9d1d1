import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../lib/auth/actor';
import { balancesAsOf, clientLedger, currentBalances, entriesForInvoice, post, reverse, type EntryInput } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { getInvoice } from '../../lib/invoices';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { asOwner, createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
let poster: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  poster = systemActor('test');
});
afterAll(async () => t?.drop());

const usd = (b: Big) => formatMoney(b, 'USD');
const transfer = (key: string, clientId: number, amount: string, date = '2026-01-01'): EntryInput => ({
  effectiveDate: date,
  kind: 'test_transfer',
  idempotencyKey: key,
  clientId,
  lines: [
    { account: 'client_due', currency: 'USD', clientId, amount: new Big(amount) },
    { account: 'cash', currency: 'USD', amount: new Big(amount).times(-1) },
  ],
});

describe('posting', () => {
  it('books SPEC 5.1 for a funded invoice, balanced, with the invoice sub-ledger', async () => {
    const client = await aClient(t.database, team, { agreement: { advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' } });
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const view = await getInvoice(t.database, Number(invoice.id), poster);
    expect(view).toMatchObject({
      status: 'funded',
      faceValue: '10000.00',
      advance: '7950.00',
      reserve: '2000.00',
      outstanding: '10000.00',
      fundingDate: '2026-01-01',
    });
    const entries = await entriesForInvoice(t.database, Number(invoice.id));
    expect(entries.map((e) => e.kind)).toEqual(['funding', 'disbursement']);
    const balances = await balancesAsOf(t.database, { asOf: '2026-01-01', clientId: Number(client.id) });
    const byAccount = Object.fromEntries(balances.map((b) => [b.account, usd(b.balance)]));
    expect(byAccount).toMatchObject({ receivable: '10000.00', reserve: '2000.00', client_payable: '0.00' });
  });

  it('posts an idempotency key once: the second post is a duplicate and changes nothing', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const first = await t.database.transaction((tx) => post(tx, transfer(`idem-${cid}`, cid, '125.50'), poster));
    const second = await t.database.transaction((tx) => post(tx, transfer(`idem-${cid}`, cid, '125.50'), poster));
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ id: first.id, idempotencyKey: `idem-${cid}`, duplicate: true });
    const [due] = await currentBalances(t.database, { clientId: cid, accounts: ['client_due'] });
    expect(usd(due!.balance)).toBe('125.50');
    const [{ n }] = (await t.database.sql`select count(*)::int as n from journal_entries where idempotency_key = ${`idem-${cid}`}`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(1);
  });

  it('refuses the same key with other lines as a conflict', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    await t.database.transaction((tx) => post(tx, transfer(`reuse-${cid}`, cid, '10.00'), poster));
    await expect(t.database.transaction((tx) => post(tx, transfer(`reuse-${cid}`, cid, '11.00'), poster))).rejects.toMatchObject({
      status: 409,
      code: 'idempotency_key_reused',
    });
  });

  it('refuses an unbalanced entry before writing anything', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const bad = transfer(`bad-${cid}`, cid, '10.00');
    bad.lines[1]!.amount = new Big('-9.99');
    await expect(t.database.transaction((tx) => post(tx, bad, poster))).rejects.toMatchObject({ code: 'unbalanced_entry' });
    const rows = await t.database.sql`select 1 from journal_entries where idempotency_key = ${`bad-${cid}`}`;
    expect(rows.length).toBe(0);
  });

  it('reverses an entry exactly once, pointing at the original', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const original = await t.database.transaction((tx) => post(tx, transfer(`rev-${cid}`, cid, '300.00', '2026-02-01'), poster));
    const reversal = await t.database.transaction((tx) => reverse(tx, original.id, { effectiveDate: '2026-02-03' }, poster));
    const again = await t.database.transaction((tx) => reverse(tx, original.id, { effectiveDate: '2026-02-04' }, poster));
    expect(again).toMatchObject({ id: reversal.id, duplicate: true });
    await expect(t.database.transaction((tx) => reverse(tx, reversal.id, { effectiveDate: '2026-02-05' }, poster))).rejects.toMatchObject({
      code: 'reversal_of_reversal',
    });
    const [row] = await t.database.sql<{ reverses_entry_id: string }[]>`select reverses_entry_id from journal_entries where id = ${reversal.id}`;
    expect(Number(row!.reverses_entry_id)).toBe(original.id);
    // Balances as of a business date: before, between and after.
    const due = async (asOf: string) => usd((await balancesAsOf(t.database, { asOf, clientId: cid, accounts: ['client_due'] }))[0]!.balance);
    expect(await due('2026-01-31')).toBe('0.00');
    expect(await due('2026-02-02')).toBe('300.00');
    expect(await due('2026-02-03')).toBe('0.00');
  });

  it("gives a client's ledger with running balances and an opening balance", async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    await t.database.transaction(async (tx) => {
      await post(tx, transfer(`run-a-${cid}`, cid, '100.00', '2026-03-01'), poster);
      await post(tx, transfer(`run-b-${cid}`, cid, '50.00', '2026-03-05'), poster);
      await post(tx, transfer(`run-c-${cid}`, cid, '-30.00', '2026-03-09'), poster);
    });
    const ledger = await clientLedger(t.database, cid, { from: '2026-03-02', to: '2026-03-31' });
    expect(ledger.openings.find((o) => o.account === 'client_due')!.balance.toString()).toBe('100');
    expect(ledger.lines.map((l) => [l.effectiveDate, usd(l.amount), usd(l.runningBalance)])).toEqual([
      ['2026-03-05', '50.00', '150.00'],
      ['2026-03-09', '-30.00', '120.00'],
    ]);
  });
});

describe('the database itself', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on journal entries, lines and audit events', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    await t.database.transaction((tx) => post(tx, transfer(`ro-${cid}`, cid, '1.00'), poster));
    const statements = [
      'update journal_lines set amount = amount * 2',
      'delete from journal_lines',
      "update journal_entries set memo = 'changed'",
      'delete from journal_entries',
      "update audit_events set actor = 'someone else'",
      'delete from audit_events',
      'truncate journal_lines cascade',
      'truncate audit_events',
    ];
    // The app role (what the web server and the workers are) has no such privilege at all; the
    // owner has, and the append-only triggers refuse it.
    for (const statement of statements) await expect(t.database.sql.unsafe(statement)).rejects.toThrow(/permission denied for table/);
    for (const statement of statements) await expect(asOwner(t, (sql) => sql.unsafe(statement))).rejects.toThrow(/append-only/);
  });

  it('refuses a statement that inserts unbalanced lines, even written by hand', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const { id } = await t.database.transaction((tx) => post(tx, transfer(`hand-${cid}`, cid, '1.00'), poster));
    const [account] = await t.database.sql<{ id: string }[]>`select id from ledger_accounts where code = 'cash' and currency = 'USD'`;
    await expect(
      t.database.sql`insert into journal_lines (entry_id, account_id, currency, amount, effective_date) values (${id}, ${account!.id}, 'USD', 5, '2026-01-01')`,
    ).rejects.toThrow(/not balanced in USD/);
    await expect(
      t.database.sql`insert into journal_lines (entry_id, account_id, currency, amount, effective_date)
                     values (${id}, ${account!.id}, 'EUR', 5, '2026-01-01'), (${id}, ${account!.id}, 'EUR', -5, '2026-01-01')`,
    ).rejects.toThrow(/EUR line on a USD account/);
  });
});

describe('references, checked per statement', () => {
  it('refuses lines without an entry or an account, entries naming no client, and deletes of what the ledger refers to', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const { id } = await t.database.transaction((tx) => post(tx, transfer(`refs-${cid}`, cid, '2.00'), poster));
    const [cash] = await t.database.sql<{ id: string }[]>`select id from ledger_accounts where code = 'cash' and currency = 'USD'`;
    await expect(
      t.database.sql`insert into journal_lines (entry_id, account_id, currency, amount, effective_date)
                     values (999999999, ${cash!.id}, 'USD', 5, '2026-01-01'), (999999999, ${cash!.id}, 'USD', -5, '2026-01-01')`,
    ).rejects.toThrow(/refers to no journal entry/);
    await expect(
      t.database.sql`insert into journal_lines (entry_id, account_id, currency, amount, effective_date)
                     values (${id}, 999999999, 'USD', 5, '2026-01-01'), (${id}, 999999999, 'USD', -5, '2026-01-01')`,
    ).rejects.toThrow(/refers to no ledger account/);
    await expect(
      t.database
        .sql`insert into journal_entries (effective_date, kind, idempotency_key, client_id, posted_by) values ('2026-01-01', 'x', ${`orphan-${cid}`}, 999999999, 'test')`,
    ).rejects.toThrow(/refers to no client/);
    await expect(t.database.sql`delete from ledger_accounts where id = ${cash!.id}`).rejects.toThrow(/permission denied for table ledger_accounts/);
    await expect(asOwner(t, (sql) => sql`delete from ledger_accounts where id = ${cash!.id}`)).rejects.toThrow(/DELETE on ledger_accounts is not allowed/);
    await expect(asOwner(t, (sql) => sql`delete from clients where id = ${cid}`)).rejects.toThrow(/DELETE on clients is not allowed/);
  });
});

describe('concurrency', () => {
  it('loses nothing when two processes post against the same accounts at once', async () => {
    const client = await aClient(t.database, team);
    const cid = Number(client.id);
    const before = await currentBalances(t.database, { clientId: cid });
    expect(before.length).toBe(0);
    const script = path.resolve(import.meta.dirname, '../support/post-many.ts');
    const run = (worker: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, t.appUrl, String(cid), worker, '150'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker ${worker} exited ${code}: ${err}`))));
      });
    const outputs = await Promise.all([run('a'), run('b')]);
    expect(outputs.every((o) => o.includes('posted 150'))).toBe(true);
    // 2 × 150 entries of 1.01 to client_due (and 0.50 more fee each) against shared accounts.
    const after = await currentBalances(t.database, { clientId: cid });
    const due = after.find((b) => b.account === 'client_due')!;
    const reserve = after.find((b) => b.account === 'reserve')!;
    expect(usd(due.balance)).toBe('453.00');
    expect(usd(reserve.balance)).toBe('150.00');
    const [sum] = await t.database.sql<{ total: string }[]>`
      select sum(l.amount) as total from journal_lines l join ledger_accounts a on a.id = l.account_id
       where a.client_id = ${cid} and a.code = 'client_due'`;
    expect(usd(new Big(sum!.total))).toBe('453.00');
    const [mismatch] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from ledger_accounts a
       where a.balance <> coalesce((select sum(amount) from journal_lines l where l.account_id = a.id), 0)`;
    expect(mismatch!.n).toBe(0);
  });
});
