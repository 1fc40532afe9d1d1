import { describe, expect, it } from 'vitest';
import { splitTargets } from '../../scripts/bench-console';

const NAMES = ['dashboard', 'invoices', 'invoices open, by outstanding', 'console floor (/search, empty)', 'clients'];

describe('bench --only', () => {
  it('splits plain names on commas', () => {
    expect(splitTargets('dashboard,clients', NAMES)).toEqual(['dashboard', 'clients']);
    expect(splitTargets(' dashboard , clients ', NAMES)).toEqual(['dashboard', 'clients']);
  });
  it('takes a name with commas of its own whole, alone or among others', () => {
    expect(splitTargets('invoices open, by outstanding', NAMES)).toEqual(['invoices open, by outstanding']);
    expect(splitTargets('invoices,invoices open, by outstanding,console floor (/search, empty)', NAMES)).toEqual([
      'invoices',
      'invoices open, by outstanding',
      'console floor (/search, empty)',
    ]);
  });
  it('passes an unknown name through, so the caller can say it names no target', () => {
    expect(splitTargets('dashbord,clients', NAMES)).toEqual(['dashbord', 'clients']);
  });
});
