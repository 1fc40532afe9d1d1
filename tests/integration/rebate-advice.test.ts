import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { sendDueEmails } from '../../lib/notifications/outbox';
import { createTransport, type OutgoingMail } from '../../lib/notifications/transport';
import { rebateAdvice, rebateAdvicePdf } from '../../lib/portal';
import { approveRelease, runReleaseCycle } from '../../lib/releases';
import { createApiKey } from '../../lib/users';
import { renderEmail } from '../../emails';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

let t: TestDatabase;
let team: Team;
const databaseUrlBefore = process.env.DATABASE_URL;
const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-advice-'));

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  process.env.DATABASE_URL = t.url; // the route handler uses the process-wide pool
});
afterAll(async () => {
  await closeDatabase();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  rmSync(scratch, { recursive: true, force: true });
  await t?.drop();
});

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const pay = async (invoiceId: string, amount: string, date: string, shortPay?: 'chargeback') => {
  const p = await tx((x) => receivePayment(x, { amount, currency: 'USD', receivedDate: date }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId, amount }], shortPay }, team.collections));
};
const contacts = (clientId: string) =>
  t.database.sql`update clients set contacts = ${JSON.stringify([{ name: 'Accounts', email: `ap@${clientId}.test` }])}::jsonb where id = ${clientId}`;
const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;
const INSTAPAY = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } } as const;

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** Worked example 1 twice over: 10,000 and 5,000 funded 2026-01-01, paid 2026-01-31, released 2026-02-13. */
async function nayaRelease(name: string) {
  const client = await aClient(t.database, team, { name, agreement: NAYA });
  await contacts(client.id);
  const debtor = await aDebtor(t.database, team);
  const big = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
  const small = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '5000.00', fundingDate: '2026-01-01' });
  await pay(big.id, '10000.00', '2026-01-31');
  await pay(small.id, '5000.00', '2026-01-31');
  const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
  await tx((x) => approveRelease(x, Number(run.releases[0]!.id), {}, team.approver));
  const [d] = await t.database.sql<{ name: string }[]>`select name from debtors where id = ${debtor.id}`;
  return { client, debtorName: d!.name, big, small, releaseId: Number(run.releases[0]!.id) };
}

