import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractInvoiceRefs,
  findCombination,
  matchPayment,
  normalizeInvoiceNumber,
  normalizePayerName,
  type MatchContext,
  type MatchResult,
  type OpenInvoice,
  type PaymentToMatch,
} from '../../lib/collections/matching';
import { Big, sum } from '../../lib/money';

const usd = (b: Big) => b.toFixed(2);

/** A due date `day` days after 2025-01-01. */
const due = (day: number) => new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);

let nextId = 1;
function invoice(number: string, amount: string | Big, options: Partial<Omit<OpenInvoice, 'number' | 'outstanding'>> & { day?: number } = {}): OpenInvoice {
  const id = options.id ?? String(nextId++);
  return {
    id,
    number,
    debtorId: options.debtorId ?? 'deb-1',
    clientId: options.clientId ?? 'cli-1',
    currency: options.currency ?? 'USD',
    outstanding: typeof amount === 'string' ? new Big(amount) : amount,
    dueDate: options.dueDate ?? due(options.day ?? Number(id)),
  };
}

function payment(amount: string, reference = '', payerName = 'Acme Retail Inc.', currency = 'USD'): PaymentToMatch {
  return { amount: new Big(amount), currency, reference, payerName };
}

function context(parts: Partial<MatchContext> = {}): MatchContext {
  return { byNumber: parts.byNumber ?? [], payerDebtors: parts.payerDebtors ?? [], byDebtor: parts.byDebtor ?? new Map() };
}

const payer = (debtorId: string, confidence: string) => ({ debtorId, confidence: new Big(confidence) });
const ids = (invoices: readonly OpenInvoice[]) => invoices.map((i) => i.id);
const total = (invoices: readonly { outstanding: Big }[]) => sum(invoices.map((i) => i.outstanding));
const allocated = (allocations: readonly { amount: Big }[]) => sum(allocations.map((a) => a.amount));

/** The invariants every result keeps (SPEC 5.2; API.md "Collections"). */
function checkResult(result: MatchResult, pay: PaymentToMatch, known: readonly OpenInvoice[]): void {
  const byId = new Map(known.map((i) => [i.id, i]));
  if (result.auto) {
    expect(allocated(result.auto).eq(pay.amount)).toBe(true);
    for (const a of result.auto) {
      const inv = byId.get(a.invoiceId)!;
      expect(inv.currency).toBe(pay.currency);
      expect(a.amount.gt(0) && a.amount.lte(inv.outstanding)).toBe(true);
    }
    expect(new Set(result.auto.map((a) => byId.get(a.invoiceId)!.debtorId)).size).toBe(1);
  }
  expect(result.suggestions.length).toBeLessThanOrEqual(5);
  const keys = new Set<string>();
  result.suggestions.forEach((s, n) => {
    expect(allocated(s.allocations).lte(pay.amount)).toBe(true);
    for (const a of s.allocations) {
      const inv = byId.get(a.invoiceId)!;
      expect(inv.currency).toBe(pay.currency);
      expect(a.amount.gt(0) && a.amount.lte(inv.outstanding)).toBe(true);
    }
    expect(s.invoiceIds).toEqual(s.allocations.map((a) => a.invoiceId));
    expect(s.confidence.gte(0) && s.confidence.lte('0.99')).toBe(true);
    expect(s.confidence.eq(s.confidence.round(2, Big.roundDown))).toBe(true);
    if (n > 0) expect(s.confidence.lte(result.suggestions[n - 1]!.confidence)).toBe(true);
    const key = [...s.invoiceIds].sort().join(',');
    expect(keys.has(key)).toBe(false);
    keys.add(key);
  });
}

