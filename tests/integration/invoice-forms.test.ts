import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import type { Permission } from '../../lib/auth/permissions';
import type { ClientView } from '../../lib/clients';
import { receivePayment } from '../../lib/collections/payments';
import type { DebtorView } from '../../lib/debtors';
import { fundBatch } from '../../lib/funding';
import { initialActionState } from '../../lib/http/action-state';
import type { InvoiceView } from '../../lib/invoices';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, item 5: the forms that name an invoice take its number (collections → disputes,
 * charge back / write off, the inbox's apply by hand, and the invoice page, which posts the same
 * actions). An unknown or ambiguous number is said under the field with the invoices to choose
 * from; the choice (the typeahead's, or the "which one" list) sends the invoice's id beside the
 * number, and the server takes it only while that invoice has the number.
 */

vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {}, unstable_cache: <T>(fn: T) => fn }));
vi.mock('next/headers', () => ({ headers: async () => new Headers(), cookies: async () => ({ get: () => undefined }) }));
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock('@/lib/auth/session', async () => {
  const { requirePermission } = await import('../../lib/auth/permissions');
  return {
    currentActor: async () => session.actor,
    actionActorFor: async (permission: Permission) => requirePermission(session.actor, permission),
  };
});

let t: TestDatabase;
let team: Team;
const saved: Record<string, string | undefined> = {};
const tag = randomBytes(3).toString('hex').toUpperCase();
let northwind: ClientView;
let globex: ClientView;
let acme: DebtorView;
let initech: DebtorView;

async function funded(client: ClientView, debtor: DebtorView, number: string, faceValue = '1000.00'): Promise<InvoiceView> {
  const invoice = await anInvoice(t.database, team, { client, debtor, number, faceValue });
  await t.database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: '2026-01-05' }, team.funding));
  return invoice;
}

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  northwind = await aClient(t.database, team, { name: `Northwind ${tag}` });
  globex = await aClient(t.database, team, { name: `Globex ${tag}` });
  acme = await aDebtor(t.database, team);
  initech = await aDebtor(t.database, team);
  for (const [name, value] of Object.entries({ DATABASE_URL: t.url, APP_DATABASE_URL: t.appUrl })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  await closeDatabase();
});

