import type { Database } from '../../db/client';
import { ModelBreak, nextCommand, type Outcome } from './commands';
import { checkCounts, checkReleasable, checkStep, globalBreakSet, mark, newVerifyBreaks } from './invariants';
import { Prng } from './prng';
import { createWorld, type Team, type World } from './world';

/** Issue 13's whole-database recounts (checkCounts) run every this many steps, and after the last. */
const COUNTS_EVERY = 3;

/**
 * Model-based simulation (issue 11): a seeded random sequence of the real commands against a
 * small reference model, with every invariant checked after every step and `audit:verify` at the
 * end. A failing seed stops at its first broken step and prints the whole sequence up to it.
 */
export interface SeedReport {
  seed: number;
  steps: number;
  outcomes: Record<Outcome, number>;
  failure: null | { step: number; breaks: string[]; sequence: string[] };
}

export async function releaseSettings(database: Database): Promise<void> {
  // Low enough that some releases need a controller too (the two-approval path is explored).
  await database.sql`
    insert into settings (key, value) values ('release.controller_threshold', '"3000.00"'::jsonb)
    on conflict (key) do update set value = excluded.value`;
}

/**
 * `known` holds the audit:verify breaks already reported on this database (by an earlier failing
 * seed), so each seed is judged on what it broke itself.
 */
export async function runSeed(database: Database, team: Team, seed: number, commands: number, known: Set<string> = new Set()): Promise<SeedReport> {
  const rng = new Prng(seed);
  const since = await mark(database);
  let chain = since.chain;
  const world = await createWorld(database, team, rng);
  const sequence: string[] = [`world: ${world.clients.map((c) => `${c.name} ${c.profile} (client ${c.id})`).join(', ')}`];
  const outcomes: Record<Outcome, number> = { ok: 0, refused: 0, conflict: 0 };
  const fail = async (step: number, breaks: string[]): Promise<SeedReport> => {
    // What this seed left broken is not the next seed's doing.
    for (const b of await globalBreakSet(database, world)) known.add(b);
    return { seed, steps: step, outcomes, failure: { step, breaks, sequence } };
  };
  for (let step = 1; step <= commands; step++) {
    const command = nextCommand(rng, world);
    sequence.push(`${String(step).padStart(3)}. ${command.label}`);
    try {
      outcomes[await command.run(database, world)] += 1;
    } catch (error) {
      const what =
        error instanceof ModelBreak
          ? `model: ${error.message}`
          : `unexpected error (a 500): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      return fail(step, [what]);
    }
    await syncReleases(database, world);
    // Issue 13's kept counts (roll-ups, the invoices list's counts) alongside: whole-database, so judged against what was known broken.
    // Recounts of the whole database, so every third step and the last (a break is still caught, at most
    // two commands later, and the sequence shows them); the per-step invariants run after every step.
    const recount = step % COUNTS_EVERY === 0 || step === commands;
    const [checked, allCounts] = await Promise.all([
      checkStep(database, world, since, chain),
      recount ? checkCounts(database, world, Math.floor(step / COUNTS_EVERY)) : Promise.resolve([] as string[]),
    ]);
    chain = checked.chain;
    const counts = allCounts.filter((b) => !known.has(b));
    if (checked.breaks.length + counts.length > 0) return fail(step, [...checked.breaks, ...counts]);
  }
  const ending = [...(await checkReleasable(database, world)), ...(await newVerifyBreaks(database, known))];
  for (const b of ending) known.add(b);
  if (ending.length > 0) return fail(commands, ending);
  return { seed, steps: commands, outcomes, failure: null };
}

/** The releases the cycles proposed (names R1, R2 … in the order they appear). */
export async function syncReleases(database: Database, world: World): Promise<void> {
  const rows = await database.sql<{ id: string; client_id: string; status: string; amount: string; kind: string }[]>`
    select id, client_id, status, amount, kind from releases where client_id = any(${world.clients.map((c) => c.id)}::bigint[]) order by id`;
  for (const r of rows) {
    const known = world.releases.get(Number(r.id));
    if (known) {
      known.status = r.status;
      continue;
    }
    world.counter += 1;
    world.releases.set(Number(r.id), {
      name: `R${world.counter}`,
      id: Number(r.id),
      client: world.clients.find((c) => c.id === Number(r.client_id))!,
      status: r.status,
      amount: r.amount,
      kind: r.kind,
    });
  }
}

export function describeFailure(report: SeedReport): string {
  if (!report.failure) return `seed ${report.seed}: ok`;
  return [
    `seed ${report.seed} broke at step ${report.failure.step}:`,
    ...report.failure.breaks.map((b) => `  ✗ ${b}`),
    'sequence:',
    ...report.failure.sequence.map((s) => `  ${s}`),
    `(run it again with: npm run simulate -- --seed ${report.seed} --commands ${report.failure.step})`,
  ].join('\n');
}

/** Seeds one after the other on one database (its own team); stops collecting after `maxFailures`. */
export async function runSeeds(
  database: Database,
  team: Team,
  seeds: number[],
  commands: number,
  options: { maxFailures?: number; onSeed?: (report: SeedReport) => void } = {},
): Promise<SeedReport[]> {
  await releaseSettings(database);
  const reports: SeedReport[] = [];
  const known = new Set<string>();
  let failures = 0;
  for (const seed of seeds) {
    const report = await runSeed(database, team, seed, commands, known);
    reports.push(report);
    options.onSeed?.(report);
    if (report.failure && ++failures >= (options.maxFailures ?? Infinity)) break;
  }
  return reports;
}