describe('extractInvoiceRefs', () => {
  it('splits remittance text on , ; / & space and drops INV, INVOICE, NO. and #', () => {
    expect(extractInvoiceRefs('INV A-1001, A-1002/A-1003 & #77812')).toEqual(['A-1001', 'A-1002', 'A-1003', '77812']);
    expect(extractInvoiceRefs('Invoices 1001 1002 1003 1004 1005')).toEqual(['1001', '1002', '1003', '1004', '1005']);
    expect(extractInvoiceRefs('Invoice No. 4411; inv #4412 ; INVOICE NO.4413')).toEqual(['4411', '4412', '4413']);
    expect(extractInvoiceRefs('pmt for inv 9001;9002\n9003\t9004')).toEqual(['9001', '9002', '9003', '9004']);
  });

  it('upper-cases, keeps hyphens inside tokens, trims stray punctuation and dedupes', () => {
    expect(extractInvoiceRefs('a-1001 A-1001, (a-1002). -A-1003-')).toEqual(['A-1001', 'A-1002', 'A-1003']);
    expect(extractInvoiceRefs('2026-INV-07')).toEqual(['2026-INV-07']);
  });

  it('reads a keyword glued to a number both ways, and expands a short numeric range', () => {
    expect(extractInvoiceRefs('INV-1001')).toEqual(['INV-1001', '1001']);
    expect(extractInvoiceRefs('Inv1002 No.77 INV.78')).toEqual(['INV1002', '1002', '77', '78']);
    expect(extractInvoiceRefs('NOV-2026')).toEqual(['NOV-2026']);
    expect(extractInvoiceRefs('Invoices 1001-1003')).toEqual(['1001-1003', '1001', '1002', '1003']);
    expect(extractInvoiceRefs('9-1000')).toEqual(['9-1000']);
  });

  it('ignores words without digits', () => {
    expect(extractInvoiceRefs('March payment, thank you')).toEqual([]);
    expect(extractInvoiceRefs('')).toEqual([]);
  });

  it('returns at most 200 tokens', () => {
    const text = Array.from({ length: 500 }, (_, i) => `INV ${10_000 + i}`).join(', ');
    const refs = extractInvoiceRefs(text);
    expect(refs).toHaveLength(200);
    expect(refs[0]).toBe('10000');
  });

  it('produces tokens that are already in the stored-number normal form', () => {
    expect(normalizeInvoiceNumber('  a-1001 ')).toBe('A-1001');
    expect(normalizeInvoiceNumber('#77812')).toBe('77812');
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const refs = extractInvoiceRefs(text);
        expect(refs.length).toBeLessThanOrEqual(200);
        expect(new Set(refs).size).toBe(refs.length);
        for (const r of refs) expect(normalizeInvoiceNumber(r)).toBe(r);
      }),
    );
  });
});

describe('normalizePayerName', () => {
  it('upper-cases, drops punctuation and legal suffixes, collapses spaces', () => {
    expect(normalizePayerName('Acme Trading Co., Ltd.')).toBe('ACME TRADING');
    expect(normalizePayerName('ACME   TRADING LIMITED')).toBe('ACME TRADING');
    expect(normalizePayerName('The Acme Trading Company')).toBe('ACME TRADING');
    expect(normalizePayerName("O'Brien & Sons, Inc.")).toBe('OBRIEN AND SONS');
    expect(normalizePayerName('Müller GmbH & Co. KG')).toBe('MULLER');
    expect(normalizePayerName('U.S. Foods Corp')).toBe('US FOODS');
    expect(normalizePayerName('Globex L.L.C.')).toBe('GLOBEX');
    expect(normalizePayerName('Initech, LLC')).toBe(normalizePayerName('INITECH'));
  });

  it('keeps a name that is nothing but a suffix, and an empty one empty', () => {
    expect(normalizePayerName('Inc.')).toBe('INC');
    expect(normalizePayerName('  ')).toBe('');
  });
});

