import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ACH_RETURN_CODES, achReturn, achReturnCode } from '../../lib/releases/ach-returns';
import { SEPA_REJECT_CODES, sepaReject, sepaRejectCode } from '../../lib/releases/sepa-rejects';
import { fieldInfo } from '../../lib/validation/fields';

/** The value, or the first message of a failed parse. */
function parse(schema: z.ZodType, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, message: result.error.issues[0]!.message };
}

const flagged = (codes: readonly { code: string; flagsAccount: boolean }[]) => codes.filter((c) => c.flagsAccount).map((c) => c.code);

describe('ACH return codes', () => {
  it('looks up a return code with Nacha’s title', () => {
    expect(achReturn('R01')).toEqual({ code: 'R01', title: 'Insufficient Funds', flagsAccount: false });
    expect(achReturn('R02')).toEqual({ code: 'R02', title: 'Account Closed', flagsAccount: true });
    expect(achReturn('R03')).toEqual({ code: 'R03', title: 'No Account/Unable to Locate Account', flagsAccount: true });
    expect(achReturn('R04')).toEqual({ code: 'R04', title: 'Invalid Account Number Structure', flagsAccount: true });
    expect(achReturn('R13')?.title).toBe('Invalid ACH Routing Number');
    expect(achReturn('R85')?.title).toBe('Incorrectly Coded Outbound International Payment');
    expect(achReturn(' r03 ')?.code).toBe('R03');
  });

  it('knows no code Nacha does not assign', () => {
    expect(achReturn('R99')).toBeNull();
    expect(achReturn('R00')).toBeNull();
    for (const unassigned of ['R48', 'R49', 'R54', 'R60', 'R63', 'R66', 'R78', 'R79']) expect(achReturn(unassigned)).toBeNull();
    expect(achReturn('')).toBeNull();
    expect(achReturn('AC04')).toBeNull();
  });

  it('lists the 70 assigned codes of R01–R85, once each, in order', () => {
    const codes = ACH_RETURN_CODES.map((c) => c.code);
    expect(codes).toHaveLength(70);
    expect(new Set(codes).size).toBe(70);
    expect([...codes].sort()).toEqual(codes);
    expect(codes.every((c) => /^R\d\d$/.test(c) && c >= 'R01' && c <= 'R85')).toBe(true);
    expect(codes[0]).toBe('R01');
    expect(codes.at(-1)).toBe('R85');
    expect(ACH_RETURN_CODES.every((c) => c.title.length > 0)).toBe(true);
    expect(Object.isFrozen(ACH_RETURN_CODES[0])).toBe(true);
  });

  it('flags the payout account only for a problem with the account or its bank', () => {
    expect(flagged(ACH_RETURN_CODES)).toEqual(['R02', 'R03', 'R04', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17', 'R20', 'R23', 'R28', 'R34']);
    // funds, our own file, debit authorizations, bank-to-bank handling: the account is fine
    for (const code of ['R01', 'R06', 'R09', 'R10', 'R24', 'R29', 'R32', 'R61', 'R69', 'R80']) expect(achReturn(code)?.flagsAccount).toBe(false);
  });

  it('achReturnCode() takes a code as typed and refuses anything else in words', () => {
    expect(parse(achReturnCode(), 'r01')).toEqual({ ok: true, value: 'R01' });
    expect(parse(achReturnCode(), ' R85 ')).toEqual({ ok: true, value: 'R85' });
    expect(parse(achReturnCode(), 'R99')).toEqual({ ok: false, message: 'Return code must be an ACH return code R01–R85, e.g. R01' });
    expect(parse(achReturnCode(), 'insufficient funds')).toEqual({ ok: false, message: 'Return code must be an ACH return code R01–R85, e.g. R01' });
    expect(parse(achReturnCode(), 1)).toEqual({ ok: false, message: 'Return code must be an ACH return code R01–R85, e.g. R01' });
    expect(parse(achReturnCode(), 'R48')).toEqual({
      ok: false,
      message: 'Return code R48 is not one Nacha assigns; it must be an ACH return code R01–R85 as Nacha lists them, e.g. R01',
    });
    expect(parse(achReturnCode(), '')).toEqual({ ok: false, message: 'Return code is required' });
    expect(parse(achReturnCode(), undefined)).toEqual({ ok: false, message: 'Return code is required' });
    expect(parse(achReturnCode('ACH return code'), 'X')).toEqual({ ok: false, message: 'ACH return code must be an ACH return code R01–R85, e.g. R01' });
  });

  it('achReturnCode() is a choice of the assigned codes (for the hostile-input tests)', () => {
    expect(fieldInfo(achReturnCode())).toMatchObject({ kind: 'choice', label: 'Return code' });
    expect(fieldInfo(achReturnCode())?.values).toHaveLength(70);
  });
});

describe('SEPA reject and return reasons', () => {
  it('looks up a reason code with its ISO 20022 name in words', () => {
    expect(sepaReject('AC01')).toEqual({ code: 'AC01', title: 'Incorrect Account Number', flagsAccount: true });
    expect(sepaReject('AC04')).toEqual({ code: 'AC04', title: 'Closed Account Number', flagsAccount: true });
    expect(sepaReject('AC06')).toEqual({ code: 'AC06', title: 'Blocked Account', flagsAccount: true });
    expect(sepaReject('AM04')).toEqual({ code: 'AM04', title: 'Insufficient Funds', flagsAccount: false });
    expect(sepaReject('FOCR')).toEqual({ code: 'FOCR', title: 'Following Cancellation Request', flagsAccount: false });
    expect(sepaReject('ms03')?.code).toBe('MS03');
    expect(sepaReject('ZZ99')).toBeNull();
    expect(sepaReject('R01')).toBeNull();
  });

  it('has every code the brief names, once each, in order', () => {
    const codes = SEPA_REJECT_CODES.map((c) => c.code);
    const named = [
      'AC01',
      'AC04',
      'AC06',
      'AG01',
      'AG02',
      'AM04',
      'AM05',
      'BE04',
      'MD07',
      'MS02',
      'MS03',
      'RC01',
      'RR01',
      'RR02',
      'RR03',
      'RR04',
      'FOCR',
      'DUPL',
      'CUST',
    ];
    expect(codes).toEqual(expect.arrayContaining(named));
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    expect(codes.every((c) => /^[A-Z]{2}[A-Z0-9]{2}$/.test(c))).toBe(true);
  });

  it('flags the payout account for a problem with the client’s account or payee details', () => {
    expect(flagged(SEPA_REJECT_CODES)).toEqual(['AC01', 'AC03', 'AC04', 'AC06', 'AG01', 'BE04', 'CNOR', 'MD07', 'MS02', 'RC01', 'RR03', 'RR04']);
    // our own account or file, or a recall we asked for
    for (const code of ['AM04', 'AM05', 'AG02', 'FF01', 'RR01', 'RR02', 'FOCR', 'DUPL', 'CUST', 'MS03']) expect(sepaReject(code)?.flagsAccount).toBe(false);
  });

  it('sepaRejectCode() names the field when it refuses', () => {
    expect(parse(sepaRejectCode(), 'ac04')).toEqual({ ok: true, value: 'AC04' });
    expect(parse(sepaRejectCode(), 'R01')).toEqual({ ok: false, message: 'Reason code must be the reason code of a rejected SEPA credit transfer, e.g. AC04' });
    expect(parse(sepaRejectCode(), '')).toEqual({ ok: false, message: 'Reason code is required' });
  });
});
