import type { Database } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { PERMISSIONS, type Permission } from '../../lib/auth/permissions';
import type { Role } from '../../lib/auth/roles';
import { proposeAgreementChange } from '../../lib/clients/onboarding';
import { openDispute } from '../../lib/collections/disputes';
import { recordMisdirected } from '../../lib/collections/misdirected';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { addDays, todayIn } from '../../lib/dates';
import { runReleaseCycle } from '../../lib/releases';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser } from './builders';
import type { IdPools } from './hostile';

/**
 * One small portfolio for the hostile-input tests, shared by every route or action of a file:
 * two clients (A recourse with contacts, B non-recourse) each with a client user, a debtor,
 * invoices submitted, verified, funded and disputed, a payment, a misdirected payment, a release
 * cycle with a pending release, a pending agreement version, a user per role and their API keys.
 * The ids of all of it are the "real" ids generated inputs draw from; client B's are the other
 * client's ids a client user of A must never reach.
 */
export interface HostileFixtures {
  actors: Record<Role, Actor>;
  /** the API key of each role's user */
  keys: Record<Role, string>;
  ids: IdPools;
  today: string;
  clientA: string;
  clientB: string;
}

const TABLE_OF: Record<string, string> = {
  client: 'clients',
  debtor: 'debtors',
  invoice: 'invoices',
  payment: 'payments',
  dispute: 'disputes',
  release: 'releases',
  cycle: 'release_cycles',
  batch: 'funding_batches',
  agreement: 'agreements',
  user: 'users',
  request: 'approval_requests',
  email: 'email_outbox',
  statement: 'statements',
  key: 'api_keys',
  misdirected: 'misdirected_payments',
};

/** Per entity, the column that ties a row to its client (for "another client's ids"). */
const CLIENT_COLUMN: Record<string, string> = {
  client: 'id',
  invoice: 'client_id',
  release: 'client_id',
  batch: 'client_id',
  agreement: 'client_id',
  user: 'client_id',
  statement: 'client_id',
  misdirected: 'client_id',
};

export async function hostileFixtures(database: Database): Promise<HostileFixtures> {
  const team = await aTeam(database);
  const today = todayIn();
  const a = await aClient(database, team, { name: 'Hostile A Freight' });
  const b = await aClient(database, team, { name: 'Hostile B Retail', agreement: { model: 'non_recourse' } });
  await database.sql`update clients set contacts = ${JSON.stringify([{ name: 'AP', email: 'ap@hostile-a.test', notifyStatements: true, notifyRebates: true }])}::jsonb where id = ${a.id}`;
  const actors: Record<Role, Actor> = {
    ...team,
    auditor: await aUser(database, 'auditor'),
    client: await aUser(database, 'client', { clientId: Number(a.id) }),
  };
  await aUser(database, 'client', { clientId: Number(b.id) });
  const debtor = await aDebtor(database, team);
  const fundingDate = addDays(today, -60);
  await anInvoice(database, team, { client: a, debtor, verified: false, issueDate: addDays(today, -70) });
  await anInvoice(database, team, { client: a, debtor, issueDate: addDays(today, -70) });
  const paid = await aFundedInvoice(database, team, { client: a, debtor, faceValue: '10000.00', fundingDate });
  const disputed = await aFundedInvoice(database, team, { client: a, debtor, faceValue: '5000.00', fundingDate });
  await aFundedInvoice(database, team, { client: a, debtor, faceValue: '7000.00', fundingDate });
  await aFundedInvoice(database, team, { client: b, debtor, faceValue: '8000.00', fundingDate });
  await database.transaction((tx) =>
    openDispute(tx, Number(disputed.id), { amount: '500.00', reason: 'short shipment', date: addDays(today, -30) }, team.collections),
  );
  const collected = await database.transaction((tx) =>
    receivePayment(tx, { amount: '10000.00', currency: 'USD', receivedDate: addDays(today, -20), payerName: 'Debtor' }, team.collections),
  );
  if (collected.status !== 'applied') {
    await database.transaction((tx) => applyPayment(tx, Number(collected.id), { allocations: [{ invoiceId: paid.id, amount: '10000.00' }] }, team.collections));
  }
  await database.transaction((tx) =>
    receivePayment(tx, { amount: '1234.56', currency: 'USD', receivedDate: addDays(today, -10), payerName: 'Someone Else' }, team.collections),
  );
  await database.transaction((tx) =>
    recordMisdirected(
      tx,
      { clientId: a.id, debtorId: debtor.id, amount: '300.00', currency: 'USD', paidDate: addDays(today, -5), invoiceIds: [], note: 'paid to the client' },
      team.collections,
    ),
  );
  await runReleaseCycle(database, { asOf: addDays(today, -1), clientIds: [a.id, b.id] }, team.controller);
  await database.transaction((tx) =>
    proposeAgreementChange(
      tx,
      Number(b.id),
      { effectiveFrom: addDays(today, 30), agreement: { model: 'non_recourse', advanceRate: '0.85', reserveRate: '0.15' } },
      team.underwriter,
    ),
  );

  const keys = {} as Record<Role, string>;
  for (const [role, actor] of Object.entries(actors) as [Role, Actor][]) {
    keys[role] = (await database.transaction((tx) => createApiKey(tx, actor.userId!, 'hostile', actor))).key;
  }

  const byEntity: Record<string, string[]> = {};
  const otherClient: Record<string, string[]> = {};
  for (const [entity, table] of Object.entries(TABLE_OF)) {
    const rows = await database.sql<{ id: string; client_id: string | null }[]>`
      select id::text as id, ${CLIENT_COLUMN[entity] ? database.sql`${database.sql(CLIENT_COLUMN[entity]!)}::text` : database.sql`null::text`} as client_id
        from ${database.sql(table)} order by id limit 50`;
    byEntity[entity] = rows.map((r) => r.id);
    otherClient[entity] = rows.filter((r) => r.client_id === b.id).map((r) => r.id);
  }
  return { actors, keys, ids: { byEntity, otherClient }, today, clientA: a.id, clientB: b.id };
}

/**
 * The role a generated request acts as: one that holds the permission — a member of staff, or
 * for the portal's actions the client user (whose reach is its own client only).
 */
export function roleFor(permission: Permission, options: { portal?: boolean } = {}): Role {
  const roles = PERMISSIONS[permission].roles as readonly Role[];
  if (options.portal && roles.includes('client')) return 'client';
  return roles.find((r) => r !== 'client') ?? roles[0]!;
}

/** Row counts of every table of the schema, in one statement. */
export async function tableCounts(database: Database): Promise<Record<string, number>> {
  const tables = await database.sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`;
  const parts = tables.map((t) => `select '${t.name}' as name, count(*)::int as n from public."${t.name}"`);
  const rows = await database.sql.unsafe<{ name: string; n: number }[]>(parts.join(' union all '));
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

/** The tables whose counts differ. */
export function countChanges(before: Record<string, number>, after: Record<string, number>): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[name] !== after[name]) out[name] = [before[name] ?? 0, after[name] ?? 0];
  }
  return out;
}
