import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseListRequest } from '../../lib/lists/keyset';
import { deliveryListDefinition } from '../../lib/webhooks/list';
import { WEBHOOK_EVENTS, webhookEventId } from '../../lib/webhooks/events';
import { webhookBackoffSeconds, WEBHOOK_MAX_ATTEMPTS } from '../../lib/webhooks/deliver';
import { webhookBody } from '../../lib/webhooks/outbox';
import { parseSignatureHeader, REPLAY_TOLERANCE_SECONDS, signatureHeader, signPayload, verifySignature } from '../../lib/webhooks/signing';
import { webhookInputSchema } from '../../lib/webhooks/subscriptions';

/** Issue 16 item 8: the webhook signature, as Holdback makes it and as README tells receivers to check it. */

const secret = 'whsec_test';
const body = '{"id":"invoice.funded:batch-1","type":"invoice.funded","createdAt":"2026-11-30T22:00:00.000Z","data":{"totalAdvance":"8000.00"}}';
const t = 1_796_340_000;

describe('signing a delivery', () => {
  it('is t=UNIX,v1=hex HMAC-SHA256(secret, t + "." + body)', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signPayload(secret, t, body)).toBe(expected);
    expect(signatureHeader(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('parses the header, and refuses what is not one', () => {
    const header = signatureHeader(secret, body, t);
    expect(parseSignatureHeader(header)).toEqual({ timestamp: t, signatures: [header.slice(header.indexOf('v1=') + 3)] });
    for (const bad of [null, '', 'garbage', `t=${t}`, 'v1=' + 'a'.repeat(64), `t=abc,v1=${'a'.repeat(64)}`, `t=${t},v1=xyz`, `t=${t},v1=${'A'.repeat(64)}`]) {
      expect(parseSignatureHeader(bad)).toBeNull();
    }
  });
});

describe('verifying a delivery (the receiver’s recipe)', () => {
  const header = signatureHeader(secret, body, t);

  it('accepts the signed body within five minutes either way', () => {
    expect(verifySignature(secret, body, header, { now: t })).toEqual({ ok: true, timestamp: t });
    expect(verifySignature(secret, body, header, { now: t + REPLAY_TOLERANCE_SECONDS })).toEqual({ ok: true, timestamp: t });
    expect(verifySignature(secret, body, header, { now: t - 60 }).ok).toBe(true);
  });

  it('refuses a replay: a timestamp older than five minutes, even with a valid signature', () => {
    expect(verifySignature(secret, body, header, { now: t + REPLAY_TOLERANCE_SECONDS + 1 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses another body, another secret, a changed timestamp', () => {
    expect(verifySignature(secret, body.replace('8000.00', '9000.00'), header, { now: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature('whsec_other', body, header, { now: t })).toEqual({ ok: false, reason: 'mismatch' });
    const moved = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifySignature(secret, body, moved, { now: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(secret, body, 'nonsense', { now: t })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts any of several v1 signatures (a secret being rotated)', () => {
    const other = signPayload('whsec_old', t, body);
    expect(verifySignature(secret, body, `t=${t},v1=${other},v1=${signPayload(secret, t, body)}`, { now: t }).ok).toBe(true);
  });
});

describe('events and retries', () => {
  it('an event’s id is its type and key, the same every time; the body carries it', () => {
    expect(webhookEventId('payment.applied', 'application-7')).toBe('payment.applied:application-7');
    const at = new Date('2026-11-30T22:00:00Z');
    const made = webhookBody({ type: 'payment.applied', key: 'application-7', data: { amount: '10.00' } }, at);
    expect(JSON.parse(made)).toEqual({
      id: 'payment.applied:application-7',
      type: 'payment.applied',
      createdAt: '2026-11-30T22:00:00.000Z',
      data: { amount: '10.00' },
    });
  });

  it('backs off exponentially, and gives up after a bounded number of attempts', () => {
    expect([1, 2, 3, 4].map(webhookBackoffSeconds)).toEqual([30, 60, 120, 240]);
    expect(webhookBackoffSeconds(40)).toBe(6 * 3600);
    expect(WEBHOOK_MAX_ATTEMPTS).toBeGreaterThan(3);
  });

  it('a subscription needs an http(s) URL and known events, and says which field is wrong in plain words', () => {
    expect(webhookInputSchema.safeParse({ url: 'https://example.com/hook', events: [...WEBHOOK_EVENTS] }).success).toBe(true);
    const messages = (input: unknown) => {
      const r = webhookInputSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(messages({ url: 'ftp://example.com', events: ['invoice.funded'] })).toEqual(['URL must start with https://']);
    expect(messages({ url: 'http://example.com/hook', events: ['invoice.funded'] })[0]).toMatch(/^URL must start with https:\/\/ \(plain http/);
    expect(messages({ url: 'https://169.254.169.254/x', events: ['invoice.funded'] })[0]).toMatch(
      /^URL must point at a public address: 169\.254\.169\.254 is a link-local/,
    );
    expect(messages({ url: 'example.com/hook', events: ['invoice.funded'] })[0]).toMatch(/^URL must be a web address/);
    expect(messages({ url: 'https://example.com/a b', events: ['invoice.funded'] })[0]).toMatch(/^URL must not contain spaces/);
    expect(messages({ url: 'https://u:p@example.com', events: ['invoice.funded'] })[0]).toMatch(/^URL must not carry a user name or password/);
    expect(messages({ url: 'https://example.com', events: [] })).toEqual(['Events must have at least one entry']);
    expect(messages({ url: 'https://example.com', events: ['invoice.paid'] })[0]).toMatch(/^Event must be one of: invoice.funded, payment.applied/);
    expect(messages({ events: ['invoice.funded'] })).toEqual(['URL is required']);
  });
});

describe('the delivery log as a list', () => {
  it('reads its URL as documented: newest first, typed filters, a bad one named', () => {
    expect(parseListRequest(deliveryListDefinition, {})).toMatchObject({ sort: 'queued', order: 'desc', limit: 50, cursor: null, filters: {} });
    expect(parseListRequest(deliveryListDefinition, { status: 'failed', event: 'payment.applied', webhook: '3' }).filters).toEqual({
      status: 'failed',
      event: 'payment.applied',
      webhook: 3,
    });
    let details: Record<string, string> = {};
    try {
      parseListRequest(deliveryListDefinition, { status: 'lost' });
    } catch (error) {
      details = (error as { details: Record<string, string> }).details;
    }
    expect(details.status).toMatch(/^Status must be one of: pending, sending, delivered, failed/);
  });
});
