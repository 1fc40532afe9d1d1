import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Issue 16 item 8: a webhook's signing secret at rest. It must be readable by the worker (it signs
 * every delivery), so it is encrypted, not hashed: AES-256-GCM under a key from
 * `WEBHOOK_SECRET_KEY` (32 bytes, as 64 hex digits or base64) or, when that is unset, derived with
 * HKDF-SHA256 from `AUTH_SECRET`. Stored as `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url; the
 * key id is the first 8 hex digits of the key's SHA-256, so a changed key is named as the reason).
 * Rows written before migration 0040 were plain; the migration marked them `plain:` — they are
 * still read, and sealed by the webhooks job (sealLegacyWebhookSecrets); only sealed values are
 * written.
 */

export const SEALED_PREFIX = 'v1:';
export const LEGACY_PREFIX = 'plain:';
const AAD = Buffer.from('holdback.webhook_secret.v1');

export class WebhookSecretKeyError extends Error {}

/** The 32-byte key: WEBHOOK_SECRET_KEY, or HKDF of AUTH_SECRET. Throws when neither is set or the key is malformed. */
export function webhookSecretKey(env: Record<string, string | undefined> = process.env): Buffer {
  const given = env.WEBHOOK_SECRET_KEY?.trim();
  if (given) {
    const key = /^[0-9a-fA-F]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.from(given.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== 32) throw new WebhookSecretKeyError('WEBHOOK_SECRET_KEY must be 32 bytes, written as 64 hex digits or as base64');
    return key;
  }
  const auth = env.AUTH_SECRET;
  if (!auth) throw new WebhookSecretKeyError('Set WEBHOOK_SECRET_KEY (or AUTH_SECRET) so webhook signing secrets can be kept encrypted');
  return Buffer.from(hkdfSync('sha256', Buffer.from(auth, 'utf8'), Buffer.from('holdback'), Buffer.from('webhook signing secrets v1'), 32));
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** The stored form of a secret: encrypted, authenticated, a fresh IV each time. */
export function sealWebhookSecret(secret: string, key: Buffer = webhookSecretKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${SEALED_PREFIX}${keyId(key)}:${iv.toString('base64url')}:${tag.toString('base64url')}:${data.toString('base64url')}`;
}

/** The secret of a stored value (sealed, or legacy `plain:`). Throws a WebhookSecretKeyError naming why it cannot be read. */
export function openWebhookSecret(stored: string, key?: Buffer): string {
  if (stored.startsWith(LEGACY_PREFIX)) return stored.slice(LEGACY_PREFIX.length);
  if (!stored.startsWith(SEALED_PREFIX)) throw new WebhookSecretKeyError('The stored signing secret is in no known form');
  const [kid, iv, tag, data] = stored.slice(SEALED_PREFIX.length).split(':');
  if (!kid || !iv || !tag || data === undefined) throw new WebhookSecretKeyError('The stored signing secret is in no known form');
  const k = key ?? webhookSecretKey();
  if (kid !== keyId(k)) {
    throw new WebhookSecretKeyError('The signing secret was encrypted under another key: WEBHOOK_SECRET_KEY (or AUTH_SECRET) has changed since');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new WebhookSecretKeyError('The stored signing secret does not decrypt (altered, or sealed under another key)');
  }
}

export const isLegacySecret = (stored: string) => stored.startsWith(LEGACY_PREFIX);
