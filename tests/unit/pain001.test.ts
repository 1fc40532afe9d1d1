import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { pain001File, sepaText, type Pain001Input } from '@/lib/releases/pain001';
import { isValidBic, isValidIban, normalizeIban } from '@/lib/validation/bank';
import { eurSample, gbpSample } from '../fixtures/pain001-samples';

/**
 * The schema here is tests/fixtures/pain001-subset.xsd: the rules of pain.001.001.03 for the
 * elements the writer uses, written for these tests (the official schema is ISO 20022's and is not
 * in the repository; `npm run check:pain001 -- --xsd PATH` checks the samples against it).
 */
const schema = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pain001-subset.xsd'), 'utf8');

async function validate(xml: string) {
  return validateXML({ xml: [{ fileName: 'payout.xml', contents: xml }], schema: [{ fileName: 'pain001-subset.xsd', contents: schema }] });
}

/** The messages of a validation that must fail, joined; fails the test when the document passes. */
async function errorsOf(xml: string): Promise<string> {
  const result = await validate(xml);
  expect(result.valid).toBe(false);
  expect(result.errors.length).toBeGreaterThan(0);
  return result.errors.map((e) => e.message).join('\n');
}

/** Replaces the first match (a string or a non-global pattern); fails the test when nothing matched, so a test never "breaks" a document by changing nothing. */
function replaceOnce(xml: string, from: string | RegExp, to: string): string {
  const changed = xml.replace(from, to);
  expect(changed).not.toBe(xml);
  return changed;
}

const input: Pain001Input = eurSample;

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

