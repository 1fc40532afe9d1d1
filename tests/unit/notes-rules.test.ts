import { describe, expect, it } from 'vitest';
import { Big } from '@/lib/money';
import { followUpStanding, followUpWords, isDue, promiseStanding, subjectHref, type PromiseFacts } from '@/lib/notes/rules';

/** Issue 15 item 3: when a follow-up is due, and when a promise to pay is broken (lib/notes/rules.ts). */
const TODAY = '2026-11-30';

describe('a follow-up is due from its date until it is marked done', () => {
  it("is on its owner's list today when due today or earlier and not done", () => {
    expect(isDue({ dueOn: '2026-11-30', doneAt: null }, TODAY)).toBe(true);
    expect(isDue({ dueOn: '2026-11-02', doneAt: null }, TODAY)).toBe(true);
    expect(isDue({ dueOn: '2026-12-01', doneAt: null }, TODAY)).toBe(false);
  });

  it('leaves the list once done, whatever its date', () => {
    expect(isDue({ dueOn: '2026-11-02', doneAt: '2026-11-29T10:00:00.000Z' }, TODAY)).toBe(false);
    expect(followUpStanding({ dueOn: '2026-12-24', doneAt: new Date('2026-11-29T10:00:00Z') }, TODAY)).toBe('done');
  });

  it("is due on tomorrow's list when due tomorrow: the same follow-up, read with tomorrow as today", () => {
    const followUp = { dueOn: '2026-12-01', doneAt: null };
    expect(followUpStanding(followUp, TODAY)).toBe('upcoming');
    expect(followUpWords('upcoming', followUp.dueOn, TODAY)).toBe('Due tomorrow');
    expect(isDue(followUp, '2026-12-01')).toBe(true);
    expect(followUpStanding(followUp, '2026-12-01')).toBe('due_today');
    expect(followUpStanding(followUp, '2026-12-03')).toBe('overdue');
    expect(followUpWords('overdue', followUp.dueOn, '2026-12-03')).toBe('Overdue by 2 days');
    expect(followUpWords('overdue', followUp.dueOn, '2026-12-02')).toBe('Overdue by 1 day');
  });

  it('is upcoming within the next 7 days, later beyond (across a month and a year end)', () => {
    expect(followUpStanding({ dueOn: '2026-12-07', doneAt: null }, TODAY)).toBe('upcoming');
    expect(followUpStanding({ dueOn: '2026-12-08', doneAt: null }, TODAY)).toBe('later');
    expect(followUpStanding({ dueOn: '2027-01-02', doneAt: null }, '2026-12-30')).toBe('upcoming');
    expect(followUpWords('upcoming', '2026-12-05', TODAY)).toBe('Due 2026-12-05');
    expect(followUpWords('due_today', TODAY, TODAY)).toBe('Due today');
  });
});

describe('a promise to pay is broken when its date has passed without the promised amount collected', () => {
  const promise = (over: Partial<PromiseFacts> = {}): PromiseFacts => ({
    promisedOn: '2026-11-27',
    amount: '5000.00',
    collected: '0',
    superseded: false,
    invoiceOpen: true,
    ...over,
  });

  it('is broken the day after its date, not on the date itself', () => {
    expect(promiseStanding(promise({ promisedOn: '2026-11-29' }), TODAY)).toBe('broken');
    expect(promiseStanding(promise({ promisedOn: TODAY }), TODAY)).toBe('pending');
    expect(promiseStanding(promise({ promisedOn: '2026-12-04' }), TODAY)).toBe('pending');
  });

  it('is broken when only part was collected, to the cent', () => {
    expect(promiseStanding(promise({ collected: '4999.99' }), TODAY)).toBe('broken');
    expect(promiseStanding(promise({ collected: new Big('5000.00') }), TODAY)).toBe('kept');
  });

  it('is kept once the amount is collected, also after its date (paid late)', () => {
    expect(promiseStanding(promise({ collected: '6000' }), TODAY)).toBe('kept');
    expect(promiseStanding(promise({ collected: '5000', promisedOn: '2026-10-01' }), TODAY)).toBe('kept');
  });

  it('no longer counts when a later promise replaced it, or the invoice is closed (charged back, written off)', () => {
    expect(promiseStanding(promise({ superseded: true }), TODAY)).toBe('superseded');
    expect(promiseStanding(promise({ invoiceOpen: false }), TODAY)).toBe('closed');
  });
});

describe('a subject links to its page', () => {
  it('names the console page of a client, debtor or invoice', () => {
    expect(subjectHref('invoice', 12)).toBe('/invoices/12');
    expect(subjectHref('debtor', '3')).toBe('/debtors/3');
    expect(subjectHref('client', 7)).toBe('/clients/7?tab=notes');
  });
});
