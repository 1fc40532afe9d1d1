import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBankFile } from '@/lib/collections/bank-files';
import { Big } from '@/lib/money';
import { matchPayoutDebits, payoutFileReferences, type DebitLine, type SentBatch } from '@/lib/payouts/statement-match';
import { nachaFile } from '@/lib/releases/nacha';
import { pain001File } from '@/lib/releases/pain001';
import { eurSample } from '../fixtures/pain001-samples';
import { Prng } from '../simulation/prng';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/bank', name), 'utf8');

const debit = (line: number, amount: string, references: string[] = [], more: Partial<DebitLine> = {}): DebitLine => ({
  line,
  amount,
  currency: 'USD',
  bookingDate: '2026-02-13',
  references,
  ...more,
});
const batch = (id: number, total: string, references: string[] = [], more: Partial<SentBatch> = {}): SentBatch => ({
  id,
  currency: 'USD',
  total,
  sentDate: '2026-02-12',
  references,
  ...more,
});

describe('matching outgoing lines to sent payout batches (issue 14 item 1)', () => {
  it('the camt.053 payout debit settles the batch its PmtInfId names, on the booking date; the fee and the other transfer settle nothing', () => {
    const { debits } = parseBankFile(fixture('camt053-001-08-payouts.xml'));
    const sent = [
      batch(7, '18420.5500', ['HB-PAYOUT-7-20260212', 'HB-BATCH-7', 'HB-R-1041', 'HB-R-1044'], { currency: 'EUR' }),
      batch(8, '18420.55', ['HB-BATCH-8'], { currency: 'EUR' }),
      batch(9, '1200.00', ['HB-BATCH-9'], { currency: 'EUR' }),
    ];
    expect(matchPayoutDebits(debits, sent)).toEqual({
      settle: [{ batchId: 7, date: '2026-02-13', debitLine: 22 }],
      unmatched: [
        { line: 73, reason: 'it names payout batch #9, but 980.00 EUR is not the batch total 1200.00 EUR' },
        { line: 90, reason: 'no sent payout batch is of 12.50 EUR, and its references name none' },
      ],
    });
  });

  it('with no reference, the one sent batch of that currency and amount; never one of two alike', () => {
    expect(matchPayoutDebits([debit(3, '21050.00', ['ACH ORIG SETTLEMENT'])], [batch(12, '21050.0000'), batch(13, '500.00')])).toEqual({
      settle: [{ batchId: 12, date: '2026-02-13', debitLine: 3 }],
      unmatched: [],
    });
    expect(matchPayoutDebits([debit(3, '21050.00')], [batch(12, '21050.00'), batch(14, '21050.00')])).toEqual({
      settle: [],
      unmatched: [
        {
          line: 3,
          reason: '2 sent payout batches are of 21050.00 USD (#12, #14) and its references name none of them; settle the right one by hand',
        },
      ],
    });
    // another currency is another amount
    expect(matchPayoutDebits([debit(3, '21050.00', [], { currency: 'CAD' })], [batch(12, '21050.00')]).settle).toEqual([]);
    // to the cent
    expect(matchPayoutDebits([debit(3, '21050.01')], [batch(12, '21050.00')]).settle).toEqual([]);
  });

  it('two outgoing lines that could each be the one batch settle neither', () => {
    expect(matchPayoutDebits([debit(3, '500.00'), debit(8, '500.00')], [batch(12, '500.00')])).toEqual({
      settle: [],
      unmatched: [
        { line: 3, reason: 'lines 3, 8 are each 500.00 USD with no reference to payout batch #12; settle it by hand' },
        { line: 8, reason: 'lines 3, 8 are each 500.00 USD with no reference to payout batch #12; settle it by hand' },
      ],
    });
  });

  it('a reference match goes first, whatever the order of the lines: the line with only the amount is then not ambiguous', () => {
    const result = matchPayoutDebits([debit(3, '500.00'), debit(8, '500.00', ['PAYOUT HB-BATCH-12'])], [batch(12, '500.00', ['HB-BATCH-12'])]);
    expect(result).toEqual({
      settle: [{ batchId: 12, date: '2026-02-13', debitLine: 8 }],
      unmatched: [{ line: 3, reason: 'the sent payout batch of 500.00 USD (#12) is settled by line 8' }],
    });
  });

  it('a booking date before the batch was sent settles nothing, and says so', () => {
    expect(matchPayoutDebits([debit(3, '500.00', ['HB-BATCH-12'], { bookingDate: '2026-02-11' })], [batch(12, '500.00', ['HB-BATCH-12'])])).toEqual({
      settle: [],
      unmatched: [{ line: 3, reason: 'it names payout batch #12, but it is booked on 2026-02-11, before the batch was sent (2026-02-12)' }],
    });
    expect(matchPayoutDebits([debit(3, '500.00', [], { bookingDate: '2026-02-11' })], [batch(12, '500.00')]).unmatched).toEqual([
      { line: 3, reason: 'it is booked on 2026-02-11, before payout batch #12 of that amount was sent (2026-02-12)' },
    ]);
    // on the day it was sent is fine
    expect(matchPayoutDebits([debit(3, '500.00', [], { bookingDate: '2026-02-12' })], [batch(12, '500.00')]).settle).toHaveLength(1);
  });

  it('a line that names a batch is never settled by its amount to another batch', () => {
    const result = matchPayoutDebits([debit(3, '500.00', ['HB-BATCH-12'])], [batch(12, '499.00', ['HB-BATCH-12']), batch(13, '500.00')]);
    expect(result.settle).toEqual([]);
    expect(result.unmatched).toEqual([{ line: 3, reason: 'it names payout batch #12, but 500.00 USD is not the batch total 499.00 USD' }]);
  });

  it('references are whole words: HB-BATCH-1 is not in HB-BATCH-12; case and spaces do not count; short ones are never looked for', () => {
    const sent = [batch(1, '500.00', ['HB-BATCH-1']), batch(12, '500.00', ['HB-BATCH-12'])];
    expect(matchPayoutDebits([debit(3, '500.00', ['sepa out hb-batch-12'])], sent).settle).toEqual([{ batchId: 12, date: '2026-02-13', debitLine: 3 }]);
    expect(matchPayoutDebits([debit(3, '500.00', ['HB-BATCH-1'])], sent).settle).toEqual([{ batchId: 1, date: '2026-02-13', debitLine: 3 }]);
    expect(matchPayoutDebits([debit(3, '500.00', ['CO ENTRY DESCR:REBATE  BATCH'])], [batch(5, '500.00', ['rebate batch'])]).settle).toHaveLength(1);
    // "REB" is too short to look for: the line is matched by amount alone (one batch), not by reference
    const short = matchPayoutDebits([debit(3, '500.00', ['REB'])], [batch(5, '500.00', ['REB']), batch(6, '500.00', ['REB'])]);
    expect(short.settle).toEqual([]);
    expect(short.unmatched[0]!.reason).toContain('its references name none of them');
  });

  it('two batches named alike are told apart by the longer reference; a tie settles neither', () => {
    // both NACHA files start their trace numbers at 0000001; the PmtInfId-like batch id is longer
    const sent = [batch(20, '700.00', ['REBATE', '021000020000001']), batch(21, '700.00', ['REBATE', '021000020000001', 'HB-NACHA-21-BATCH'])];
    expect(matchPayoutDebits([debit(3, '700.00', ['ACH CO ENTRY DESCR:REBATE TRACE#021000020000001 HB-NACHA-21-BATCH'])], sent).settle).toEqual([
      { batchId: 21, date: '2026-02-13', debitLine: 3 },
    ]);
    expect(matchPayoutDebits([debit(3, '700.00', ['ACH CO ENTRY DESCR:REBATE'])], sent)).toEqual({
      settle: [],
      unmatched: [{ line: 3, reason: 'its references name 2 sent payout batches of 700.00 USD alike (#20, #21); settle the right one by hand' }],
    });
  });

  it('a batch settles once: a second line naming it says which line settled it', () => {
    const result = matchPayoutDebits([debit(9, '500.00', ['HB-BATCH-12']), debit(4, '500.00', ['HB-BATCH-12'])], [batch(12, '500.00', ['HB-BATCH-12'])]);
    expect(result).toEqual({
      settle: [{ batchId: 12, date: '2026-02-13', debitLine: 4 }],
      unmatched: [{ line: 9, reason: 'it names payout batch #12, which line 4 of this file settles' }],
    });
  });

  it('a batch settled before is never settled again, and keeps a statement imported twice from settling its twin', () => {
    const earlier = { ...batch(12, '500.00', ['HB-BATCH-12']), settledDate: '2026-02-13' };
    // named by reference: says so, and is not settled by amount to the twin
    expect(matchPayoutDebits([debit(3, '500.00', ['HB-BATCH-12'])], [batch(13, '500.00')], [earlier])).toEqual({
      settle: [],
      unmatched: [{ line: 3, reason: 'it names payout batch #12, which was settled on 2026-02-13 already' }],
    });
    // by amount alone: the settled batch could have been this line
    expect(matchPayoutDebits([debit(3, '500.00')], [batch(13, '500.00')], [earlier]).unmatched).toEqual([
      {
        line: 3,
        reason:
          'payout batch #12 of 500.00 USD was settled on 2026-02-13 already, perhaps by this line (the statement imported before, or settled by hand); if not, settle the right batch by hand',
      },
    ]);
    // settled before this line was booked: it cannot have been this line, so the twin settles
    expect(matchPayoutDebits([debit(3, '500.00', [], { bookingDate: '2026-02-14' })], [batch(13, '500.00')], [earlier]).settle).toEqual([
      { batchId: 13, date: '2026-02-14', debitLine: 3 },
    ]);
  });

  it('reads the references a frozen file carries: pain.001 MsgId, PmtInfId and end-to-end ids; NACHA descriptions, ids and trace numbers', () => {
    const pain = Buffer.from(pain001File(eurSample));
    expect(payoutFileReferences('pain001', pain)).toEqual(['HB-PAYOUT-2026-02-13-1', 'PAYOUT-BATCH-7', 'E2E-1', 'E2E-2', 'E2E-3']);
    const nacha = nachaFile({
      originator: {
        originRouting: '021000021',
        destinationRouting: '021000021',
        destinationName: 'JPMorgan Chase',
        companyId: '1234567890',
        companyName: 'Holdback Factors',
      },
      effectiveDate: '2026-02-13',
      createdAt: new Date('2026-02-12T18:05:00Z'),
      description: 'PAYOUT 21',
      entries: [
        { routing: '011000015', account: '123456789', accountType: 'checking', amount: '1900.00', name: 'Naya Logistics Inc', id: 'R-41' },
        { routing: '026009593', account: '0009876543210', accountType: 'savings', amount: '70.05', name: 'InstaPay Cafe', id: 'R-42' },
      ],
    });
    expect(payoutFileReferences('nacha', Buffer.from(nacha))).toEqual(['PAYOUT 21', 'R-41', '021000020000001', 'R-42', '021000020000002']);
    expect(payoutFileReferences('csv', Buffer.from('release,amount\n41,1900.00\n'))).toEqual([]);
    expect(payoutFileReferences(null, null)).toEqual([]);
  });

  it('property: over seeded random statements and batches, a batch settles at most once, a line settles at most one batch, and only at its total', () => {
    let settled = 0;
    let reported = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const rng = new Prng(seed);
      const currencies = ['USD', 'EUR', 'JPY'];
      const amounts = ['100.00', '250.50', '1000.00', '99999.99', '0.01'];
      const batchCount = rng.int(0, 8);
      const sent: SentBatch[] = Array.from({ length: batchCount }, (_, i) => {
        const currency = rng.pick(currencies);
        const total = currency === 'JPY' ? rng.pick(['100', '1000']) : rng.pick(amounts);
        // as numeric(20,4) reads it, or as written
        const written = rng.chance(0.5) ? `${total}${total.includes('.') ? '00' : '.0000'}` : total;
        return batch(100 + i, written, rng.chance(0.6) ? [`HB-BATCH-${100 + i}`] : [], {
          currency,
          sentDate: `2026-02-${String(rng.int(10, 14)).padStart(2, '0')}`,
        });
      });
      const lines = Array.from({ length: rng.int(0, 10) }, (_, i) => i * 3 + rng.int(1, 2));
      const debits: DebitLine[] = lines.map((line) => {
        const like = sent.length > 0 && rng.chance(0.7) ? rng.pick(sent) : undefined;
        const currency = like && rng.chance(0.9) ? like.currency : rng.pick(currencies);
        const amount = like && rng.chance(0.8) ? new Big(like.total).toFixed(currency === 'JPY' ? 0 : 2) : rng.pick(amounts);
        const refs = rng.chance(0.5) && sent.length > 0 ? [`OUT ${rng.pick(sent).references[0] ?? 'NOTHING'}`] : [];
        return debit(line, amount, refs, { currency, bookingDate: `2026-02-${String(rng.int(9, 15)).padStart(2, '0')}` });
      });
      // some of the batches were settled before
      const before = sent.filter(() => rng.chance(0.2)).map((b) => ({ ...b, settledDate: `2026-02-${String(rng.int(12, 15)).padStart(2, '0')}` }));
      const stillSent = sent.filter((b) => !before.some((x) => x.id === b.id));
      const { settle, unmatched } = matchPayoutDebits(debits, stillSent, before);
      settled += settle.length;
      reported += unmatched.length;
      const context = `seed ${seed}`;
      expect(new Set(settle.map((s) => s.batchId)).size, context).toBe(settle.length);
      expect(new Set(settle.map((s) => s.debitLine)).size, context).toBe(settle.length);
      // every line is either settled or reported, never both
      expect(settle.length + unmatched.length, context).toBe(debits.length);
      expect(new Set([...settle.map((s) => s.debitLine), ...unmatched.map((u) => u.line)]).size, context).toBe(debits.length);
      for (const s of settle) {
        const d = debits.find((x) => x.line === s.debitLine)!;
        const b = stillSent.find((x) => x.id === s.batchId)!;
        expect(b, `${context}: batch #${s.batchId} was not sent`).toBeDefined();
        expect(d.currency, context).toBe(b.currency);
        expect(new Big(d.amount).eq(b.total), context).toBe(true);
        expect(s.date, context).toBe(d.bookingDate);
        expect(b.sentDate <= d.bookingDate, context).toBe(true);
      }
      // the answer does not depend on the order the lines are given in
      expect(matchPayoutDebits([...debits].reverse(), stillSent, before), context).toEqual({ settle, unmatched });
    }
    // the seeds exercise both outcomes
    expect(settled).toBeGreaterThan(100);
    expect(reported).toBeGreaterThan(100);
  });
});
