import { describe, expect, it } from 'vitest';
import { clientIpFrom } from '../../lib/http/client-ip';
import { SECURITY_HEADERS, allowedOriginHosts, forwardedFor, originAllowed, requestHost } from '../../lib/http/edge';
import { publicError } from '../../lib/http/errors';
import { MB, assertRowLimit, bodyKindOf, bodyLimits, countRows, importRowLimit, isServerActionRequest, parseSize } from '../../lib/http/limits';
import { MAX_JSON_DEPTH, assertCleanJson, boundedRequestId, jsonDepthExceeds, parseJsonBody, readBodyText } from '../../lib/http/request';
import { DomainError } from '../../lib/errors';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

async function rejected(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('X-Forwarded-For as the web server rewrites it', () => {
  it('without trusted proxies replaces a forged header with the socket peer, so the audit log gets the peer', () => {
    const xff = forwardedFor('6.6.6.6', '::ffff:127.0.0.1', 0);
    expect(xff).toBe('::ffff:127.0.0.1');
    expect(clientIpFrom(xff, 0)).toBe('127.0.0.1');
  });
  it('with one trusted proxy appends the peer, and the address before it is the client', () => {
    const xff = forwardedFor('6.6.6.6, 203.0.113.9', '10.0.0.2', 1);
    expect(xff).toBe('6.6.6.6, 203.0.113.9, 10.0.0.2');
    expect(clientIpFrom(xff, 1)).toBe('203.0.113.9');
  });
  it('with trusted proxies and no header, the peer alone', () => {
    expect(forwardedFor(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
  });
  it('keeps only the tail of an absurdly long chain', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`).join(', ');
    const xff = forwardedFor(long, '192.0.2.1', 1)!;
    expect(xff.length).toBeLessThan(2100);
    expect(xff.endsWith(', 192.0.2.1')).toBe(true);
    expect(clientIpFrom(xff, 1)).toBe('10.0.3.249');
  });
});

describe('server actions and their Origin', () => {
  it('recognises a server action by its next-action header or a form post outside /api', () => {
    expect(isServerActionRequest('POST', '/clients', headers({ 'next-action': 'abc' }))).toBe(true);
    expect(isServerActionRequest('POST', '/clients', headers({ 'content-type': 'multipart/form-data; boundary=x' }))).toBe(true);
    expect(isServerActionRequest('POST', '/api/v1/clients', headers({ 'next-action': 'abc' }))).toBe(false);
    expect(isServerActionRequest('GET', '/clients', headers({ 'next-action': 'abc' }))).toBe(false);
  });
  it('lets the same host through and refuses a foreign, null or malformed Origin', () => {
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
    expect(originAllowed('https://evil.example', '127.0.0.1:3000', [])).toBe(false);
    expect(originAllowed('null', '127.0.0.1:3000', [])).toBe(false);
    expect(originAllowed('not a url', '127.0.0.1:3000', [])).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:3000', [])).toBe(true);
  });
  it('honours ALLOWED_ORIGINS as hosts, origins or *.domain patterns', () => {
    const allowed = allowedOriginHosts('https://console.factor.example, *.factor.example ,admin.example:8443');
    expect(allowed).toEqual(['console.factor.example', '*.factor.example', 'admin.example:8443']);
    expect(originAllowed('https://console.factor.example', 'holdback.internal', allowed)).toBe(true);
    expect(originAllowed('https://eu.factor.example', 'holdback.internal', allowed)).toBe(true);
    expect(originAllowed('https://factor.example', 'holdback.internal', allowed)).toBe(false);
    expect(originAllowed('https://admin.example:8443', 'holdback.internal', allowed)).toBe(true);
    expect(originAllowed('https://admin.example', 'holdback.internal', allowed)).toBe(false);
  });
  it('takes the host from X-Forwarded-Host only when proxies are trusted', () => {
    expect(requestHost({ host: 'internal:3000', 'x-forwarded-host': 'console.factor.example' }, 0)).toBe('internal:3000');
    expect(requestHost({ host: 'internal:3000', 'x-forwarded-host': 'Console.Factor.Example, other' }, 1)).toBe('console.factor.example');
  });
});

describe('security headers', () => {
  it('forbid framing, sniffing and foreign scripts', () => {
    const csp = SECURITY_HEADERS['Content-Security-Policy']!;
    for (const directive of ["default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'", "img-src 'self' data: blob:"])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-eval');
    expect(SECURITY_HEADERS['X-Frame-Options']).toBe('DENY');
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(SECURITY_HEADERS['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    expect(SECURITY_HEADERS['Permissions-Policy']).toContain('camera=()');
  });
});

describe('limits', () => {
  it('default to 1 MB for JSON and 20 MB for imports and server actions, and read sizes from the environment', () => {
    expect(bodyLimits({})).toEqual({ json: MB, import: 20 * MB, action: 20 * MB, document: 10 * MB });
    expect(bodyLimits({ MAX_JSON_BODY: '256kb', MAX_IMPORT_BODY: '5mb', MAX_ACTION_BODY: '1000', DOCUMENTS_MAX_BYTES: '2mb' })).toEqual({
      json: 256 * 1024,
      import: 5 * MB,
      action: 1000,
      document: 2 * MB,
    });
    expect(parseSize('nonsense', 7)).toBe(7);
    expect(importRowLimit({})).toBe(100_000);
    expect(importRowLimit({ IMPORT_MAX_ROWS: '500' })).toBe(500);
  });
  it('put the imports, server actions and everything else under their own limit', () => {
    expect(bodyKindOf('POST', '/api/v1/payments/import', headers({}))).toBe('import');
    expect(bodyKindOf('POST', '/api/v1/invoices/import', headers({}))).toBe('import');
    expect(bodyKindOf('POST', '/api/v1/payments', headers({}))).toBe('json');
    expect(bodyKindOf('POST', '/api/v1/documents', headers({ 'content-type': 'application/pdf' }))).toBe('document');
    expect(bodyKindOf('GET', '/api/v1/documents', headers({}))).toBe('json');
    expect(bodyKindOf('POST', '/invoices', headers({ 'next-action': 'x' }))).toBe('action');
    expect(bodyKindOf('PUT', '/api/v1/clients/1/payout-account', headers({}))).toBe('json');
  });
  it('count lines of CSV and BAI2, entries of camt.053, and refuse a file over the cap naming it', () => {
    expect(countRows('a\nb\nc')).toBe(3);
    expect(countRows('a\r\nb\r\n')).toBe(2);
    expect(countRows('')).toBe(0);
    expect(
      countRows('\uFEFF<?xml version="1.0"?>\n<Document><Ntry><Amt>1</Amt></Ntry>\n<Ntry ><Amt>2</Amt></Ntry><ns:Ntry>x</ns:Ntry><NtryDtls/></Document>'),
    ).toBe(3);
    assertRowLimit('h\n1\n2\n', 3);
    const error = thrown(() => assertRowLimit('h\n1\n2\n3\n', 3));
    expect(error.status).toBe(413);
    expect(error.code).toBe('too_many_rows');
    expect(error.details).toEqual({ limit: 3, unit: 'lines' });
    expect(error.message).toContain('3 lines');
  });
});

describe('request ids', () => {
  it('keeps a short plain id and replaces anything else with a UUID', () => {
    expect(boundedRequestId('req-42:a.b_c')).toBe('req-42:a.b_c');
    for (const bad of ['x'.repeat(8000), 'x'.repeat(65), 'has space', 'semi;colon', '', null, undefined]) {
      expect(boundedRequestId(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(boundedRequestId('x'.repeat(64))).toBe('x'.repeat(64));
  });
});

describe('JSON bodies', () => {
  const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
  it(`accept ${MAX_JSON_DEPTH} levels and refuse ${MAX_JSON_DEPTH + 1} before parsing (no stack overflow at a million)`, () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds(`{"s":"${'['.repeat(100)}"}`)).toBe(false);
    expect(jsonDepthExceeds(`{"s":"\\"${'['.repeat(100)}"}`)).toBe(false);
    const error = thrown(() => parseJsonBody('['.repeat(1_000_000) + ']'.repeat(1_000_000)));
    expect(error.status).toBe(400);
    expect(error.code).toBe('too_deeply_nested');
  });
  it('refuse a NUL or a lone surrogate, naming the field', () => {
    const nul = thrown(() => parseJsonBody('{"name":"Acme\\u0000"}'));
    expect([nul.status, nul.code, nul.details]).toEqual([400, 'invalid_characters', { name: 'contains a NUL character or an unpaired surrogate' }]);
    const lone = thrown(() => parseJsonBody('{"agreement":{"fees":[{"kind":"flat"},{"kind":"\\ud800"}]}}'));
    expect(lone.details).toHaveProperty(['agreement.fees.1.kind']);
    const key = thrown(() => parseJsonBody('{"\\udc00":1}'));
    expect(key.code).toBe('invalid_characters');
    expect(() => assertCleanJson({ name: 'Émile 😀', n: 1, list: ['ok'] })).not.toThrow();
    expect(thrown(() => parseJsonBody('{"a":')).code).toBe('invalid_json');
  });
});

describe('reading a body as a stream', () => {
  const streamOf = (chunks: string[]) =>
    new Request('http://x.test/', {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
  it('answers 413 naming the limit as soon as the bytes pass it, declared or not', async () => {
    const declared = await rejected(
      readBodyText(new Request('http://x.test/', { method: 'POST', body: 'x'.repeat(11), headers: { 'content-length': '11' } }), { maxBytes: 10 }),
    );
    expect([declared.status, declared.code, declared.details]).toEqual([413, 'payload_too_large', { limit: 10 }]);
    const chunked = await rejected(readBodyText(streamOf(['12345', '67890', '1']), { maxBytes: 10 }));
    expect([chunked.status, chunked.details]).toEqual([413, { limit: 10 }]);
    expect(await readBodyText(streamOf(['12345', '67890']), { maxBytes: 10 })).toBe('1234567890');
  });
  it('cuts a text file at the line cap while it streams, but not an XML file (its entries are counted later)', async () => {
    const rows = await rejected(readBodyText(streamOf(['h\n1\n', '2\n3\n']), { maxBytes: 1000, maxLines: 3 }));
    expect([rows.status, rows.code]).toEqual([413, 'too_many_rows']);
    expect(await readBodyText(streamOf(['h\n1\n', '2\n']), { maxBytes: 1000, maxLines: 3 })).toBe('h\n1\n2\n');
    expect(await readBodyText(streamOf(['  <Document>\n', '<a/>\n<b/>\n<c/>\n']), { maxBytes: 1000, maxLines: 3 })).toBe('  <Document>\n<a/>\n<b/>\n<c/>\n');
  });
  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('€');
    const req = new Request('http://x.test/', {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          c.enqueue(bytes.slice(0, 1));
          c.enqueue(bytes.slice(1));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await readBodyText(req, { maxBytes: 10 })).toBe('€');
  });
});

describe('errors as callers see them', () => {
  const pg = (code: string) => Object.assign(new Error(`internal detail postgres://secret@db.internal:5432/holdback`), { code });
  it('map input, lock, timeout and outage errors of Postgres to 4xx/503 without the message', () => {
    const cases: [string, number, string][] = [
      ['22003', 400, 'number_out_of_range'],
      ['22021', 400, 'invalid_characters'],
      ['22P05', 400, 'invalid_characters'],
      ['22P02', 400, 'invalid_input'],
      ['22007', 400, 'invalid_input'],
      ['54001', 400, 'input_too_complex'],
      ['55P03', 409, 'locked'],
      ['40P01', 409, 'concurrent_update'],
      ['57014', 503, 'timeout'],
      ['57P01', 503, 'database_unavailable'],
      ['57P03', 503, 'database_unavailable'],
      ['53300', 503, 'database_unavailable'],
      ['08006', 503, 'database_unavailable'],
      ['ECONNREFUSED', 503, 'database_unavailable'],
      ['CONNECT_TIMEOUT', 503, 'database_unavailable'],
      ['CONNECTION_ENDED', 503, 'database_unavailable'],
    ];
    for (const [code, status, name] of cases) {
      const e = publicError(pg(code));
      expect([code, e?.status, e?.code]).toEqual([code, status, name]);
      expect(JSON.stringify(e)).not.toContain('secret');
      expect(JSON.stringify(e)).not.toContain('db.internal');
    }
  });
  it('look through drizzle’s wrapper and an AggregateError of connection attempts', () => {
    const wrapped = Object.assign(new Error('Failed query: select …'), { cause: pg('22003') });
    expect(publicError(wrapped)?.code).toBe('number_out_of_range');
    const aggregate = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], 'connect failed');
    expect(publicError(aggregate)?.code).toBe('database_unavailable');
  });
  it('leave our own bugs (and unknown codes) to the 500 path', () => {
    expect(publicError(new TypeError('x is undefined'))).toBeNull();
    expect(publicError(pg('42P01'))).toBeNull();
  });
});