afterAll(async () => {
  session.actor = null;
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

const form = (values: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) for (const one of Array.isArray(v) ? v : [v]) data.append(k, one);
  return data;
};

async function actions() {
  return import('../../app/(console)/collections/actions');
}

const statusOf = async (id: string) => (await t.admin.sql<{ status: string }[]>`select status from invoices where id = ${id}`)[0]!.status;
const openDisputes = async (id: string) =>
  Number((await t.admin.sql<{ n: string }[]>`select count(*) as n from disputes where invoice_id = ${id} and status = 'open'`)[0]!.n);

describe('a dispute opened by invoice number', () => {
  it('a unique number works, in any case; an unknown one is said under the field and keeps what was typed', async () => {
    const invoice = await funded(northwind, acme, `NW-${tag}-1`);
    session.actor = team.collections;
    const { openDisputeAction } = await actions();
    const unknown = await openDisputeAction(initialActionState, form({ invoiceNumber: `NW-${tag}-404`, amount: '100.00', reason: 'Damaged' }));
    expect(unknown).toMatchObject({
      ok: false,
      errors: { invoiceNumber: `No invoice numbered NW-${tag}-404` },
      values: { invoiceNumber: `NW-${tag}-404`, amount: '100.00' },
    });
    const done = await openDisputeAction(initialActionState, form({ invoiceNumber: ` nw-${tag.toLowerCase()}-1 `, amount: '100.00', reason: 'Damaged' }));
    expect(done.ok).toBe(true);
    expect(done.message).toMatch(new RegExp(`^Dispute \\d+ opened on invoice NW-${tag}-1 for 100.00 USD`));
    expect(await statusOf(invoice.id)).toBe('disputed');
  });

  it('a number two clients use asks which, offering each invoice with its client and debtor; the one chosen is disputed', async () => {
    const number = `SH-${tag}`;
    const atNorthwind = await funded(northwind, acme, number, '1200.00');
    const atGlobex = await funded(globex, initech, number, '1300.00');
    session.actor = team.collections;
    const { openDisputeAction } = await actions();
    const asked = await openDisputeAction(initialActionState, form({ invoiceNumber: number, amount: '50.00', reason: 'Short shipped' }));
    expect(asked.ok).toBe(false);
    expect(asked.message).toBe(`Invoice number ${number} exists for Globex ${tag} and Northwind ${tag}: choose the client`);
    expect(asked.errors).toMatchObject({ invoiceNumber: asked.message, clientId: 'choose the client' });
    const choices = (asked as { invoiceChoices?: { id: string; clientName: string; debtorName: string; faceValue: string }[] }).invoiceChoices;
    expect(choices).toEqual([
      expect.objectContaining({ id: atGlobex.id, clientName: `Globex ${tag}`, debtorName: initech.name, faceValue: '1300.00' }),
      expect.objectContaining({ id: atNorthwind.id, clientName: `Northwind ${tag}`, debtorName: acme.name, faceValue: '1200.00' }),
    ]);
    expect(asked.values).toMatchObject({ invoiceNumber: number, amount: '50.00', reason: 'Short shipped' });
    // chosen: the number with that invoice's id
    const done = await openDisputeAction(initialActionState, form({ invoiceNumber: number, invoiceId: atGlobex.id, amount: '50.00', reason: 'Short shipped' }));
    expect(done).toMatchObject({ ok: true });
    expect(await openDisputes(atGlobex.id)).toBe(1);
    expect(await openDisputes(atNorthwind.id)).toBe(0);
  });

  it('one client with the number for two debtors (not pickable by client) is told apart by the chosen invoice', async () => {
    const number = `TW-${tag}`;
    const forAcme = await funded(northwind, acme, number);
    const forInitech = await funded(northwind, initech, number);
    session.actor = team.collections;
    const { openDisputeAction } = await actions();
    const byClient = await openDisputeAction(initialActionState, form({ invoiceNumber: number, clientId: northwind.id, amount: '10.00', reason: 'Late' }));
    expect(byClient.ok).toBe(false);
    expect(byClient.message).toContain(`exists twice for Northwind ${tag}`);
    expect(byClient.message).toContain(acme.name);
    expect(byClient.message).toContain(initech.name);
    expect(byClient.message).toMatch(/choose which one$/);
    expect((byClient as { invoiceChoices?: { id: string }[] }).invoiceChoices?.map((c) => c.id).sort()).toEqual([forAcme.id, forInitech.id].sort());
    const done = await openDisputeAction(initialActionState, form({ invoiceNumber: number, invoiceId: forInitech.id, amount: '10.00', reason: 'Late' }));
    expect(done.ok).toBe(true);
    expect(await openDisputes(forInitech.id)).toBe(1);
    expect(await openDisputes(forAcme.id)).toBe(0);
  });

  it('a chosen invoice that is not the typed number is refused under the field (a stale or forged choice), nothing done', async () => {
    const typed = await funded(northwind, acme, `ST-${tag}-A`);
    const chosen = await funded(northwind, acme, `ST-${tag}-B`);
    session.actor = team.collections;
    const { openDisputeAction } = await actions();
    const refused = await openDisputeAction(initialActionState, form({ invoiceNumber: typed.number, invoiceId: chosen.id, amount: '10.00', reason: 'x' }));
    expect(refused).toMatchObject({
      ok: false,
      errors: { invoiceNumber: `The invoice chosen is not invoice ${typed.number}: choose ${typed.number} again from the suggestions` },
    });
    // an id that names nothing, or another client's invoice than the client chosen, likewise
    expect((await openDisputeAction(initialActionState, form({ invoiceNumber: typed.number, invoiceId: '987654321', amount: '10.00', reason: 'x' }))).ok).toBe(
      false,
    );
    expect(
      (
        await openDisputeAction(
          initialActionState,
          form({ invoiceNumber: typed.number, invoiceId: typed.id, clientId: globex.id, amount: '10.00', reason: 'x' }),
        )
      ).ok,
    ).toBe(false);
    expect(await openDisputes(typed.id)).toBe(0);
    expect(await openDisputes(chosen.id)).toBe(0);
  });
});

describe('charge back by number (the collections form and the invoice page post the same action)', () => {
  it('asks first, naming the client and what is owed, then charges back the chosen invoice', async () => {
    const number = `CB-${tag}`;
    const mine = await funded(northwind, acme, number, '1000.00');
    await funded(northwind, initech, number, '1000.00');
    session.actor = team.collections;
    const { recourseAction } = await actions();
    const values = { invoiceNumber: number, invoiceId: mine.id, date: '2026-02-01', intent: 'chargeback' };
    const asked = (await recourseAction(initialActionState, form(values))) as { ok: boolean; confirm?: { question: string; token: string } };
    expect(asked.confirm?.question).toBe(`Charge back invoice ${number} to Northwind ${tag}: 1,000.00 USD still owed?`);
    expect(await statusOf(mine.id)).toBe('funded');
    const done = await recourseAction(initialActionState, form({ ...values, confirmed: asked.confirm!.token }));
    expect(done.ok).toBe(true);
    expect(done.message).toContain(`Invoice ${number} charged back to Northwind ${tag}: 1,000.00 USD`);
    expect(await statusOf(mine.id)).toBe('charged_back');
  });
});

describe('apply a payment by hand: a row typed by number', () => {
  it('an ambiguous number answers with the invoices to choose from; the chosen one is applied', async () => {
    const number = `AP-${tag}`;
    const a = await funded(northwind, acme, number, '400.00');
    await funded(northwind, initech, number, '400.00');
    session.actor = team.collections;
    const payment = await t.database.transaction((tx) =>
      receivePayment(
        tx,
        { amount: '400.00', currency: 'USD', receivedDate: '2026-02-03', payerName: 'Someone', reference: 'no numbers here' },
        team.collections,
      ),
    );
    const { inboxAction } = await actions();
    const row = { intent: 'apply', paymentId: payment.id, invoiceNumber: [number], invoiceClientId: [''], amount: ['400.00'] };
    const asked = await inboxAction(initialActionState, form({ ...row, invoiceId: [''] }));
    expect(asked.ok).toBe(false);
    expect(asked.errors?.['invoiceNumber.0']).toMatch(/exists twice for Northwind .*choose which one$/);
    expect((asked as { invoiceChoices?: unknown[] }).invoiceChoices).toHaveLength(2);
    const done = await inboxAction(initialActionState, form({ ...row, invoiceId: [a.id] }));
    expect(done.ok).toBe(true);
    expect((done as { lines?: string[] }).lines).toEqual([`400.00 USD to invoice ${number}: settled`]);
    expect(await statusOf(a.id)).toBe('settled');
  });
});
