import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/client';
import { addDays } from '../../lib/dates';
import { glExportCsv } from '../../lib/reports/gl-export';
import { loanTapeBatch } from '../../lib/reports/month-end/loan-tape';
import { parseMonthEndParams } from '../../lib/reports/month-end/params';
import { fundsEmployedReport, ineligiblesReport, trendsReport } from '../../lib/reports/month-end/reports';
import type { TestDatabase } from '../support/db';
import { VOLUME_AS_OF, createVolumeDatabase } from '../support/volume';

/**
 * Issue 16 item 6: the month-end reports' statements on the run's 100,000-invoice database
 * (tests/support/volume.ts), recorded from the wire and EXPLAINed like tests/integration/
 * query-plans.test.ts: journal_lines is never read whole (its (account, date) and invoice indexes
 * only), and a loan tape batch reads invoices by their primary key. The ineligibles' open set
 * reads the open invoices through their partial index (the report is about every open invoice).
 * The GL export's detail (lib/reports/gl-export.ts) for a month: lines per account, entries by key.
 */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

let t: TestDatabase;
let setup: Database;

beforeAll(async () => {
  t = await createVolumeDatabase();
  setup = createDatabase(t.url, { max: 2 });
  await setup.sql`vacuum analyze`;
}, 900_000);

afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

async function plans(run: (db: Database) => Promise<unknown>): Promise<{ statement: string; nodes: PlanNode[] }[]> {
  const sent: { query: string; params: unknown[] }[] = [];
  const recorder = createDatabase(t.appUrl, { max: 1, debug: (_c, query, params) => void sent.push({ query, params: params as unknown[] }) });
  try {
    await run(recorder);
  } finally {
    await recorder.close();
  }
  const out: { statement: string; nodes: PlanNode[] }[] = [];
  for (const s of sent.filter((x) => /^\s*(select|with)\b/i.test(x.query))) {
    const [row] = await setup.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${s.query}`, s.params as never[]);
    out.push({ statement: s.query.replace(/\s+/g, ' ').trim().slice(0, 120), nodes: nodesOf(row!['QUERY PLAN'][0].Plan) });
  }
  return out;
}

const seqScans = (p: { statement: string; nodes: PlanNode[] }[], table: string) =>
  p.flatMap((x) =>
    x.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table).map((n) => `${table} (${n['Plan Rows']} rows) in ${x.statement}`),
  );

const describePlans = (p: { statement: string; nodes: PlanNode[] }[]) =>
  p
    .map(
      (x) =>
        `${x.statement.slice(0, 70)}… ${x.nodes
          .filter((n) => n['Relation Name'])
          .map((n) => `${n['Node Type']} ${n['Relation Name']}${n['Index Name'] ? ` (${n['Index Name']})` : ''}`)
          .join(', ')}`,
    )
    .join('\n');

describe('the month-end reports at 100,000 invoices', () => {
  const p = parseMonthEndParams(new URLSearchParams({ asOf: addDays(VOLUME_AS_OF, -10), from: '2026-01', to: '2026-04' }), VOLUME_AS_OF);

  it('net funds employed and the ineligibles read journal lines through indexes only', async () => {
    const fe = await plans((db) => fundsEmployedReport(db.sql, p));
    const inel = await plans((db) => ineligiblesReport(db.sql, p));
    console.log(`[month-end plans]\n${describePlans([...fe, ...inel])}`);
    expect(seqScans([...fe, ...inel], 'journal_lines')).toEqual([]);
    expect(seqScans(fe, 'invoices')).toEqual([]);
  });

  it('the trends read journal lines through the (account, date) index', async () => {
    const tr = await plans((db) => trendsReport(db.sql, p));
    console.log(`[month-end plans]\n${describePlans(tr)}`);
    expect(seqScans(tr, 'journal_lines')).toEqual([]);
  });

  it('a loan tape batch reads invoices by primary key and journal lines by the invoice index', async () => {
    const tape = await plans((db) => loanTapeBatch(db.sql, p.asOf, '50000', 2000));
    console.log(`[month-end plans]\n${describePlans(tape)}`);
    expect(seqScans(tape, 'journal_lines')).toEqual([]);
    expect(seqScans(tape, 'invoices')).toEqual([]);
  });

  it('the GL export in detail for one month reads journal lines per account by the (account, date) index and entries by key', async () => {
    // a month is a third of this 100-day ledger: flattened, the lateral was a parallel seq scan of journal_lines and journal_entries
    const gl = await plans(async (db) => {
      const stream = await glExportCsv(db.sql, { from: '2026-03-01', to: '2026-03-31', mode: 'detail' });
      const reader = stream.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value).startsWith('Entry id,Date,Kind')).toBe(true);
      await reader.cancel();
    });
    console.log(`[month-end plans]\n${describePlans(gl)}`);
    const detail = gl.filter((x) => x.nodes.some((n) => n['Relation Name'] === 'journal_lines'));
    expect(detail).toHaveLength(1);
    expect(seqScans(gl, 'journal_lines')).toEqual([]);
    expect(seqScans(gl, 'journal_entries')).toEqual([]);
    expect(detail[0]!.nodes.map((n) => n['Index Name'])).toEqual(expect.arrayContaining(['journal_lines_account_date_idx', 'journal_entries_pkey']));
  });
});
