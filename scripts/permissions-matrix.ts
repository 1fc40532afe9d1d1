import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withMatrix } from '../lib/auth/permission-matrix';

/**
 * `npm run permissions:matrix`: writes README.md's role × permission matrix from the permission
 * table (lib/auth/permissions.ts), between its markers. `--check` writes nothing and exits 1 when
 * the README copy is not current.
 */
const README = path.resolve(import.meta.dirname, '..', 'README.md');
const current = readFileSync(README, 'utf8');
const next = withMatrix(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md: the permission matrix is not current; run npm run permissions:matrix');
    process.exit(1);
  }
  console.log('README.md: the permission matrix is current');
} else if (next === current) {
  console.log('README.md: the permission matrix is current; nothing written');
} else {
  writeFileSync(README, next);
  console.log('README.md: the permission matrix written from lib/auth/permissions.ts');
}
