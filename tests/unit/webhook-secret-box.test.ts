import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openWebhookSecret, sealWebhookSecret, webhookSecretKey } from '../../lib/webhooks/secret-box';

/** Issue 16 item 8: a webhook's signing secret is stored encrypted (AES-256-GCM). */

const SECRET = `whsec_${'ab'.repeat(32)}`;

describe('webhook secret at rest', () => {
  const key = randomBytes(32);

  it('sealed, it is not the secret and opens to it; each sealing differs (a fresh IV)', () => {
    const a = sealWebhookSecret(SECRET, key);
    const b = sealWebhookSecret(SECRET, key);
    expect(a).toMatch(/^v1:[0-9a-f]{8}:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(a).not.toContain(SECRET);
    expect(a).not.toContain('whsec_');
    expect(a).not.toBe(b);
    expect(openWebhookSecret(a, key)).toBe(SECRET);
    expect(openWebhookSecret(b, key)).toBe(SECRET);
  });

  it('a legacy plain value (marked by migration 0040) is still read', () => {
    expect(openWebhookSecret(`plain:${SECRET}`, key)).toBe(SECRET);
  });

  it('another key, an altered value, or an unknown form is refused with a reason', () => {
    const sealed = sealWebhookSecret(SECRET, key);
    expect(() => openWebhookSecret(sealed, randomBytes(32))).toThrow('WEBHOOK_SECRET_KEY (or AUTH_SECRET) has changed');
    const parts = sealed.split(':');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[4] = data.toString('base64url');
    expect(() => openWebhookSecret(parts.join(':'), key)).toThrow('does not decrypt');
    expect(() => openWebhookSecret(SECRET, key)).toThrow('no known form');
  });

  it('the key: WEBHOOK_SECRET_KEY as hex or base64 (32 bytes), else HKDF of AUTH_SECRET, else an error naming both', () => {
    const raw = randomBytes(32);
    expect(webhookSecretKey({ WEBHOOK_SECRET_KEY: raw.toString('hex') }).equals(raw)).toBe(true);
    expect(webhookSecretKey({ WEBHOOK_SECRET_KEY: raw.toString('base64') }).equals(raw)).toBe(true);
    expect(webhookSecretKey({ WEBHOOK_SECRET_KEY: raw.toString('base64url'), AUTH_SECRET: 'x' }).equals(raw)).toBe(true);
    expect(() => webhookSecretKey({ WEBHOOK_SECRET_KEY: 'too-short' })).toThrow('WEBHOOK_SECRET_KEY must be 32 bytes');
    const derived = webhookSecretKey({ AUTH_SECRET: 'session-secret' });
    expect(derived).toHaveLength(32);
    expect(webhookSecretKey({ AUTH_SECRET: 'session-secret' }).equals(derived)).toBe(true);
    expect(webhookSecretKey({ AUTH_SECRET: 'another' }).equals(derived)).toBe(false);
    expect(derived.toString('utf8')).not.toContain('session-secret');
    expect(() => webhookSecretKey({})).toThrow('Set WEBHOOK_SECRET_KEY (or AUTH_SECRET)');
    // sealed under the AUTH_SECRET-derived key, opened with it
    expect(openWebhookSecret(sealWebhookSecret(SECRET, derived), webhookSecretKey({ AUTH_SECRET: 'session-secret' }))).toBe(SECRET);
  });
});
