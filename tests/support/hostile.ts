import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { fieldInfo, type FieldInfo } from '../../lib/validation/fields';

/**
 * Hostile input, generated from the code (issue 12, "Must show"): the routes and server actions
 * are found by walking app/, each one's input schema is read (the shared field schemas say what
 * kind of field each is and its label), and inputs are generated per field from a seeded PRNG —
 * empty, missing, letters, "0.8x", "25%", "1e5", negative, huge, NUL bytes, lone surrogates,
 * emoji, very long text, XYZ currencies, impossible and far-off dates, unknown and other clients'
 * ids, lists where one value is expected, nested objects, wrong types — mixed field by field.
 *
 * Every generated input carries at least one `anchor`: a value the input cannot be accepted with
 * (a field no schema of that kind accepts, a path id that names nothing, or — checked by the
 * command — an unknown id or a date far outside the business-date window). So every answer must
 * be a refusal, and nothing may be written; the rest of the input is a mix of valid and hostile
 * but possibly acceptable values, so the schemas and the commands see them together.
 */

// ---------------------------------------------------------------- PRNG

export interface Rng {
  /** [0, 1) */
  next(): number;
  /** 0 … n-1 */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)]!, chance: (p) => next() < p };
}

/** A seed from a name, so each route or action has its own stable sequence. */
export function seedOf(name: string, base = 12): number {
  let h = 2166136261 ^ base;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------- finding routes and actions

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

export interface RouteFile {
  /** relative to the repository, e.g. app/api/v1/invoices/[id]/verify/route.ts */
  file: string;
  /** the URL path pattern, e.g. /api/v1/invoices/[id]/verify */
  pattern: string;
  /** the dynamic segments in order, e.g. [{ name: 'id', parent: 'invoices' }] */
  params: { name: string; parent: string }[];
  /** the HTTP methods the module exports */
  methods: string[];
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Every route.ts under app/api and the methods it exports (read from the source, so a new route is found). */
export function apiRouteFiles(root: string): RouteFile[] {
  const apiDir = path.join(root, 'app', 'api');
  return walk(apiDir)
    .filter((f) => path.basename(f) === 'route.ts')
    .sort()
    .map((full) => {
      const source = readFileSync(full, 'utf8');
      const methods = METHODS.filter(
        (m) =>
          new RegExp(`export\\s+(const|let|var)\\s+${m}\\b`).test(source) ||
          new RegExp(`export\\s+(async\\s+)?function\\s+${m}\\b`).test(source) ||
          new RegExp(`export\\s*\\{[^}]*\\bas\\s+${m}\\b[^}]*\\}`).test(source) ||
          new RegExp(`export\\s*\\{[^}]*(^|[\\s,{])${m}([\\s,}])[^}]*\\}`).test(source),
      );
      const rel = path.relative(root, full).split(path.sep).join('/');
      const segments = rel
        .replace(/^app\//, '')
        .replace(/\/route\.ts$/, '')
        .split('/');
      const params = segments.flatMap((s, i) => (/^\[[^.\]]+\]$/.test(s) ? [{ name: s.slice(1, -1), parent: segments[i - 1] ?? '' }] : []));
      return { file: rel, pattern: `/${segments.join('/')}`, params, methods: [...methods] };
    });
}

export interface ActionFile {
  file: string;
  /** the names the module exports as values (a 'use server' module exports only async functions) */
  exports: string[];
}

/** Every module under app/ that starts with 'use server', with the names it exports. */
export function serverActionFiles(root: string): ActionFile[] {
  return walk(path.join(root, 'app'))
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .sort()
    .flatMap((full) => {
      const source = readFileSync(full, 'utf8');
      if (!/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*\s*['"]use server['"]/.test(source)) return [];
      const names = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:async\s+)?(?:const|let|var|function)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
      for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
        for (const part of m[1]!.split(',')) {
          const name = part
            .trim()
            .split(/\s+as\s+/)
            .pop()
            ?.trim();
          if (name && !name.startsWith('type ')) names.add(name);
        }
      }
      return [{ file: path.relative(root, full).split(path.sep).join('/'), exports: [...names].sort() }];
    });
}

// ---------------------------------------------------------------- reading a schema

export type Node =
  | { type: 'field'; info: FieldInfo; item?: Node; optional: boolean }
  | { type: 'object'; shape: Record<string, Node>; optional: boolean }
  | { type: 'array'; item: Node; optional: boolean }
  | { type: 'union'; options: Node[]; optional: boolean }
  | { type: 'enum'; values: unknown[]; optional: boolean }
  | { type: 'string' | 'number' | 'boolean' | 'unknown'; optional: boolean };

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/**
 * What a zod schema asks for, as far as generating input needs to know: objects and their keys,
 * arrays, unions, and at the leaves the shared field schemas (kind and label from `fieldInfo`)
 * or plain zod types.
 */
export function describeSchema(schema: z.ZodType, optional = false, depth = 0): Node {
  if (depth > 20) return { type: 'unknown', optional };
  const info = fieldInfo(schema);
  if (info) {
    const item = info.item ? describeSchema(info.item, false, depth + 1) : undefined;
    return { type: 'field', info, item, optional: optional || info.optional === true };
  }
  const def = defOf(schema);
  const inner = (key: string, opt = optional) => describeSchema(def[key] as z.ZodType, opt, depth + 1);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
      return inner('innerType', true);
    case 'readonly':
    case 'nonoptional':
      return inner('innerType');
    case 'catch':
      return { type: 'unknown', optional: true };
    case 'pipe':
      return defOf(def.in).type === 'transform' ? inner('out') : inner('in');
    case 'object': {
      const shape: Record<string, Node> = {};
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) shape[key] = describeSchema(value, false, depth + 1);
      return { type: 'object', shape, optional };
    }
    case 'intersection': {
      const left = inner('left');
      const right = inner('right');
      if (left.type === 'object' && right.type === 'object') return { type: 'object', shape: { ...left.shape, ...right.shape }, optional };
      return { type: 'unknown', optional };
    }
    case 'array':
      return { type: 'array', item: inner('element', false), optional };
    case 'union':
      return { type: 'union', options: (def.options as z.ZodType[]).map((o) => describeSchema(o, false, depth + 1)), optional };
    case 'enum':
      return { type: 'enum', values: Object.values(def.entries as Record<string, unknown>), optional };
    case 'literal':
      return { type: 'enum', values: def.values as unknown[], optional };
    case 'string':
    case 'number':
    case 'boolean':
      return { type: def.type, optional };
    default:
      return { type: 'unknown', optional };
  }
}

