import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { pain001File, sepaText, type Pain001Input } from '@/lib/releases/pain001';
import { isValidBic, isValidIban, normalizeIban } from '@/lib/validation/bank';

/**
 * The official ISO 20022 schema of pain.001.001.03 is reference data, kept in shared/ beside the
 * repository (shared/iso20022/, with a note of its source), not in the repository itself. The
 * nearest shared/ up the tree is used: beside the main checkout, a worktree's parent, or CI's clone.
 */
function findSchema(): string {
  const wanted = path.join('shared', 'iso20022', 'pain.001.001.03.xsd');
  let dir = path.resolve(import.meta.dirname, '..', '..');
  for (;;) {
    const candidate = path.join(dir, wanted);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`The pain.001.001.03 schema is missing: put the official XSD at ${wanted} beside the repository`);
    dir = parent;
  }
}

const schema = () => readFileSync(findSchema(), 'utf8');

async function validate(xml: string) {
  return validateXML({ xml: [{ fileName: 'payout.xml', contents: xml }], schema: [{ fileName: 'pain.001.001.03.xsd', contents: schema() }] });
}

const input: Pain001Input = {
  messageId: 'HB-PAYOUT-2026-02-13-1',
  createdAt: '2026-02-12T18:05:00Z',
  debtor: { name: 'Holdback Factoring GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
  batch: { id: 'PAYOUT-BATCH-7', valueDate: '2026-02-13', currency: 'EUR' },
  payments: [
    {
      endToEndId: 'E2E-1',
      amount: '1900.00',
      creditor: { name: 'Naya Logistique SARL', iban: 'FR1420041010050500013M02606', bic: 'PSSTFRPPLIL' },
      remittance: 'Reserve release 41, cycle 2026-02',
    },
    { endToEndId: 'E2E-2', amount: '1250.5', creditor: { name: 'Café Müller & Söhne', iban: 'NL91ABNA0417164300' }, remittance: 'Reserve release 42' },
    {
      endToEndId: 'E2E-3',
      amount: '550.75',
      creditor: { name: 'Łódź Straße Ærø', iban: 'BE68539007547034', bic: 'GKCCBEBB' },
      remittance: 'Rebate 43 – “final”',
    },
  ],
};

const withPayment = (index: number, change: Partial<Pain001Input['payments'][number]>): Pain001Input => ({
  ...input,
  payments: input.payments.map((p, i) => (i === index ? { ...p, ...change } : p)),
});

/** Text of every element with this name, in document order. */
const values = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);

