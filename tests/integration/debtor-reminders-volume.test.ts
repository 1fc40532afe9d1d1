import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { systemActor } from '../../lib/auth/actor';
import { statementSendsForDebtor, statementSendsForInvoice } from '../../lib/debtor-statements/log';
import { reminderWindows } from '../../lib/debtor-statements/model';
import { runDebtorReminders } from '../../lib/debtor-statements/reminders';
import { updateRemittance } from '../../lib/debtor-statements/settings';
import { debtorStatementPdf } from '../../lib/debtor-statements/statement';
import { aUser } from '../support/builders';
import type { TestDatabase } from '../support/db';
import { VOLUME_AS_OF, VOLUME_INVOICES, createVolumeDatabase } from '../support/volume';

/**
 * Issue 15, item 4 at volume: on the run's 100,000-invoice database (tests/support/volume.ts), the
 * daily reminder run — every debtor with an AP contact — and the statement, the debtor's and the
 * invoice's logs read invoices, the sends' lines and the outbox only through indexes: every read
 * statement they send is recorded from the wire and EXPLAINed (as tests/integration/query-plans.test.ts
 * does); a sequential scan of a table that grows with the portfolio fails the test. Plans, not
 * timings. The run sends each invoice and step once: a second run the same day sends nothing.
 */
/** settled invoices of the two years before the portfolio (below) */
const HISTORY = 200_000;
const GROWING = ['invoices', 'journal_lines', 'debtor_statement_lines', 'debtor_statement_sends', 'email_outbox'];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

let t: TestDatabase;
let setup: Database;
let admin: Actor;

