import type { Database } from '../../db/client';
import type { AgreementTermsInput } from '../agreements/terms';
import { systemActor, type Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import type { Role } from '../auth/roles';
import { DEMO_PASSWORD, DEMO_USERS } from './users';

export { DEMO_PASSWORD, DEMO_USERS } from './users';
import { createClient } from '../clients';
import { addDays } from '../dates';
import { createDebtor } from '../debtors';
import { fundBatch } from '../funding';
import { createInvoice, verifyInvoice } from '../invoices';
import { DomainError } from '../errors';
import { createUser } from '../users';
import type { PayoutAccount } from '../../db/schema';
import { maskPayoutAccount } from '../clients/payout-account';
import { recordAudit } from '../audit';
import { updateAchOriginator, updateSepaDebtor } from '../payouts/originator';

/**
 * Issue 14: the factor's own bank for the payout files (Settings → Payout bank) — a US
 * originator at a real ABA routing number and a German IBAN account, both test-looking but valid —
 * so the demo's NACHA and pain.001 files can be made without configuring anything.
 */
const DEMO_ACH_ORIGINATOR = {
  originRouting: '021000021',
  destinationRouting: '021000021',
  destinationName: 'JPMORGAN CHASE BANK',
  companyId: '1123456789',
  companyName: 'HOLDBACK DEMO',
};
const DEMO_SEPA_ACCOUNT = { name: 'Holdback Demo Factoring', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' };

/** The demo clients' payout accounts, in the order of CLIENTS (the EUR client's an IBAN account). */
const DEMO_PAYOUT_ACCOUNTS: PayoutAccount[] = [
  { kind: 'aba', holderName: 'Acme Freight LLC', routing: '011000015', account: '000123456789', accountType: 'checking' },
  { kind: 'aba', holderName: 'Northwind Staffing Inc.', routing: '026009593', account: '4432100987', accountType: 'checking' },
  { kind: 'iban', holderName: 'Globex Export GmbH', iban: 'DE02120300000000202051', bic: 'BYLADEM1001' },
];

const CLIENTS: { name: string; currency: string; contact: string; agreement: AgreementTermsInput }[] = [
  {
    name: 'Acme Freight LLC',
    currency: 'USD',
    contact: 'ap@acme-freight.example',
    agreement: {
      model: 'recourse',
      advanceRate: '0.80',
      reserveRate: '0.20',
      fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
      creditLimit: '500000.00',
      concentrationLimit: '0.60',
    },
  },
  {
    name: 'Northwind Staffing Inc.',
    currency: 'USD',
    contact: 'finance@northwind.example',
    agreement: {
      model: 'recourse',
      advanceRate: '0.90',
      reserveRate: '0.10',
      fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
      creditLimit: '250000.00',
      concentrationLimit: '0.75',
    },
  },
  {
    name: 'Globex Export GmbH',
    currency: 'EUR',
    contact: 'buchhaltung@globex-export.example',
    agreement: {
      model: 'export',
      advanceRate: '0.85',
      reserveRate: '0.15',
      serviceFee: '25.00',
      fees: { kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 10 },
      reservePolicy: { kind: 'rolling', holdDays: 180 },
      creditLimit: '400000.00',
    },
  },
];

const DEBTORS = [
  { name: 'Globex Retail', creditLimit: '300000.00' },
  { name: 'Initech Stores', creditLimit: '150000.00' },
  { name: 'Umbrella Logistics', creditLimit: '200000.00' },
  { name: 'Soylent Foods', creditLimit: '100000.00' },
];

/**
 * The demo's sign-ins have published passwords (README): never seeded into a production
 * deployment unless asked for by name. Answers why not, or null when seeding is allowed.
 */
export function demoSeedRefusal(env: Record<string, string | undefined> = process.env): string | null {
  if (env.NODE_ENV === 'production' && env.SEED_DEMO !== 'true') {
    return 'NODE_ENV=production: the demo portfolio is not seeded (its sign-ins have published passwords). Set SEED_DEMO=true to seed it anyway, e.g. for a demo server.';
  }
  return null;
}

export async function hasClients(database: Database): Promise<boolean> {
  const [row] = await database.sql<{ n: string }[]>`select count(*) as n from clients`;
  return Number(row!.n) > 0;
}

/**
 * A small demo portfolio: a user per role, three clients with agreements, four debtors and
 * invoices in every early state — funded through the same commands people use, so the ledger
 * and the audit chain are real. Runs only on a database without clients.
 */
export async function seedDemo(database: Database, options: { today: string } = { today: '2026-11-02' }): Promise<{ seeded: boolean }> {
  const refusal = demoSeedRefusal();
  if (refusal) throw new DomainError('demo_refused', refusal, { status: 409 });
  if (await hasClients(database)) return { seeded: false };
  const as = (role: Role): Actor => ({ ...systemActor('seed', 'seed'), label: `seed:${role}`, role });
  const start = addDays(options.today, -75);
  return database.transaction(async (tx) => {
    const clientIds: number[] = [];
    for (const c of CLIENTS) {
      const view = await createClient(
        tx,
        {
          name: c.name,
          currency: c.currency,
          status: 'active',
          contacts: [{ name: 'Accounts', email: c.contact }],
          agreement: c.agreement,
          effectiveFrom: start,
        },
        as('underwriter'),
      );
      clientIds.push(Number(view.id));
    }
    // The payout accounts as onboarding recorded them (the four-eyes change requests are for later changes).
    for (const [ci, clientId] of clientIds.entries()) {
      const account = DEMO_PAYOUT_ACCOUNTS[ci]!;
      await tx.sql`update clients set payout_account = ${JSON.stringify(account)}::jsonb where id = ${clientId}`;
      await recordAudit(tx, as('underwriter'), {
        action: 'client.payout_account',
        targetType: 'client',
        targetId: clientId,
        before: null,
        after: maskPayoutAccount(account),
      });
    }
    await updateAchOriginator(tx, DEMO_ACH_ORIGINATOR, as('admin'));
    await updateSepaDebtor(tx, DEMO_SEPA_ACCOUNT, as('admin'));
    const debtorIds: number[] = [];
    for (const d of DEBTORS) debtorIds.push(Number((await createDebtor(tx, d, as('underwriter'))).id));
    for (const u of DEMO_USERS) {
      await createUser(
        tx,
        { email: u.email, name: u.name, role: u.role, password: DEMO_PASSWORD, clientId: isClientUser(u) ? clientIds[0] : undefined },
        as('admin'),
      );
    }
    // Twelve invoices per client; the older eight are funded in one batch, two verified, two submitted.
    for (const [ci, clientId] of clientIds.entries()) {
      const currency = CLIENTS[ci]!.currency;
      const toFund: number[] = [];
      for (let n = 1; n <= 12; n += 1) {
        const issueDate = addDays(start, n * 6);
        const face = `${(4 + ((n * 7 + ci * 3) % 11)) * 1250}.00`;
        const invoice = await createInvoice(
          tx,
          {
            clientId,
            debtorId: debtorIds[(n + ci) % debtorIds.length]!,
            number: `${['AF', 'NW', 'GX'][ci]}-${1000 + n}`,
            faceValue: face,
            currency,
            issueDate,
            dueDate: addDays(issueDate, 45),
          },
          as('funding'),
        );
        if (n <= 10) await verifyInvoice(tx, Number(invoice.id), as('funding'));
        if (n <= 8) toFund.push(Number(invoice.id));
      }
      await fundBatch(tx, { clientId, invoiceIds: toFund, fundingDate: addDays(start, 50) }, as('funding'));
    }
    return { seeded: true };
  });
}
