import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROLES } from '@/lib/auth/roles';

/**
 * Issue 12: who may do what is written in one place, the permission table
 * (lib/auth/permissions.ts). Everything else asks `can(actor, …)`, `requirePermission(actor, …)`
 * or the helpers `isClientUser` / `isStaff` / `isSystem`. This walks every TypeScript file under
 * app/ and lib/ and fails on any other way of deciding by role:
 *
 * - a literal list of role names (`['admin', 'controller']`),
 * - a role compared with a string (`actor.role === 'funding'`, `role !== 'client'`, `case 'admin':`
 *   in a `switch (x.role)`),
 * - a role looked up in a list (`LIST.includes(actor.role)`),
 * - a `*_ROLES` constant used outside lib/auth (`CYCLE_ROLES`, `STAFF_ROLES`, …),
 * - the old role-list checks `requireRole(…)` and `actionActor(…)`.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const WALKED = ['app', 'lib'];

/** The table itself and the role names it is written in — the only places roles are spelled out. */
const ALLOWED = new Set(['lib/auth/permissions.ts', 'lib/auth/roles.ts']);

const ROLE_NAMES: ReadonlySet<string> = new Set(ROLES);

export interface Violation {
  file: string;
  line: number;
  rule: 'role list' | 'role comparison' | 'role lookup' | 'role constant' | 'role check';
  text: string;
}

function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  while (ts.isAsExpression(n) || ts.isParenthesizedExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n)) n = n.expression;
  return n;
}

/** `role`, `x.role`, `x?.role`, `x['role']`. */
function isRoleRef(node: ts.Expression): boolean {
  const n = unwrap(node);
  if (ts.isIdentifier(n)) return n.text === 'role';
  if (ts.isPropertyAccessExpression(n)) return n.name.text === 'role';
  if (ts.isElementAccessExpression(n)) return ts.isStringLiteral(n.argumentExpression) && n.argumentExpression.text === 'role';
  return false;
}

function isStringLike(node: ts.Expression): boolean {
  const n = unwrap(node);
  return ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** The ways of deciding by role in one file's source (exported for the detector's own tests). */
export function findViolations(file: string, source: string): Violation[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Violation[] = [];
  const report = (node: ts.Node, rule: Violation['rule']) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    found.push({ file, line, rule, text: node.getText(sf).replace(/\s+/g, ' ').slice(0, 120) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isArrayLiteralExpression(node) && node.elements.length > 0 && node.elements.every((e) => ts.isStringLiteral(e) && ROLE_NAMES.has(e.text))) {
      report(node, 'role list');
    } else if (
      ts.isBinaryExpression(node) &&
      COMPARISONS.has(node.operatorToken.kind) &&
      ((isRoleRef(node.left) && isStringLike(node.right)) || (isRoleRef(node.right) && isStringLike(node.left)))
    ) {
      report(node, 'role comparison');
    } else if (ts.isSwitchStatement(node) && isRoleRef(node.expression)) {
      report(node.expression, 'role comparison');
    } else if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (ts.isPropertyAccessExpression(callee) && ['includes', 'indexOf', 'has'].includes(callee.name.text) && node.arguments.some((a) => isRoleRef(a)))
        report(node, 'role lookup');
      if (ts.isIdentifier(callee) && (callee.text === 'requireRole' || callee.text === 'actionActor')) report(node, 'role check');
    } else if (ts.isIdentifier(node) && /^[A-Z][A-Z_]*_ROLES$/.test(node.text) && !ts.isImportSpecifier(node.parent)) {
      report(node, 'role constant');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return walk(rel);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('one permission table (issue 12)', () => {
  it('no file under app/ or lib/ decides by role outside lib/auth/permissions.ts and lib/auth/roles.ts', () => {
    const files = WALKED.flatMap(walk);
    expect(files.length).toBeGreaterThan(100);
    const violations = files.filter((f) => !ALLOWED.has(f)).flatMap((f) => findViolations(f, readFileSync(path.join(ROOT, f), 'utf8')));
    // Listed as `file:line rule: code` so a failure says exactly what to change.
    expect(violations.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.text}`)).toEqual([]);
  }, 120_000); // parses every file with the TypeScript compiler: seconds when quiet, more on a busy CI box

  describe('the detector', () => {
    const rules = (source: string) => findViolations('x.ts', source).map((v) => v.rule);

    it('finds a literal role list, however it is typed', () => {
      expect(rules(`export const APPROVER_ROLES = ['approver', 'controller'] as const;`)).toEqual(['role constant', 'role list']);
      expect(rules(`apiRoute(['funding'], handler)`)).toEqual(['role list']);
      expect(rules(`const roles: Role[] = ['admin', 'auditor'];`)).toEqual(['role list']);
    });

    it('finds a role compared with a name, either way round, and a switch over a role', () => {
      expect(rules(`if (actor.role === 'funding') x();`)).toEqual(['role comparison']);
      expect(rules(`if ('client' !== actor?.role) x();`)).toEqual(['role comparison']);
      expect(rules(`const ok = role == 'admin';`)).toEqual(['role comparison']);
      expect(rules(`switch (actor.role) { case 'admin': break; }`)).toEqual(['role comparison']);
    });

    it('finds a role looked up in a list, a *_ROLES constant and the old role checks', () => {
      expect(rules(`(CYCLE_ROLES as readonly string[]).includes(actor.role)`)).toEqual(['role lookup', 'role constant']);
      expect(rules(`allowed.has(user.role)`)).toEqual(['role lookup']);
      expect(rules(`requireRole(actor, 'admin')`)).toEqual(['role check']);
      expect(rules(`const actor = await actionActor('funding');`)).toEqual(['role check']);
    });

    it('leaves permissions, the helpers and other lists alone', () => {
      expect(rules(`if (can(actor, 'release.approve') && !isClientUser(actor)) x();`)).toEqual([]);
      expect(rules(`const tabs = ['inbox', 'disputes', 'aging'];`)).toEqual([]);
      expect(rules(`const statuses = ['funded', 'client'];`)).toEqual([]);
      expect(rules(`if (existing.role !== data.role) bump();`)).toEqual([]);
      expect(rules(`const label = ROLE_LABELS[actor.role];`)).toEqual([]);
    });
  });
});