describe('bank identifiers', () => {
  it('accepts an IBAN whose MOD 97-10 remainder is 1 and whose length fits its country', () => {
    for (const iban of ['DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'GB29NWBK60161331926819']) {
      expect(isValidIban(iban)).toBe(true);
    }
    expect(isValidIban('DE89370400440532013001')).toBe(false); // one digit off: checksum
    expect(isValidIban('DE8937040044053201300')).toBe(false); // a German IBAN has 22 characters
    expect(isValidIban('de89370400440532013000')).toBe(false); // electronic form only
    expect(isValidIban('DE89 3704 0044 0532 0130 00')).toBe(false);
    expect(normalizeIban('de89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
  });

  it('accepts a BIC of 8 or 11 characters in the schema’s pattern', () => {
    expect(isValidBic('COBADEFFXXX')).toBe(true);
    expect(isValidBic('GKCCBEBB')).toBe(true);
    expect(isValidBic('COBADEFF1')).toBe(false);
    expect(isValidBic('cobadeff')).toBe(false);
    expect(isValidBic('COBADE1F')).toBe(false); // location may not start with 1
  });
});

describe('pain.001.001.03 payout file', () => {
  it('validates against the official ISO 20022 schema', async () => {
    const result = await validate(pain001File(input));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('a broken document fails the same validation', async () => {
    const xml = pain001File(input);
    const badMethod = await validate(xml.replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>XFR</PmtMtd>'));
    expect(badMethod.valid).toBe(false);
    expect(badMethod.errors.map((e) => e.message).join('\n')).toContain('PmtMtd');
    const noDate = await validate(xml.replace(/\s*<ReqdExctnDt>[^<]*<\/ReqdExctnDt>/, ''));
    expect(noDate.valid).toBe(false);
  });

  it('validates in another currency and without BICs (debtor bank NOTPROVIDED, no creditor agent)', async () => {
    const gbp: Pain001Input = {
      ...input,
      debtor: { name: 'Holdback Factoring Ltd', iban: 'GB29NWBK60161331926819' },
      batch: { ...input.batch, currency: 'GBP' },
      payments: [{ endToEndId: 'E2E-9', amount: '10', creditor: { name: 'Naya Ltd', iban: 'GB82WEST12345698765432' }, remittance: '' }],
    };
    const xml = pain001File(gbp);
    expect((await validate(xml)).valid).toBe(true);
    expect(xml).toContain('<Othr>\n            <Id>NOTPROVIDED</Id>\n          </Othr>');
    expect(xml).not.toContain('<SvcLvl>');
    expect(xml).not.toContain('<CdtrAgt>');
    expect(xml).not.toContain('<RmtInf>');
    expect(values(xml, 'ChrgBr')).toEqual(['SHAR']);
    expect(xml).toContain('<InstdAmt Ccy="GBP">10.00</InstdAmt>');
  });

  it('writes the counts, sums, accounts and SEPA fields of the batch', () => {
    const xml = pain001File(input);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">')).toBe(true);
    // 1900.00 + 1250.50 + 550.75, in the group header and the payment information alike
    expect(values(xml, 'CtrlSum')).toEqual(['3701.25', '3701.25']);
    expect(values(xml, 'NbOfTxs')).toEqual(['3', '3']);
    expect(values(xml, 'MsgId')).toEqual(['HB-PAYOUT-2026-02-13-1']);
    expect(values(xml, 'CreDtTm')).toEqual(['2026-02-12T18:05:00Z']);
    expect(values(xml, 'PmtInfId')).toEqual(['PAYOUT-BATCH-7']);
    expect(values(xml, 'PmtMtd')).toEqual(['TRF']);
    expect(values(xml, 'BtchBookg')).toEqual(['true']);
    expect(values(xml, 'Cd')).toEqual(['SEPA']);
    expect(values(xml, 'ReqdExctnDt')).toEqual(['2026-02-13']);
    expect(values(xml, 'ChrgBr')).toEqual(['SLEV']);
    expect(values(xml, 'IBAN')).toEqual(['DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034']);
    expect(values(xml, 'BIC')).toEqual(['COBADEFFXXX', 'PSSTFRPPLIL', 'GKCCBEBB']); // E2E-2 has no creditor agent
    expect(values(xml, 'EndToEndId')).toEqual(['E2E-1', 'E2E-2', 'E2E-3']);
    expect(values(xml, 'InstdAmt')).toEqual(['1900.00', '1250.50', '550.75']);
    expect(xml.match(/<InstdAmt Ccy="EUR">/g)).toHaveLength(3);
    expect(values(xml, 'Nm')).toEqual([
      'Holdback Factoring GmbH',
      'Holdback Factoring GmbH',
      'Naya Logistique SARL',
      'Cafe Muller + Sohne',
      'Lodz Strasse AEro',
    ]);
    expect(values(xml, 'Ustrd')).toEqual(['Reserve release 41, cycle 2026-02', 'Reserve release 42', 'Rebate 43 - .final.']);
  });

  it('gives the same bytes for the same input', () => {
    const first = pain001File(input);
    const second = pain001File(structuredClone(input));
    expect(Buffer.from(second, 'utf8').equals(Buffer.from(first, 'utf8'))).toBe(true);
  });

  it('refuses input a bank would reject, naming the field', () => {
    expect(() => pain001File(withPayment(2, { creditor: { name: 'Naya', iban: 'DE89370400440532013001' } }))).toThrow(
      'Creditor IBAN of payment E2E-3 is not a valid IBAN: DE89370400440532013001',
    );
    expect(() => pain001File({ ...input, debtor: { ...input.debtor, iban: 'DE00370400440532013000' } })).toThrow('Debtor IBAN is not a valid IBAN');
    expect(() => pain001File(withPayment(1, { amount: '1250.505' }))).toThrow('Amount of payment E2E-2 has more than 2 decimal places');
    expect(() => pain001File(withPayment(1, { amount: '0.00' }))).toThrow('Amount of payment E2E-2 must be more than zero');
    expect(() => pain001File(withPayment(1, { amount: '-5.00' }))).toThrow('Amount of payment E2E-2 is not a plain decimal amount');
    expect(() => pain001File(withPayment(1, { amount: '1e3' }))).toThrow('Amount of payment E2E-2 is not a plain decimal amount');
    expect(() => pain001File({ ...input, payments: [] })).toThrow('A payment file needs at least one payment');
    expect(() => pain001File(withPayment(0, { creditor: { ...input.payments[0]!.creditor, bic: 'PSSTFRPP1' } }))).toThrow(
      'Creditor BIC of payment E2E-1 is not a valid BIC',
    );
    expect(() => pain001File(withPayment(1, { endToEndId: 'E2E-1' }))).toThrow('End-to-end id E2E-1 is used by more than one payment');
    expect(() => pain001File(withPayment(1, { endToEndId: 'X'.repeat(36) }))).toThrow('End-to-end id of payment 2 is longer than 35 characters');
    expect(() => pain001File(withPayment(1, { remittance: 'R'.repeat(141) }))).toThrow('Remittance information of payment E2E-2 is longer than 140');
    expect(() => pain001File({ ...input, messageId: 'MSG 1' })).toThrow('Message id "MSG 1" may hold only');
    expect(() => pain001File({ ...input, batch: { ...input.batch, currency: 'EURO' } })).toThrow('Batch currency EURO is not an ISO 4217 currency code');
    expect(() => pain001File({ ...input, batch: { ...input.batch, valueDate: '2026-02-30' } })).toThrow('Value date must be a date');
    expect(() => pain001File({ ...input, createdAt: '12/02/2026 18:05' })).toThrow('Creation time must be an ISO date and time');
    expect(() => pain001File(withPayment(0, { amount: '1000000000.00' }))).toThrow('more than a SEPA credit transfer may carry');
  });

  it('maps text to the SEPA Latin character set and cuts names to 70 characters', async () => {
    expect(sepaText('Café Müller & Söhne')).toBe('Cafe Muller + Sohne');
    expect(sepaText('Łódź Straße Ærø Œuvre Þór')).toBe('Lodz Strasse AEro OEuvre THor');
    expect(sepaText('Ševčík Ñandú Ångström')).toBe('Sevcik Nandu Angstrom');
    expect(sepaText('Rebate 43 – “final”, O’Brien')).toBe("Rebate 43 - .final., O'Brien");
    expect(sepaText('  two\tlines\nhere  ')).toBe('two lines here');
    expect(sepaText('100 € @ 5% #7 😀 <b>')).toBe('100 . . 5. .7 . .b.');
    expect(sepaText("a-z A-Z 0-9 / - ? : ( ) . , ' +")).toBe("a-z A-Z 0-9 / - ? : ( ) . , ' +");

    const long = 'Très Longue Société de Transport et de Logistique Internationale Réunie SA';
    const xml = pain001File(withPayment(0, { creditor: { ...input.payments[0]!.creditor, name: long } }));
    const name = values(xml, 'Nm')[2]!;
    expect(name).toBe('Tres Longue Societe de Transport et de Logistique Internationale Reuni');
    expect(name).toHaveLength(70);
    expect((await validate(xml)).valid).toBe(true);
    // A name with nothing left in the set is refused rather than sent blank.
    expect(() => pain001File(withPayment(0, { creditor: { ...input.payments[0]!.creditor, name: '   ' } }))).toThrow(
      'Creditor name of payment E2E-1 is required',
    );
  });
});
