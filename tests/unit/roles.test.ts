import { describe, expect, it } from 'vitest';
import { assertClientScope, requireRole, type Actor } from '../../lib/auth/actor';
import { generateApiKey, hashApiKey, looksLikeApiKey } from '../../lib/auth/api-keys';
import { NAVIGATION, ROLES, canOpen, homeFor } from '../../lib/auth/roles';

const actor = (role: Actor['role'], clientId: number | null = null): Actor => ({
  userId: 1,
  label: `${role}@t.test`,
  role,
  clientId,
  source: 'api',
  requestId: 'r',
  ip: null,
});

describe('roles', () => {
  it('refuses a missing actor with 401 and a wrong role with 403', () => {
    expect(() => requireRole(null, 'admin')).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => requireRole(actor('auditor'), 'funding')).toThrow(expect.objectContaining({ status: 403, code: 'forbidden' }));
    expect(requireRole(actor('funding'), ['funding', 'controller']).role).toBe('funding');
  });

  it('scopes a client user to its own client with a 404, never a 403', () => {
    expect(() => assertClientScope(actor('client', 5), 6)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertClientScope(actor('client', 5), 5)).not.toThrow();
    expect(() => assertClientScope(actor('auditor'), 6)).not.toThrow();
  });

  it('shows each role its screens: auditors read everything staff see, clients only the portal', () => {
    for (const item of NAVIGATION) expect(canOpen('auditor', item.section)).toBe(true);
    for (const item of NAVIGATION) expect(canOpen('client', item.section)).toBe(false);
    expect(canOpen('client', 'portal')).toBe(true);
    expect(canOpen('funding', 'collections')).toBe(false);
    expect(canOpen('collections', 'fundings')).toBe(false);
    expect(canOpen('funding', 'settings')).toBe(false);
    expect(canOpen('admin', 'settings')).toBe(true);
    expect(ROLES.map(homeFor)).toContain('/portal');
  });
});

describe('API keys', () => {
  it('are random, recognisable and stored only as a hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(a.keyHash).toBe(hashApiKey(a.key));
    expect(a.keyHash).not.toContain(a.key.slice(3));
    expect(a.key.startsWith(a.prefix)).toBe(true);
    expect(looksLikeApiKey('Bearer nonsense')).toBe(false);
  });
});
