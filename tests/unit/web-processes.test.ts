import { describe, expect, it } from 'vitest';
import { webProcesses } from '../../lib/http/web-processes';

describe('WEB_PROCESSES (scripts/web.ts cluster size)', () => {
  it('is one server when unset or blank', () => {
    expect(webProcesses(undefined, 8)).toBe(1);
    expect(webProcesses('  ', 8)).toBe(1);
  });
  it('takes a whole number from 1 to 64, or auto for one per core', () => {
    expect(webProcesses('2', 8)).toBe(2);
    expect(webProcesses('64', 8)).toBe(64);
    expect(webProcesses('auto', 2)).toBe(2);
    expect(webProcesses('auto', 0)).toBe(1);
    expect(webProcesses('auto', 200)).toBe(64);
  });
  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['0', '65', '-1', '1.5', 'two', '100']) {
      expect(() => webProcesses(bad, 2)).toThrow(/WEB_PROCESSES must be a whole number from 1 to 64, or auto/);
    }
  });
});
