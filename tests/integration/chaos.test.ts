import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { JOB_KINDS, runChaos } from '../chaos/harness';

/**
 * The chaos run (tests/chaos, `npm run chaos`), sized for the suite: a generated portfolio of
 * 100 clients and 1,000 invoices (plus a few through the commands), cloned from the run's
 * migrated template into a CONTROL and a CHAOS database (holdback_t_* names, dropped at the end).
 * On CHAOS the fee accrual (three weeks to catch up), the release cycle and the statements run
 * on real worker processes that are killed with SIGKILL at least 21 times, at points dealt by a
 * fixed seed from the jobs' own progress reports (not from the clock), and restarted. The run
 * must end with every job completed and exactly what the uninterrupted CONTROL run produced.
 */
describe('the chaos run', () => {
  it('kills the workers of accrual, release cycle and statements 21 times, and every result is exactly once', { timeout: 15 * 60_000 }, async () => {
    const lines: string[] = [];
    const report = await runChaos({
      kills: 21,
      seed: 20261129,
      clients: 100,
      invoices: 1000,
      workers: 3,
      // jobs/worker.ts bundled once by esbuild: the same code as `node --import tsx jobs/worker.ts`,
      // started with half the CPU (21 restarts are most of this test's cost)
      launcher: 'bundle',
      template: inject('templateDb'),
      queuePrefix: `holdback-chaos-${randomBytes(4).toString('hex')}`,
      log: (line) => lines.push(line),
    }).catch((error: unknown) => {
      console.log(lines.join('\n')); // what happened up to the failure (kills, retries, the worker log's path)
      throw error;
    });
    const summary =
      `chaos run: kills ${report.kills} (${report.jobs.map((j) => `${j.kind} ${j.kills}`).join(', ')}), restarts ${report.restarts}, ` +
      `starts ${report.jobs.map((j) => `${j.kind} ${j.attemptsStarted}`).join(', ')}, enqueued again ${report.jobs.reduce((n, j) => n + j.reenqueued.length, 0)}, ` +
      `release cycles ${JSON.stringify(report.cycles)}, job runs ${JSON.stringify(report.runs)}, ${report.seconds.total.toFixed(0)} s, differences: ${report.differences}`;
    console.log(summary);
    if (report.differences > 0)
      console.log(
        [...lines, ...report.comparison.differences.map((d) => `${d.section}: -${d.missing.slice(0, 3).join(' / ')} +${d.extra.slice(0, 3).join(' / ')}`)].join(
          '\n',
        ),
      );

    expect(report.kills).toBeGreaterThanOrEqual(20);
    for (const kind of JOB_KINDS) expect(report.jobs.find((j) => j.kind === kind)!.kills, kind).toBeGreaterThanOrEqual(5);
    expect(report.restarts).toBe(report.kills);
    // the run did something worth comparing
    expect(report.control.accrualPostings).toBeGreaterThan(10_000);
    expect(report.control.paid).toBeGreaterThan(10);
    expect(report.control.statements).toBeGreaterThan(50);
    // exactly once: nothing lost, nothing twice, and both ledgers prove themselves
    expect(report.comparison.verify).toEqual({ control: [], chaos: [] });
    expect(report.comparison.differences).toEqual([]);
    expect(report.differences).toBe(0);
  });
});
