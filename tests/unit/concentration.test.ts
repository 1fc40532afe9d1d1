import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../emails';
import { classifyExposure, classifyExposures, reconcileAlerts, type Exposure, type ExistingAlert } from '../../lib/concentration';
import { Big } from '../../lib/money';

const exposure = (debtor: string, total: string, limit: string, more: Partial<Exposure> = {}): Exposure => ({
  scope: 'client',
  clientId: 1,
  debtorId: 7,
  currency: 'USD',
  exposure: new Big(debtor),
  total: new Big(total),
  limit: new Big(limit),
  ...more,
});

describe('concentration classification (SPEC 7)', () => {
  it('a share above the limit is a breach, with the exact decimal share', () => {
    const c = classifyExposure(exposure('6000.00', '10000.00', '0.50'));
    expect(c?.level).toBe('breach');
    expect(c?.share.eq('0.6')).toBe(true);
    expect(c?.share.toString()).toBe('0.6');
  });

  it('a share exactly at the limit is not a breach but near it', () => {
    const c = classifyExposure(exposure('5000.00', '10000.00', '0.50'));
    expect(c?.level).toBe('near');
    expect(c?.share.toString()).toBe('0.5');
  });

  it('a share one cent over the limit is a breach', () => {
    expect(classifyExposure(exposure('5000.01', '10000.00', '0.50'))?.level).toBe('breach');
  });

  it('a share at exactly 90% of the limit is near the limit', () => {
    const c = classifyExposure(exposure('4500.00', '10000.00', '0.50'));
    expect(c?.level).toBe('near');
    expect(c?.share.toString()).toBe('0.45');
  });

  it('a share one cent under 90% of the limit is not flagged', () => {
    expect(classifyExposure(exposure('4499.99', '10000.00', '0.50'))).toBeNull();
  });

  it('compares exactly even when the share does not terminate (1/3 against 0.3333333333)', () => {
    // 1/3 > 0.3333333333 exactly, although the share rounds to that limit at 10 places.
    const c = classifyExposure(exposure('100.00', '300.00', '0.3333333333'));
    expect(c?.level).toBe('breach');
    expect(c?.share.toString()).toBe('0.3333333333');
    expect(classifyExposure(exposure('100.00', '300.00', '0.3333333334'))?.level).toBe('near');
  });

  it('rounds the reported share half-up to 10 places', () => {
    expect(classifyExposure(exposure('200.00', '300.00', '0.25'))?.share.toString()).toBe('0.6666666667');
  });

  it('a limit of 1 or more is not checked: a share cannot exceed it', () => {
    expect(classifyExposure(exposure('10000.00', '10000.00', '1'))).toBeNull();
    expect(classifyExposure(exposure('10000.00', '10000.00', '1.00'))).toBeNull();
  });

  it('nothing open is nothing to flag', () => {
    expect(classifyExposure(exposure('0', '0', '0.25'))).toBeNull();
    expect(classifyExposure(exposure('0', '1000.00', '0.25'))).toBeNull();
  });

  it('classifies a list, keeping only what is near or over, with what identified it', () => {
    const flagged = classifyExposures([
      exposure('6000.00', '10000.00', '0.50', { debtorId: 1 }),
      exposure('1000.00', '10000.00', '0.50', { debtorId: 2 }),
      exposure('2400.00', '10000.00', '0.25', { debtorId: 3, scope: 'portfolio', clientId: null }),
    ]);
    expect(flagged.map((f) => [f.scope, f.debtorId, f.level, f.share.toString()])).toEqual([
      ['client', 1, 'breach', '0.6'],
      ['portfolio', 3, 'near', '0.24'],
    ]);
  });
});

describe('reconciling alerts', () => {
  const alert = (id: number, level: 'near' | 'breach', more: Partial<ExistingAlert> = {}): ExistingAlert => ({
    id,
    scope: 'client',
    clientId: 1,
    debtorId: 7,
    currency: 'USD',
    level,
    ...more,
  });
  const flag = (level: 'near' | 'breach', more: Partial<Exposure> = {}) => ({ ...exposure('1', '2', '0.5', more), level, share: new Big('0.5') });

  it('opens an alert for a new condition, keeps one that persists, resolves one that is gone', () => {
    const plan = reconcileAlerts([alert(1, 'breach'), alert(2, 'near', { debtorId: 8 })], [flag('breach'), flag('near', { debtorId: 9 })]);
    expect(plan.keep.map((k) => k.alert.id)).toEqual([1]);
    expect(plan.resolve.map((r) => [r.alert.id, r.now])).toEqual([[2, null]]);
    expect(plan.open.map((o) => o.debtorId)).toEqual([9]);
  });

  it('a near that escalates resolves the near and opens a breach', () => {
    const plan = reconcileAlerts([alert(1, 'near')], [flag('breach')]);
    expect(plan.resolve.map((r) => [r.alert.id, r.now?.level])).toEqual([[1, 'breach']]);
    expect(plan.open.map((o) => o.level)).toEqual(['breach']);
    expect(plan.keep).toEqual([]);
  });

  it('tells scopes, clients and currencies apart', () => {
    const plan = reconcileAlerts(
      [alert(1, 'breach'), alert(2, 'breach', { scope: 'portfolio', clientId: null }), alert(3, 'breach', { currency: 'EUR' })],
      [flag('breach', { scope: 'portfolio', clientId: null }), flag('breach', { clientId: 2 })],
    );
    expect(plan.keep.map((k) => k.alert.id)).toEqual([2]);
    expect(plan.resolve.map((r) => r.alert.id)).toEqual([1, 3]);
    expect(plan.open.map((o) => o.clientId)).toEqual([2]);
  });
});

describe('the concentration alert email', () => {
  it('renders HTML and text, escaping names', () => {
    const email = renderEmail('concentration_alert', {
      level: 'breach',
      scope: 'client',
      clientName: 'Acme <Freight>',
      debtorName: 'Big & Co',
      currency: 'USD',
      share: '60%',
      limit: '50%',
      exposure: '6,000.00 USD',
      total: '10,000.00 USD',
      url: 'http://localhost:3000/dashboard',
    });
    expect(email.subject).toBe("Concentration breach: Big & Co is 60% of Acme <Freight>'s open receivables");
    expect(email.html).toContain('Big &amp; Co');
    expect(email.html).toContain('Acme &lt;Freight&gt;');
    expect(email.html).not.toContain('<Freight>');
    expect(email.text).toContain('Share: 60% of Acme <Freight>');
    expect(email.text).toContain('Owed by the debtor: 6,000.00 USD of 10,000.00 USD');
  });
});