/** The fields of a schema, flattened ("agreement.fees.rate"), for reporting what was exercised. */
export function fieldPaths(node: Node, prefix = ''): string[] {
  if (node.type === 'object') return Object.entries(node.shape).flatMap(([k, v]) => fieldPaths(v, prefix ? `${prefix}.${k}` : k));
  return [prefix || '_'];
}

// ---------------------------------------------------------------- values

export type Surface = 'json' | 'form';

/** A key left out of the input. */
export const MISSING: unique symbol = Symbol('missing');
/** A form field sent several times (a list where one value is expected). */
export class Repeated {
  constructor(readonly values: string[]) {}
}

export interface IdPools {
  /** existing ids by entity ("client", "invoice", …) */
  byEntity: Record<string, string[]>;
  /** ids of another client's records (a client user's actions must refuse them) */
  otherClient: Record<string, string[]>;
}

export interface GenContext {
  rng: Rng;
  surface: Surface;
  ids: IdPools;
  /** today as the business date (valid dates are a few days before) */
  today: string;
}

const SAFE_MAX = '9007199254740991';
const unknownId = (rng: Rng) => String(8_000_000_000 + rng.int(1_000_000_000));

/** Which table an id field names, from its key and label ("clientIds", "Client" → client). */
export function entityOf(key: string, label = ''): string {
  const k = `${key} ${label}`.toLowerCase();
  const order: [RegExp, string][] = [
    [/dispute/, 'dispute'],
    [/statement/, 'statement'],
    [/cycle/, 'cycle'],
    [/release/, 'release'],
    [/batch|funding/, 'batch'],
    [/payment/, 'payment'],
    [/invoice/, 'invoice'],
    [/debtor/, 'debtor'],
    [/agreement|version/, 'agreement'],
    [/user/, 'user'],
    [/email|outbox|message/, 'email'],
    [/request|target|approval/, 'request'],
    [/key/, 'key'],
    [/client/, 'client'],
  ];
  return order.find(([re]) => re.test(k))?.[1] ?? 'client';
}

