import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './env';

/** What the Next build is made of: when any of it changes, the build is stale. */
const INPUTS = ['app', 'lib', 'db', 'emails', 'jobs', 'public', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];
const DIST = process.env.NEXT_DIST_DIR || '.next';
const STAMP = path.join(ROOT, DIST, 'holdback-build-stamp');

function walk(target: string, files: string[]): void {
  if (!existsSync(target)) return;
  if (statSync(target).isDirectory()) {
    for (const name of readdirSync(target).sort()) if (name !== 'node_modules' && !name.startsWith('.')) walk(path.join(target, name), files);
  } else files.push(target);
}

export function sourceStamp(): string {
  const files: string[] = [];
  for (const input of INPUTS) walk(path.join(ROOT, input), files);
  const hash = createHash('sha256');
  for (const file of files) hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export function buildIsCurrent(stamp: string): boolean {
  return existsSync(path.join(ROOT, DIST, 'BUILD_ID')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp;
}

export function writeStamp(stamp: string): void {
  writeFileSync(STAMP, stamp);
}
