import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/client';
import type { AgreementTermsInput } from '../../lib/agreements/terms';
import { systemActor, type Actor } from '../../lib/auth/actor';
import type { Role } from '../../lib/auth/roles';
import { createClient, type ClientView } from '../../lib/clients';
import { approvePayoutAccountChange, requestPayoutAccountChange } from '../../lib/clients/payout-changes';
import { createDebtor, type DebtorView } from '../../lib/debtors';
import { fundBatch } from '../../lib/funding';
import { createInvoice, verifyInvoice, type InvoiceView } from '../../lib/invoices';
import { createUser } from '../../lib/users';
import { addDays } from '../../lib/dates';

/** Test data through the same commands people use (STYLE: builders, never the demo seed). */
const unique = () => randomBytes(4).toString('hex');

export async function aUser(database: Database, role: Role, options: { clientId?: number; password?: string; email?: string } = {}): Promise<Actor> {
  const { user } = await database.transaction((tx) =>
    createUser(
      tx,
      { email: options.email ?? `${role}-${unique()}@test.holdback`, role, clientId: options.clientId, password: options.password ?? 'correct horse battery' },
      systemActor('test', 'cli'),
    ),
  );
  return { userId: Number(user.id), label: user.email, role, clientId: options.clientId ?? null, source: 'console', requestId: `test-${unique()}`, ip: null };
}

export interface Team {
  underwriter: Actor;
  funding: Actor;
  approver: Actor;
  controller: Actor;
  collections: Actor;
  admin: Actor;
}

export async function aTeam(database: Database): Promise<Team> {
  return {
    underwriter: await aUser(database, 'underwriter'),
    funding: await aUser(database, 'funding'),
    approver: await aUser(database, 'approver'),
    controller: await aUser(database, 'controller'),
    collections: await aUser(database, 'collections'),
    admin: await aUser(database, 'admin'),
  };
}

/**
 * Issue 14: a client's payout account as people record it — requested by one person (the
 * underwriter) and approved by another (the approver), each in its own transaction. Answers the
 * approved change (masked).
 */
export async function aPayoutAccount(
  database: Database,
  team: Pick<Team, 'underwriter' | 'approver'>,
  clientId: number | string,
  account: Record<string, unknown>,
) {
  const { changeId } = await database.transaction((tx) => requestPayoutAccountChange(tx, Number(clientId), account, team.underwriter));
  return database.transaction((tx) => approvePayoutAccountChange(tx, Number(changeId), team.approver));
}

export async function aClient(
  database: Database,
  team: Pick<Team, 'underwriter'>,
  options: { name?: string; currency?: string; agreement?: AgreementTermsInput; status?: 'active' | 'prospect'; effectiveFrom?: string } = {},
): Promise<ClientView> {
  return database.transaction((tx) =>
    createClient(
      tx,
      {
        name: options.name ?? `Client ${unique()}`,
        currency: options.currency ?? 'USD',
        status: options.status ?? 'active',
        agreement: options.agreement,
        effectiveFrom: options.effectiveFrom ?? '2025-01-01',
      },
      team.underwriter,
    ),
  );
}

export async function aDebtor(database: Database, team: Pick<Team, 'underwriter'>, options: { creditLimit?: string } = {}): Promise<DebtorView> {
  return database.transaction((tx) => createDebtor(tx, { name: `Debtor ${unique()}`, creditLimit: options.creditLimit ?? '1000000.00' }, team.underwriter));
}

export async function anInvoice(
  database: Database,
  team: Pick<Team, 'funding'>,
  options: { client: ClientView; debtor: DebtorView; faceValue?: string; number?: string; issueDate?: string; verified?: boolean },
): Promise<InvoiceView> {
  return database.transaction(async (tx) => {
    const invoice = await createInvoice(
      tx,
      {
        clientId: options.client.id,
        debtorId: options.debtor.id,
        number: options.number ?? `INV-${unique()}`,
        faceValue: options.faceValue ?? '10000.00',
        currency: options.client.currency,
        issueDate: options.issueDate ?? '2026-01-01',
        dueDate: addDays(options.issueDate ?? '2026-01-01', 59),
      },
      team.funding,
    );
    return options.verified === false ? invoice : verifyInvoice(tx, Number(invoice.id), team.funding);
  });
}

export async function aFundedInvoice(
  database: Database,
  team: Pick<Team, 'funding'>,
  options: { client: ClientView; debtor: DebtorView; faceValue?: string; fundingDate?: string },
): Promise<InvoiceView> {
  const invoice = await anInvoice(database, team, options);
  await database.transaction((tx) =>
    fundBatch(tx, { clientId: options.client.id, invoiceIds: [invoice.id], fundingDate: options.fundingDate ?? '2026-01-01' }, team.funding),
  );
  return invoice;
}

/**
 * A receivable credit as collections will post it (issue 5 wires real payments to the same
 * calls): Dr cash, Cr receivable for the invoice; outstanding lowered; the fee base told.
 */
export async function aCollection(
  database: Database,
  invoice: { id: string; clientId: string; currency: string },
  amount: string,
  date: string,
): Promise<void> {
  const { post } = await import('../../lib/ledger');
  const { markCredited } = await import('../../lib/fees/settlement');
  const { Big } = await import('../../lib/money');
  await database.transaction(async (tx) => {
    await post(
      tx,
      {
        effectiveDate: date,
        kind: 'collection',
        idempotencyKey: `test-collection:${invoice.id}:${date}:${amount}:${randomBytes(3).toString('hex')}`,
        clientId: Number(invoice.clientId),
        invoiceId: Number(invoice.id),
        lines: [
          { account: 'cash', currency: invoice.currency, amount: new Big(amount) },
          {
            account: 'receivable',
            currency: invoice.currency,
            clientId: Number(invoice.clientId),
            invoiceId: Number(invoice.id),
            amount: new Big(amount).times(-1),
          },
        ],
      },
      systemActor('test'),
    );
    await tx.sql`update invoices set outstanding = outstanding - ${amount}::numeric where id = ${invoice.id}`;
    await markCredited(tx, [Number(invoice.id)]);
  });
}