function realId(ctx: GenContext, entity: string): string {
  const pool = ctx.ids.byEntity[entity] ?? [];
  return pool.length > 0 ? ctx.rng.pick(pool) : unknownId(ctx.rng);
}

function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

const NUL = 'a\u0000b';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_HIGH = 'half \ud83d pair';
const LONE_LOW = '\ude00 low half';
const HOSTILE_TEXT = [
  '🚚💸🧾 emoji',
  'שלום עולם عربي',
  'Z̴̡̛a̷l̸g̶o̵ text',
  "'; drop table clients; --",
  '<script>alert(1)</script>',
  '\u200b\u200d\u2060 zero widths',
  '   padded   ',
  'tab\there',
  'line\nbreak',
  '%00%27%22',
  '${7*7}{{7*7}}',
  'Ａｃｍｅ ＦＵＬＬＷＩＤＴＨ',
  '\u202Eevil override',
];

/** Values no schema of the kind accepts (in JSON). Empties and null only count for a required field. */
function invalidPool(node: Node, key: string, surface: Surface): unknown[] {
  const required = !node.optional;
  const empties: unknown[] = required ? ['', '   ', null, MISSING] : [];
  const wrongShapes = [[1], { a: { b: { c: 1 } } }, true];
  const long = 'x'.repeat(100_001);
  let pool: unknown[];
  if (node.type === 'field') {
    const info = node.info;
    switch (info.kind) {
      case 'id':
        pool = ['abc', '0', '-1', '1.5', '0x10', '1e3', '9'.repeat(40), '12abc', '١٢', '%00', '\u0000', LONE_HIGH, 1.5, -3, 0, 2 ** 60, ...wrongShapes];
        break;
      case 'businessDate':
        pool = [
          '2026-02-30',
          '2026-13-01',
          '2026/02/28',
          '28.02.2026',
          'yesterday',
          '2026-2-8',
          '20260228',
          '2026-02-28T00:00:00Z',
          '٢٠٢٦-٠١-٠١',
          '2026-02-28\u0000',
          20260228,
          ...wrongShapes,
        ];
        break;
      case 'currency':
        pool = ['XYZ', 'XXX', 'US', 'USDD', '€', 'U$D', 'usd\u0000', 'QQQ', 840, ...wrongShapes];
        break;
      case 'money':
      case 'formMoney':
        pool = [
          '1e5',
          '0.8x',
          '25%',
          'abc',
          '9'.repeat(40),
          '1.123456',
          '.5',
          '5.',
          '012',
          '$100',
          'NaN',
          'Infinity',
          '1 000',
          '١٢٣',
          LONE_HIGH,
          NUL,
          '--5',
          '+5',
          ...wrongShapes,
        ];
        if (!info.negative) pool.push('-5', '-0.01');
        if (info.kind === 'money') pool.push('12,500.00', 12500, 0.1);
        else pool.push('1,2345', ',500');
        break;
      case 'rate':
        pool = ['80%', '0.8x', '1e-1', '-0.5', 'abc', '0..8', '٠٫٨', NUL, 0.8, ...wrongShapes];
        break;
      case 'formRate':
        pool = ['0.8x', '25%%', '-80', '1e2', 'abc', '%80', '8 0', '80 percent', '0.8.0', '٨٠', '99999%', NUL, ...wrongShapes];
        break;
      case 'days':
      case 'wholeNumber':
        pool = ['-1', '1.5', 'abc', '1e3', '9'.repeat(40), '١٢', 1.5, -1, ...wrongShapes];
        break;
      case 'text':
        pool = [NUL, LONE_HIGH, LONE_LOW, 'bell\u0007', 'esc\u001b[31m', 'x'.repeat((info.max ?? 500) + 1), 42, ...wrongShapes];
        if ((info.max ?? 500) < 100_000) pool.push(long);
        break;
      case 'iban':
        pool = [
          'DE89370400440532013001',
          'DE8937040044053201300',
          'US12345678901234567890',
          'DE89 3704 0044 0532 0130 0O',
          'IBAN',
          'DE00370400440532013000',
          NUL,
          42,
          ...wrongShapes,
        ];
        break;
      case 'bic':
        pool = ['DEUTDEF', 'DEUTDEFF5', 'DEUT12FF', 'DEUT-DE-FF', 'ÄEUTDEFF', NUL, 42, ...wrongShapes];
        break;
      case 'email':
        pool = ['not-an-email', '@example.com', 'a@b', 'a b@c.com', 'a@b@c.com', 'x\u0000@y.com', `${'x'.repeat(300)}@example.com`, 42, ...wrongShapes];
        break;
      case 'choice':
        pool = ['nope', 'PAID ', '\u0000', `${String(info.values?.[0] ?? 'x')}\u0000`, `${String(info.values?.[0] ?? 'x')}x`, 1, ...wrongShapes];
        break;
      case 'boolean':
        pool = ['yes', 1, 'true', 'on', [true], {}];
        break;
      case 'checkbox':
        pool = [];
        break;
      case 'list':
      case 'array': {
        const itemBad = node.item ? invalidPool(node.item, key, surface).filter((v) => v !== MISSING && v !== null && !Array.isArray(v)) : [];
        pool = itemBad.slice(0, 6).map((v) => [v]);
        if (info.kind === 'array') pool.push('not-a-list', 42, { 0: 1 }, true);
        break;
      }
      default:
        pool = [];
    }
  } else if (node.type === 'object') {
    pool = ['a string', 42, [1, 2], true];
  } else if (node.type === 'array') {
    pool = ['not-a-list', 42, { 0: 1 }, true];
  } else if (node.type === 'union') {
    pool = ['nope', 42, [1], true, { kind: 'nope' }];
  } else if (node.type === 'enum') {
    pool = ['nope', 42, [1], {}];
  } else if (node.type === 'string') {
    pool = [42, true, [1], { a: 1 }];
  } else if (node.type === 'number') {
    pool = ['abc', '1', [1], { a: 1 }, true];
  } else if (node.type === 'boolean') {
    pool = ['yes', 1, [true]];
  } else {
    pool = [];
  }
  const all = [...pool, ...(pool.length > 0 || node.type !== 'unknown' ? empties : [])];
  if (node.type === 'field' && node.info.kind === 'checkbox') return [];
  if (surface === 'json') return all;
  // A form sends text only — and as USVString: a lone surrogate arrives as U+FFFD, which is text.
  // A value sent twice is a list where one is expected.
  const asForm: unknown[] = all.filter((v) => (typeof v === 'string' && !LONE_SURROGATE.test(v)) || v === MISSING);
  const scalar = node.type === 'field' ? !['list', 'array', 'checkbox'].includes(node.info.kind) : node.type !== 'array' && node.type !== 'unknown';
  if (node.type === 'field' && (node.info.kind === 'list' || node.info.kind === 'array')) {
    const items = node.item ? invalidPool(node.item, key, surface).filter((v): v is string => typeof v === 'string' && !LONE_SURROGATE.test(v)) : [];
    return items.slice(0, 8).map((v) => new Repeated(['1', v]));
  }
  if (scalar && asForm.length > 0) asForm.push(new Repeated(['1', '2']), new Repeated(['', 'x']));
  return asForm;
}

