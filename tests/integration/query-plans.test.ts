import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { openDispute } from '../../lib/collections/disputes';
import { foldRollups } from '../../lib/reports/rollups';
import { receivePayment } from '../../lib/collections/payments';
import { issueStatement } from '../../lib/statements';
import { aUser } from '../support/builders';
import type { TestDatabase } from '../support/db';
import { SCREEN_LOADERS, type LoaderContext } from '../support/screen-loaders';
import { VOLUME_AS_OF, createVolumeDatabase } from '../support/volume';

/**
 * Issue 13 "Must show": on the run's 100,000-invoice database with days of accrual
 * (tests/support/volume.ts), every statement each screen's loader sends (tests/support/
 * screen-loaders.ts: the same lib calls the pages make) is recorded from the wire (postgres.js
 * `debug` on a dedicated connection: its text and parameters) and EXPLAINed (FORMAT JSON, the same
 * parameters). A sequential scan of journal_lines or invoices — tables that grow with history and
 * the portfolio — fails the test, naming the screen and the statement. Plans, not timings: a busy
 * CI machine cannot fail it, a missing index or a query that reads everything always does.
 */
const GROWING = ['journal_lines', 'invoices'];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

let t: TestDatabase;
let setup: Database;
let context: LoaderContext;

beforeAll(async () => {
  t = await createVolumeDatabase();
  setup = createDatabase(t.url, { max: 2 });
  const roles = ['admin', 'underwriter', 'funding', 'collections', 'controller', 'auditor'] as const;
  const staff = new Map<string, Actor>();
  for (const role of roles) staff.set(role, await aUser(setup, role));
  // A client with open and settled invoices, a debtor of several clients, an open invoice.
  const [pick] = await setup.sql<{ client_id: string; debtor_id: string; invoice_id: string }[]>`
    select i.client_id, i.debtor_id, i.id as invoice_id from invoices i
     where i.status = 'funded' and exists (select 1 from invoices s where s.client_id = i.client_id and s.status = 'settled')
     order by i.id limit 1`;
  const clientId = Number(pick!.client_id);
  const clientUser = await aUser(setup, 'client', { clientId });
  // What the inbox, disputes and statements screens show: unapplied payments, an open dispute, a stored statement.
  const collections = staff.get('collections')!;
  for (let i = 0; i < 5; i++) {
    await setup.transaction((tx) =>
      receivePayment(
        tx,
        { amount: `${1234 + i}.56`, currency: 'USD', receivedDate: '2026-04-15', payerName: `Payer ${i}`, reference: `Remittance ${i}` },
        collections,
      ),
    );
  }
  await setup.transaction((tx) => openDispute(tx, Number(pick!.invoice_id), { amount: '100.00', reason: 'Short shipment' }, collections));
  await issueStatement(setup, { clientId, from: '2026-03-01', to: '2026-03-31' }, staff.get('controller')!, { today: VOLUME_AS_OF });
  // the rollups job's fold as of the screens' date: Reports' period ranked (migration 0043), so its ranked page is planned too
  await foldRollups(setup, { today: VOLUME_AS_OF });
  await setup.sql`vacuum analyze`;
  context = {
    asOf: VOLUME_AS_OF,
    as: (role) => staff.get(role)!,
    clientUser,
    clientId,
    debtorId: Number(pick!.debtor_id),
    invoiceId: Number(pick!.invoice_id),
  };
}, 900_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

describe('the screens at 100,000 invoices', () => {
  it('read journal lines and invoices only through indexes: no sequential scan of either, on any screen', async () => {
    const failures: string[] = [];
    const known: string[] = [];
    const report: string[] = [];
    for (const loader of SCREEN_LOADERS) {
      const sent: { query: string; params: unknown[] }[] = [];
      // A connection of its own, as the app role (what the web server connects as), recording what goes on the wire.
      const recorder = createDatabase(t.appUrl, { max: 1, debug: (_c, query, params) => void sent.push({ query, params: params as unknown[] }) });
      try {
        await loader.run(recorder, context);
      } finally {
        await recorder.close();
      }
      const reads = sent.filter((s) => /^\s*(select|with)\b/i.test(s.query));
      const knownSeen = new Set<number>();
      expect(reads.length, `${loader.screen} sends no query?`).toBeGreaterThan(0);
      for (const s of reads) {
        const [row] = await setup.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${s.query}`, s.params as never[]);
        const nodes = nodesOf(row!['QUERY PLAN'][0].Plan);
        const statement = s.query.replace(/\s+/g, ' ').trim().slice(0, 140);
        for (const n of nodes) {
          if (n['Node Type'] === 'Seq Scan' && GROWING.includes(n['Relation Name'] ?? '')) {
            const k = (loader.knownScans ?? []).findIndex((x) => x.statement.test(s.query));
            const what = `${loader.screen} (${loader.source}): Seq Scan on ${n['Relation Name']} (about ${n['Plan Rows']} rows) in: ${statement}…`;
            if (k >= 0) {
              knownSeen.add(k);
              known.push(`${what}\n      known: ${loader.knownScans![k]!.why}`);
            } else failures.push(what);
          }
        }
        const touched = nodes.filter((n) => GROWING.includes(n['Relation Name'] ?? '')).map((n) => `${n['Node Type']} on ${n['Relation Name']}`);
        report.push(`  ${loader.screen.padEnd(36)} ${touched.length ? touched.join(', ') : '—'}   ${statement.slice(0, 60)}…`);
      }
      (loader.knownScans ?? []).forEach((k, i) => {
        if (!knownSeen.has(i))
          failures.push(`${loader.screen}: the known scan ${k.statement} no longer happens — remove it from tests/support/screen-loaders.ts (${k.why})`);
      });
    }
    if (known.length > 0) console.log(`[query plans] KNOWN sequential scans, each to be removed by its owner:\n  ${known.join('\n  ')}`);
    console.log(`[query plans] every read statement of every screen, and how it reaches journal_lines / invoices:\n${report.join('\n')}`);
    expect(failures).toEqual([]);
  });
});
