import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiRoute, contentDisposition, invalidBody } from '../../lib/http/api';
import { businessDate, id, money, text } from '../../lib/validation/fields';

// lib/http/api.ts imports 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * apiRoute(permission, schema, handler) (STYLE "How a command flows"): the parts that need no
 * database — a body that does not parse is API.md's 400 naming each JSON field and its label,
 * and the route keeps its permission and schema readable.
 */

const invoiceBody = z.object({
  clientId: id('Client'),
  faceValue: money('Face value'),
  issueDate: businessDate('Issue date'),
  lines: z.array(z.object({ memo: text('Memo') })).optional(),
});

function failure(schema: z.ZodType, value: unknown) {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  const e = invalidBody(r.error);
  return { status: e.status, code: e.code, message: e.message, details: e.details };
}

describe('a body that does not parse', () => {
  it('one bad field: 400 invalid_input, the message is the field’s own (naming its label), details keyed by the JSON field', () => {
    expect(failure(invoiceBody, { clientId: 'abc', faceValue: '10.00', issueDate: '2026-01-05' })).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'Client must be a whole number such as 12',
      details: { clientId: 'Client must be a whole number such as 12' },
    });
  });

  it('several: "Please correct: …" listing each; nested fields keyed by their path', () => {
    expect(failure(invoiceBody, { faceValue: '1e5', issueDate: '2026-02-30', lines: [{ memo: 'ok' }, { memo: 'Nul\u0000' }] })).toEqual({
      status: 400,
      code: 'invalid_input',
      message:
        'Please correct: Client is required; Face value must be written out in digits (no exponent such as 1e5); Issue date must be a real date written YYYY-MM-DD, such as 2026-03-31; Memo contains characters that cannot be stored (control characters or broken unicode)',
      details: {
        clientId: 'Client is required',
        faceValue: 'Face value must be written out in digits (no exponent such as 1e5)',
        issueDate: 'Issue date must be a real date written YYYY-MM-DD, such as 2026-03-31',
        'lines.1.memo': 'Memo contains characters that cannot be stored (control characters or broken unicode)',
      },
    });
  });

  it('amounts keep the codes the API always answered when they are the only problem', () => {
    const base = { clientId: 1, issueDate: '2026-01-05' };
    expect(failure(invoiceBody, { ...base, faceValue: '9'.repeat(40) })).toMatchObject({
      code: 'too_large',
      details: { faceValue: 'Face value is too large: at most 15 digits before the decimal point' },
    });
    expect(failure(invoiceBody, { ...base, faceValue: '10.12345' })).toMatchObject({ code: 'too_many_decimals' });
    expect(failure(invoiceBody, { ...base, faceValue: '-10' })).toMatchObject({ code: 'negative_amount' });
    expect(failure(invoiceBody, { ...base, faceValue: 'ten' })).toMatchObject({ code: 'invalid_decimal' });
    // mixed with another kind of problem: the general code
    expect(failure(invoiceBody, { ...base, clientId: 'x', faceValue: '9'.repeat(40) })).toMatchObject({ code: 'invalid_input' });
  });

  it('a body that is not an object at all, and a schema’s message without a label gets its field’s name', () => {
    expect(failure(invoiceBody, [1, 2])).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'The request body must be a JSON object of the fields API.md lists for this request',
      details: { _: 'The request body must be a JSON object of the fields API.md lists for this request' },
    });
    // an object or a list of another schema that gave no words of its own: zod's never reach the caller
    expect(failure(z.object({ contact: z.object({ name: text('Name') }), tags: z.array(text('Tag')) }), { contact: 'x', tags: 'y' })).toMatchObject({
      message: 'Please correct: contact must be an object with its fields; tags must be a list',
      details: { contact: 'must be an object with its fields', tags: 'must be a list' },
    });
    expect(failure(z.object({ kind: z.enum(['a', 'b'], { error: 'must be a or b' }) }), { kind: 'c' })).toMatchObject({
      message: 'kind must be a or b',
      details: { kind: 'must be a or b' },
    });
  });
});

describe('the route', () => {
  it('keeps its permission, schema and options readable, and answers 401 in API.md’s shape without a key', async () => {
    const route = apiRoute('invoice.create', invoiceBody, async ({ input }) => ({ status: 201, body: input }));
    expect(route.permission).toBe('invoice.create');
    expect(route.schema).toBe(invoiceBody);
    const read = apiRoute('portfolio.read', async () => ({ status: 200, body: {} }), { session: true });
    expect([read.permission, read.schema, read.options]).toEqual(['portfolio.read', null, { session: true }]);
    const res = await route(new Request('http://holdback.test/api/v1/invoices', { method: 'POST', body: '{}' }), { params: Promise.resolve({}) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthenticated', message: 'Send an API key as "Authorization: Bearer <key>"', details: {} } });
  });
});

describe('Content-Disposition of a file answered (issue 15 item 2: a document is previewed inline)', () => {
  it('keeps a plain name as it is, and gives any other an ASCII stand-in and its exact UTF-8 form', () => {
    expect(contentDisposition('attachment', 'rebate-advice-12.pdf')).toBe('attachment; filename="rebate-advice-12.pdf"');
    expect(contentDisposition('inline', 'pod 17 (signed).pdf')).toBe('inline; filename="pod 17 (signed).pdf"');
    expect(contentDisposition('inline', 'Lieferschein Müller.pdf')).toBe(
      'inline; filename="Lieferschein M_ller.pdf"; filename*=UTF-8\'\'Lieferschein%20M%C3%BCller.pdf',
    );
    // a quote or a semicolon cannot end the header's value early
    expect(contentDisposition('attachment', 'a";b.pdf')).toBe(`attachment; filename="a__b.pdf"; filename*=UTF-8''a%22%3Bb.pdf`);
  });
});