/** A valid value for a leaf. */
function validValue(node: Node, key: string, ctx: GenContext): unknown {
  const { rng } = ctx;
  if (node.type === 'field') {
    const info = node.info;
    switch (info.kind) {
      case 'id': {
        const id = realId(ctx, entityOf(key, info.label));
        return ctx.surface === 'json' && rng.chance(0.5) ? Number(id) : id;
      }
      case 'businessDate':
        return daysBefore(ctx.today, 3 + rng.int(20));
      case 'currency':
        return rng.pick(['USD', 'usd', ' USD ']);
      case 'money':
        return rng.pick(['100.00', '1', '2500.5']);
      case 'formMoney':
        return rng.pick(['100.00', '1,250.00', '2500']);
      case 'rate':
        return rng.pick(['0.80', '0.2', '0.05']);
      case 'formRate':
        return rng.pick(['80%', '0.80', '80', '5%']);
      case 'days':
        return ctx.surface === 'json' && rng.chance(0.5) ? 30 : '30';
      case 'wholeNumber':
        return '10';
      case 'text':
        return `Hostile input ${rng.int(1_000_000)}`.slice(0, info.max ?? 500);
      case 'iban':
        return rng.pick(['DE89370400440532013000', 'NL91ABNA0417164300']);
      case 'bic':
        return rng.pick(['DEUTDEFF', 'ABNANL2A']);
      case 'email':
        return `hostile-${rng.int(1_000_000)}@example.com`;
      case 'choice':
        return rng.pick(info.values ?? ['x']);
      case 'checkbox':
        return ctx.surface === 'json' ? rng.chance(0.5) : rng.pick(['on', MISSING]);
      case 'boolean':
        return rng.chance(0.5);
      case 'list':
      case 'array': {
        if (!node.item) return [];
        const n = 1 + rng.int(2);
        const items = Array.from({ length: n }, () => validValue(node.item!, key, ctx));
        return ctx.surface === 'form' ? new Repeated(items.map(String)) : items;
      }
    }
  }
  if (node.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(node.shape)) {
      if (child.optional && rng.chance(0.5)) continue;
      const v = validValue(child, k, ctx);
      if (v !== MISSING) out[k] = v;
    }
    return out;
  }
  if (node.type === 'array') return [validValue(node.item, key, ctx)];
  if (node.type === 'union') return validValue(rng.pick(node.options), key, ctx);
  if (node.type === 'enum') return rng.pick(node.values);
  if (node.type === 'string') {
    // a plain string of another schema (the agreement's terms): what its name suggests
    if (/date|from$/i.test(key)) return daysBefore(ctx.today, 10);
    if (/rate|percent|concentration/i.test(key)) return rng.pick(['0.10', '0.05', '0']);
    if (/fee|limit|cap|target|amount|balance|upto/i.test(key)) return rng.pick(['100.00', '0.00', '250000']);
    if (/currenc/i.test(key)) return 'USD';
    return 'text';
  }
  if (node.type === 'number') return /days|score/i.test(key) ? 30 : 1;
  if (node.type === 'boolean') return true;
  return MISSING;
}

