import { describe, expect, it } from 'vitest';
import { FLAG_KINDS, FLAG_MEANINGS, badgesByInvoice, flagBadge, holdingFlagsSummary } from '../../lib/intake/rules';
import { holdingFlagsFormSchema, holdingFlagsSchema } from '../../lib/intake/settings';

describe('intake flags in the funding builder and Settings (issue 16 item 5)', () => {
  it('names a flag "Held: …" when its kind holds funding, "Flag: …" when it is shown only', () => {
    expect(flagBadge('future_issue_date', true)).toBe('Held: issue date in the future');
    expect(flagBadge('new_debtor', false)).toBe('Flag: first invoice with this debtor');
    expect(flagBadge('duplicate_amount_date', true)).toBe('Held: same debtor, amount and date as another invoice');
  });

  it('groups open flags by invoice, the holding ones first, then in the kinds’ order', () => {
    const holding = new Set(['number_reused'] as const);
    expect(
      badgesByInvoice(
        [
          { invoiceId: '7', kind: 'new_debtor' },
          { invoiceId: '7', kind: 'duplicate_amount_date' },
          { invoiceId: '7', kind: 'number_reused' },
          { invoiceId: '9', kind: 'new_debtor' },
        ],
        holding,
      ),
    ).toEqual({
      '7': [
        { kind: 'number_reused', holding: true, text: 'Held: invoice number used by another client' },
        { kind: 'duplicate_amount_date', holding: false, text: 'Flag: same debtor, amount and date as another invoice' },
        { kind: 'new_debtor', holding: false, text: 'Flag: first invoice with this debtor' },
      ],
      '9': [{ kind: 'new_debtor', holding: false, text: 'Flag: first invoice with this debtor' }],
    });
    expect(badgesByInvoice([], holding)).toEqual({});
  });

  it('says what was saved in plain words, in the kinds’ order', () => {
    expect(holdingFlagsSummary(['new_debtor', 'future_issue_date'])).toBe(
      'Saved: funding now waits until these flags are cleared — issue date in the future; first invoice with this debtor.',
    );
    expect(holdingFlagsSummary([])).toBe('Saved: no intake flag holds funding now; flags are still raised and shown.');
  });

  it('every kind has one line saying what it means', () => {
    for (const kind of FLAG_KINDS) expect(FLAG_MEANINGS[kind]).toMatch(/^[A-Z].+\.$/);
  });

  it('the setting’s body: known kinds (a form’s single value too); an unknown kind is named', () => {
    expect(holdingFlagsSchema.parse({ kinds: ['new_debtor', ' number_reused '] })).toEqual({ kinds: ['new_debtor', 'number_reused'] });
    expect(holdingFlagsSchema.parse({ kinds: [] })).toEqual({ kinds: [] });
    // the API wants the list itself; the form's checkboxes send one value, several, or none
    expect(holdingFlagsSchema.safeParse({}).error!.issues[0]!.message).toBe('Flag kinds is required');
    expect(holdingFlagsSchema.safeParse({ kinds: 'new_debtor' }).error!.issues[0]!.message).toBe('Flag kinds must be a list');
    expect(holdingFlagsFormSchema.parse({ kinds: 'new_debtor' })).toEqual({ kinds: ['new_debtor'] });
    expect(holdingFlagsFormSchema.parse({})).toEqual({ kinds: [] });
    const refused = holdingFlagsSchema.safeParse({ kinds: ['new_debtor', 'moon_phase'] });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]).toMatchObject({
      path: ['kinds', 1],
      message: expect.stringMatching(/^Unknown flag kind "moon_phase": the kinds are duplicate_amount_date, /),
    });
  });
});
