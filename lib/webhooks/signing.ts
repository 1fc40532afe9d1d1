import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Issue 16 item 8: how a webhook delivery is signed, and how a receiver checks it (README
 * "Webhooks" shows the same recipe in a few lines of Node).
 *
 *   Holdback-Signature: t=1796340000,v1=<hex HMAC-SHA256(secret, t + "." + body)>
 *
 * `t` is the Unix time (seconds) of the attempt; each attempt is signed afresh (a redelivery
 * carries a new `t`, the same body and event id). A receiver recomputes the HMAC over the raw
 * body it received, compares in constant time, and refuses a `t` more than five minutes away
 * from its own clock (a replayed request).
 */

export const SIGNATURE_HEADER = 'Holdback-Signature';
/** the event's id, also the body's `id`: the same on every attempt, so a receiver dedupes by it */
export const EVENT_ID_HEADER = 'Holdback-Event-Id';
export const EVENT_TYPE_HEADER = 'Holdback-Event-Type';
/** How far a signature's timestamp may be from the receiver's clock (seconds): older is a replay. */
export const REPLAY_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `t.body` under the secret. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The header value for a delivery made at `timestamp` (Unix seconds). */
export function signatureHeader(secret: string, body: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/** The parts of a Holdback-Signature header (several v1 are allowed, for a secret being rotated), or null when it is not one. */
export function parseSignatureHeader(header: string | null | undefined): { timestamp: number; signatures: string[] } | null {
  if (!header || header.length > 2000) return null;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) return null;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return null;
      signatures.push(value);
    }
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

export type Verification = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * The receiver's check: the header parses, its timestamp is within `toleranceSeconds` of `now`
 * (Unix seconds), and one of its v1 signatures equals the HMAC of `t.body` (constant-time).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { now?: number; toleranceSeconds?: number } = {},
): Verification {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > (options.toleranceSeconds ?? REPLAY_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signPayload(secret, parsed.timestamp, body), 'hex');
  const matches = parsed.signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'mismatch' };
}