/** Hostile values that may well be valid: the schema and the command must cope with them. */
function maybeValue(node: Node, key: string, ctx: GenContext): unknown {
  const { rng } = ctx;
  if (node.type === 'field') {
    const info = node.info;
    switch (info.kind) {
      case 'id': {
        const entity = entityOf(key, info.label);
        const other = ctx.ids.otherClient[entity] ?? [];
        return rng.pick([unknownId(rng), SAFE_MAX, '2147483648', other.length > 0 ? rng.pick(other) : unknownId(rng), ` ${realId(ctx, entity)} `]);
      }
      case 'businessDate':
        return rng.pick(['2999-12-31', '1900-01-01', '2000-02-29', ctx.today, '9999-12-31', '1970-01-01']);
      case 'currency':
        return rng.pick(['JPY', 'BHD', 'EUR', 'eur', 'CHF', 'XAU']);
      case 'money':
      case 'formMoney':
        return rng.pick([
          '0',
          '0.0001',
          '999999999999999.9999',
          '0.01',
          ' 12.50 ',
          '100000000000000',
          ...(info.kind === 'formMoney' ? ['999,999,999,999,999', '1,000.5'] : []),
        ]);
      case 'rate':
        return rng.pick(['0', '1', '0.0000000001', '0.5', '1.0000000000']);
      case 'formRate':
        return rng.pick(['0.5%', '100%', '1', '0', '99.99999999%', '0.000001']);
      case 'days':
      case 'wholeNumber':
        return rng.pick(['0', '3650', '999999', '000030']);
      case 'text':
        return rng.chance(0.2) ? 'y'.repeat(info.max ?? 500) : rng.pick(ctx.surface === 'form' ? [...HOSTILE_TEXT, LONE_HIGH, LONE_LOW] : HOSTILE_TEXT);
      case 'iban':
        return rng.pick(['de89 3704 0044 0532 0130 00', ' GB82 WEST 1234 5698 7654 32 ', 'FR1420041010050500013M02606']);
      case 'bic':
        return rng.pick(['deutdeff', 'DEUTDEFF500', ' ABNA NL2A ']);
      case 'email':
        return rng.pick(['x+tag@example.co.uk', 'UPPER@EXAMPLE.COM', 'ü@example.com']);
      case 'choice':
        return rng.pick(info.values ?? ['x']);
      case 'checkbox':
        return ctx.surface === 'json' ? rng.pick(['off', 0, 'false']) : rng.pick(['off', 'false', '0', '', 'on']);
      case 'boolean':
        return rng.chance(0.5);
      case 'list':
      case 'array': {
        if (!node.item) return [];
        const items = Array.from({ length: rng.int(4) }, () => (rng.chance(0.5) ? maybeValue(node.item!, key, ctx) : validValue(node.item!, key, ctx)));
        return ctx.surface === 'form' ? new Repeated(items.map(String)) : items;
      }
    }
  }
  if (node.type === 'string') return rng.pick(HOSTILE_TEXT);
  if (node.type === 'number') return rng.pick([0, -1, 1e21, 0.1]);
  return validValue(node, key, ctx);
}

