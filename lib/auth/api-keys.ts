import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys (API.md "Keys for automation"): 32 random bytes, shown once, stored as sha256.
 * A key is high-entropy, so a fast hash is the right one (a password hash would only slow
 * every API call); the prefix lets a person tell keys apart.
 */
export const API_KEY_PREFIX = 'hb_';

export function generateApiKey(): { key: string; keyHash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, keyHash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length >= 20 && value.length <= 200;
}
