import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { importBankFile } from '../../lib/collections/import';
import { createDebtor } from '../../lib/debtors';
import { fundBatch } from '../../lib/funding';
import { getInvoice } from '../../lib/invoices';
import { aClient, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ROOT } from '../support/run';

const fixture = (name: string) => readFileSync(path.join(ROOT, 'tests', 'fixtures', 'bank', name), 'utf8');
let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const importFile = (text: string, partial = false) => t.database.transaction((tx) => importBankFile(tx, { text, partial }, team.collections));
const countPayments = async () => Number((await t.database.sql<{ n: string }[]>`select count(*) as n from payments`)[0]!.n);

describe('bank file import (SPEC 5.2)', () => {
  it('BAI2: credits become payments; a wire naming invoices of one debtor exactly is applied; re-importing adds nothing', async () => {
    const client = await aClient(t.database, team);
    const debtor = await t.database.transaction((tx) => createDebtor(tx, { name: 'Globex Retail', creditLimit: '1000000.00' }, team.underwriter));
    const a = await anInvoice(t.database, team, { client, debtor, number: 'A-1001', faceValue: '30000.00' });
    const b = await anInvoice(t.database, team, { client, debtor, number: 'A-1002', faceValue: '20000.00' });
    await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [a.id, b.id], fundingDate: '2026-01-02' }, team.funding));

    const text = fixture('bai2-two-accounts.bai');
    const result = await importFile(text);
    expect(result.format).toBe('bai2');
    expect(result.errors).toEqual([]);
    // six credits; the 475 check paid is an outgoing line, which settles no payout batch
    expect(result.outgoingUnmatched).toEqual([{ line: 9, reason: 'no sent payout batch is of 1250.00 USD, and its references name none' }]);
    expect(result.payoutsSettled).toEqual([]);
    expect(result.payments.map((p) => [p.currency, p.amount])).toEqual([
      ['USD', '50000.00'],
      ['USD', '12493.50'],
      ['USD', '2500.00'],
      ['CAD', '8800.00'],
      ['CAD', '1000.00'],
      ['CAD', '1000.00'],
    ]);
    const wire = result.payments[0]!;
    expect(wire).toMatchObject({ status: 'applied', unapplied: '0.00', receivedDate: '2026-01-15' });
    expect(wire.applications.map((x) => [x.invoiceId, x.amount]).sort()).toEqual([
      [a.id, '30000.00'],
      [b.id, '20000.00'],
    ]);
    expect((await getInvoice(t.database, Number(a.id), team.collections)).status).toBe('settled');
    expect(result.applied).toBe(1);
    expect(result.payments.slice(1).every((p) => p.status === 'unapplied')).toBe(true);

    const before = await countPayments();
    const again = await importFile(text);
    expect(again).toMatchObject({ payments: [], skipped: 6 });
    expect(await countPayments()).toBe(before);
  });

  it('camt.053: credit entries with amount, currency, booking date, payer and remittance; debits are no payments', async () => {
    const result = await importFile(fixture('camt053-001-02.xml'));
    expect(result.format).toBe('camt053');
    expect(result.errors).toEqual([]);
    expect(result.payments.length).toBeGreaterThanOrEqual(4);
    expect(result.payments[0]).toMatchObject({
      currency: 'EUR',
      amount: '50000.00',
      receivedDate: '2026-01-15',
      payerName: 'Globex Retail GmbH',
      reference: expect.stringContaining('INV 2026-0041'),
    });
    expect(result.payments.some((p) => p.reference.includes('RENT'))).toBe(false);
  });

  it('a file with a bad line imports nothing and names the line; partial=true imports the good ones', async () => {
    const good = fixture('payments.csv');
    const lines = good.split('\n');
    lines[1] = lines[1]!.replace(',50000.00,', ',12A4,');
    const bad = lines.join('\n');
    const before = await countPayments();
    await expect(importFile(bad)).rejects.toMatchObject({
      status: 422,
      code: 'invalid_bank_file',
      details: { errors: [expect.objectContaining({ line: 2 })] },
    });
    expect(await countPayments()).toBe(before);
    const partial = await importFile(bad, true);
    expect(partial.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('12A4') })]);
    expect(partial.payments.length).toBeGreaterThan(0);
    expect(await countPayments()).toBe(before + partial.payments.length);
  });

  it('malformed BAI2 and XML are refused with the line of the problem', async () => {
    const bai = fixture('bai2-two-accounts.bai').replace('16,195,5000000,', '16,195,50X0000,');
    await expect(importFile(bai)).rejects.toMatchObject({ status: 422, details: { errors: expect.arrayContaining([expect.objectContaining({ line: 5 })]) } });
    const xml = fixture('camt053-001-02.xml').replace('</Ntry>', '</Nt>');
    await expect(importFile(xml)).rejects.toMatchObject({ status: 422, code: 'invalid_bank_file' });
  });

  it('two lines paying the same invoice in full (a debtor paid twice): the first is applied, the second waits in the inbox', async () => {
    const client = await aClient(t.database, team);
    const debtor = await t.database.transaction((tx) => createDebtor(tx, { name: 'Twice Paying Co', creditLimit: '1000000.00' }, team.underwriter));
    const inv = await anInvoice(t.database, team, { client, debtor, number: 'TW-501', faceValue: '1200.00' });
    await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [inv.id], fundingDate: '2026-01-02' }, team.funding));
    const text = [
      'date,amount,currency,reference,payer,bank_reference',
      '2026-01-20,1200.00,USD,Remittance TW-501,Twice Paying Co,TW-BANK-1',
      '2026-01-21,1200.00,USD,Remittance TW-501,Twice Paying Co,TW-BANK-2',
    ].join('\n');
    const result = await importFile(text);
    expect(result.payments.map((p) => [p.unapplied, p.status])).toEqual([
      ['0.00', 'applied'],
      ['1200.00', 'unapplied'],
    ]);
    expect(result.unapplied).toEqual([expect.objectContaining({ line: 3, amount: '1200.00', reason: expect.stringContaining('TW-501') })]);
    expect((await getInvoice(t.database, Number(inv.id), team.collections)).status).toBe('settled');
  });

  it('only collections may import', async () => {
    await expect(t.database.transaction((tx) => importBankFile(tx, { text: fixture('payments.csv') }, team.funding))).rejects.toMatchObject({ status: 403 });
  });

  it('leaves every invariant intact', async () => {
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});