// ---------------------------------------------------------------- anchors and inputs

/** Where an input's refusal comes from (reported per route and action). */
export type AnchorKind = 'field' | 'business' | 'path' | 'body' | 'file' | 'query';

interface Leaf {
  path: string[];
  node: Node;
}

function leaves(node: Node, surface: Surface, prefix: string[] = []): Leaf[] {
  if (node.type === 'object' && (surface === 'json' || prefix.length === 0)) {
    return Object.entries(node.shape).flatMap(([k, child]) => [
      ...(invalidPool(child, k, surface).length > 0 && child.type === 'object' ? [{ path: [...prefix, k], node: child }] : []),
      ...leaves(child, surface, [...prefix, k]),
    ]);
  }
  if (prefix.length === 0) return [];
  return invalidPool(node, prefix[prefix.length - 1]!, surface).length > 0 ? [{ path: prefix, node }] : [];
}

/**
 * Dates that are not the business date of an event, so no window applies: a release schedule's
 * anchor only fixes the weekday or day of the month its cadence counts from, in any year.
 */
export const NOT_WINDOWED_DATES = /^(anchorDate|releaseAnchorDate)$/;

/**
 * Ids and dates a command must refuse when they name nothing or lie far outside the business-date
 * window — required ones only: an optional id or date may be one the command has no use for in
 * that case (a client for a staff user, a refund date when applying), so naming nothing there is
 * no refusal.
 */
function businessLeaves(node: Node, surface: Surface, prefix: string[] = []): Leaf[] {
  if (node.type === 'object' && !node.optional && (surface === 'json' || prefix.length === 0))
    return Object.entries(node.shape).flatMap(([k, child]) => businessLeaves(child, surface, [...prefix, k]));
  if (node.type !== 'field' || node.optional) return [];
  const key = prefix[prefix.length - 1] ?? '';
  if (node.info.kind === 'id' || (node.info.kind === 'businessDate' && !NOT_WINDOWED_DATES.test(key))) return [{ path: prefix, node }];
  if ((node.info.kind === 'array' || node.info.kind === 'list') && node.item?.type === 'field' && node.item.info.kind === 'id') return [{ path: prefix, node }];
  return [];
}

