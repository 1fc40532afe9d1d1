import { spawn } from 'node:child_process';
import path from 'node:path';
import config from '../playwright.config';
import { buildIsCurrent, sourceStamp, writeStamp } from './build-stamp';
import { ROOT } from './env';

/**
 * `npm test` builds the browser tests' web console beside the lint step (scripts/test.ts): eslint
 * and prettier use one core, `next build` the other, instead of the build waiting for the
 * browser tests' server start (tests/e2e/serve.ts → scripts/start.ts), which then finds the build
 * current (scripts/build-stamp.ts) and skips it. The build sees the environment that server
 * would give it (playwright.config.ts webServer.env). A failed build is reported here and built
 * again — with its errors — when the browser tests start.
 */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...(config.webServer && !Array.isArray(config.webServer) ? config.webServer.env : {}),
  NEXT_TELEMETRY_DISABLED: '1',
};
const stamp = sourceStamp();
if (buildIsCurrent(stamp)) {
  console.log('e2e prebuild: the web console build is current');
  process.exit(0);
}
const started = Date.now();
const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'next'), ['build'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
child.on('exit', (code) => {
  if (code === 0) {
    writeStamp(stamp);
    console.log(`e2e prebuild: the web console built beside the lint step in ${Math.round((Date.now() - started) / 1000)} s`);
  } else {
    console.log(`e2e prebuild: next build failed (exit ${code}); the browser tests' server builds again and shows why:\n${output.slice(-4000)}`);
  }
  process.exit(0);
});
