import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/client';
import { generatePortfolio } from '../../lib/demo/generate';
import { reserveReport } from '../../lib/releases';
import { DEFAULT_RISK_SCHEDULE, type RiskTier } from '../../lib/releases/releasable';
import { whatIf } from '../../lib/releases/what-if';
import { updateReleasePolicy } from '../../lib/settings';
import { aUser } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 16 item 2 at volume: 10,000 clients (30,000 invoices, about 40% settled, risk scores
 * across every tier): a risk schedule edit touching every scored client is previewed in seconds
 * (set-based: a fixed number of queries), and a sample of its "after" figures equals the reserve
 * report once the schedule is saved.
 */
const AS_OF = '2026-04-20';

let t: TestDatabase;
let setup: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  setup = createDatabase(t.url, { max: 4 });
  await generatePortfolio(setup, {
    invoices: 30_000,
    clients: 10_000,
    debtors: 500,
    fundedFrom: '2026-01-05',
    days: 100,
    releaseMix: { asOf: AS_OF, settledShare: 0.4 },
  });
  await setup.sql`analyze`;
}, 1_200_000);
afterAll(async () => {
  await setup?.close();
  await t?.drop();
});

describe('what-if over 10,000 clients', () => {
  it(
    'previews a schedule edit for every scored client in seconds, and its figures are what the reserve report gives after saving',
    { timeout: 600_000 },
    async () => {
      const admin = await aUser(t.database, 'admin');
      // every tier's holding period shortened and the review tier made automatic: every scored client moves
      const schedule: RiskTier[] = DEFAULT_RISK_SCHEDULE.map((tier) => ({
        ...tier,
        holdDays: Math.max(0, tier.holdDays - 25),
        release: tier.release === 'review' ? 'automatic' : tier.release,
      }));
      const started = performance.now();
      const preview = await t.database.transaction((tx) => whatIf(tx, { riskSchedule: schedule, asOf: AS_OF, pageSize: 500 }, admin, AS_OF));
      const seconds = (performance.now() - started) / 1000;
      console.log(`what-if over ${preview.clientsAffected} clients (${preview.rowCount} rows, ${preview.clientsChanged} changed): ${seconds.toFixed(2)} s`);
      expect(preview.clientsAffected).toBeGreaterThan(8_000);
      expect(preview.clientsChanged).toBeGreaterThan(1_000);
      expect(preview.rows).toHaveLength(500);
      // Speed is printed, not asserted to the second (a busy CI box: 54 s measured at load 15–19 on
      // 2 cores); the bound only catches a per-client query or a quadratic loop creeping back in.
      expect(seconds).toBeLessThan(120);

      await t.database.transaction((tx) => updateReleasePolicy(tx, { riskSchedule: schedule }, admin));
      const sample = preview.rows.filter((_, i) => i % 25 === 0);
      for (const row of sample) {
        const report = await reserveReport(t.database, Number(row.clientId), AS_OF, admin);
        const b = report.balances.find((x) => x.currency === row.currency)!;
        expect({ client: row.clientId, held: b.held, releasable: b.releasable }).toEqual({
          client: row.clientId,
          held: row.after.held,
          releasable: row.after.releasable,
        });
      }
    },
  );
});
