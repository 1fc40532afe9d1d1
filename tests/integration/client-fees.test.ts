import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { todayIn } from '../../lib/dates';
import { runAccrual } from '../../lib/fees/accrual';
import { CLIENT_FEE_WORDS, clientFeeFigures } from '../../lib/fees/client-fees';
import { displayMoney } from '../../lib/money';
import { loadAdvice } from '../../lib/portal/advice';
import { approveRelease, reserveReport, runReleaseCycle } from '../../lib/releases';
import { composeStatement, issueStatement } from '../../lib/statements';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 14 item 6, "one story for the client": the portal, the statement PDF, the console's
 * client page and GET /clients/{id}/reserve name the same two fee figures with the same amounts.
 *
 * One client on a 10% rolling reserve, 0.12 a year (actual/360) on face:
 *  - A, 10,000.00 funded 2026-09-01; its tranche (1,000.00) is released on 2026-09-12; paid on
 *    2026-10-11, 40 days: fee 10,000 × 0.12 × 40 / 360 = 133.33, and nothing left in its
 *    reserve to take it from → Fees due 133.33.
 *  - B, 30,000.00 funded 2026-10-01, still open; accrued through 2026-10-31 (30 days):
 *    30,000 × 0.12 × 30 / 360 = 300.00 → Fees accrued on open invoices 300.00.
 * Nothing is posted after 2026-10-31, so the October statement's figures are today's.
 */
const ROLLING = {
  advanceRate: '0.90',
  reserveRate: '0.10',
  fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
  reservePolicy: { kind: 'rolling', holdDays: 10 },
  releaseAutoApproveUpTo: '100000.00',
} as const;
const ACCRUED_ON_OPEN = '300.00';
const DUE = '133.33';

let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;
const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-fees-'));

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  process.env.DATABASE_URL = t.url; // the route handler uses the process-wide pool
});
afterAll(async () => {
  await closeDatabase();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  rmSync(scratch, { recursive: true, force: true });
  await t?.drop();
});

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

