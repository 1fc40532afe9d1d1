import { describe, expect, it } from 'vitest';
import { assertClientScope, type Actor } from '../../lib/auth/actor';
import { generateApiKey, hashApiKey, looksLikeApiKey } from '../../lib/auth/api-keys';
import { can, canOpen, homeFor, isClientUser, isStaff, isSystem, requirePermission } from '../../lib/auth/permissions';
import { NAVIGATION } from '../../lib/auth/roles';

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
  it('scopes a client user to its own client with a 404, never a 403', () => {
    expect(() => assertClientScope(actor('client', 5), 6)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertClientScope(actor('client', 5), 5)).not.toThrow();
    expect(() => assertClientScope(actor('auditor'), 6)).not.toThrow();
  });

  it('shows each role its screens (section.* permissions): auditors read everything staff see, clients only the portal', () => {
    for (const item of NAVIGATION) expect(canOpen(actor('auditor'), item.section)).toBe(true);
    for (const item of NAVIGATION) expect(canOpen(actor('client', 5), item.section)).toBe(false);
    expect(canOpen(actor('client', 5), 'portal')).toBe(true);
    expect(canOpen(actor('funding'), 'collections')).toBe(false);
    expect(canOpen(actor('collections'), 'fundings')).toBe(false);
    expect(canOpen(actor('funding'), 'settings')).toBe(false);
    expect(canOpen(actor('admin'), 'settings')).toBe(true);
    expect(canOpen(null, 'dashboard')).toBe(false);
    expect(homeFor(actor('client', 5))).toBe('/portal');
    expect(homeFor(actor('controller'))).toBe('/dashboard');
  });

  it('asks the permission table: can() for pages, requirePermission() naming who may', () => {
    expect(can(actor('controller'), 'release.approve')).toBe(true);
    expect(can(actor('admin'), 'release.approve')).toBe(false);
    expect(can(undefined, 'staff.read')).toBe(false);
    expect(can(actor('system'), 'release.approve_large')).toBe(true);
    expect(() => requirePermission(null, 'release.approve')).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => requirePermission(actor('auditor'), 'funding.fund')).toThrow(
      expect.objectContaining({ status: 403, code: 'forbidden', message: 'The auditor role may not build and fund a funding batch (needs funding)' }),
    );
    expect(isStaff(actor('auditor'))).toBe(true);
    expect(isStaff(actor('client', 5))).toBe(false);
    expect(isStaff(actor('system'))).toBe(false);
    expect(isSystem(actor('system'))).toBe(true);
    expect(isClientUser(actor('client', 5))).toBe(true);
    expect(isClientUser(actor('underwriter'))).toBe(false);
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
