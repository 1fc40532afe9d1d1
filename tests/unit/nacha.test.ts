import { describe, expect, it } from 'vitest';
import { cents, isRoutingNumber, nachaFile, type NachaInput } from '@/lib/releases/nacha';

const originator = {
  originRouting: '021000021',
  destinationRouting: '021000021',
  destinationName: 'JPMorgan Chase',
  companyId: '1234567890',
  companyName: 'Holdback Factors',
};
const input: NachaInput = {
  originator,
  effectiveDate: '2026-02-13',
  createdAt: new Date('2026-02-12T18:05:00Z'),
  entries: [
    { routing: '011000015', account: '123456789', accountType: 'checking', amount: '1900.00', name: 'Naya Logistics Inc', id: '41' },
    { routing: '026009593', account: '0009876543210', accountType: 'savings', amount: '70.05', name: 'InstaPay Café', id: '42' },
  ],
};

describe('NACHA payout file', () => {
  it('checks ABA routing numbers', () => {
    expect(isRoutingNumber('021000021')).toBe(true);
    expect(isRoutingNumber('011000015')).toBe(true);
    expect(isRoutingNumber('021000022')).toBe(false);
    expect(isRoutingNumber('02100002')).toBe(false);
    expect(cents('1900.00')).toBe('190000');
    expect(() => cents('1.005')).toThrow('not whole cents');
  });

  it('writes 94-character records in blocks of ten with the right totals and hash', () => {
    const lines = nachaFile(input).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines.every((l) => l.length === 94)).toBe(true);
    expect(lines[0]).toBe('101 021000021 0210000212602121805A094101JPMORGAN CHASE         HOLDBACK FACTORS               ');
    expect(lines[1]).toBe('5220HOLDBACK FACTORS                    1234567890CCDREBATE    260213260213   1021000020000001');
    expect(lines[2]).toBe('622011000015123456789        000019000041             NAYA LOGISTICS INC      0021000020000001');
    // savings credit, non-ASCII folded ("Café" → "CAFE")
    expect(lines[3]).toBe('6320260095930009876543210    000000700542             INSTAPAY CAFE           0021000020000002');
    // entry hash 01100001 + 02600959 = 03700960; credits 190000 + 7005 = 197005
    expect(lines[4]).toBe('82200000020003700960000000000000000000197005' + '1234567890' + ' '.repeat(25) + '021000020000001');
    expect(lines[5]).toBe('9000001000001000000020003700960000000000000000000197005' + ' '.repeat(39));
    expect(lines.slice(6)).toEqual(Array(4).fill('9'.repeat(94)));
  });

  it('refuses what a bank would reject', () => {
    expect(() => nachaFile({ ...input, entries: [] })).toThrow('at least one payout');
    expect(() => nachaFile({ ...input, entries: [{ ...input.entries[0]!, routing: '123456789' }] })).toThrow(
      'Payout 41: 123456789 is not a valid routing number',
    );
    expect(() => nachaFile({ ...input, originator: { ...originator, originRouting: '000000001' } })).toThrow('originating bank routing number');
  });
});
