import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../errors';

/**
 * Issue 16 item 2, "first shows a simulation": the console's Save release policy and Propose
 * change act only on values whose what-if preview was shown. The preview answers a digest —
 * HMAC-SHA256 (keyed by the deployment's AUTH_SECRET) of the normalized values, as the save's own
 * schema reads them, and the preview's as-of date — and the form sends it back with the values;
 * the save recomputes it from what it is about to save and refuses any other. So a preview of
 * other values, of another day, or none at all, does not let the change through. The public API
 * is not bound by it (an API client calls POST /reserve-policy/what-if itself).
 */
export type WhatIfSubject = { kind: 'risk_schedule'; values: unknown } | { kind: 'client_terms'; clientId: number; values: unknown };

const FALLBACK_SECRET = randomBytes(32).toString('hex');

function key(secret: string | undefined): Buffer {
  // AUTH_SECRET is the deployment's secret (npm start writes one); a process without it signs with its own.
  return createHash('sha256')
    .update('holdback what-if digest\u0000')
    .update(secret || FALLBACK_SECRET)
    .digest();
}

/** JSON with object keys in order (recursively), so the same values always read the same; undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The digest a preview of `subject` as of `asOf` answers (hex). */
export function whatIfDigest(subject: WhatIfSubject, asOf: string, secret: string | undefined = process.env.AUTH_SECRET): string {
  return createHmac('sha256', key(secret)).update(canonicalJson({ subject, asOf })).digest('hex');
}

/**
 * Refuses (409 `preview_required`, in plain words) unless `digest` is
 * the one a preview of exactly these values as of `asOf` answered.
 */
export function assertPreviewed(digest: string | undefined, subject: WhatIfSubject, asOf: string, secret: string | undefined = process.env.AUTH_SECRET): void {
  if (!digest) {
    throw new DomainError('preview_required', 'Preview the change first: press "Preview changes" to see what these values do, then save', {
      status: 409,
    });
  }
  const expected = Buffer.from(whatIfDigest(subject, asOf, secret), 'hex');
  const given = /^[0-9a-f]{64}$/.test(digest) ? Buffer.from(digest, 'hex') : null;
  if (!given || !timingSafeEqual(expected, given)) {
    throw new DomainError('preview_required', 'Preview the change first: the figures shown are for other values', {
      status: 409,
    });
  }
}

/** What an agreement change preview is of: the client, the terms as proposed and their effective date. */
export function agreementSubject(input: { clientId: number; effectiveFrom: string; agreement: unknown }): WhatIfSubject {
  return { kind: 'client_terms', clientId: input.clientId, values: { effectiveFrom: input.effectiveFrom, terms: input.agreement } };
}

/** The as-of date of an agreement change's preview: the later of today and the effective date (the terms apply from then). */
export function agreementPreviewAsOf(effectiveFrom: string, today: string): string {
  return effectiveFrom > today ? effectiveFrom : today;
}
