import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../emails';
import { maskPayoutAccount, payoutAccountSchema, sameAccount } from '../../lib/clients/payout-account';
import { achOriginatorFromEnv, achOriginatorSchema, maskAchOriginator, maskSepaDebtor, sepaDebtorSchema } from '../../lib/payouts/originator';
import { fieldErrors } from '../../lib/validation/fields';
import { accountNumber, routingNumber } from '../../lib/validation/bank';
import type { z } from 'zod';

/** Issue 14, item 4: the forms of bank details — each refusal names the field's label; what is shown is masked. */
function errors(schema: z.ZodType, input: unknown): Record<string, string> {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return fieldErrors(parsed.error);
}

describe("a client's payout account form", () => {
  it('reads a US account as typed (spaces, dashes) and defaults to checking', () => {
    expect(payoutAccountSchema.parse({ holderName: ' Acme ', routing: '0110-0001 5', account: '0001 2345 6789' })).toEqual({
      kind: 'aba',
      holderName: 'Acme',
      routing: '011000015',
      account: '000123456789',
      accountType: 'checking',
    });
  });

  it('reads an IBAN account from an IBAN typed in groups and lower case, the BIC in any case', () => {
    expect(payoutAccountSchema.parse({ holderName: 'Globex', iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' })).toEqual({
      kind: 'iban',
      holderName: 'Globex',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
    });
  });

  it('names the field and says what is wrong: ABA check digit, IBAN check digits, BIC, missing parts', () => {
    expect(errors(payoutAccountSchema, { holderName: 'A', routing: '021000022', account: '1234' })).toEqual({
      routing: 'Routing number is not a valid ABA routing number: its check digit does not match (is a digit mistyped?)',
    });
    expect(errors(payoutAccountSchema, { holderName: 'A', routing: '12345', account: '1234' }).routing).toBe(
      'Routing number must be a 9-digit ABA routing number, e.g. 021000021',
    );
    expect(errors(payoutAccountSchema, { holderName: 'A', routing: '021000021', account: '12' }).account).toBe(
      'Account number must be 4 to 17 letters or digits',
    );
    expect(errors(payoutAccountSchema, { holderName: 'A', iban: 'DE89 3704 0044 0532 0130 01', bic: 'COBADEFF' }).iban).toBe(
      'IBAN is not valid: its check digits do not match',
    );
    expect(errors(payoutAccountSchema, { holderName: 'A', iban: 'DE89370400440532013000', bic: 'CO1ADEFF' }).bic).toMatch(/^BIC is not valid/);
    expect(errors(payoutAccountSchema, { holderName: 'A', kind: 'iban' })).toEqual({
      iban: 'IBAN is required for an IBAN account',
      bic: 'BIC is required for an IBAN account',
    });
    expect(errors(payoutAccountSchema, { holderName: 'A' })).toEqual({
      routing: 'Routing number is required for a US bank account',
      account: 'Account number is required for a US bank account',
    });
    expect(errors(payoutAccountSchema, { routing: '021000021', account: '1234' }).holderName).toBe('Account holder is required');
    expect(errors(payoutAccountSchema, { holderName: 'A', kind: 'swift' }).kind).toMatch(/^Kind of account must be one of/);
  });

  it('masks the account number and the IBAN everywhere they are shown', () => {
    expect(maskPayoutAccount({ kind: 'aba', holderName: 'A', routing: '011000015', account: '000123456789', accountType: 'savings' })).toEqual({
      kind: 'aba',
      holderName: 'A',
      routing: '011000015',
      account: '••••6789',
      accountType: 'savings',
      masked: 'savings ••••6789 at 011000015',
    });
    // stored before issue 14: no kind, an ABA account
    expect(maskPayoutAccount({ holderName: 'A', routing: '011000015', account: 'AB12345678901', accountType: 'checking' }).masked).toBe(
      'checking ••••8901 at 011000015',
    );
    const iban = maskPayoutAccount({ kind: 'iban', holderName: 'G', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    expect(iban).toMatchObject({ iban: 'DE89 •••• •••• •••• 3000', masked: 'IBAN DE89 •••• •••• •••• 3000, BIC COBADEFFXXX' });
    expect(JSON.stringify(iban)).not.toContain('0532013000');
  });

  it('tells the same account from another (an old row without kind is an ABA account)', () => {
    const aba = { holderName: 'A', routing: '011000015', account: '1234', accountType: 'checking' as const };
    expect(sameAccount(aba, { ...aba, kind: 'aba' })).toBe(true);
    expect(sameAccount(aba, { ...aba, account: '1235' })).toBe(false);
    expect(sameAccount(null, aba)).toBe(false);
    expect(sameAccount(aba, { kind: 'iban', holderName: 'A', iban: 'DE89370400440532013000', bic: 'COBADEFF' })).toBe(false);
  });

  it('routing and account fields say "is required" for nothing typed', () => {
    expect(errors(routingNumber('Origin routing number'), '')).toEqual({ _: 'Origin routing number is required' });
    expect(errors(accountNumber(), undefined)).toEqual({ _: 'Account number is required' });
  });
});

describe('Settings → Payout bank forms', () => {
  it('the ACH originator: ABA check digit, Company ID, ASCII names of the file widths, each named', () => {
    const e = errors(achOriginatorSchema, {
      originRouting: '021000022',
      destinationRouting: '1',
      destinationName: 'Bänk',
      companyId: '12345678901',
      companyName: 'A company name longer than sixteen',
    });
    expect(e).toEqual({
      originRouting: 'Origin routing number is not a valid ABA routing number: its check digit does not match (is a digit mistyped?)',
      destinationRouting: 'Receiving point routing number must be a 9-digit ABA routing number, e.g. 021000021',
      destinationName: 'Bank name may hold only letters, digits, spaces and plain punctuation (an ACH file is plain ASCII)',
      companyId: 'Company ID must be up to 10 letters or digits, e.g. 1 followed by the 9-digit EIN (1123456789)',
      companyName: 'Company name must be at most 16 characters',
    });
    expect(achOriginatorSchema.parse({ originRouting: '021000021', companyId: ' 1123456789 ', companyName: 'Holdback', destinationRouting: '' })).toEqual({
      originRouting: '021000021',
      companyId: '1123456789',
      companyName: 'Holdback',
    });
  });

  it('the SEPA account: IBAN checksum and BIC named; a blank IBAN is left to the command (keep the saved one)', () => {
    expect(errors(sepaDebtorSchema, { name: 'Holdback', iban: 'DE00370400440532013000', bic: 'COBADEFF' })).toEqual({
      iban: 'IBAN is not valid: its check digits do not match',
    });
    expect(errors(sepaDebtorSchema, { name: '', iban: '', bic: 'X' })).toEqual({
      name: 'Account holder is required',
      bic: 'BIC must be 8 or 11 letters and digits, e.g. DEUTDEFF',
    });
    expect(sepaDebtorSchema.parse({ name: 'Holdback', iban: '', bic: 'cobadeff' })).toEqual({ name: 'Holdback', bic: 'COBADEFF' });
  });

  it('masks the Company ID and the IBAN; the environment still serves until Settings are filled in', () => {
    expect(
      maskAchOriginator({ originRouting: '021000021', destinationRouting: '021000021', destinationName: 'ODFI', companyId: '1123456789', companyName: 'H' })
        .companyId,
    ).toBe('••••6789');
    expect(maskSepaDebtor({ name: 'H', iban: 'DE89370400440532013000', bic: 'COBADEFF' }).iban).toBe('DE89 •••• •••• •••• 3000');
    expect(achOriginatorFromEnv({ NACHA_ORIGIN_ROUTING: '021000021', NACHA_COMPANY_ID: '1', NACHA_COMPANY_NAME: ' ' })).toBeNull();
    expect(achOriginatorFromEnv({ NACHA_ORIGIN_ROUTING: '021000021', NACHA_COMPANY_ID: '1', NACHA_COMPANY_NAME: 'H', NACHA_DESTINATION_NAME: 'BANK' })).toEqual(
      {
        originRouting: '021000021',
        destinationRouting: '021000021',
        destinationName: 'BANK',
        companyId: '1',
        companyName: 'H',
      },
    );
  });
});

describe('the payout-account-changed email', () => {
  it('shows the masked account, escapes names, and says whom to call', () => {
    const email = renderEmail('payout_account_changed', {
      clientName: 'Acme <Freight>',
      factorName: 'Holdback Factors',
      account: 'checking ••••6789 at 011000015',
      holderName: 'Acme & Co',
      previous: 'IBAN DE89 •••• •••• •••• 3000, BIC COBADEFF',
      changedOn: '2026-11-30',
    });
    expect(email.subject).toBe('Your payout bank account with Holdback Factors was changed');
    expect(email.text).toContain('Acme & Co, checking ••••6789 at 011000015');
    expect(email.text).toContain('It replaces IBAN DE89 •••• •••• •••• 3000');
    expect(email.text).toContain('If you did not ask for this change, call Holdback Factors straight away');
    expect(email.html).toContain('Acme &lt;Freight&gt;');
    expect(email.html).toContain('Acme &amp; Co');
    expect(email.html).not.toContain('<Freight>');
    expect(email.html).not.toMatch(/href=/);
  });
});
