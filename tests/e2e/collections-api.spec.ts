import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiKeyFor } from './helpers';

/** SPEC worked examples 2, 4 and 5 through the public API (collections). */
let keys: { underwriter: string; funding: string; collections: string };
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-collect@api.test', 'underwriter'),
    funding: apiKeyFor('funding-collect@api.test', 'funding'),
    collections: apiKeyFor('collector@api.test', 'collections'),
  };
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
async function post(request: APIRequestContext, key: string, path: string, data: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(key), data });
  return { status: res.status(), body: await res.json() };
}
async function invoice(request: APIRequestContext, id: string) {
  return (await request.get(`/api/v1/invoices/${id}`, { headers: auth(keys.collections) })).json();
}

/** A funded client with invoices of one debtor; numbers are unique per run. */
async function funded(request: APIRequestContext, agreement: Record<string, unknown>, faces: string[]) {
  const tag = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const client = (await post(request, keys.underwriter, '/clients', { name: `Collect ${tag}`, currency: 'USD', agreement })).body;
  const debtor = (await post(request, keys.underwriter, '/debtors', { name: `Payer ${tag}`, creditLimit: '1000000.00' })).body;
  const invoices = [];
  for (const [i, faceValue] of faces.entries()) {
    const inv = (
      await post(request, keys.funding, '/invoices', {
        clientId: client.id,
        debtorId: debtor.id,
        number: `C${tag}-${i + 1}`,
        faceValue,
        currency: 'USD',
        issueDate: '2026-01-01',
        dueDate: '2026-01-31',
      })
    ).body;
    await post(request, keys.funding, `/invoices/${inv.id}/verify`, {});
    invoices.push(inv);
  }
  const batch = await post(request, keys.funding, '/fundings', { clientId: client.id, invoiceIds: invoices.map((i) => i.id), fundingDate: '2026-01-01' });
  expect(batch.body.status).toBe('funded');
  return { client, debtor, invoices };
}

const INSTAPAY = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } };

