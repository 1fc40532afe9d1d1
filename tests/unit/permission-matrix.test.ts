import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MATRIX_BEGIN, MATRIX_END, permissionMatrix, withMatrix } from '@/lib/auth/permission-matrix';
import { PERMISSIONS } from '@/lib/auth/permissions';
import { ROLES } from '@/lib/auth/roles';

const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe("README's role × permission matrix", () => {
  it('is current: generated from the permission table (npm run permissions:matrix)', () => {
    expect(withMatrix(README), 'README.md is out of date: run npm run permissions:matrix').toBe(README);
  });

  it('has a row per permission and a column per role, ✓ exactly where the table grants it', () => {
    const lines = permissionMatrix().split('\n');
    expect(lines).toHaveLength(2 + Object.keys(PERMISSIONS).length);
    expect(lines[0]).toBe(`| Permission | What it allows | ${ROLES.map((r) => `\`${r}\``).join(' | ')} |`);
    const row = (p: string) =>
      lines
        .find((l) => l.startsWith(`| \`${p}\` |`))!
        .split(' | ')
        .slice(2);
    // release.approve: approvers and controllers only
    expect(row('release.approve').map((c) => c.replace(' |', '').trim())).toEqual(ROLES.map((r) => (r === 'approver' || r === 'controller' ? '✓' : '')));
    expect(row('section.portal').map((c) => c.replace(' |', '').trim())).toEqual(ROLES.map((r) => (r === 'client' ? '✓' : '')));
  });

  it('replaces only what is between the markers, and refuses a README without them', () => {
    const doc = `# T\n\nbefore\n${MATRIX_BEGIN}\nold\n${MATRIX_END}\nafter\n`;
    expect(withMatrix(doc, 'NEW')).toBe(`# T\n\nbefore\n${MATRIX_BEGIN}\nNEW\n${MATRIX_END}\nafter\n`);
    expect(() => withMatrix('# no markers')).toThrow(/no permission matrix markers/);
  });
});