describe('the rebate advice of a paid release', () => {
  it('lists the invoices behind the amount — face, collected, fees, reserve released — and its PDF reconciles to the amount paid', async () => {
    const { client, debtorName, big, small, releaseId } = await nayaRelease('Naya Advice');
    const me = await aUser(t.database, 'client', { clientId: Number(client.id) });
    const advice = await rebateAdvice(t.database, Number(client.id), releaseId, me);
    // 2,000 + 1,000 withheld; the fees (12% a year, 30 days: 100 and 50) settled from the reserve at payment
    expect(advice.detail).toMatchObject({
      client: { id: client.id, name: 'Naya Advice' },
      releaseId: String(releaseId),
      date: '2026-02-13',
      currency: 'USD',
      amountPaid: '2850.00',
      invoices: [
        { number: big.number, debtor: debtorName, faceValue: '10000.00', collected: '10000.00', fees: '100.00', released: '1900.00' },
        { number: small.number, debtor: debtorName, faceValue: '5000.00', collected: '5000.00', fees: '50.00', released: '950.00' },
      ],
      otherSources: [],
      releasedTotal: '2850.00',
      offsets: [],
      offsetsTotal: '0.00',
      holdbacks: [],
    });
    expect(advice.downloadUrl).toBe(`/api/v1/clients/${client.id}/releases/${releaseId}/advice.pdf`);

    const file = await rebateAdvicePdf(t.database, Number(client.id), releaseId, me);
    expect(file.filename).toBe(`rebate-advice-${releaseId}.pdf`);
    expect(file.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(file.pdf, 'naya');
    expect(text).toContain('Naya Advice');
    expect(text).toContain(`Release ${releaseId}`);
    expect(text).toMatch(/Payable to you\s+2,850\.00 USD/); // the header row
    for (const [invoice, face, fees, released] of [
      [big.number, '10,000.00', '100.00', '1,900.00'],
      [small.number, '5,000.00', '50.00', '950.00'],
    ] as const) {
      // number, debtor, face value, collected, fees, reserve released — one row each
      expect(text).toMatch(new RegExp(`${invoice}\\s+${debtorName}\\s+${face}\\s+${face}\\s+${fees}\\s+${released}\\n`));
    }
    // the totals: released less taken out is what was paid, to the cent
    expect(text).toMatch(/Reserve released\s+2,850\.00\n/);
    expect(text).toContain('Nothing was taken out before payment.');
    expect(text).toMatch(/Reserve released\s+2,850\.00 USD\n\s*Taken out before payment\s+0\.00 USD\n\s*Payable to you\s+2,850\.00 USD/);
    expect(text).toContain('Nothing was held back from what was releasable.');
    // the same figures give the same bytes
    expect((await rebateAdvicePdf(t.database, Number(client.id), releaseId, me)).pdf.equals(file.pdf)).toBe(true);
  });

  it('shows what was taken out before payment: 70 released, 30 of chargebacks owed offset, 40 paid (worked example 2)', async () => {
    const client = await aClient(t.database, team, { name: 'InstaPay Advice', agreement: { ...INSTAPAY, releaseAutoApproveUpTo: '1000.00' } });
    await contacts(client.id);
    const debtor = await aDebtor(t.database, team);
    const short = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
    await pay(short.id, '900.00', '2026-01-20', 'chargeback');
    const next = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-22' });
    await pay(next.id, '1000.00', '2026-01-25');
    const run = await runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: [client.id] }, team.controller);
    expect(run.releases).toEqual([expect.objectContaining({ amount: '40.00', status: 'approved' })]); // auto-approved and paid
    const releaseId = Number(run.releases[0]!.id);

    const advice = await rebateAdvice(t.database, Number(client.id), releaseId, team.controller); // staff may read it too
    expect(advice.detail).toMatchObject({
      amountPaid: '40.00',
      // the flat 3% fee was taken from the reserve at funding: 100 withheld, 70 left to release
      invoices: [{ number: next.number, faceValue: '1000.00', collected: '1000.00', fees: '30.00', released: '70.00' }],
      releasedTotal: '70.00',
      offsets: [{ label: 'Chargebacks owed', amount: '30.00' }],
      offsetsTotal: '30.00',
    });
    const text = pdfText((await rebateAdvicePdf(t.database, Number(client.id), releaseId, team.controller)).pdf, 'instapay');
    expect(text).toMatch(new RegExp(`${next.number}\\s+\\S.*\\s+1,000\\.00\\s+1,000\\.00\\s+30\\.00\\s+70\\.00\\n`));
    expect(text).not.toContain(short.number); // nothing of its reserve was left to release
    expect(text).toMatch(/Chargebacks owed\s+30\.00 USD/);
    expect(text).toMatch(/Reserve released\s+70\.00 USD\n\s*Taken out before payment\s+-30\.00 USD\n\s*Payable to you\s+40\.00 USD/);
  });

  it('lists reserve drawn from a matured tranche beside the invoices (a rolling reserve)', async () => {
    const client = await aClient(t.database, team, {
      name: 'Rolling Advice',
      agreement: {
        advanceRate: '0.90',
        reserveRate: '0.10',
        reservePolicy: { kind: 'rolling', holdDays: 30 },
        releaseSchedule: { cadence: 'monthly', anchorDate: '2026-01-01' },
        releaseAutoApproveUpTo: '1000000.00',
        creditLimit: '10000000.00',
      },
    });
    await contacts(client.id);
    const debtor = await aDebtor(t.database, team, { creditLimit: '100000000.00' });
    await aFundedInvoice(t.database, team, { client, debtor, faceValue: '100000.00', fundingDate: '2026-01-01' });
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-01', clientIds: [client.id] }, team.controller);
    expect(run.releases).toEqual([expect.objectContaining({ amount: '10000.00', status: 'approved' })]);
    const releaseId = Number(run.releases[0]!.id);
    const advice = await rebateAdvice(t.database, Number(client.id), releaseId, team.controller);
    expect(advice.detail).toMatchObject({
      invoices: [],
      otherSources: [{ label: expect.stringMatching(/^Rolling tranche funded 2026-01-01/), amount: '10000.00' }],
      releasedTotal: '10000.00',
      amountPaid: '10000.00',
    });
    const text = pdfText((await rebateAdvicePdf(t.database, Number(client.id), releaseId, team.controller)).pdf, 'rolling');
    expect(text).toMatch(/Other reserve released\n\s*Rolling tranche funded 2026-01-01\S*.*\s+10,000\.00\n/);
    expect(text).toMatch(/Payable to you\s+10,000\.00 USD/);
  });

  it('names what was not approved as held back when a release is approved in part', async () => {
    const client = await aClient(t.database, team, { name: 'Naya Partial', agreement: NAYA });
    await contacts(client.id);
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    await pay(invoice.id, '10000.00', '2026-01-31');
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
    const releaseId = Number(run.releases[0]!.id);
    await tx((x) => approveRelease(x, releaseId, { amount: '1000.00' }, team.approver));
    const advice = await rebateAdvice(t.database, Number(client.id), releaseId, team.controller);
    expect(advice.detail).toMatchObject({
      amountPaid: '1000.00',
      invoices: [{ number: invoice.number, released: '1000.00' }],
      releasedTotal: '1000.00',
      holdbacks: [{ label: 'Proposed 1,900.00, approved 1,000.00: the rest stays held', amount: '900.00' }],
    });
    const text = pdfText((await rebateAdvicePdf(t.database, Number(client.id), releaseId, team.controller)).pdf, 'partial');
    expect(text).toMatch(/Proposed 1,900\.00, approved 1,000\.00: the rest stays held\s+900\.00 USD/);
    expect(text).toMatch(/Payable to you\s+1,000\.00 USD/);
  });
});