test.describe('collections through the API', () => {
  test('worked example 2, paid in full: the invoice settles with its 70 reserve', async ({ request }) => {
    const { invoices } = await funded(request, INSTAPAY, ['1000.00']);
    const payment = await post(request, keys.collections, '/payments', {
      amount: '1000.00',
      currency: 'USD',
      receivedDate: '2026-01-25',
      payerName: 'Any',
      reference: `Invoice ${invoices[0].number}`,
    });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ status: 'applied', unapplied: '0.00' });
    expect(await invoice(request, invoices[0].id)).toMatchObject({ status: 'settled', outstanding: '0.00', reserve: '70.00' });
  });

  test('worked example 2, short by 50 and charged back: 20 of the reserve is left', async ({ request }) => {
    const { invoices } = await funded(request, INSTAPAY, ['1000.00']);
    const payment = await post(request, keys.collections, '/payments', {
      amount: '950.00',
      currency: 'USD',
      receivedDate: '2026-01-25',
      payerName: 'Any',
      reference: 'partial',
    });
    expect(payment.body.status).toBe('unapplied');
    const applied = await post(request, keys.collections, `/payments/${payment.body.id}/applications`, {
      allocations: [{ invoiceId: invoices[0].id, amount: '950.00' }],
      shortPay: 'chargeback',
    });
    expect(applied.status).toBe(201);
    expect(applied.body.payment).toMatchObject({ status: 'applied', unapplied: '0.00' });
    expect(applied.body.invoices[0]).toMatchObject({ outcome: 'charged_back', charge: { fromInvoiceReserve: '50.00', clientDue: '0.00' } });
    expect(await invoice(request, invoices[0].id)).toMatchObject({ status: 'settled', reserve: '20.00' });
  });

  test('worked example 2, short by 100 and charged back: the 70 is kept and 30 becomes client_due', async ({ request }) => {
    const { client, invoices } = await funded(request, INSTAPAY, ['1000.00']);
    const payment = await post(request, keys.collections, '/payments', {
      amount: '900.00',
      currency: 'USD',
      receivedDate: '2026-01-25',
      payerName: 'Any',
      reference: 'partial',
    });
    const applied = await post(request, keys.collections, `/payments/${payment.body.id}/applications`, {
      allocations: [{ invoiceId: invoices[0].id, amount: '900.00' }],
      shortPay: 'chargeback',
    });
    expect(applied.body.invoices[0].charge).toMatchObject({ amount: '100.00', fromInvoiceReserve: '70.00', clientDue: '30.00' });
    const ledger = await (await request.get(`/api/v1/clients/${client.id}/ledger?limit=500`, { headers: auth(keys.collections) })).json();
    const due = ledger.lines.filter((l: { account: string }) => l.account === 'client_due');
    expect(due.map((l: { runningBalance: string }) => l.runningBalance)).toEqual(['30.00']);
  });

  test('allocating more than is unapplied is 409', async ({ request }) => {
    const { invoices } = await funded(request, INSTAPAY, ['1000.00']);
    const payment = await post(request, keys.collections, '/payments', {
      amount: '500.00',
      currency: 'USD',
      receivedDate: '2026-01-25',
      payerName: 'Any',
      reference: 'x',
    });
    const over = await post(request, keys.collections, `/payments/${payment.body.id}/applications`, {
      allocations: [{ invoiceId: invoices[0].id, amount: '600.00' }],
    });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('exceeds_unapplied');
  });

  test('worked example 4: one 50,000 wire naming five 10,000 invoices of one debtor settles them all', async ({ request }) => {
    const { invoices } = await funded(request, { advanceRate: '0.80', reserveRate: '0.20' }, ['10000.00', '10000.00', '10000.00', '10000.00', '10000.00']);
    const payment = await post(request, keys.collections, '/payments', {
      amount: '50000.00',
      currency: 'USD',
      receivedDate: '2026-02-10',
      payerName: 'Bulk Payer',
      reference: `Remittance ${invoices.map((i) => i.number).join(' ')}`,
    });
    expect(payment.body).toMatchObject({ status: 'applied', unapplied: '0.00' });
    for (const inv of invoices) expect(await invoice(request, inv.id)).toMatchObject({ status: 'settled', outstanding: '0.00' });
  });

  test('worked example 5: 9,950 paid on 10,000 with a 100.00 tolerance is accepted and the invoice settles', async ({ request }) => {
    const { invoices } = await funded(request, { advanceRate: '0.80', reserveRate: '0.20', shortPayTolerance: { amount: '100.00', percent: '0' } }, [
      '10000.00',
    ]);
    const payment = await post(request, keys.collections, '/payments', {
      amount: '9950.00',
      currency: 'USD',
      receivedDate: '2026-01-31',
      payerName: 'Any',
      reference: invoices[0].number,
    });
    expect(payment.body.suggestions[0]).toMatchObject({ invoiceId: invoices[0].id, amount: '9950.00' });
    const applied = await post(request, keys.collections, `/payments/${payment.body.id}/applications`, {
      allocations: [{ invoiceId: invoices[0].id, amount: '9950.00' }],
    });
    expect(applied.body.invoices[0]).toMatchObject({ outcome: 'short_pay_accepted', shortfall: '50.00' });
    expect(await invoice(request, invoices[0].id)).toMatchObject({ status: 'settled', outstanding: '0.00' });
  });

  test('disputes, chargeback and write-off endpoints', async ({ request }) => {
    const { invoices } = await funded(request, INSTAPAY, ['1000.00', '1000.00']);
    const dispute = await post(request, keys.collections, `/invoices/${invoices[0].id}/disputes`, { amount: '200.00', reason: 'Damaged goods' });
    expect(dispute.status).toBe(201);
    expect((await invoice(request, invoices[0].id)).status).toBe('disputed');
    const resolved = await post(request, keys.collections, `/invoices/${invoices[0].id}/disputes/${dispute.body.id}/resolve`, { outcome: 'paid' });
    expect(resolved.body).toMatchObject({ invoiceStatus: 'funded' });
    const chargeback = await post(request, keys.collections, `/invoices/${invoices[1].id}/chargeback`, { date: '2026-04-01' });
    expect(chargeback.body).toMatchObject({ status: 'charged_back', charge: { amount: '1000.00', fromInvoiceReserve: '70.00', clientDue: '930.00' } });
    const writeOff = await post(request, keys.collections, `/invoices/${invoices[0].id}/write-off`, { date: '2026-04-01' });
    expect(writeOff.status).toBe(422);
    expect(writeOff.body.error.code).toBe('recourse');
  });
});
