import type { Database } from '../../db/client';
import type { AgreementTermsInput } from '../../lib/agreements/terms';
import type { Actor } from '../../lib/auth/actor';
import { Big, ZERO } from '../../lib/money';
import { approvePayoutAccountChange, requestPayoutAccountChange } from '../../lib/clients/payout-changes';
import { aClient, aDebtor, aUser } from '../support/builders';
import type { Prng } from './prng';

/**
 * The simulated factor: one team of people (two of each approving role, so maker ≠ checker can
 * be satisfied or broken), and per seed a few fresh clients and debtors under agreements drawn
 * from the worked examples' shapes. Everything is created through the real commands.
 */
export interface Team {
  underwriter: Actor;
  funding: Actor;
  collections: Actor;
  approvers: Actor[];
  controllers: Actor[];
}

export async function createTeam(database: Database): Promise<Team> {
  return {
    underwriter: await aUser(database, 'underwriter'),
    funding: await aUser(database, 'funding'),
    collections: await aUser(database, 'collections'),
    approvers: [await aUser(database, 'approver'), await aUser(database, 'approver')],
    controllers: [await aUser(database, 'controller'), await aUser(database, 'controller')],
  };
}

/** Every simulated client's payout account (an ABA account: the NACHA and CSV files both take it). */
export const SIM_PAYOUT_ACCOUNT = { holderName: 'Simulated client', routing: '011000015', account: '123456789' };
/** The account a client changes to and back (issue 14: a change is a request a second person approves; the same account again is refused). */
export const SIM_PAYOUT_ACCOUNT_2 = { holderName: 'Simulated client', routing: '026009593', account: '987654321' };

/** The factor's bank for the NACHA payout file (lib/payouts/originator.ts reads the environment), unless one is set. */
export function simulationOriginator(env: Record<string, string | undefined> = process.env): void {
  env.NACHA_ORIGIN_ROUTING ??= '021000021';
  env.NACHA_COMPANY_ID ??= '1234567890';
  env.NACHA_COMPANY_NAME ??= 'Holdback Simulation';
}

export const PROFILES: Record<string, AgreementTermsInput> = {
  // SPEC 6 example 1 (NAYA), with a short-pay tolerance so small short pays are accepted.
  naya: {
    advanceRate: '0.80',
    reserveRate: '0.20',
    fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
    shortPayTolerance: { amount: '100.00', percent: '0' },
    // issue 15: invoices above this need a positive verification record before funding
    verificationThreshold: '8000.00',
  } as AgreementTermsInput,
  // SPEC 6 example 2 (InstaPay): a flat fee from the reserve; small releases approve themselves.
  instapay: {
    advanceRate: '0.90',
    reserveRate: '0.10',
    fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
    releaseAutoApproveUpTo: '1500.00',
  } as AgreementTermsInput,
  // Tiered fees on the outstanding, non-recourse (write-offs), a minimum reserve balance.
  tieredNonRecourse: {
    model: 'non_recourse',
    advanceRate: '0.85',
    reserveRate: '0.15',
    fees: { kind: 'tiered', initialRate: '0.02', initialDays: 30, stepRate: '0.01', stepDays: 10 },
    minimumReserveBalance: '250.00',
  } as AgreementTermsInput,
  // SPEC 6 example 3's shape: a rolling reserve (short hold so tranches mature inside a run).
  rolling: {
    advanceRate: '0.90',
    reserveRate: '0.10',
    fees: { kind: 'daily_rate', rate: '0.10', dayCount: 'actual/365', base: 'outstanding' },
    reservePolicy: { kind: 'rolling', holdDays: 30 },
  } as AgreementTermsInput,
  // Issue 16 item 3: NAYA's terms with an escrow cap — 25% of each rebate into escrow until it holds 250.00 (low enough that the seeds reach it).
  escrow: {
    advanceRate: '0.80',
    reserveRate: '0.20',
    fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
    reservePolicy: { kind: 'escrow', share: '0.25', cap: '250.00' },
    releaseAutoApproveUpTo: '1500.00',
  } as AgreementTermsInput,
};

/** The escrow policy of a profile (issue 16 item 3), or null when its policy is not escrow. */
export function escrowOf(profile: string): { share: string; cap: Big } | null {
  const policy = PROFILES[profile]?.reservePolicy as { kind: string; cap?: string; share?: string } | undefined;
  return policy?.kind === 'escrow' && policy.cap && policy.share ? { share: policy.share, cap: new Big(policy.cap) } : null;
}

/** The escrow cap of a profile, or null when its policy is not escrow. */
export function escrowCapOf(profile: string): Big | null {
  return escrowOf(profile)?.cap ?? null;
}

export interface SimClient {
  name: string;
  id: number;
  currency: string;
  profile: string;
  model: string;
}

export interface SimInvoice {
  name: string;
  id: number;
  client: SimClient;
  /** the debtor it was entered for (merges move it: its debtor now is `survivor(world, debtor)`) */
  debtor: number;
  number: string;
  face: Big;
  status: 'submitted' | 'verified' | 'pending_funding' | 'funded' | 'disputed' | 'settled' | 'charged_back' | 'written_off';
  /** issue 15: the outcome of its latest verification record (null: none, only the bare verify) */
  check: 'positive' | 'negative' | null;
  outstanding: Big;
  fundingDate: string | null;
  advance: Big;
  reserve: Big;
  fees: Big;
}