beforeAll(async () => {
  t = await createVolumeDatabase();
  setup = createDatabase(t.url, { max: 2 });
  admin = await aUser(setup, 'admin');
  await setup.sql`update debtors set ap_email = 'ap-' || id || '@volume.test'`;
  await setup.transaction((tx) => updateRemittance(tx, { payee: 'Volume Factors LLC', routing: '021000021', account: '123456789' }, admin));
  // History: three reminder steps already sent for every invoice (steps outside the ones in use),
  // so the sends' lines outnumber a day's candidates as they will in production.
  for (const step of [900, 901, 902]) {
    await setup.sql`
      with send as (
        insert into debtor_statement_sends (debtor_id, kind, step, as_of, "to", document, sent_by_label)
        values ((select min(id) from debtors), 'reminder', ${step}, '2025-01-01', 'old@volume.test', '{}'::jsonb, 'history') returning id)
      insert into debtor_statement_lines (send_id, invoice_id, step, currency, face_value, open_amount)
      select send.id, i.id, ${step}, i.currency, i.face_value, i.face_value from send cross join invoices i where i.status = 'funded'`;
  }
  // Two years of settled invoices before the portfolio (the volume database funds everything within
  // 100 days, so a day's windows would hold a fifth of all invoices and a pass over them would be the
  // planner's right choice): the windows are then the small share of the portfolio they are in a book
  // of a million invoices, and must be read through invoices_due_date_idx.
  await setup.sql`
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status, funding_date, settled_date,
                          advance, reserve, fees, outstanding, verified_at, agreement_id)
    select i.client_id, i.debtor_id, 'H-' || g || '-' || i.id, 'USD', i.face_value, x.d - 45, x.d, 'settled', x.d - 44, x.d,
           i.advance, i.reserve, 0, 0, now(), i.agreement_id
      from generate_series(1, ${HISTORY}) g
      join lateral (select * from invoices where id = (select min(id) from invoices) + (g % ${VOLUME_INVOICES})) i on true
     cross join lateral (select '2024-01-01'::date + (g % 700) as d) x`;
  await setup.sql`vacuum analyze`;
}, 900_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

/** Runs `fn` on a connection of its own (the app role), answering what it sent that reads. */
async function recorded(fn: (db: Database) => Promise<unknown>): Promise<{ query: string; params: unknown[] }[]> {
  const sent: { query: string; params: unknown[] }[] = [];
  const recorder = createDatabase(t.appUrl, { max: 1, debug: (_c, query, params) => void sent.push({ query, params: params as unknown[] }) });
  try {
    await fn(recorder);
  } finally {
    await recorder.close();
  }
  // reads only (the COPY scratch table of the outbox lives in the run's own session)
  return sent.filter((s) => /^\s*(select|with)\b/i.test(s.query) && !/outbox_in|pg_advisory/.test(s.query));
}

async function scans(reads: { query: string; params: unknown[] }[]): Promise<{ failures: string[]; used: string[] }> {
  const failures: string[] = [];
  const used: string[] = [];
  for (const s of reads) {
    const [row] = await setup.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${s.query}`, s.params as never[]);
    for (const n of nodesOf(row!['QUERY PLAN'][0].Plan)) {
      if (n['Node Type'] === 'Seq Scan' && GROWING.includes(n['Relation Name'] ?? ''))
        failures.push(`Seq Scan on ${n['Relation Name']} in: ${s.query.replace(/\s+/g, ' ').trim().slice(0, 160)}…`);
      if (n['Index Name']) used.push(n['Index Name']);
    }
  }
  return { failures, used };
}

describe(`debtor reminders and statements at ${VOLUME_INVOICES.toLocaleString('en-US')} invoices`, () => {
  it('the daily run reads the due-date windows through the index, sends each invoice and step once, and a rerun sends nothing', async () => {
    const asOf = VOLUME_AS_OF;
    const [{ expected }] = await setup.sql<[{ expected: number }]>`
      select count(*)::int as expected
        from unnest(${reminderWindows(asOf, [-7, 0, 15, 30]).map((w) => w.dueFrom)}::date[], ${reminderWindows(asOf, [-7, 0, 15, 30]).map((w) => w.dueTo)}::date[]) w(f, t)
        join invoices i on i.due_date between w.f and w.t
       where i.status = 'funded'`;
    expect(expected).toBeGreaterThan(1_000);

    let result: Awaited<ReturnType<typeof runDebtorReminders>> | undefined;
    const reads = await recorded(async (db) => {
      result = await runDebtorReminders(db, { asOf, by: systemActor('job:debtor-reminders') });
    });
    expect(result).toMatchObject({ asOf, reminders: expect.any(Number), invoices: expected, withoutContact: { debtors: 0, invoices: 0 } });
    // (the generated portfolio gives each debtor one funding day, so most debtors reach one step)
    expect(result!.reminders).toBeGreaterThanOrEqual(result!.debtors);
    expect(result!.debtors).toBeGreaterThan(100);
    const { failures, used } = await scans(reads);
    expect(failures).toEqual([]);
    expect(used).toContain('invoices_due_date_idx');
    expect((await setup.sql<{ n: number }[]>`select count(*)::int as n from debtor_statement_lines where step < 900`)[0]!.n).toBe(expected);
    expect((await setup.sql<{ n: number }[]>`select count(*)::int as n from email_outbox where template = 'debtor_statement'`)[0]!.n).toBe(result!.reminders);

    const rerun = await runDebtorReminders(setup, { asOf, by: systemActor('job:debtor-reminders') });
    expect(rerun).toMatchObject({ reminders: 0, invoices: 0 });
    expect((await setup.sql<{ n: number }[]>`select count(*)::int as n from debtor_statement_lines where step < 900`)[0]!.n).toBe(expected);
  });

  it("a debtor's statement, the debtor's and the invoice's logs read through indexes", async () => {
    const controller = await aUser(setup, 'controller');
    // a year of history: the sends and the outbox as large as the invoices (one day's run is small enough to scan)
    await setup.sql`
      insert into debtor_statement_sends (debtor_id, kind, as_of, "to", document, sent_by_label)
      select d.id, 'statement', '2025-01-01', 'old@volume.test', '{}'::jsonb, 'history'
        from generate_series(1, 200) g cross join debtors d`;
    await setup.sql`
      insert into email_outbox (dedupe_key, "to", subject, template, html, text, status, sent_at)
      select 'history:' || g, 'old@volume.test', 'old', 'test_message', '', '', 'sent', now() from generate_series(1, 100000) g`;
    await setup.sql`analyze debtor_statement_sends`;
    await setup.sql`analyze email_outbox`;
    const [pick] = await setup.sql<{ debtor_id: string; invoice_id: string }[]>`
      select l.invoice_id::text, s.debtor_id::text from debtor_statement_lines l join debtor_statement_sends s on s.id = l.send_id
       where l.step < 900 order by l.send_id limit 1`;
    const reads = await recorded(async (db) => {
      const pdf = await debtorStatementPdf(db, Number(pick!.debtor_id), controller, { asOf: VOLUME_AS_OF });
      expect(pdf.pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(await statementSendsForDebtor(db.sql, Number(pick!.debtor_id), controller)).not.toEqual([]);
      // the day's reminder and the three of history
      expect(await statementSendsForInvoice(db.sql, Number(pick!.invoice_id), controller)).toHaveLength(4);
    });
    const { failures } = await scans(reads);
    expect(failures).toEqual([]);
  });
});
