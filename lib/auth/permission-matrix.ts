import { PERMISSIONS, roleCan, type Permission } from './permissions';
import { ROLES } from './roles';

/**
 * README's role × permission matrix, generated from the permission table (`npm run
 * permissions:matrix` writes it between the markers; tests/unit/permission-matrix.test.ts fails
 * when the README copy is not current). Pure: no file access here.
 */
export const MATRIX_BEGIN = '<!-- permissions-matrix:begin — generated from lib/auth/permissions.ts by `npm run permissions:matrix`; do not edit by hand -->';
export const MATRIX_END = '<!-- permissions-matrix:end -->';

const escape = (text: string) => text.replace(/\|/g, '\\|');

/** The matrix as a Markdown table: one row per permission, one column per role, ✓ where the role holds it. */
export function permissionMatrix(): string {
  const header = `| Permission | What it allows | ${ROLES.map((r) => `\`${r}\``).join(' | ')} |`;
  const rule = `| --- | --- | ${ROLES.map(() => ':-:').join(' | ')} |`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map(
    (p) => `| \`${p}\` | ${escape(PERMISSIONS[p].label)} | ${ROLES.map((r) => (roleCan(r, p) ? '✓' : '')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** The README with the matrix between its markers replaced; throws when the markers are missing. */
export function withMatrix(readme: string, matrix: string = permissionMatrix()): string {
  const begin = readme.indexOf(MATRIX_BEGIN);
  const end = readme.indexOf(MATRIX_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no permission matrix markers (${MATRIX_BEGIN} … ${MATRIX_END})`);
  return `${readme.slice(0, begin + MATRIX_BEGIN.length)}\n${matrix}\n${readme.slice(end)}`;
}
