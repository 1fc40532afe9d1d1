import { runChaos, type ChaosReport } from '../tests/chaos/harness';
import { parseArgs } from './args';

/**
 * `npm run chaos [-- --kills N --seed S --clients C --invoices I --workers W --bundle --keep]`: the chaos
 * run of tests/chaos (issue 11). A generated portfolio is cloned into a CONTROL database, where
 * the fee accrual, the release cycle and the statements run in-process, and a CHAOS database,
 * where the same jobs run on real worker processes killed with SIGKILL at random moments (at
 * least N kills) and restarted; then both must hold the same money, entries, releases,
 * statements and emails. Prints the figures; exits 1 on any difference. Its databases
 * (holdback_t_*) live on TEST_DATABASE_SERVER (default postgres://postgres@127.0.0.1:5432) and
 * are dropped at the end (kept with --keep); its Redis keys (prefix chaos-*) are deleted.
 * Workers run as `node --import tsx jobs/worker.ts`; with --bundle, as jobs/worker.ts bundled
 * once by esbuild (the same code, half the start-up CPU).
 */
const { flags } = parseArgs(process.argv.slice(2));
const int = (name: string, fallback: number) => {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) {
    console.error(`--${name} needs a whole number`);
    process.exit(2);
  }
  return Number(v);
};

function print(report: ChaosReport): void {
  const out = (line = '') => console.log(line);
  out();
  out(
    `portfolio: ${report.portfolio.clients} clients, ${report.portfolio.invoices} funded invoices (${report.portfolio.settled} paid and settled by the generator; ` +
      `${report.portfolio.commandClients} clients, ${report.portfolio.commandInvoices} invoices and ${report.portfolio.commandPayments} payments through the commands)`,
  );
  out(
    `jobs: fee-accrual ${report.dates.preparedThrough}..${report.dates.asOf}, release-cycle ${report.dates.asOf}, statements ${report.dates.period.from}..${report.dates.period.to}`,
  );
  out();
  const mean = (xs: number[]) => (xs.length === 0 ? '-' : (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1));
  out('job            kills  starts  stalls  failed attempts  enqueued again  kill→running again (mean s)  seconds');
  for (const j of report.jobs) {
    out(
      `${j.kind.padEnd(14)} ${String(j.kills).padStart(5)}  ${String(j.attemptsStarted).padStart(6)}  ${String(j.stalls).padStart(6)}  ${String(j.failedAttempts).padStart(15)}  ${String(j.reenqueued.length).padStart(14)}  ${mean(j.recoveries).padStart(28)}  ${j.seconds.toFixed(1).padStart(7)}`,
    );
    for (const r of j.reenqueued) out(`    job ${r.jobId} given up by BullMQ ("${r.reason}"): enqueued again as job ${r.newJobId}`);
  }
  out();
  out(
    `kills: ${report.kills} (${report.jobs.map((j) => `${j.kind} ${j.kills}`).join(', ')}); restarts: ${report.restarts}; ` +
      `job retries: ${report.jobs.reduce((n, j) => n + j.attemptsStarted - 1, 0)} (starts after the first, per job)`,
  );
  if (report.workerFailures.length > 0) {
    out(`attempts that threw (${report.workerFailures.length}):`);
    for (const f of report.workerFailures.slice(0, 10)) out(`    ${f}`);
  }
  out(
    `control: ${report.control.accrualPostings} accrual postings, ${report.control.releases} releases (${report.control.paid} paid), ${report.control.statements} statements in ${report.control.seconds.toFixed(1)} s (in-process, beside the chaos run)`,
  );
  out(`chaos: release cycles ${JSON.stringify(report.cycles)}; job runs ${JSON.stringify(report.runs)}`);
  out(
    `compared: ${Object.entries(report.comparison.rows)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}; identical statement PDFs ${report.comparison.identicalPdfs} of ${report.comparison.statements}`,
  );
  out(
    `verifyAll: control ${report.comparison.verify.control.length === 0 ? 'no breaks' : `${report.comparison.verify.control.length} break(s)`}, chaos ${report.comparison.verify.chaos.length === 0 ? 'no breaks' : `${report.comparison.verify.chaos.length} break(s)`}`,
  );
  for (const d of report.comparison.differences) {
    out(`  DIFFERENT ${d.section}: ${d.missing.length} only in control, ${d.extra.length} only in chaos`);
    for (const m of d.missing.slice(0, 5)) out(`    - ${m.slice(0, 300)}`);
    for (const x of d.extra.slice(0, 5)) out(`    + ${x.slice(0, 300)}`);
  }
  out(
    `time: ${report.seconds.total.toFixed(1)} s (prepare ${report.seconds.prepare.toFixed(1)} s, chaos ${report.seconds.chaos.toFixed(1)} s, compare ${report.seconds.compare.toFixed(1)} s)`,
  );
  out(`differences: ${report.differences}`);
}

try {
  const report = await runChaos({
    kills: int('kills', 21),
    seed: int('seed', Date.now() % 100_000),
    clients: int('clients', 300),
    invoices: int('invoices', 3000),
    workers: int('workers', 3),
    launcher: flags.bundle === true ? 'bundle' : 'tsx',
    keep: flags.keep === true,
    log: (line) => console.log(line),
  });
  print(report);
  if (flags.keep === true) console.log(`kept: CONTROL ${report.databases.control}, CHAOS ${report.databases.chaos}, worker log ${report.workerLog}`);
  process.exit(report.differences === 0 ? 0 : 1);
} catch (error) {
  console.error('chaos run failed:', error);
  process.exit(1);
}
