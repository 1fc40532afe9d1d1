import { describe, expect, it } from 'vitest';
import { auditListDefinition } from '../../lib/audit/list';
import { inboxListDefinition, paymentListDefinition } from '../../lib/collections/payment-list';
import { alertListDefinition } from '../../lib/concentration/list';
import { fundingListDefinition } from '../../lib/funding/list';
import { containsPattern, prefixPattern } from '../../lib/lists/common-filters';
import { parseListRequest, type ListDefinition } from '../../lib/lists/keyset';
import { outboxListDefinition } from '../../lib/notifications/outbox-list';
import { approvalQueueDefinition, cycleListDefinition, releaseListDefinition } from '../../lib/releases/list';

/**
 * Issue 13: the list definitions of payments, fundings, releases, cycles, audit, outbox and alerts
 * read their URLs as documented: defaults, typed filters, ranges written backwards refused on the
 * field that is wrong, and LIKE's own characters in a "contains" taken literally.
 */
const definitions: ListDefinition<unknown>[] = [
  paymentListDefinition,
  inboxListDefinition,
  fundingListDefinition,
  releaseListDefinition,
  approvalQueueDefinition,
  cycleListDefinition,
  auditListDefinition,
  outboxListDefinition,
  alertListDefinition,
] as ListDefinition<unknown>[];

function refusal(def: ListDefinition<unknown>, params: Record<string, string>) {
  try {
    parseListRequest(def, params);
  } catch (error) {
    return (error as { status: number; details: Record<string, string> }).details;
  }
  throw new Error('accepted');
}

describe('list definitions', () => {
  it('have distinct names, a default sort that exists, and a never-null id', () => {
    expect(new Set(definitions.map((d) => d.name)).size).toBe(definitions.length);
    for (const def of definitions) {
      expect(def.sorts[def.defaultSort], def.name).toBeDefined();
      expect(def.idExpr).toMatch(/^[a-z]+\.id$/);
      const request = parseListRequest(def, {});
      expect(request).toMatchObject({ sort: def.defaultSort, order: def.defaultOrder, limit: 50, cursor: null });
    }
    expect(parseListRequest(inboxListDefinition, {}).order).toBe('asc');
    expect(parseListRequest(paymentListDefinition, {}).order).toBe('desc');
  });

  it('read typed filters: amounts and currencies normalised, ids as numbers', () => {
    expect(parseListRequest(paymentListDefinition, { minAmount: '1,000', currency: 'eur', debtorId: '12', payer: ' Acme ' }).filters).toEqual(
      expect.objectContaining({ minAmount: '1000', currency: 'EUR', debtorId: 12, payer: 'Acme' }),
    );
    expect(refusal(paymentListDefinition, { minAmount: '1.000,50' })).toHaveProperty('minAmount');
    expect(refusal(paymentListDefinition, { maxAmount: '-5' })).toEqual({ maxAmount: 'Largest amount must not be negative' });
    expect(parseListRequest(paymentListDefinition, { minAmount: '1000.5' }).filters).toMatchObject({ minAmount: '1000.5' });
    // empty fields of a submitted filter form mean "any"
    expect(parseListRequest(releaseListDefinition, { status: '', clientName: '', from: '' }).filters).toEqual({});
  });

  it('refuse ranges written backwards on the field that is wrong', () => {
    expect(refusal(paymentListDefinition, { from: '2026-03-02', to: '2026-03-01' })).toEqual({ to: 'Received to must not be before Received from' });
    expect(refusal(fundingListDefinition, { from: '2026-03-02', to: '2026-03-01' })).toEqual({ to: 'Funded to must not be before Funded from' });
    expect(refusal(releaseListDefinition, { minAmount: '5', maxAmount: '4.99' })).toEqual({
      maxAmount: 'Largest amount must not be less than Smallest amount',
    });
    expect(parseListRequest(releaseListDefinition, { minAmount: '5', maxAmount: '5' }).filters).toMatchObject({ minAmount: '5', maxAmount: '5' });
    expect(refusal(auditListDefinition, { from: '2026-01-02', to: '2026-01-01' })).toEqual({ to: 'To must not be before From' });
    expect(refusal(auditListDefinition, { targetId: '7' })).toEqual({ targetType: 'Target type is required with a target id (e.g. invoice)' });
  });

  it('name the choices of a choice filter in words', () => {
    expect(refusal(releaseListDefinition, { status: 'open' })).toEqual({
      status: 'Status must be one of: pending approval, approved, in batch, sent, paid, returned, rejected, nothing due',
    });
    expect(refusal(outboxListDefinition, { template: 'spam' }).template).toMatch(/^Kind must be one of: rebate advice, statement ready/);
    expect(refusal(alertListDefinition, { level: 'high' })).toEqual({ level: 'Level must be one of: near the limit, over the limit' });
  });
});

describe('contains and starts-with patterns', () => {
  it("take LIKE's own characters literally", () => {
    expect(containsPattern('100%_off')).toBe('%100\\%\\_off%');
    expect(containsPattern('a\\b')).toBe('%a\\\\b%');
    expect(prefixPattern('invoice.')).toBe('invoice.%');
    expect(prefixPattern('ap_x')).toBe('ap\\_x%');
  });
});
