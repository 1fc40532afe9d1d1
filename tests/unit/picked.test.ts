import { describe, expect, it } from 'vitest';
import { debtorLabel, idFromLabel, pickedDebtor } from '../../app/_components/debtor-label';
import { explainUnpicked } from '../../lib/validation/picked';

describe('the debtor typeahead (issue 13)', () => {
  it('labels a suggestion with what tells two debtors of one name apart, and reads its number back', () => {
    const item = { id: '42', name: 'Globex Retail', creditLimit: '250000.00', riskRating: 'B', openInvoices: 1234, invoices: 2000, exposure: [] };
    const label = debtorLabel(pickedDebtor(item));
    expect(label).toBe('Globex Retail (#42, limit 250,000.00 USD, rating B, 1,234 open invoices)');
    expect(idFromLabel(label)).toBe('42');
    expect(debtorLabel(pickedDebtor({ ...item, id: '43', openInvoices: 1 }))).toBe('Globex Retail (#43, limit 250,000.00 USD, rating B, 1 open invoice)');
    // a client user's key lists no credit limit or rating
    expect(debtorLabel(pickedDebtor({ id: '7', name: 'Initech', creditLimit: null, riskRating: null, openInvoices: 0 }))).toBe('Initech (#7, 0 open invoices)');
  });
});

describe('explainUnpicked', () => {
  it('says a typed name with no suggestion chosen, naming the field', () => {
    const errors = { debtorId: 'Debtor is required', amount: 'Amount is required' };
    expect(explainUnpicked(errors, { debtorId: '', debtorIdLabel: ' Glob ', amount: '' })).toEqual({
      debtorId: 'Debtor: nothing was chosen for “Glob”. Type part of the name and choose one of the suggestions, or type the number.',
      amount: 'Amount is required',
    });
  });

  it('keeps "is required" when nothing was typed, and any other error as it is', () => {
    expect(explainUnpicked({ debtorId: 'Debtor is required' }, { debtorId: '', debtorIdLabel: '' })).toEqual({ debtorId: 'Debtor is required' });
    expect(explainUnpicked({ intoDebtorId: 'Merge into is required' }, {})).toEqual({ intoDebtorId: 'Merge into is required' });
    expect(explainUnpicked({ debtorId: 'Debtor is not a known record' }, { debtorId: '9', debtorIdLabel: '#9' })).toEqual({
      debtorId: 'Debtor is not a known record',
    });
  });
});