describe('GET /clients/{id}/releases/{releaseId}/advice.pdf', () => {
  const get = async (clientId: string, releaseId: string, key: string) => {
    const { GET } = await import('../../app/api/v1/clients/[id]/releases/[releaseId]/advice.pdf/route');
    return GET(
      new Request(`http://holdback.test/api/v1/clients/${clientId}/releases/${releaseId}/advice.pdf`, { headers: { authorization: `Bearer ${key}` } }),
      {
        params: Promise.resolve({ id: clientId, releaseId }),
      } as never,
    );
  };

  it("answers a client user its own release's advice as a PDF attachment, and 404 for another client's", async () => {
    const mine = await nayaRelease('Naya Route');
    const theirs = await nayaRelease('Naya Elsewhere');
    const me = await aUser(t.database, 'client', { clientId: Number(mine.client.id) });
    const key = (await tx((x) => createApiKey(x, me.userId!, 'test', me))).key;

    const ok = await get(mine.client.id, String(mine.releaseId), key);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect(ok.headers.get('content-disposition')).toBe(`attachment; filename="rebate-advice-${mine.releaseId}.pdf"`);
    const text = pdfText(Buffer.from(await ok.arrayBuffer()), 'route');
    expect(text).toContain(mine.big.number);
    expect(text).toMatch(/Payable to you\s+2,850\.00 USD/);

    // another client's release: under the other client's id, and under its own id — 404 both ways
    for (const [clientId, releaseId] of [
      [theirs.client.id, String(theirs.releaseId)],
      [mine.client.id, String(theirs.releaseId)],
      [mine.client.id, '999999999'],
      [mine.client.id, 'abc'],
    ] as const) {
      const refused = await get(clientId, releaseId, key);
      expect(refused.status, `${clientId}/${releaseId}`).toBe(404);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    // staff who may read the portfolio get any client's
    const staffKey = (await tx((x) => createApiKey(x, team.controller.userId!, 'test', team.controller))).key;
    expect((await get(theirs.client.id, String(theirs.releaseId), staffKey)).status).toBe(200);
  });
});

describe('the rebate email', () => {
  it('is sent with the advice as a PDF attachment, built from the same figures', async () => {
    const { client, big, releaseId } = await nayaRelease('Naya Mail');
    const dir = mkdtempSync(path.join(scratch, 'mail-'));
    const previous = process.env.MAIL_DIR;
    process.env.MAIL_DIR = dir;
    const sent: OutgoingMail[] = [];
    try {
      const files = createTransport(null);
      const transport = {
        ...files,
        send: (m: OutgoingMail) => {
          sent.push(m);
          return files.send(m);
        },
      };
      await sendDueEmails(t.database, transport, { batch: 500 });
    } finally {
      process.env.MAIL_DIR = previous;
    }
    const [row] = await t.database.sql<{ id: string; status: string }[]>`
      select id, status from email_outbox where dedupe_key = ${`rebate:${releaseId}:ap@${client.id}.test`}`;
    expect(row!.status).toBe('sent');
    // other emails go without attachments
    expect(sent.filter((m) => !m.subject.startsWith('Rebate of')).every((m) => m.attachments === undefined)).toBe(true);
    const eml = readFileSync(
      path.join(
        dir,
        readdirSync(dir).find((f) => f === `${row!.id.padStart(8, '0')}.eml`)!,
      ),
    );
    const mail = await simpleParser(eml);
    // the text names no file (its name carries the release id: the chaos comparison reads the outbox text run against run)
    expect(mail.text).toContain('is attached as a PDF and is in your portal');
    expect(mail.attachments).toHaveLength(1);
    const [attachment] = mail.attachments;
    expect(attachment).toMatchObject({ filename: `rebate-advice-${releaseId}.pdf`, contentType: 'application/pdf' });
    const text = pdfText(attachment!.content, 'attached');
    expect(text).toContain(big.number);
    expect(text).toMatch(/Payable to you\s+2,850\.00 USD/);
    const me = await aUser(t.database, 'client', { clientId: Number(client.id) });
    expect(attachment!.content.equals((await rebateAdvicePdf(t.database, Number(client.id), releaseId, me)).pdf)).toBe(true);
  });
});

describe('the rebate email under an escrow policy (issue 16 item 3)', () => {
  it('says what is paid and what is kept in escrow, in the shared money format', async () => {
    // worked example 1 twice over releases 2850.00; 10% of it (285.00, under the 300.00 cap) is kept in escrow
    const client = await aClient(t.database, team, {
      name: 'Naya Escrow Mail',
      agreement: { ...NAYA, reservePolicy: { kind: 'escrow', share: '0.10', cap: '300.00' } },
    });
    await contacts(client.id);
    const debtor = await aDebtor(t.database, team);
    const big = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const small = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '5000.00', fundingDate: '2026-01-01' });
    await pay(big.id, '10000.00', '2026-01-31');
    await pay(small.id, '5000.00', '2026-01-31');
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
    const releaseId = Number(run.releases[0]!.id);
    expect(await tx((x) => approveRelease(x, releaseId, {}, team.approver))).toMatchObject({ approvedAmount: '2565.00', escrowAmount: '285.00' });
    const [mail] = await t.database.sql<{ subject: string; text: string; html: string }[]>`
      select subject, text, html from email_outbox where dedupe_key = ${`rebate:${releaseId}:ap@${client.id}.test`}`;
    expect(mail!.subject).toBe(`Rebate of 2850.00 USD released — release ${releaseId}`);
    expect(mail!.text).toContain('Kept in escrow: 285.00 USD of this rebate goes to your escrow');
    expect(mail!.text).toContain('Payable to you: 2565.00 USD');
    expect(mail!.text).not.toContain('Payable to you: 2850.00');
    expect(mail!.html).toContain('Payable to you: <strong>2565.00 USD</strong>');
    expect(mail!.html).toContain('Kept in escrow: 285.00 USD');
  });

  it('without escrow says the whole amount is payable', () => {
    const base = { clientName: 'C', releaseId: '7', date: '2026-02-13', currency: 'USD', amount: '1900.00', sources: [], offsets: [], held: '0.00' };
    for (const data of [base, { ...base, escrow: null, paid: '1900.00' }] as const) {
      const mail = renderEmail('rebate_advice', data);
      expect(mail.text).toContain('Payable to you: 1900.00 USD');
      expect(mail.text).not.toContain('escrow');
    }
  });
});