describe('findCombination', () => {
  it('finds one invoice, the oldest of equal ones', () => {
    const a = invoice('1', '500.00', { day: 20 });
    const b = invoice('2', '500.00', { day: 10 });
    const c = invoice('3', '700.00', { day: 5 });
    expect(ids(findCombination(new Big('500.00'), [a, b, c])!)).toEqual([b.id]);
  });

  it('finds two invoices with the hash map', () => {
    const list = [invoice('1', '120.50'), invoice('2', '300.00'), invoice('3', '79.50'), invoice('4', '999.99')];
    expect(ids(findCombination(new Big('200.00'), list)!)).toEqual([list[0]!.id, list[2]!.id]);
  });

  it('prefers the oldest due dates among equal amounts, and returns them oldest first', () => {
    const list = [5, 1, 4, 2, 3].map((day) => invoice(`D${day}`, '10000.00', { day }));
    const found = findCombination(new Big('30000.00'), list)!;
    expect(found.map((i) => i.number)).toEqual(['D1', 'D2', 'D3']);
  });

  it('finds deeper combinations and respects maxInvoices', () => {
    const list = ['1.01', '2.02', '4.04', '8.08', '16.16', '32.32'].map((a, n) => invoice(`B${n}`, a));
    const found = findCombination(new Big('31.31'), list)!;
    expect(usd(total(found))).toBe('31.31');
    expect(found).toHaveLength(5);
    expect(findCombination(new Big('31.31'), list, { maxInvoices: 4 })).toBeNull();
    expect(findCombination(new Big('31.31'), list, { maxNodes: 0 })).toBeNull();
  });

  it('is exact beyond cents and never uses floats (0.1 + 0.2 is 0.3)', () => {
    const list = [invoice('x', '0.1'), invoice('y', '0.2'), invoice('z', '1234.5678'), invoice('w', '0.0002')];
    expect(ids(findCombination(new Big('0.3'), list)!)).toEqual([list[0]!.id, list[1]!.id]);
    expect(ids(findCombination(new Big('1234.568'), list)!).sort()).toEqual([list[2]!.id, list[3]!.id].sort());
    expect(findCombination(new Big('1234.5679'), list)).toBeNull();
  });

  it('handles amounts far beyond 2^53 minor units without rounding (no match is invented)', () => {
    const big = invoice('huge', '90071992547409.93');
    const other = invoice('one', '0.01');
    expect(ids(findCombination(new Big('90071992547409.93'), [big, other])!)).toEqual([big.id]);
    expect(ids(findCombination(new Big('90071992547409.94'), [big, other])!)).toEqual([big.id, other.id]);
    expect(findCombination(new Big('90071992547409.95'), [big, other])).toBeNull();
    expect(findCombination(new Big('90071992547409.92'), [big, other])).toBeNull();
  });

  it('returns null without a combination, for nothing, and for a non-positive target', () => {
    const list = [invoice('1', '10.00'), invoice('2', '20.00'), invoice('3', '40.00')];
    expect(findCombination(new Big('15.00'), list)).toBeNull();
    expect(findCombination(new Big('80.00'), list)).toBeNull();
    expect(findCombination(new Big('10.00'), [])).toBeNull();
    expect(findCombination(new Big('0'), list)).toBeNull();
    expect(findCombination(new Big('-10.00'), list)).toBeNull();
  });

  it('property: the sum of any subset of up to 8 invoices is found exactly (some subset, maybe another)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 2_000_000 }), { minLength: 1, maxLength: 20 })
          .chain((cents) =>
            fc.tuple(
              fc.constant(cents),
              fc.uniqueArray(fc.integer({ min: 0, max: cents.length - 1 }), { minLength: 1, maxLength: Math.min(8, cents.length) }),
              fc.array(fc.integer({ min: 0, max: 400 }), { minLength: cents.length, maxLength: cents.length }),
            ),
          ),
        ([cents, picked, days]) => {
          const list = cents.map((c, n) => invoice(`P${n}`, new Big(c).div(100), { id: `p${n}`, day: days[n]! }));
          const target = sum(picked.map((n) => list[n]!.outstanding));
          const found = findCombination(target, list);
          expect(found).not.toBeNull();
          expect(total(found!).eq(target)).toBe(true);
          expect(new Set(ids(found!)).size).toBe(found!.length);
          expect(found!.length).toBeLessThanOrEqual(8);
          for (const f of found!) expect(list).toContain(f);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('matchPayment: worked example 4 (bulk wire)', () => {
  const fiveInvoices = () => [1001, 1002, 1003, 1004, 1005].map((n, k) => invoice(String(n), '10000.00', { debtorId: 'deb-9', day: 10 + k }));

  it('one 50,000.00 wire naming five open 10,000.00 invoices of one debtor is applied automatically', () => {
    const invoices = fiveInvoices();
    const pay = payment('50000.00', 'Invoices 1001 1002 1003 1004 1005');
    const result = matchPayment(pay, context({ byNumber: invoices, payerDebtors: [payer('deb-9', '1')], byDebtor: new Map([['deb-9', invoices]]) }));
    expect(result.auto).not.toBeNull();
    expect(result.auto!.map((a) => [a.invoiceId, usd(a.amount)])).toEqual(invoices.map((i) => [i.id, '10000.00']));
    expect(result.suggestions).toEqual([]);
    checkResult(result, pay, invoices);
  });

  it('without the numbers in the reference, the payer name leads to a suggestion of all five (not auto)', () => {
    const invoices = fiveInvoices();
    const pay = payment('50000.00', 'March payment');
    for (const confidence of ['0.9', '0.95', '1']) {
      const result = matchPayment(pay, context({ payerDebtors: [payer('deb-9', confidence)], byDebtor: new Map([['deb-9', invoices]]) }));
      expect(result.auto).toBeNull();
      const best = result.suggestions[0]!;
      expect([...best.invoiceIds].sort()).toEqual(ids(invoices).sort());
      expect(best.allocations.every((a) => usd(a.amount) === '10000.00')).toBe(true);
      expect(best.confidence.gte('0.8')).toBe(true);
      checkResult(result, pay, invoices);
    }
  });
});

describe('matchPayment: automatic application', () => {
  it('applies one named invoice paid exactly', () => {
    const inv = invoice('A-7', '1234.56');
    const result = matchPayment(payment('1234.56', 'inv a-7'), context({ byNumber: [inv] }));
    expect(result.auto!.map((a) => [a.invoiceId, usd(a.amount)])).toEqual([[inv.id, '1234.56']]);
  });

  it('never applies named invoices of several debtors, even when they sum exactly: it suggests per debtor', () => {
    const a = invoice('1001', '4000.00', { debtorId: 'deb-1' });
    const b = invoice('1002', '6000.00', { debtorId: 'deb-2' });
    const pay = payment('10000.00', '1001, 1002');
    const result = matchPayment(pay, context({ byNumber: [a, b] }));
    expect(result.auto).toBeNull();
    expect(result.suggestions.map((s) => s.invoiceIds)).toEqual(expect.arrayContaining([[a.id], [b.id]]));
    checkResult(result, pay, [a, b]);
  });

  it('never applies a named set whose sum differs from the amount', () => {
    const list = [invoice('1', '100.00'), invoice('2', '200.00')];
    expect(matchPayment(payment('299.99', '1 2'), context({ byNumber: list })).auto).toBeNull();
    expect(matchPayment(payment('300.01', '1 2'), context({ byNumber: list })).auto).toBeNull();
  });

  it('counts only invoices in the payment currency', () => {
    const usd1 = invoice('5001', '700.00');
    const eur = invoice('5002', '300.00', { currency: 'EUR' });
    const result = matchPayment(payment('700.00', '5001 5002'), context({ byNumber: [usd1, eur] }));
    expect(result.auto!.map((a) => a.invoiceId)).toEqual([usd1.id]);
    const none = matchPayment(
      payment('300.00', '5002'),
      context({ byNumber: [eur], payerDebtors: [payer('deb-1', '1')], byDebtor: new Map([['deb-1', [eur]]]) }),
    );
    expect(none).toEqual({ auto: null, suggestions: [] });
  });

  it('prefers the number as written over a reading of it ("INV-1001" over "1001" of another debtor)', () => {
    const written = invoice('INV-1001', '500.00', { debtorId: 'deb-1' });
    const reading = invoice('1001', '500.00', { debtorId: 'deb-2' });
    const result = matchPayment(payment('500.00', 'INV-1001'), context({ byNumber: [written, reading] }));
    expect(result.auto!.map((a) => a.invoiceId)).toEqual([written.id]);
  });

  it('applies invoices of a numeric range ("1001-1003")', () => {
    const list = [1001, 1002, 1003].map((n) => invoice(String(n), '100.00'));
    const result = matchPayment(payment('300.00', 'Invoices 1001-1003'), context({ byNumber: list }));
    expect(result.auto!.map((a) => a.invoiceId)).toEqual(ids(list));
  });

  it('ignores duplicates in byNumber and a non-positive payment', () => {
    const inv = invoice('42', '42.00');
    expect(matchPayment(payment('42.00', '42'), context({ byNumber: [inv, inv] })).auto).toHaveLength(1);
    expect(matchPayment(payment('0', '42'), context({ byNumber: [inv] }))).toEqual({ auto: null, suggestions: [] });
  });
});

describe('matchPayment: suggestions and confidence', () => {
  it('(a) named invoices, short paid: oldest due first, the last one partly, 0.9 × paid / named', () => {
    const late = invoice('3003', '3000.00', { day: 30 });
    const early = invoice('3001', '4000.00', { day: 10 });
    const mid = invoice('3002', '3000.00', { day: 20 });
    const pay = payment('9000.00', '3001 3002 3003');
    const result = matchPayment(pay, context({ byNumber: [late, early, mid] }));
    expect(result.auto).toBeNull();
    const named = result.suggestions.find((s) => s.invoiceIds.length === 3)!;
    expect(named.allocations.map((a) => [a.invoiceId, usd(a.amount)])).toEqual([
      [early.id, '4000.00'],
      [mid.id, '3000.00'],
      [late.id, '2000.00'],
    ]);
    expect(named.confidence.toFixed(2)).toBe('0.81'); // 0.9 × 9,000 / 10,000
    checkResult(result, pay, [late, early, mid]);
  });

  it('(a) named invoices, overpaid: all in full, the rest stays unapplied', () => {
    const list = [invoice('1', '100.00'), invoice('2', '200.00')];
    const pay = payment('400.00', '1, 2');
    const result = matchPayment(pay, context({ byNumber: list }));
    const named = result.suggestions[0]!;
    expect(named.allocations.map((a) => usd(a.amount))).toEqual(['100.00', '200.00']);
    expect(named.confidence.toFixed(2)).toBe('0.67'); // 0.9 × 300 / 400 = 0.675, rounded down
    checkResult(result, pay, list);
  });

  it('(b) a subset of the named invoices paying exactly ranks above the short-paid set', () => {
    const list = [invoice('1', '100.00', { day: 1 }), invoice('2', '250.00', { day: 2 }), invoice('3', '150.00', { day: 3 })];
    const pay = payment('250.00', '1 2 3');
    const result = matchPayment(pay, context({ byNumber: list, byDebtor: new Map([['deb-1', list]]) }));
    expect(result.suggestions[0]!.invoiceIds).toEqual([list[1]!.id]);
    expect(result.suggestions[0]!.confidence.toFixed(2)).toBe('0.85');
    checkResult(result, pay, list);
  });

  it('(b) an exact combination of a payer-debtor: 0.85 × payer confidence; the oldest invoices exactly: 0.9 ×', () => {
    const list = [
      invoice('1', '500.00', { day: 1 }),
      invoice('2', '120.00', { day: 2 }),
      invoice('3', '80.00', { day: 3 }),
      invoice('4', '300.00', { day: 4 }),
    ];
    const pay = payment('200.00', 'remittance', 'Acme');
    const result = matchPayment(pay, context({ payerDebtors: [payer('deb-1', '0.9')], byDebtor: new Map([['deb-1', list]]) }));
    expect(result.suggestions[0]!.invoiceIds).toEqual([list[1]!.id, list[2]!.id]);
    expect(result.suggestions[0]!.confidence.toFixed(2)).toBe('0.76'); // 0.85 × 0.9 = 0.765
    const oldest = matchPayment(payment('620.00'), context({ payerDebtors: [payer('deb-1', '0.9')], byDebtor: new Map([['deb-1', list]]) }));
    expect(oldest.suggestions[0]!.invoiceIds).toEqual([list[0]!.id, list[1]!.id]);
    expect(oldest.suggestions[0]!.confidence.toFixed(2)).toBe('0.81'); // 0.9 × 0.9
    checkResult(result, pay, list);
  });

  it('(c) single invoices equal to the amount: the oldest 0.85 × p (as a combination), the others 0.8 × p', () => {
    const list = [invoice('1', '50.00', { day: 1 }), invoice('2', '75.00', { day: 2 }), invoice('3', '75.00', { day: 3 })];
    const pay = payment('75.00');
    const result = matchPayment(pay, context({ payerDebtors: [payer('deb-1', '1')], byDebtor: new Map([['deb-1', list]]) }));
    expect(result.suggestions.slice(0, 2).map((s) => [s.invoiceIds, s.confidence.toFixed(2)])).toEqual([
      [[list[1]!.id], '0.85'],
      [[list[2]!.id], '0.80'],
    ]);
    checkResult(result, pay, list);
  });

  it('(d) a partial payment of the oldest invoices: 0.4 × payer confidence', () => {
    const list = [invoice('1', '100.00', { day: 3 }), invoice('2', '100.00', { day: 1 }), invoice('3', '100.00', { day: 2 })];
    const pay = payment('150.00');
    const result = matchPayment(pay, context({ payerDebtors: [payer('deb-1', '0.5')], byDebtor: new Map([['deb-1', list]]) }));
    expect(result.suggestions).toHaveLength(1);
    const partial = result.suggestions[0]!;
    expect(partial.allocations.map((a) => [a.invoiceId, usd(a.amount)])).toEqual([
      [list[1]!.id, '100.00'],
      [list[2]!.id, '50.00'],
    ]);
    expect(partial.confidence.toFixed(2)).toBe('0.20');
    checkResult(result, pay, list);
  });

  it('a debtor named by number counts as payer confidence 1.0 for its other invoices', () => {
    const named = invoice('8001', '1000.00', { day: 5 });
    const other = [invoice('8002', '400.00', { day: 1 }), invoice('8003', '200.00', { day: 2 })];
    const pay = payment('600.00', '8001');
    const result = matchPayment(pay, context({ byNumber: [named], byDebtor: new Map([['deb-1', other]]) }));
    expect(result.auto).toBeNull();
    expect(result.suggestions[0]!.invoiceIds).toEqual(ids(other));
    expect(result.suggestions[0]!.confidence.toFixed(2)).toBe('0.90');
    checkResult(result, pay, [named, ...other]);
  });

  it('clamps a payer confidence above 1 and keeps at most five suggestions, best first, without repeats', () => {
    const debtors = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
    const byDebtor = new Map(debtors.map((d) => [d, [invoice(`${d}-1`, '10.00', { debtorId: d }), invoice(`${d}-2`, '10.00', { debtorId: d })]]));
    const pay = payment('10.00');
    const result = matchPayment(pay, context({ payerDebtors: debtors.map((d) => payer(d, '7')), byDebtor }));
    expect(result.suggestions).toHaveLength(5);
    expect(result.suggestions[0]!.confidence.toFixed(2)).toBe('0.90');
    checkResult(result, pay, [...byDebtor.values()].flat());
  });
});

describe('matchPayment: a debtor with 5,000 open invoices', () => {
  /** Cents ≡ residue (mod 1,000): a combination of k such invoices is ≡ k × residue. */
  function bigDebtor(seed: number, residue: number): OpenInvoice[] {
    let s = seed;
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    // the caller passes them oldest due first
    return Array.from({ length: 5000 }, (_, n) =>
      invoice(`L-${n}`, new Big(1000 * Math.floor(rnd() * 5000 + 1) + residue).div(100), { id: `l${n}`, debtorId: 'deb-big', dueDate: due(Math.floor(n / 4)) }),
    );
  }

  const ctx = (list: OpenInvoice[]) => context({ payerDebtors: [payer('deb-big', '0.95')], byDebtor: new Map([['deb-big', list]]) });

  /** The best of three timings after a warm-up (the JIT, and a busy machine). */
  function fastest(run: () => MatchResult): { result: MatchResult; ms: number } {
    run();
    let ms = Infinity;
    let result: MatchResult = { auto: null, suggestions: [] };
    for (let n = 0; n < 3; n++) {
      const start = performance.now();
      result = run();
      ms = Math.min(ms, performance.now() - start);
    }
    return { result, ms };
  }

  it('answers in well under a second when no combination exists (the search runs out its node budget)', () => {
    // every invoice ≡ 0.01 (mod 10.00): 8 or fewer of them can never make ≡ 5.00
    const list = bigDebtor(7, 1);
    const pay = payment('123455.00');
    const { result, ms } = fastest(() => matchPayment(pay, ctx(list)));
    expect(ms).toBeLessThan(500); // ~10 ms unloaded: a guard against an unbounded search, not a benchmark
    expect(result.auto).toBeNull();
    expect(result.suggestions.every((s) => s.confidence.lt('0.5'))).toBe(true); // only the partial payment
    checkResult(result, pay, list);
  });

  it('finds a planted combination of four invoices among the older ones in well under a second (bounded search)', () => {
    // the others ≡ 0.01 and the planted four ≡ 2.50 (mod 10.00): only those four make ≡ 0.00
    const list = bigDebtor(11, 1);
    const planted = [13, 37, 58, 91].map((n) => list[n]!);
    planted.forEach((inv, k) => (inv.outstanding = new Big(`${1234 + 1000 * k}2.50`)));
    const target = total(planted);
    const pay = payment(target.toFixed(2));
    const { result, ms } = fastest(() => matchPayment(pay, ctx(list)));
    expect(ms).toBeLessThan(500); // ~10 ms unloaded: a guard against an unbounded search, not a benchmark
    const best = result.suggestions[0]!;
    expect([...best.invoiceIds].sort()).toEqual(ids(planted).sort());
    expect(best.confidence.toFixed(2)).toBe('0.80'); // 0.85 × 0.95 = 0.8075
    expect(
      findCombination(target, list)!
        .map((i) => i.id)
        .sort(),
    ).toEqual(ids(planted).sort());
    checkResult(result, pay, list);
  });

  it('with random amounts everywhere, suggests an exact combination (some set summing to the amount) in well under a second (bounded search)', () => {
    const list = bigDebtor(3, 0).map((inv, n) => ({ ...inv, outstanding: inv.outstanding.plus(new Big(n % 997).div(100)) }));
    const target = total([list[4000]!, list[4100]!, list[4200]!, list[4300]!]);
    const pay = payment(target.toFixed(2));
    const { result, ms } = fastest(() => matchPayment(pay, ctx(list)));
    expect(ms).toBeLessThan(500); // ~10 ms unloaded: a guard against an unbounded search, not a benchmark
    const exact = result.suggestions.find((s) => s.allocations.length > 1 && allocated(s.allocations).eq(target));
    expect(exact).toBeDefined();
    checkResult(result, pay, list);
  });
});

describe('matchPayment: properties', () => {
  const debtorIds = ['deb-1', 'deb-2', 'deb-3'];
  const invoiceArb = fc.record({
    cents: fc.integer({ min: 1, max: 5_000_000 }),
    debtor: fc.constantFrom(...debtorIds),
    currency: fc.constantFrom('USD', 'USD', 'USD', 'EUR'),
    day: fc.integer({ min: 0, max: 365 }),
  });

  const scenario = fc.array(invoiceArb, { minLength: 1, maxLength: 30 }).chain((raw) => {
    const invoices = raw.map((r, n) => invoice(`N${n}`, new Big(r.cents).div(100), { id: `i${n}`, debtorId: r.debtor, currency: r.currency, day: r.day }));
    return fc.record({
      invoices: fc.constant(invoices),
      named: fc.subarray(invoices),
      amount: fc.oneof(
        // exactly some invoices' sum (auto or combination), or anything
        fc.subarray(invoices, { minLength: 1 }).map((s) => total(s)),
        fc.integer({ min: 1, max: 20_000_000 }).map((c) => new Big(c).div(100)),
      ),
      payers: fc.subarray(debtorIds),
      confidence: fc.integer({ min: 0, max: 100 }).map((c) => new Big(c).div(100)),
    });
  });

  it('auto allocations sum exactly to the payment and never exceed an outstanding; suggestions never exceed the payment', () => {
    fc.assert(
      fc.property(scenario, ({ invoices, named, amount, payers, confidence }) => {
        const pay: PaymentToMatch = { amount, currency: 'USD', reference: named.map((i) => i.number).join(', '), payerName: 'Payer' };
        const byDebtor = new Map(payers.map((d) => [d, invoices.filter((i) => i.debtorId === d)]));
        const result = matchPayment(pay, context({ byNumber: named, payerDebtors: payers.map((d) => ({ debtorId: d, confidence })), byDebtor }));
        checkResult(result, pay, invoices);
        const namedUsd = named.filter((i) => i.currency === 'USD');
        const exactOneDebtor = namedUsd.length > 0 && new Set(namedUsd.map((i) => i.debtorId)).size === 1 && total(namedUsd).eq(amount);
        expect(result.auto !== null).toBe(exactOneDebtor);
      }),
      { numRuns: 400 },
    );
  });

  it('an empty context suggests nothing', () => {
    expect(matchPayment(payment('10.00'), context())).toEqual({ auto: null, suggestions: [] });
  });
});
