import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './env';
import { checkServices } from './preflight';

/**
 * `npm test`: lint and format check (eslint, prettier), then every test — unit and integration (vitest, real Postgres and Redis on throwaway
 * databases and prefixes), then end-to-end (Playwright in Debian chromium against `npm start`).
 * Missing services or chromium give one clear line each, saying what to run.
 */
function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const problems = await checkServices({ chromium: true });
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}

const only = process.argv[2];
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const results: { name: string; code: number }[] = [];
const started = Date.now();
// The browser tests' build beside the lint step (scripts/e2e-prebuild.ts): two cores, two jobs.
const prebuild = !only || only === 'e2e' ? run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'e2e-prebuild.ts')]) : null;
if (!only || only === 'lint')
  results.push({
    name: 'lint (eslint) and format (prettier --check)',
    code: (await run(bin('eslint'), ['.', '--max-warnings', '0'])) || (await run(bin('prettier'), ['--check', '--log-level', 'warn', '.'])),
  });
await prebuild;
if (!only || only === 'vitest') results.push({ name: 'unit + integration (vitest)', code: await run(bin('vitest'), ['run']) });
if (!only || only === 'e2e') results.push({ name: 'end-to-end (playwright, chromium)', code: await run(bin('playwright'), ['test']) });

console.log('\n──── Holdback test summary ────');
for (const r of results) console.log(`${r.code === 0 ? 'PASS' : 'FAIL'}  ${r.name}`);
console.log(`total time ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