function pdfText(pdf: Buffer): string {
  const file = path.join(scratch, 'statement.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('the two fee figures', () => {
  it('are the same, to the cent, on the portal, the statement PDF, the client page and the reserve API', async () => {
    const client = await aClient(t.database, team, { name: 'Fees Everywhere', agreement: ROLLING as never });
    const clientId = Number(client.id);
    const debtor = await aDebtor(t.database, team);
    const a = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-09-01' });
    const run = await runReleaseCycle(t.database, { asOf: '2026-09-12', clientIds: [client.id] }, team.controller);
    expect(run.releases).toEqual([expect.objectContaining({ amount: '1000.00' })]);
    await aFundedInvoice(t.database, team, { client, debtor, faceValue: '30000.00', fundingDate: '2026-10-01' });
    const p = await tx((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-10-11' }, team.collections));
    await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: a.id, amount: '10000.00' }] }, team.collections));
    await runAccrual(t.database, { asOf: '2026-10-31', by: systemActor('test'), clientIds: [clientId] });
    const [receivable] = await t.database.sql<{ balance: string }[]>`
      select balance::numeric(20, 2)::text as balance from ledger_accounts where client_id = ${clientId} and code = 'fees_receivable'`;
    expect(receivable!.balance).toBe('433.33'); // both figures together: the fees_receivable account

    const today = todayIn();
    const expected = { accruedOnOpen: ACCRUED_ON_OPEN, due: DUE };

    // The portal (app/(portal)/portal/page.tsx): reserveReport as of today, as the client user.
    const clientUser = await aUser(t.database, 'client', { clientId });
    const portal = (await reserveReport(t.database, clientId, today, clientUser)).balances;
    expect(portal).toHaveLength(1);
    expect({ accruedOnOpen: portal[0]!.feesAccruedOnOpen, due: portal[0]!.feesDue }).toEqual(expected);
    // what a cycle would release already deducts the Fees due, in the same words
    expect(portal[0]!.breakdown).toContainEqual(expect.objectContaining({ kind: 'offset', label: CLIENT_FEE_WORDS.due, amount: `-${DUE}` }));

    // The console's client page (app/(console)/clients/[id]/page.tsx): its loader, as an underwriter.
    expect(await clientFeeFigures(t.database, clientId, team.underwriter, today)).toEqual([{ currency: 'USD', ...expected }]);

    // GET /api/v1/clients/{id}/reserve (a staff key), as of today.
    const key = (await tx((x) => createApiKey(x, team.controller.userId!, 'test', team.controller))).key;
    const { GET } = await import('../../app/api/v1/clients/[id]/reserve/route');
    const res = await GET(
      new Request(`http://holdback.test/api/v1/clients/${clientId}/reserve?asOf=${today}`, { headers: { authorization: `Bearer ${key}` } }),
      {
        params: Promise.resolve({ id: String(clientId) }),
      } as never,
    );
    expect(res.status).toBe(200);
    const api = ((await res.json()) as { balances: { feesAccruedOnOpen: string; feesDue: string }[] }).balances;
    expect(api.map((b) => ({ accruedOnOpen: b.feesAccruedOnOpen, due: b.feesDue }))).toEqual([expected]);

    // The October statement: its stored figures, and the words and amounts in its PDF.
    const period = { from: '2026-10-01', to: '2026-10-31' };
    const issued = await issueStatement(t.database, { clientId, ...period }, team.controller);
    expect(issued.statement.currencies).toEqual([expect.objectContaining({ feesAccruedOnOpen: ACCRUED_ON_OPEN, feesDue: DUE, feesOutstanding: '433.33' })]);
    const text = pdfText((await composeStatement(t.database, clientId, period)).pdf);
    const shown = (label: string, amount: string) => new RegExp(`${label}\\s+${displayMoney(amount, 'USD').replace(/\./g, '\\.')}`);
    // the same words, in the same order (accrued first), with the portal's money format
    expect(text).toMatch(shown(CLIENT_FEE_WORDS.accruedOnOpen, ACCRUED_ON_OPEN));
    expect(text).toMatch(shown(CLIENT_FEE_WORDS.due, DUE));
    expect(text.indexOf(CLIENT_FEE_WORDS.accruedOnOpen)).toBeLessThan(text.search(shown(CLIENT_FEE_WORDS.due, DUE)));
    expect(text).not.toMatch(/Fees outstanding/);

    // The next release takes the Fees due first: its advice names the offset in the same words and amount.
    const next = await runReleaseCycle(t.database, { asOf: today, clientIds: [client.id] }, team.controller);
    expect(next.releases).toEqual([expect.objectContaining({ amount: '2866.67', status: 'approved' })]); // B's tranche 3,000.00 less 133.33
    const advice = await loadAdvice(t.database, clientId, Number(next.releases[0]!.id));
    expect(advice.offsets).toEqual([{ label: CLIENT_FEE_WORDS.due, amount: DUE }]);
    const after = (await reserveReport(t.database, clientId, today, clientUser)).balances[0]!;
    expect({ accruedOnOpen: after.feesAccruedOnOpen, due: after.feesDue }).toEqual({ accruedOnOpen: ACCRUED_ON_OPEN, due: '0.00' });
  });

  it('reads the state once for the reserve report and answers as the two views did (as of a past date, after a later release)', async () => {
    // A 10,000.00 invoice paid on 2026-03-02 (fee 23.33), released on 2026-03-20; the report as of
    // 2026-03-10 shows what was held then, and releasable now only what the reserve still holds (nothing).
    const client = await aClient(t.database, team, {
      name: 'Fees Then And Now',
      agreement: { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as never,
    });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-02-23' });
    const p = await tx((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-03-02' }, team.collections));
    await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '10000.00' }] }, team.collections));
    const before = (await reserveReport(t.database, Number(client.id), '2026-03-10', team.approver)).balances[0]!;
    expect(before).toMatchObject({ held: '1976.67', releasable: '1976.67', feesDue: '0.00', feesAccruedOnOpen: '0.00' });
    const run = await runReleaseCycle(t.database, { asOf: '2026-03-20', clientIds: [client.id] }, team.controller);
    expect(run.releases).toHaveLength(1);
    expect(run.releases[0]).toMatchObject({ amount: '1976.67', status: 'pending_approval' });
    await tx((x) => approveRelease(x, Number(run.releases[0]!.id), {}, team.approver));
    const then = (await reserveReport(t.database, Number(client.id), '2026-03-10', team.approver)).balances[0]!;
    expect(then).toMatchObject({ held: '1976.67', releasable: '0.00', feesDue: '0.00' });
    expect(then.breakdown).toContainEqual(expect.objectContaining({ kind: 'holdback', amount: '-1976.67' }));
    expect((await reserveReport(t.database, Number(client.id), todayIn(), team.approver)).balances[0]).toMatchObject({ held: '0.00', releasable: '0.00' });
  });
});
