import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, eventHash } from '../../lib/audit/hash';

const fields = {
  occurredAt: '2026-01-01T00:00:00.000Z',
  actorUserId: 1,
  actor: 'a@b.test',
  role: 'admin',
  action: 'user.create',
  targetType: 'user',
  targetId: '2',
  before: null,
  after: { email: 'x@y.test', role: 'funding' },
  requestId: 'r1',
  source: 'console',
  ip: null,
};

describe('the audit hash chain', () => {
  it('serialises with sorted keys so jsonb key order cannot change a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const h = eventHash(GENESIS_HASH, fields);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(GENESIS_HASH, { ...fields })).toBe(h);
    expect(eventHash(GENESIS_HASH, { ...fields, after: { email: 'x@y.test', role: 'admin' } })).not.toBe(h);
    expect(eventHash(GENESIS_HASH, { ...fields, actor: 'someone@else.test' })).not.toBe(h);
    expect(eventHash('f'.repeat(64), fields)).not.toBe(h);
  });
});
