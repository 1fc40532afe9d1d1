import type { Database } from '../../db/client';
import { nextCommand, sqlState, WEIGHTS, type Outcome } from './commands';
import { checkCounts, checkReleasable, checkStep, mark, newVerifyBreaks } from './invariants';
import { Prng } from './prng';
import { syncReleases } from './runner';
import { createWorld, type Team } from './world';

/**
 * Concurrency stress (issue 11): many callers at once issue the simulation's commands against a
 * few hot clients — approvals, cycles, payments, funding, chargebacks all touching the same
 * reserves — through a pool smaller than the number of callers, as the web server would. Then the
 * invariants: no money created or destroyed, nothing posted twice, no reserve in debit,
 * `audit:verify` clean. A hang is a failure too (the caller's timeout).
 */
export interface StressReport {
  callers: number;
  commands: number;
  outcomes: Record<Outcome, number>;
  /** anything that was not a refusal or a retried conflict: a crash (a 500) */
  errors: string[];
  breaks: string[];
  seconds: number;
  /** the slowest single command, in seconds (a lock held too long shows here), and which */
  slowest: number;
  slowestLabel: string;
  /** issue 13: the merges the callers proposed, by how they ended */
  merges: Record<string, number>;
}

// Hot paths weigh more: money moving on the same clients at the same moment.
// Issue 13: merges proposed and approved (by several callers at once) while others fund and pay the
// same debtors' invoices, and the roll-ups folded meanwhile.
const STRESS_WEIGHTS = {
  ...WEIGHTS,
  together: 0,
  accrue: 2,
  approve: 18,
  cycle: 14,
  pay: 16,
  fund: 14,
  requestMerge: 3,
  approveMerge: 5,
  rejectMerge: 1,
  fold: 3,
};

export async function runStress(
  database: Database,
  team: Team,
  options: { seed: number; callers: number; commands: number; clients: number },
): Promise<StressReport> {
  const started = performance.now();
  const rng = new Prng(options.seed);
  const since = await mark(database);
  // Six debtors: up to five merges, each approved while the debtors' invoices are funded and paid.
  const world = await createWorld(database, team, rng, { clients: options.clients, debtors: 6, strict: false });
  // Every command here runs beside others: what one should be refused or allowed for (a
  // verification recorded, an invoice paid) may be changed by another meanwhile — the checks that
  // hold only one at a time stand down, as they do for the simulation's `together` command.
  world.concurrent = true;
  const outcomes: Record<Outcome, number> = { ok: 0, refused: 0, conflict: 0 };
  const errors: string[] = [];
  let issued = 0;
  let slowest = 0;
  let slowestLabel = '';
  const caller = async () => {
    while (issued < options.commands) {
      issued += 1;
      const command = nextCommand(rng, world, STRESS_WEIGHTS);
      const t0 = performance.now();
      try {
        outcomes[await command.run(database, world)] += 1;
      } catch (error) {
        const state = sqlState(error);
        errors.push(`${command.label}: ${error instanceof Error ? `${error.name}${state ? ` (SQLSTATE ${state})` : ''}: ${error.message}` : String(error)}`);
      }
      const took = (performance.now() - t0) / 1000;
      if (took > slowest) [slowest, slowestLabel] = [took, command.label];
      await syncReleases(database, world);
    }
  };
  await Promise.all(Array.from({ length: options.callers }, caller));
  await syncReleases(database, world);
  const checked = await checkStep(database, world, since, since.chain);
  const breaks = [
    ...new Set([
      ...checked.breaks,
      ...(await checkReleasable(database, world)),
      ...(await checkCounts(database, world, 0)),
      ...(await newVerifyBreaks(database, new Set())),
    ]),
  ];
  const merges: Record<string, number> = {};
  for (const m of world.merges) merges[m.status] = (merges[m.status] ?? 0) + 1;
  return { callers: options.callers, commands: issued, outcomes, errors, breaks, seconds: (performance.now() - started) / 1000, slowest, slowestLabel, merges };
}

export function describeStress(r: StressReport): string {
  return [
    `${r.callers} concurrent callers × ${r.commands} commands in ${r.seconds.toFixed(1)} s (slowest command ${r.slowest.toFixed(1)} s: ${r.slowestLabel}): ${r.outcomes.ok} done, ${r.outcomes.refused} refused, ${r.outcomes.conflict} retried conflicts`,
    `debtor merges proposed: ${
      Object.entries(r.merges)
        .map(([status, n]) => `${n} ${status}`)
        .join(', ') || 'none'
    }`,
    `errors (500s): ${r.errors.length}${r.errors.length ? `\n  ${r.errors.slice(0, 20).join('\n  ')}` : ''}`,
    `invariant breaks: ${r.breaks.length}${r.breaks.length ? `\n  ✗ ${r.breaks.slice(0, 40).join('\n  ✗ ')}` : ''}`,
  ].join('\n');
}