export interface SimDispute {
  name: string;
  id: number;
  invoice: SimInvoice;
}

export interface SimRelease {
  name: string;
  id: number;
  client: SimClient;
  status: string;
  amount: string;
  /** issue 16 item 3: reserve (a rebate) or escrow (an escrow release) */
  kind: string;
}

/** A proposed debtor merge (issue 13): `from` into `into`, maker-checker. */
export interface SimMerge {
  name: string;
  id: number;
  from: number;
  into: number;
  requestedBy: Actor;
  status: 'pending' | 'approved' | 'rejected';
}

/** What the seed has made so far and what the reference model expects of the ledger. */
export interface World {
  team: Team;
  clients: SimClient[];
  debtors: number[];
  /** the merges proposed, and the debtors merged (debtor → the one it was merged into) */
  merges: SimMerge[];
  merged: Map<number, number>;
  invoices: SimInvoice[];
  disputes: SimDispute[];
  releases: Map<number, SimRelease>;
  pendingBatches: { id: number; client: SimClient; invoices: SimInvoice[]; date: string }[];
  /** issue 14: the payout batches the seed created (they may also hold an earlier seed's releases) */
  batches: number[];
  /** the reference model: cash expected to have moved, per currency (receipts − advances − payouts − refunds) */
  expectedCash: Map<string, Big>;
  /** reserve withheld at funding, per client */
  withheld: Map<number, Big>;
  /** rebates released (approved: reserve → client payable), per client, as the commands reported them */
  paidOut: Map<number, Big>;
  paidReleaseIds: Set<number>;
  /** issue 16 item 3: the escrow the model expects each client to hold (shares of rebates less escrow releases) */
  escrow: Map<number, Big>;
  /** unapplied cash per payment (what the model says is still to apply) */
  payments: { id: number; currency: string; unapplied: Big }[];
  counter: number;
  /** issue 15: the bank files imported so far (a later command imports one again: nothing is added twice) */
  bankFiles: { name: string; text: string }[];
  /**
   * One command at a time (the simulation): the model follows every status and balance exactly.
   * Under concurrent callers (the stress run) only what adds up regardless of order is compared.
   */
  strict: boolean;
  /**
   * Set while commands run at the same moment (`together`): what one of them should be refused for
   * may be changed by another, so only what holds in any order is checked then.
   */
  concurrent: boolean;
}

export async function createWorld(
  database: Database,
  team: Team,
  rng: Prng,
  options: { clients?: number; debtors?: number; strict?: boolean } = {},
): Promise<World> {
  simulationOriginator();
  const profiles = Object.keys(PROFILES);
  const count = options.clients ?? rng.int(1, 3);
  const clients: SimClient[] = [];
  for (let i = 0; i < count; i++) {
    const profile = i === 0 ? 'naya' : rng.pick(profiles);
    const terms = PROFILES[profile]!;
    const client = await aClient(database, team, { agreement: terms, effectiveFrom: '2025-01-01' });
    // issue 14: a payout account, so its approved releases can join payout batches
    const { changeId } = await database.transaction((tx) => requestPayoutAccountChange(tx, Number(client.id), SIM_PAYOUT_ACCOUNT, team.underwriter));
    await database.transaction((tx) => approvePayoutAccountChange(tx, Number(changeId), team.approvers[0]!));
    clients.push({ name: `C${i + 1}`, id: Number(client.id), currency: client.currency, profile, model: (terms as { model?: string }).model ?? 'recourse' });
  }
  // Three debtors (by default): merges can chain (B into A, then A into C) and a merged debtor leaves two to fund.
  const debtors: number[] = [];
  for (let i = 0; i < (options.debtors ?? 3); i++) debtors.push(Number((await aDebtor(database, team)).id));
  return {
    team,
    clients,
    debtors,
    merges: [],
    merged: new Map(),
    invoices: [],
    disputes: [],
    releases: new Map(),
    pendingBatches: [],
    batches: [],
    expectedCash: new Map(),
    withheld: new Map(clients.map((c) => [c.id, ZERO])),
    paidOut: new Map(clients.map((c) => [c.id, ZERO])),
    paidReleaseIds: new Set(),
    escrow: new Map(clients.map((c) => [c.id, ZERO])),
    payments: [],
    counter: 0,
    bankFiles: [],
    strict: options.strict ?? true,
    concurrent: false,
  };
}

export function addCash(world: World, currency: string, amount: Big): void {
  world.expectedCash.set(currency, (world.expectedCash.get(currency) ?? ZERO).plus(amount));
}

/** The debtor that now holds what was entered for `debtor` (merges followed: B into A into C → C). */
export function survivor(world: World, debtor: number): number {
  let d = debtor;
  for (let hops = 0; world.merged.has(d) && hops <= world.debtors.length; hops++) d = world.merged.get(d)!;
  return d;
}

/** How the sequence names a debtor: Dr1, Dr2 … in the order the world made them. */
export function debtorName(world: World, debtor: number): string {
  const i = world.debtors.indexOf(debtor);
  return i < 0 ? `debtor ${debtor}` : `Dr${i + 1}`;
}
