import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors';
import { payloadTooLarge, tooManyRows } from './limits';

/**
 * Reading what a caller sent, defensively (issue 11): a bounded request id, a body read as a
 * stream and cut at its limit, and JSON that cannot overflow a stack or smuggle characters
 * Postgres refuses. Plain functions of the Web Request, so the API routes and tests share them.
 */

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** A caller's `X-Request-Id` if it is short and plain, else a fresh UUID (it lands in the audit log). */
export function boundedRequestId(value: string | null | undefined): string {
  return value && REQUEST_ID_PATTERN.test(value) ? value : randomUUID();
}

export interface BodyReadLimits {
  maxBytes: number;
  /**
   * The row cap of a file import: a text body with more lines than this is cut as it streams in
   * (an XML body, whose entries are not lines, is counted by the importer instead).
   */
  maxLines?: number;
}

const NEWLINE = 0x0a;
const LT = 0x3c;

function firstSignificantByte(chunk: Uint8Array): number | undefined {
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i]!;
    // whitespace and a UTF-8 byte-order mark
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b;
  }
  return undefined;
}

/** The body as text, read chunk by chunk: over `maxBytes` → 413 at once, nothing more is read. */
export async function readBodyText(req: Request, limits: BodyReadLimits): Promise<string> {
  const declared = req.headers.get('content-length');
  if (declared && /^\d+$/.test(declared) && Number(declared) > limits.maxBytes) throw payloadTooLarge(limits.maxBytes);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let bytes = 0;
  let lines = 0;
  let countLines = limits.maxLines !== undefined;
  let sawContent = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limits.maxBytes) throw payloadTooLarge(limits.maxBytes);
      if (countLines && !sawContent) {
        const first = firstSignificantByte(value);
        if (first !== undefined) {
          sawContent = true;
          if (first === LT) countLines = false;
        }
      }
      if (countLines) {
        for (let i = value.indexOf(NEWLINE); i !== -1; i = value.indexOf(NEWLINE, i + 1)) lines += 1;
        if (lines > limits.maxLines!) throw tooManyRows(limits.maxLines!);
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** How deep JSON may nest: API.md bodies need three or four levels; the rest is an attack. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of a JSON text, counted without parsing it (so a body of a million '['
 * costs one pass and never reaches JSON.parse, canonicalJson or JSON.stringify).
 */
export function jsonDepthExceeds(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** A NUL byte or half of a surrogate pair: Postgres refuses both (22021/22P05) and neither is text a person wrote. */
const BAD_CHARACTER = /[\0\p{Cs}]/u;

export function hasBadCharacters(text: string): boolean {
  return BAD_CHARACTER.test(text);
}

function invalidCharacters(field: string): DomainError {
  return new DomainError('invalid_characters', `${field === '_' ? 'The body' : field} contains a NUL character or broken Unicode (an unpaired surrogate)`, {
    status: 400,
    details: { [field]: 'contains a NUL character or an unpaired surrogate' },
  });
}

/**
 * Every string (and key) of a parsed JSON value is plain text; the path of the first that is
 * not is named (`invoices.2.number`). Iterative: the depth was bounded before parsing anyway.
 */
export function assertCleanJson(value: unknown): void {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasBadCharacters(v)) throw invalidCharacters(path || '_');
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: path ? `${path}.${i}` : String(i) }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        const at = path ? `${path}.${key}` : key;
        if (hasBadCharacters(key)) throw invalidCharacters(path ? `${path}.(key)` : '(key)');
        stack.push({ value: item, path: at });
      }
    }
  }
}

/** A JSON body: malformed, too deep or with unstorable characters → 400 of API.md's shape. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  if (jsonDepthExceeds(text)) {
    throw new DomainError('too_deeply_nested', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, {
      status: 400,
      details: { _: `at most ${MAX_JSON_DEPTH} levels of nesting`, limit: MAX_JSON_DEPTH },
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('invalid_json', 'The request body is not valid JSON', { status: 400 });
  }
  assertCleanJson(value);
  return value;
}

/** A text body (a CSV or bank file): a NUL byte is refused with the line it is on. */
export function assertCleanText(text: string): void {
  const at = text.indexOf('\0');
  if (at === -1) return;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line += 1;
  throw new DomainError('invalid_characters', `The file contains a NUL character (line ${line}); send it as UTF-8 text`, {
    status: 400,
    details: { body: `NUL character on line ${line}`, line },
  });
}