// Each schema validation starts a WebAssembly libxml2: a second on a quiet machine, more on a busy CI box.
describe('pain.001.001.03 payout file', { timeout: 60_000 }, () => {
  it('validates against the schema subset: three SEPA payouts in EUR', async () => {
    const result = await validate(pain001File(input));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('validates in another currency and without BICs (debtor bank NOTPROVIDED, no creditor agent)', async () => {
    const xml = pain001File(gbpSample);
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml).toContain('<Othr>\n            <Id>NOTPROVIDED</Id>\n          </Othr>');
    expect(xml).not.toContain('<SvcLvl>');
    expect(xml).not.toContain('<CdtrAgt>');
    expect(xml).not.toContain('<RmtInf>');
    expect(values(xml, 'ChrgBr')).toEqual(['SHAR']);
    expect(xml).toContain('<InstdAmt Ccy="GBP">10.00</InstdAmt>');
  });

  it('takes a 35-character message id, the most the schema allows', async () => {
    const id = `HB-${'7'.repeat(32)}`;
    expect(id).toHaveLength(35);
    expect((await validate(pain001File({ ...input, messageId: id }))).valid).toBe(true);
  });

  describe('a broken document fails the schema', () => {
    const xml = pain001File(input);

    it('elements out of order', async () => {
      // GrpHdr: NbOfTxs before CreDtTm
      const header = replaceOnce(xml, /(<CreDtTm>[^<]*<\/CreDtTm>)(\s*)(<NbOfTxs>[^<]*<\/NbOfTxs>)/, '$3$2$1');
      expect(await errorsOf(header)).toMatch(/NbOfTxs': This element is not expected/);
      // CdtTrfTxInf: the creditor before the creditor's bank
      const tx = replaceOnce(xml, /(<CdtrAgt>[\s\S]*?<\/CdtrAgt>)(\s*)(<Cdtr>[\s\S]*?<\/Cdtr>)/, '$3$2$1');
      expect(await errorsOf(tx)).toMatch(/CdtrAgt': This element is not expected/);
      // PmtInf: the charge bearer before the debtor's bank
      const info = replaceOnce(xml, /(<DbtrAgt>[\s\S]*?<\/DbtrAgt>)(\s*)(<ChrgBr>[^<]*<\/ChrgBr>)/, '$3$2$1');
      expect(await errorsOf(info)).toMatch(/ChrgBr': This element is not expected. Expected is \( \{[^}]*\}DbtrAgt \)/);
    });

    it('an IBAN outside IBAN2007Identifier', async () => {
      const lower = await errorsOf(replaceOnce(xml, '<IBAN>NL91ABNA0417164300</IBAN>', '<IBAN>nl91ABNA0417164300</IBAN>'));
      expect(lower).toMatch(/IBAN'.*\[facet 'pattern'\]/);
      // 4 + 31 characters: one more than the 30 of the account part
      const long = await errorsOf(replaceOnce(xml, '<IBAN>NL91ABNA0417164300</IBAN>', `<IBAN>NL91${'A'.repeat(31)}</IBAN>`));
      expect(long).toMatch(/IBAN'.*\[facet 'pattern'\]/);
    });

    it('a message id of 36 characters', async () => {
      const errors = await errorsOf(replaceOnce(xml, '<MsgId>HB-PAYOUT-2026-02-13-1</MsgId>', `<MsgId>${'M'.repeat(36)}</MsgId>`));
      expect(errors).toMatch(/MsgId'.*\[facet 'maxLength'\]/);
    });

    it('a required element missing', async () => {
      // NbOfTxs of the group header is required (CtrlSum is not — see below)
      const count = replaceOnce(xml, /\s*<NbOfTxs>3<\/NbOfTxs>/, '');
      expect(await errorsOf(count)).toMatch(/CtrlSum': This element is not expected. Expected is \( \{[^}]*\}NbOfTxs \)/);
      expect(await errorsOf(replaceOnce(xml, /\s*<ReqdExctnDt>[^<]*<\/ReqdExctnDt>/, ''))).toContain('ReqdExctnDt');
      expect(await errorsOf(replaceOnce(xml, /\s*<InitgPty>[\s\S]*?<\/InitgPty>/, ''))).toContain('InitgPty');
      expect(await errorsOf(replaceOnce(xml, /\s*<PmtId>[\s\S]*?<\/PmtId>/, ''))).toContain('PmtId');
      expect(await errorsOf(replaceOnce(xml, '<InstdAmt Ccy="EUR">1900.00</InstdAmt>', '<InstdAmt>1900.00</InstdAmt>'))).toContain('Ccy');
    });

    it('a missing CtrlSum is not a schema error: the message makes it optional, so the writer’s tests require it', async () => {
      // pain.001.001.03 has CtrlSum minOccurs="0" in GrpHdr and PmtInf; banks (and the EPC guidelines)
      // want it, and 'writes the counts, sums …' below checks both are written.
      const noGroupSum = replaceOnce(xml, /\s*<CtrlSum>[^<]*<\/CtrlSum>/, '');
      expect((await validate(noGroupSum)).valid).toBe(true);
      const noSums = xml.replace(/\s*<CtrlSum>[^<]*<\/CtrlSum>/g, '');
      expect(values(noSums, 'CtrlSum')).toEqual([]);
      expect((await validate(noSums)).valid).toBe(true);
      // … but a control sum that is there must be a DecimalNumber
      expect(await errorsOf(replaceOnce(xml, '<CtrlSum>3701.25</CtrlSum>', '<CtrlSum>3,701.25</CtrlSum>'))).toContain('CtrlSum');
      expect(await errorsOf(replaceOnce(xml, '<CtrlSum>3701.25</CtrlSum>', `<CtrlSum>${'1'.repeat(17)}.25</CtrlSum>`))).toMatch(/totalDigits/);
    });

    it('codes, amounts, identifiers and dates outside their types', async () => {
      const cases: [from: string | RegExp, to: string, element: string][] = [
        ['<PmtMtd>TRF</PmtMtd>', '<PmtMtd>XFR</PmtMtd>', 'PmtMtd'],
        ['<ChrgBr>SLEV</ChrgBr>', '<ChrgBr>BOTH</ChrgBr>', 'ChrgBr'],
        ['<BtchBookg>true</BtchBookg>', '<BtchBookg>yes</BtchBookg>', 'BtchBookg'],
        ['<Cd>SEPA</Cd>', '<Cd>SEPA2</Cd>', 'Cd'],
        ['<BIC>GKCCBEBB</BIC>', '<BIC>GKCCBE1B</BIC>', 'BIC'],
        ['<BIC>COBADEFFXXX</BIC>', '<BIC>COBADEFFXX</BIC>', 'BIC'],
        ['<InstdAmt Ccy="EUR">1900.00</InstdAmt>', '<InstdAmt Ccy="EUR">-1900.00</InstdAmt>', 'InstdAmt'],
        ['<InstdAmt Ccy="EUR">1900.00</InstdAmt>', '<InstdAmt Ccy="EUR">1900.000001</InstdAmt>', 'InstdAmt'],
        ['<InstdAmt Ccy="EUR">1900.00</InstdAmt>', '<InstdAmt Ccy="eur">1900.00</InstdAmt>', 'Ccy'],
        [/<NbOfTxs>3<\/NbOfTxs>/, '<NbOfTxs>three</NbOfTxs>', 'NbOfTxs'],
        [/<NbOfTxs>3<\/NbOfTxs>/, `<NbOfTxs>${'9'.repeat(16)}</NbOfTxs>`, 'NbOfTxs'],
        ['<CreDtTm>2026-02-12T18:05:00Z</CreDtTm>', '<CreDtTm>2026-02-12 18:05:00</CreDtTm>', 'CreDtTm'],
        ['<ReqdExctnDt>2026-02-13</ReqdExctnDt>', '<ReqdExctnDt>2026-02-30</ReqdExctnDt>', 'ReqdExctnDt'],
        ['<EndToEndId>E2E-1</EndToEndId>', '<EndToEndId></EndToEndId>', 'EndToEndId'],
        ['<Nm>Naya Logistique SARL</Nm>', `<Nm>${'N'.repeat(141)}</Nm>`, 'Nm'],
        ['<Ustrd>Reserve release 42</Ustrd>', `<Ustrd>${'R'.repeat(141)}</Ustrd>`, 'Ustrd'],
      ];
      for (const [from, to, element] of cases) {
        expect(await errorsOf(replaceOnce(xml, from, to)), `${String(from)} → ${to}`).toContain(`${element}'`);
      }
    });
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
