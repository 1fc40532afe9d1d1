import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeDetectionSql, openFlagsSql } from '../../lib/intake/flags';
import { pairLimitsFor } from '../../lib/intake/pair-limits';
import { aClient, aTeam } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 16 item 5 at volume: the intake flag detection (one statement for a whole import or
 * batch) and the pair-limit look-up are index-backed — EXPLAINed on 100,000 invoices of 2,000
 * debtors, no sequential scan of invoices (the plans, not timings: see query-plans.test.ts).
 */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
const INVOICES = 100_000;

let t: TestDatabase;
const clientIds: number[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  const team = await aTeam(t.database);
  for (let i = 0; i < 4; i++) clientIds.push(Number((await aClient(t.database, team)).id));
  await t.database.sql`insert into debtors (name, credit_limit) select 'Volume debtor ' || g, 1000000 from generate_series(1, 2000) g`;
  await t.database.sql`
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status)
    select (${clientIds}::bigint[])[1 + g % 4], d.first + g % 2000, 'V-' || g, 'USD', 100 + (g % 5000), date '2026-01-01' + (g % 200), date '2026-03-01' + (g % 200),
           case when g % 3 = 0 then 'funded' else 'verified' end
      from generate_series(1, ${INVOICES}) g, (select min(id) as first from debtors where name like 'Volume debtor %') d`;
  await t.database.sql`analyze invoices`;
  await t.database.sql`analyze debtors`;
}, 300_000);

afterAll(async () => {
  await t?.drop();
});

async function plan(statement: ReturnType<typeof intakeDetectionSql> | ReturnType<typeof openFlagsSql>): Promise<PlanNode[]> {
  const [row] = await t.database.sql<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>`explain (format json) ${statement}`;
  return nodesOf(row!['QUERY PLAN'][0]!.Plan);
}

describe('intake flag detection at volume', () => {
  it('finds the flags of 1,000 invoices (an import) without a sequential scan of invoices', async () => {
    const ids = (await t.database.sql<{ id: string }[]>`select id from invoices order by id desc limit 1000`).map((r) => Number(r.id));
    for (const at of [{ at: 'entry' as const }, { at: 'funding' as const, fundingDate: '2026-04-01' }]) {
      const nodes = await plan(intakeDetectionSql(t.database, ids, at, '2026-11-30'));
      const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'invoices');
      expect(seq.length, JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]))).toBe(0);
      const indexes = new Set(nodes.map((n) => n['Index Name']).filter(Boolean));
      expect([...indexes]).toEqual(expect.arrayContaining(['invoices_debtor_issue_idx', 'invoices_number_sort_idx']));
    }
  });

  it('and the answer is right: the twin of an existing invoice under another client is found', async () => {
    const [orig] = await t.database.sql<{ id: string; debtor_id: string; face_value: string; issue_date: string }[]>`
      select id, debtor_id, face_value, issue_date from invoices order by id limit 1`;
    const [twin] = await t.database.sql<{ id: string }[]>`
      insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date)
      values (${clientIds[3]!}, ${orig!.debtor_id}, 'TWIN-1', 'USD', ${orig!.face_value}, ${orig!.issue_date}, '2026-12-31') returning id`;
    const found = await t.database.sql<{ kind: string }[]>`${intakeDetectionSql(t.database, [Number(twin!.id)], { at: 'entry' }, '2026-11-30')}`;
    expect(found.map((f) => f.kind)).toContain('duplicate_amount_date');
  });

  it('the funding builder reads the open flags of 1,000 listed invoices through invoice_flags_open_idx, not a scan', async () => {
    // every other invoice flagged, a third of those cleared
    const [someone] = await t.database.sql<{ id: string }[]>`select id from users order by id limit 1`;
    await t.database.sql`
      insert into invoice_flags (invoice_id, kind, detail, cleared_by, cleared_at, cleared_reason)
      select i.id, 'new_debtor', 'volume', c.by, c.at, c.why
        from invoices i
        cross join lateral (select case when i.id % 3 = 0 then ${someone!.id}::bigint end as by, case when i.id % 3 = 0 then now() end as at,
                                   case when i.id % 3 = 0 then 'checked' end as why) c
       where i.id % 2 = 0
      on conflict do nothing`;
    await t.database.sql`analyze invoice_flags`;
    const ids = (await t.database.sql<{ id: string }[]>`select id from invoices where status = 'verified' order by id limit 1000`).map((r) => Number(r.id));
    const nodes = await plan(openFlagsSql(t.database, ids));
    const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && (n['Relation Name'] === 'invoices' || n['Relation Name'] === 'invoice_flags'));
    expect(seq.length, JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]))).toBe(0);
    expect(nodes.map((n) => n['Index Name'])).toContain('invoice_flags_open_idx');
    const open = await openFlagsSql(t.database, ids);
    expect(open.length).toBe(ids.filter((id) => id % 2 === 0 && id % 3 !== 0).length);
  });

  it('the pair-limit look-up reads the limits through their index', async () => {
    const limits = await pairLimitsFor(t.database, clientIds[0]!, ['1', '2'], 'USD', '2026-04-01');
    expect(limits.get('1')).toEqual({ limit: null, override: null });
  });
});