export interface Generated {
  /** the JSON body or the form's values (MISSING keys left out) */
  value: Record<string, unknown> | unknown;
  anchor: AnchorKind;
  /** the anchored fields, e.g. ["faceValue"], for reports */
  anchored: string[];
}

function setAt(target: Record<string, unknown>, pathParts: string[], value: unknown): void {
  let at = target;
  for (const part of pathParts.slice(0, -1)) {
    const next = at[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  const last = pathParts[pathParts.length - 1]!;
  if (value === MISSING) delete at[last];
  else at[last] = value;
}

/** A base object with every field valid or hostile-but-maybe-valid (optional ones sometimes left out). */
function benign(node: Node, ctx: GenContext, hostility: number): Record<string, unknown> {
  if (node.type !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(node.shape)) {
    if (child.optional && ctx.rng.chance(0.35)) continue;
    let v: unknown;
    if (child.type === 'object' && (ctx.surface === 'json' || false)) v = benign(child, ctx, hostility);
    else v = ctx.rng.chance(hostility) ? maybeValue(child, k, ctx) : validValue(child, k, ctx);
    if (v !== MISSING) out[k] = v;
  }
  return out;
}

const JUNK_KEYS = ['__proto__', 'constructor', 'prototype', 'x'.repeat(300), '', '$ACTION_ID_junk', 'admin', 'role', 'clientId '];

/**
 * One hostile input for an object schema: a benign base, then 1–3 anchored fields set to values
 * no schema of their kind accepts — or, when `business` is asked for and the schema has ids or
 * dates, one of those set to an unknown id or a date far outside the window (the command's
 * refusal), everything else parse-valid or hostile-but-maybe-valid.
 */
export function generateInput(
  node: Node,
  ctx: GenContext,
  mode: 'field' | 'business' | 'benign',
  refuses?: (value: Record<string, unknown>) => boolean,
): Generated | null {
  if (mode !== 'field' || !refuses) return generateOnce(node, ctx, mode);
  // A field anchor must be one the schema refuses as a whole (a field another field makes moot — a
  // refund's rows — is no anchor): drawn again until it is.
  for (let i = 0; i < 50; i++) {
    const g = generateOnce(node, ctx, mode);
    if (!g || refuses(g.value as Record<string, unknown>)) return g;
  }
  return null;
}

function generateOnce(node: Node, ctx: GenContext, mode: 'field' | 'business' | 'benign'): Generated | null {
  const { rng } = ctx;
  const base = benign(node, ctx, mode === 'field' ? 0.5 : 0.35);
  if (rng.chance(0.15))
    base[rng.pick(JUNK_KEYS)] = ctx.surface === 'json' ? rng.pick(['junk', { nested: { deeper: [1, 2, { x: null }] } }, [1, 2, 3]]) : 'junk';
  if (mode === 'benign') return { value: base, anchor: 'body', anchored: [] };
  if (mode === 'business') {
    const candidates = businessLeaves(node, ctx.surface);
    if (candidates.length === 0) return null;
    const leaf = rng.pick(candidates);
    const info = (leaf.node as { info: FieldInfo }).info;
    let value: unknown;
    if (info.kind === 'businessDate') value = rng.pick(['2999-12-31', '2199-01-01', '3000-06-15']);
    else if (info.kind === 'id') value = ctx.surface === 'json' && rng.chance(0.5) ? Number(unknownId(rng)) : unknownId(rng);
    else value = ctx.surface === 'json' ? [unknownId(rng)] : new Repeated([unknownId(rng)]);
    setAt(base, leaf.path, value);
    return { value: base, anchor: 'business', anchored: [leaf.path.join('.')] };
  }
  const candidates = leaves(node, ctx.surface);
  if (candidates.length === 0) return null;
  const count = 1 + (rng.chance(0.4) ? rng.int(3) : 0);
  const anchored: string[] = [];
  for (let i = 0; i < count; i++) {
    const leaf = rng.pick(candidates);
    const pool = invalidPool(leaf.node, leaf.path[leaf.path.length - 1]!, ctx.surface);
    setAt(base, leaf.path, rng.pick(pool));
    anchored.push(leaf.path.join('.'));
  }
  return { value: base, anchor: 'field', anchored };
}

/** Whole bodies that are no object of any schema (JSON routes). */
export function hostileBodies(rng: Rng, options: { someFieldRequired: boolean }): { text: string; contentType: string | null }[] {
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  return [
    { text: '[]', contentType: 'application/json' },
    { text: '"just a string"', contentType: 'application/json' },
    { text: '42', contentType: 'application/json' },
    { text: 'null', contentType: 'application/json' },
    { text: 'true', contentType: 'application/json' },
    { text: '{"a":', contentType: 'application/json' },
    { text: '{"name": "x",}', contentType: 'application/json' },
    { text: deep(65 + rng.int(40)), contentType: 'application/json' },
    { text: '[' + '['.repeat(200) + ']'.repeat(200) + ']', contentType: 'application/json' },
    { text: '{"a":"\\u0000"}', contentType: 'application/json' },
    { text: '{"\\ud800":1}', contentType: 'application/json' },
    { text: 'name=Acme&currency=USD', contentType: 'application/x-www-form-urlencoded' },
    { text: 'plain text body', contentType: 'text/plain' },
    { text: '<xml/>', contentType: 'application/xml' },
    { text: '\u0000\u0001\u0002', contentType: null },
    // objects that carry none of the fields: refused only when some field is required
    ...(options.someFieldRequired
      ? [
          { text: '{}', contentType: 'application/json' },
          { text: '', contentType: 'application/json' },
          { text: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}', contentType: 'application/json' },
        ]
      : []),
  ];
}

/** Whether an object schema needs at least one field (so an empty object is refused). */
export function someFieldRequired(node: Node): boolean {
  return node.type === 'object' && Object.values(node.shape).some((child) => !child.optional && !(child.type === 'field' && child.info.kind === 'checkbox'));
}

/** Path parameter values that name nothing a route may act on. */
export function hostilePathIds(rng: Rng): string[] {
  return [
    'abc',
    '0',
    '-1',
    '1.5',
    '1e3',
    '0x1F',
    '١٢',
    '%00',
    '9'.repeat(40),
    ' 1',
    '',
    '..',
    '1;drop',
    unknownId(rng),
    unknownId(rng),
    '99999999999999',
    '\ud800',
    'null',
    'undefined',
    '[id]',
  ];
}

// ---------------------------------------------------------------- answers

/** zod's own words or a field's path leaking into a message meant for a person. */
export const ZOD_WORDING =
  /Too (big|small)|expected (string|number|object|array|boolean)|Invalid (input|option|string|type)|received (string|number|object|array|undefined|null)|^Required$|invalid_type|invalid_union/;

/** A short, printable account of an input (for failure reports). */
export function shown(value: unknown, max = 300): string {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v === MISSING
      ? '<missing>'
      : v instanceof Repeated
        ? { repeated: v.values }
        : typeof v === 'string' && v.length > 60
          ? `${v.slice(0, 40)}…(${v.length})`
          : v,
  );
  return text === undefined ? String(value) : text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The form data of a generated form input (lists and repeated values sent as repeated names). */
export function toFormData(value: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, v] of Object.entries(value)) {
    if (v === MISSING || v === undefined) continue;
    if (v instanceof Repeated) for (const item of v.values) form.append(key, item);
    else if (Array.isArray(v)) for (const item of v) form.append(key, String(item));
    else if (v !== null && typeof v === 'object') form.append(key, JSON.stringify(v));
    else form.append(key, String(v));
  }
  return form;
}
