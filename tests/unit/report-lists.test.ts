import { describe, expect, it } from 'vitest';
import { idFromLabel } from '../../lib/clients/pick';
import { parseListRequest } from '../../lib/lists/keyset';
import { AGING_LISTS } from '../../lib/reports/aging-list';
import { FEE_INCOME_LIST, MAX_MONTHS, monthsBetween, periodOf } from '../../lib/reports/fee-income';

describe('the fee income period (lib/reports/fee-income.ts)', () => {
  it('lists the months from one to the other, both included, across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-04', '2026-04')).toEqual(['2026-04']);
  });

  it('defaults to the twelve months to this one; one end given, twelve months from or to it', () => {
    expect(periodOf({}, '2026-01-15')).toEqual({ from: '2025-02', to: '2026-01', months: monthsBetween('2025-02', '2026-01') });
    expect(periodOf({}, '2026-01-15').months).toHaveLength(12);
    expect(periodOf({ from: '2025-12' }, '2026-04-20')).toMatchObject({ from: '2025-12', to: '2026-11' });
    expect(periodOf({ to: '2026-03' }, '2026-04-20')).toMatchObject({ from: '2025-04', to: '2026-03' });
  });

  it('refuses a month written wrongly, a range backwards and a period over the limit, in the fields’ words', () => {
    const refusal = (params: Record<string, string>) => {
      try {
        parseListRequest(FEE_INCOME_LIST, params);
        return null;
      } catch (e) {
        return (e as { details?: Record<string, string> }).details ?? null;
      }
    };
    expect(refusal({ from: '2026-4' })).toEqual({ from: 'From month must be a month written as YYYY-MM, e.g. 2026-04' });
    expect(refusal({ from: '2026-05', to: '2026-04' })).toEqual({ to: 'To month must not be before From month' });
    expect(refusal({ from: '2024-01', to: '2026-01' })).toEqual({ to: `The period may be at most ${MAX_MONTHS} months: move From month or To month` });
    expect(refusal({ from: '2024-02', to: '2026-01' })).toBeNull();
    expect(refusal({ sort: 'months' })).toEqual({ sort: 'Sort must be one of: total, name' });
  });
});

describe('the aging lists (lib/reports/aging-list.ts)', () => {
  it('sort by total (largest first, the default), 90+ or name; a cursor of one side is refused by the other', () => {
    expect(parseListRequest(AGING_LISTS.debtor, {})).toMatchObject({ sort: 'total', order: 'desc' });
    expect(() => parseListRequest(AGING_LISTS.client, { sort: 'issueDate' })).toThrow('Sort must be one of: total, over90, name');
    expect(AGING_LISTS.debtor.name).not.toBe(AGING_LISTS.client.name);
  });
});

describe('what the client typeahead sends (lib/clients/pick.ts idFromLabel)', () => {
  it('reads a number, "#number" or a suggestion label; a name alone names no id', () => {
    expect(idFromLabel('#12')).toBe('12');
    expect(idFromLabel(' 12 ')).toBe('12');
    expect(idFromLabel('Acme Freight LLC (#7, USD)')).toBe('7');
    expect(idFromLabel('Acme (#9, EUR, suspended)')).toBe('9');
    expect(idFromLabel('Acme Freight LLC')).toBeNull();
    expect(idFromLabel('#0')).toBeNull();
  });
});
