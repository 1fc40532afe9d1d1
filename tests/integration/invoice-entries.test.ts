import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db/client';
import { fundBatch } from '../../lib/funding';
import { entriesForInvoice } from '../../lib/ledger';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13 (the console bench at 1,000,000 invoices): an invoice's page read every line of the
 * funding batch's purchase entry it belongs to (one entry for the whole batch: 40,000 lines for
 * 10,000 invoices) and kept the invoice's four — 0.9 s for one invoice page at volume. Its own
 * lines of a shared entry come through the invoice index now.
 */
let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('an invoice in a funding batch', () => {
  it('shows its own lines of the batch entry, reading only those (not the batch’s other invoices’ lines)', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoices: Awaited<ReturnType<typeof anInvoice>>[] = [];
    for (let i = 0; i < 60; i++) invoices.push(await anInvoice(t.database, team, { client, debtor, faceValue: `${1000 + i}.00` }));
    await t.database.transaction((tx) =>
      fundBatch(tx, { clientId: client.id, invoiceIds: invoices.map((i) => i.id), fundingDate: '2026-01-05' }, team.funding),
    );
    const [batchLines] = await t.admin.sql<{ n: number }[]>`
      select count(*)::int as n from journal_lines l join journal_entries e on e.id = l.entry_id where e.kind = 'funding' and e.client_id = ${client.id}`;
    expect(batchLines!.n).toBeGreaterThanOrEqual(60 * 3);

    const target = Number(invoices[17]!.id);
    const sent: { query: string; params: unknown[] }[] = [];
    const recorder = createDatabase(t.appUrl, { max: 1, debug: (_c, query, params) => void sent.push({ query, params: params as unknown[] }) });
    let entries;
    try {
      entries = await entriesForInvoice(recorder, target);
    } finally {
      await recorder.close();
    }
    // What it shows: the purchase entry with this invoice's lines only, balanced (receivable = reserve + advance + fees).
    const purchase = entries.find((e) => e.kind === 'funding')!;
    expect(purchase.lines.length).toBeGreaterThan(0);
    expect(purchase.lines.every((l) => l.invoiceId === target)).toBe(true);
    expect(purchase.lines.reduce((s, l) => s.plus(l.amount), purchase.lines[0]!.amount.times(0)).toFixed(2)).toBe('0.00');
    expect(purchase.lines.find((l) => l.account === 'receivable')!.amount.toFixed(2)).toBe('1017.00');

    // What it reads: every journal_lines row the lines statement touches (returned, filtered out or rechecked).
    const linesStatement = sent.find((s) => /from journal_lines l/.test(s.query) && /ledger_accounts/.test(s.query));
    expect(linesStatement, 'the statement that reads the entries’ lines').toBeDefined();
    // A few hundred lines fit in a page or two, where reading them all is the cheapest plan; at volume
    // it is not: plan it as a ledger of millions of lines would be (no sequential scans).
    const row = await t.admin.transaction(async (tx) => {
      await tx.sql`set local enable_seqscan = off`;
      const [r] = await tx.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `explain (analyze, format json) ${linesStatement!.query}`,
        linesStatement!.params as never[],
      );
      return r;
    });
    const touched = nodesOf(row!['QUERY PLAN'][0].Plan)
      .filter((n) => n['Relation Name'] === 'journal_lines')
      .reduce(
        (sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0),
        0,
      );
    expect(touched, `journal lines read for one invoice of a ${batchLines!.n}-line batch entry`).toBeLessThan(20);
  });
});
