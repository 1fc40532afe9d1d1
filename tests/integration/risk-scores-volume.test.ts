import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../lib/auth/actor';
import { gatherRiskInputs, runRiskScores } from '../../lib/risk/run';
import type { TestDatabase } from '../support/db';
import { createVolumeDatabase, VOLUME_AS_OF, VOLUME_INVOICES } from '../support/volume';

/**
 * Issue 16: the risk-scores job at volume — the suite's shared volume portfolio (100,000 invoices of
 * 1,000 clients, tests/support/volume.ts), scored the day after it was generated. The nightly run
 * gathers every client's inputs in one statement (one pass over the portfolio); a few clients'
 * inputs (a retry's) are read through their index ranges only (EXPLAIN: no sequential scan of
 * invoices or journal_lines).
 */
const AS_OF = VOLUME_AS_OF;
let t: TestDatabase;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

beforeAll(async () => {
  t = await createVolumeDatabase();
}, 900_000);
afterAll(async () => {
  await t?.drop();
});

describe(`risk scores at ${VOLUME_INVOICES.toLocaleString('en-US')} invoices`, () => {
  it("gathers a few clients' inputs through the invoices' indexes, and scores every client once", async () => {
    const ids = (await t.database.sql<{ id: string }[]>`select id from clients order by id limit 5`).map((r) => Number(r.id));
    // EXPLAIN the very statement gatherRiskInputs sends (its text and parameters)
    const plans: PlanNode[] = [];
    const explaining = Object.assign(
      (strings: TemplateStringsArray, ...values: unknown[]) => {
        // the fragments inside the statement stay fragments; the statement itself is EXPLAINed
        if (!strings[0]!.trimStart().startsWith('select')) return t.database.sql(strings, ...(values as never[]));
        const text = ['explain (format json) ' + strings[0], ...strings.slice(1)];
        return (async () => {
          const rows = (await t.database.sql(Object.assign(text, { raw: text }) as unknown as TemplateStringsArray, ...(values as never[]))) as unknown as {
            'QUERY PLAN': { Plan: PlanNode }[];
          }[];
          plans.push(rows[0]!['QUERY PLAN'][0]!.Plan);
          return [];
        })();
      },
      { unsafe: t.database.sql.unsafe },
    );
    await gatherRiskInputs(explaining as never, ids, AS_OF, 180);
    expect(plans).toHaveLength(5);
    const scans = plans.flatMap(nodesOf).filter((n) => n['Node Type'] === 'Seq Scan' && ['invoices', 'journal_lines'].includes(n['Relation Name'] ?? ''));
    if (scans.length > 0) console.log(JSON.stringify(scans, null, 1).slice(0, 3000));
    expect(scans).toEqual([]);

    const started = performance.now();
    const result = await runRiskScores(t.database, { asOf: AS_OF, by: systemActor('job:risk-scores') });
    const seconds = (performance.now() - started) / 1000;
    console.log(`[risk-scores] ${result.scored} clients scored in ${seconds.toFixed(1)} s`);
    const [clients] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from clients`;
    expect(clients!.n).toBe(1_000);
    expect(result).toMatchObject({ scored: 1_000 });
    const [row] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from client_risk_scores where as_of = ${AS_OF}`;
    expect(row!.n).toBe(1_000);
    expect(await runRiskScores(t.database, { asOf: AS_OF, by: systemActor('job:risk-scores') })).toMatchObject({ scored: 0 });
  }, 300_000);
});
