import type { Database } from '../../db/client';
import { systemActor, type Actor } from '../../lib/auth/actor';
import { approveRelease, rejectRelease, runReleaseCycle } from '../../lib/releases';
import { requestEscrowRelease } from '../../lib/releases/escrow';
import { applyPayment, receivePayment, refundPayment } from '../../lib/collections/payments';
import { chargebackInvoice, openDispute, resolveDispute, writeOffInvoice } from '../../lib/collections/disputes';
import { addDays } from '../../lib/dates';
import { DomainError } from '../../lib/errors';
import { runAccrual } from '../../lib/fees/accrual';
import { approveFundingBatch, fundBatch } from '../../lib/funding';
import { createInvoice, verifyInvoice } from '../../lib/invoices';
import { recordVerification } from '../../lib/verifications';
import { importBankFile } from '../../lib/collections/import';
import { approveDebtorMerge, rejectDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { foldRollups } from '../../lib/reports/rollups';
import { Big, ZERO } from '../../lib/money';
import { batchFile, createBatch, markSent, markSettled, returnRelease } from '../../lib/payouts';
import { approvePayoutAccountChange, requestPayoutAccountChange } from '../../lib/clients/payout-changes';
import type { Prng } from './prng';
import {
  PROFILES,
  SIM_PAYOUT_ACCOUNT,
  SIM_PAYOUT_ACCOUNT_2,
  addCash,
  debtorName,
  escrowOf,
  survivor,
  type SimClient,
  type SimInvoice,
  type SimMerge,
  type World,
} from './world';

/**
 * The commands a factor's people and jobs issue, drawn at random: fund, accrue, pay (in full,
 * in part, over, short with each short-pay choice), dispute, resolve, charge back, write off,
 * refund, release cycles on random dates, approvals in random order, by random people and in
 * part, rejections — and groups of them at the same moment. Each runs the real lib/ command in
 * its own transaction, as a route or a job would, and tells the reference model what happened.
 */
export const FIRST_DAY = '2026-01-05';
export const DAYS = 100;

export type Outcome = 'ok' | 'refused' | 'conflict';

export interface Command {
  /** how the sequence prints: readable names (C1, I3, R2), not database ids */
  label: string;
  run(database: Database, world: World): Promise<Outcome>;
}

/** An invariant the reference model checks inside a command (e.g. a funding split that does not sum). */
export class ModelBreak extends Error {}

const date = (rng: Prng) => addDays(FIRST_DAY, rng.int(0, DAYS));

/**
 * Refusals are part of the game (paying an invoice before it is funded, approving your own
 * cycle …): a DomainError of a 4xx status changes nothing and is counted. A deadlock or a
 * serialization failure is a conflict the caller retries (409). Anything else — a crash, a
 * database constraint hit because the code did not refuse first — is a failure.
 */
export function classify(error: unknown): Outcome {
  if (error instanceof DomainError && error.status < 500) return 'refused';
  const code = sqlState(error);
  // A deadlock or serialization failure (409, retry), or under load a lock or statement timeout
  // of the web profile (409 / 503, retry): nothing was committed.
  if (code === '40P01' || code === '40001' || code === '55P03' || code === '57014') return 'conflict';
  throw error;
}

/** The SQLSTATE of a database error, drizzle's wrapping (DrizzleQueryError.cause) unwrapped as the routes' error mapping does. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

async function attempt(fn: () => Promise<void>): Promise<Outcome> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    return classify(error);
  }
}

/** 1–99% of an amount, rounded down to the cent, at least 0.01 */
function share(rng: Prng, of: Big): Big {
  const part = of.times(rng.int(1, 99)).div(100).round(2, Big.roundDown);
  return part.gt(0) ? part : new Big('0.01');
}

function open(world: World): SimInvoice[] {
  return world.invoices.filter((i) => i.status === 'funded' || i.status === 'disputed');
}

function anyApprover(world: World, rng: Prng): Actor {
  return rng.pick([...world.team.approvers, ...world.team.controllers]);
}

function name(world: World, prefix: string): string {
  world.counter += 1;
  return `${prefix}${world.counter}`;
}

function fund(rng: Prng, world: World): Command {
  const client = rng.pick(world.clients);
  // Issue 15: now and then one put back to submitted by a negative verification (funding refuses it).
  const waiting = world.invoices.filter(
    (i) => i.client === client && !inHeldBatch(world, i) && (i.status === 'verified' || (i.status === 'submitted' && rng.chance(0.3))),
  );
  const existing = waiting.length > 0 && rng.chance(0.3) ? rng.pick(waiting) : null;
  const face = new Big(rng.money(300, 15000));
  // Issue 15: above the agreement's verification threshold, mostly verified by a call on entry; else only the bare verify.
  const threshold = thresholdOf(client);
  const called = threshold !== null && face.gt(threshold) && rng.chance(0.6);
  // Mostly a debtor still standing; now and then one merged away (the invoice must be refused).
  const standing = world.debtors.filter((d) => !world.merged.has(d));
  const debtor = rng.chance(0.85) && standing.length > 0 ? rng.pick(standing) : rng.pick(world.debtors);
  const fundingDate = date(rng);
  const issueDate = addDays(fundingDate, -rng.int(0, 10));
  // Now and then the number of another invoice of the client: a duplicate under the same debtor is
  // refused; under another debtor it is allowed, and keeps those two debtors from being merged.
  const ofClient = world.invoices.filter((i) => i.client === client);
  const reused = !existing && ofClient.length > 0 && rng.chance(0.04) ? rng.pick(ofClient) : null;
  const label = existing
    ? `fund ${existing.name} on ${fundingDate}`
    : `fund a new ${face.toFixed(2)} invoice of ${client.name} for ${debtorName(world, debtor)}${reused ? ` numbered as ${reused.name}` : ''}${called ? ' (verified by a call)' : ''} on ${fundingDate}`;
  return {
    label,
    async run(database, w) {
      let invoice = existing;
      if (!invoice) {
        const invName = name(w, 'I');
        const number = reused ? reused.number : `SIM-${client.id}-${invName}`;
        // What the model knew before the command began: a merge approved by then has committed.
        const mergedBefore = w.merged.has(debtor);
        const duplicate = w.invoices.some((i) => i.client === client && i.number === number && survivor(w, i.debtor) === debtor);
        const created = await tried(() =>
          database.transaction(async (tx) => {
            const view = await createInvoice(
              tx,
              {
                clientId: client.id,
                debtorId: debtor,
                number,
                faceValue: face.toFixed(2),
                currency: client.currency,
                issueDate,
                dueDate: addDays(fundingDate, 45),
              },
              w.team.funding,
            );
            if (called) {
              await recordVerification(tx, { invoiceIds: [Number(view.id)], method: 'call', contact: 'AP desk', outcome: 'verified' }, w.team.funding);
              return view;
            }
            return verifyInvoice(tx, Number(view.id), w.team.funding);
          }),
        );
        if (!created.ok) {
          expectRefusal(
            w,
            'entering the invoice',
            created,
            ['debtor_merged', 'duplicate_invoice'],
            mergedBefore ? 'debtor_merged' : duplicate ? 'duplicate_invoice' : null,
          );
          return created.outcome;
        }
        // Issue 13: a debtor merged into another takes no new invoice (they are entered for the survivor).
        if (mergedBefore)
          throw new ModelBreak(`an invoice was entered for ${debtorName(w, debtor)}, merged into ${debtorName(w, w.merged.get(debtor)!)} before`);
        if (w.strict && !w.concurrent && duplicate)
          throw new ModelBreak(`a second invoice numbered ${number} was entered for ${client.name} and ${debtorName(w, debtor)}`);
        invoice = {
          name: invName,
          id: Number(created.value.id),
          client,
          debtor,
          number,
          face,
          status: 'verified',
          check: called ? 'positive' : null,
          outstanding: face,
          fundingDate: null,
          advance: ZERO,
          reserve: ZERO,
          fees: ZERO,
        };
        w.invoices.push(invoice);
      }
      const target = invoice;
      // What the model knows before the command begins (another command at the same moment may change it).
      const lacking = lacksVerification(target);
      const unverified = target.status === 'submitted';
      const result = await tried(() =>
        database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [target.id], fundingDate }, w.team.funding)),
      );
      if (!result.ok) {
        if (result.outcome === 'refused' && w.strict && !w.concurrent) {
          if (result.code === 'verification_required' && !lacking)
            throw new ModelBreak(
              `funding ${target.name} was refused for want of a verification, but ${target.check === 'positive' ? 'its latest record is positive' : 'it is not above the threshold'}`,
            );
        }
        return result.outcome;
      }
      const batch = result.value;
      if (!w.concurrent && lacking)
        throw new ModelBreak(`${target.name} (${target.face.toFixed(2)}) was funded above the verification threshold with no positive verification`);
      if (!w.concurrent && unverified) throw new ModelBreak(`${target.name} was funded while submitted (its latest verification negative)`);
      if (batch.status === 'pending_approval') {
        target.status = 'pending_funding';
        w.pendingBatches.push({ id: Number(batch.id), client, invoices: [target], date: fundingDate });
        return 'ok';
      }
      applyFunding(w, client, [target], batch, fundingDate);
      return 'ok';
    },
  };
}

/** Whether the invoice waits in a funding batch held for approval. */
function inHeldBatch(world: World, inv: SimInvoice): boolean {
  return world.pendingBatches.some((b) => b.invoices.includes(inv));
}

/** Issue 15: the client's agreement's verification threshold (its profile's), or null. */
function thresholdOf(client: SimClient): Big | null {
  const t = (PROFILES[client.profile] as { verificationThreshold?: string }).verificationThreshold;
  return t === undefined ? null : new Big(t);
}

/** Above its client's threshold (every seed client funds in its home currency) with no positive latest record. */
function lacksVerification(inv: SimInvoice): boolean {
  const threshold = thresholdOf(inv.client);
  return threshold !== null && inv.face.gt(threshold) && inv.check !== 'positive';
}

/**
 * Issue 15: a verification recorded on an invoice not yet funded (also one in a held batch), with
 * a random outcome: a positive one verifies it (funding may go on), any other puts it back to
 * submitted — funding and approving its held batch must then refuse it.
 */
function recordCheck(rng: Prng, world: World): Command | null {
  const candidates = world.invoices.filter((i) => i.status === 'verified' || i.status === 'submitted' || i.status === 'pending_funding');
  if (candidates.length === 0) return null;
  const inv = rng.pick(candidates);
  const outcome = rng.weighted({ verified: 6, disputed: 2, no_answer: 2 });
  return {
    label: `record a verification of ${inv.name} (${inv.status}): ${outcome}`,
    run: (database, w) =>
      attempt(async () => {
        const [recorded] = await database.transaction((tx) =>
          recordVerification(tx, { invoiceIds: [inv.id], method: 'call', contact: 'AP desk', outcome }, w.team.funding),
        );
        inv.check = outcome === 'verified' ? 'positive' : 'negative';
        // The status follows the latest record before funding; a funded invoice keeps its own.
        if (inv.status === 'verified' || inv.status === 'submitted' || inv.status === 'pending_funding') {
          const expected = outcome === 'verified' ? 'verified' : 'submitted';
          if (w.strict && !w.concurrent && expected !== recorded!.invoiceStatus)
            throw new ModelBreak(`${inv.name} is ${recorded!.invoiceStatus} after a ${outcome} verification; the model expected ${expected}`);
          if (recorded!.invoiceStatus === 'submitted') inv.status = 'submitted';
          else if (recorded!.invoiceStatus === 'verified') inv.status = inHeldBatch(w, inv) ? 'pending_funding' : 'verified';
        }
      }),
  };
}

type Tried<T> = { ok: true; value: T } | { ok: false; outcome: Outcome; code: string | null };

/** Runs a command, keeping its refusal's code (a crash is thrown on, as `attempt` does). */
async function tried<T>(fn: () => Promise<T>): Promise<Tried<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, outcome: classify(error), code: error instanceof DomainError ? error.code : null };
  }
}

/**
 * A refusal is one the command may give (`allowed`); when the model knows the whole story (one
 * command at a time) it is exactly the one the model expects (`expected`, null: none).
 */
function expectRefusal(world: World, what: string, result: { outcome: Outcome; code: string | null }, allowed: string[], expected: string | null): void {
  if (result.outcome === 'conflict') return;
  if (!allowed.includes(result.code ?? '')) throw new ModelBreak(`${what} was refused with ${result.code}, which it never should be`);
  if (world.strict && !world.concurrent && result.code !== expected)
    throw new ModelBreak(`${what} was refused with ${result.code}; the model expected ${expected ?? 'it to be done'}`);
}

function applyFunding(
  world: World,
  client: SimClient,
  invoices: SimInvoice[],
  batch: { invoices: { invoiceId: string; advance: string; reserve: string; fees: string }[]; totalAdvance: string },
  fundingDate: string,
): void {
  for (const line of batch.invoices) {
    const inv = invoices.find((i) => i.id === Number(line.invoiceId));
    if (!inv) throw new ModelBreak(`funding answered for invoice ${line.invoiceId}, which was not in the batch`);
    inv.advance = new Big(line.advance);
    inv.reserve = new Big(line.reserve);
    inv.fees = new Big(line.fees);
    // SPEC 5.1: advance + reserve + fees taken at funding = face (no service fee in these profiles).
    if (!inv.advance.plus(inv.reserve).plus(inv.fees).eq(inv.face)) {
      throw new ModelBreak(`${inv.name}: advance ${line.advance} + reserve ${line.reserve} + fees ${line.fees} ≠ face ${inv.face.toFixed(2)}`);
    }
    inv.status = 'funded';
    inv.fundingDate = fundingDate;
    world.withheld.set(client.id, (world.withheld.get(client.id) ?? ZERO).plus(inv.reserve));
  }
  addCash(world, client.currency, new Big(batch.totalAdvance).times(-1));
}

function approveFunding(rng: Prng, world: World): Command | null {
  if (world.pendingBatches.length === 0) return null;
  const batch = rng.pick(world.pendingBatches);
  const by = anyApprover(world, rng);
  return {
    label: `approve funding batch of ${batch.invoices.map((i) => i.name).join(', ')} by ${by.label.split('@')[0]}`,
    run: (database, w) =>
      attempt(async () => {
        // Issue 15: a negative verification recorded while the batch was held stops its approval.
        const unverified = batch.invoices.filter((i) => i.status === 'submitted' || lacksVerification(i));
        const view = await database.transaction((tx) => approveFundingBatch(tx, batch.id, by));
        if (!w.concurrent && unverified.length > 0)
          throw new ModelBreak(`the held batch of ${unverified.map((i) => i.name).join(', ')} was approved, but the latest verification is not positive`);
        w.pendingBatches = w.pendingBatches.filter((b) => b !== batch);
        applyFunding(w, batch.client, batch.invoices, view, batch.date);
      }),
  };
}

function pay(rng: Prng, world: World): Command | null {
  const candidates = open(world);
  if (candidates.length === 0) return null;
  const inv = rng.pick(candidates);
  const kind = rng.weighted({ full: 6, partial: 2, over: 1, short: 3 });
  const received = rng.chance(0.8) && inv.fundingDate ? addDays(inv.fundingDate, rng.int(0, 60)) : date(rng);
  let allocation = inv.outstanding;
  let amount = inv.outstanding;
  let shortPay: 'accept' | 'dispute' | 'chargeback' | undefined;
  if (kind === 'partial' && inv.outstanding.gt(1)) {
    allocation = amount = share(rng, inv.outstanding);
  } else if (kind === 'over') {
    amount = inv.outstanding.plus(rng.money(1, 500));
  } else if (kind === 'short') {
    const short = new Big(rng.chance(0.5) ? rng.money(1, 120) : rng.money(1, 2000));
    allocation = amount = inv.outstanding.minus(short).gt(0) ? inv.outstanding.minus(short) : inv.outstanding;
    shortPay = rng.pick(['accept', 'dispute', 'chargeback'] as const);
  }
  const label = `pay ${amount.toFixed(2)} on ${received}, apply ${allocation.toFixed(2)} to ${inv.name}${shortPay ? ` (short pay: ${shortPay})` : ''}`;
  return {
    label,
    async run(database, w) {
      const c = inv.client.currency;
      const payment = await database
        .transaction((tx) =>
          receivePayment(tx, { amount: amount.toFixed(2), currency: c, receivedDate: received, payerName: 'Simulated debtor' }, w.team.collections),
        )
        .then(
          (p) => p,
          (error: unknown) => classify(error),
        );
      if (typeof payment === 'string') return payment;
      addCash(w, c, amount);
      const record = { id: Number(payment.id), currency: c, unapplied: amount };
      w.payments.push(record);
      return applyTo(database, w, record, inv, allocation, shortPay);
    },
  };
}

/**
 * Issue 15 item 6: a bank file (CSV, the default columns) of one to three credit lines, each
 * naming an invoice in its reference — an open one with its outstanding (matched and applied on
 * import), one not funded yet or already settled (imported to the inbox with its reason, applied
 * later by hand), or nothing known — on random dates; now and then a file imported before comes
 * again (nothing is added twice). The model follows what the import applied, from the database.
 */
function bankImport(rng: Prng, world: World): Command {
  if (world.bankFiles.length > 0 && rng.chance(0.2)) {
    const again = rng.pick(world.bankFiles);
    return {
      label: `import bank file ${again.name} again`,
      run: (database, w) => runImport(database, w, again, true),
    };
  }
  const lines: string[] = [];
  const said: string[] = [];
  for (let n = rng.int(1, 3); n > 0; n--) {
    const kind = rng.weighted({ open: 5, unfunded: 2, settled: 1, unknown: 1 });
    const pool =
      kind === 'open'
        ? open(world)
        : kind === 'unfunded'
          ? world.invoices.filter((i) => !i.fundingDate)
          : kind === 'settled'
            ? world.invoices.filter((i) => i.status === 'settled')
            : [];
    const inv = pool.length > 0 ? rng.pick(pool) : null;
    const currency = inv ? inv.client.currency : rng.pick(world.clients).currency;
    const amount = inv && kind === 'open' && rng.chance(0.8) ? inv.outstanding : new Big(rng.money(50, 9000));
    const received = inv?.fundingDate && rng.chance(0.7) ? addDays(inv.fundingDate, rng.int(0, 40)) : date(rng);
    world.counter += 1;
    const reference = inv ? `Remittance ${inv.number}` : `Payment advice ${world.counter}`;
    lines.push(`${received},${amount.toFixed(2)},${currency},${reference},Simulated debtor,SIMBANK-${world.clients[0]!.id}-${world.counter}`);
    said.push(`${amount.toFixed(2)} ${currency} on ${received} for ${inv ? `${inv.name} (${kind})` : 'nothing known'}`);
  }
  const file = { name: name(world, 'B'), text: `date,amount,currency,reference,payer,bank_reference\n${lines.join('\n')}\n` };
  return {
    label: `import bank file ${file.name}: ${said.join('; ')}`,
    run: (database, w) => runImport(database, w, file, false),
  };
}

async function runImport(database: Database, w: World, file: World['bankFiles'][number], again: boolean): Promise<Outcome> {
  return attempt(async () => {
    // What the import applied (auto-match) and the touched invoices' statuses are read inside the
    // import's own transaction: nobody else can have applied its new payments yet, and the model
    // is updated below without waiting in between (other callers run at every await — reading
    // after the commit once counted a concurrent hand application twice).
    const { result, applied, now } = await database.transaction(async (tx) => {
      const result = await importBankFile(tx, { text: file.text }, w.team.collections);
      const ids = result.payments.map((p) => Number(p.id));
      const applied =
        ids.length === 0
          ? []
          : await tx.sql<{ invoice_id: string; amount: string; payment_id: string }[]>`
              select invoice_id::text, amount::text, payment_id::text from payment_applications where payment_id = any(${ids}::bigint[])`;
      const invoiceIds = [...new Set(applied.map((a) => Number(a.invoice_id)))];
      const now =
        invoiceIds.length === 0
          ? []
          : await tx.sql<{ id: string; status: SimInvoice['status'] }[]>`select id::text, status from invoices where id = any(${invoiceIds}::bigint[])`;
      return { result, applied, now };
    });
    // Only a file that was imported is one to import again (a refused or conflicting one added nothing).
    if (!again) w.bankFiles.push(file);
    if (again && result.payments.length > 0 && !w.concurrent)
      throw new ModelBreak(`a bank file imported before added ${result.payments.length} payment(s) again`);
    if (result.errors.length > 0) throw new ModelBreak(`the simulated bank file had errors: ${JSON.stringify(result.errors)}`);
    const unapplied = new Map(result.payments.map((p) => [Number(p.id), new Big(p.amount)]));
    for (const a of applied) unapplied.set(Number(a.payment_id), unapplied.get(Number(a.payment_id))!.minus(a.amount));
    for (const p of result.payments) {
      if (!unapplied.get(Number(p.id))!.eq(p.unapplied))
        throw new ModelBreak(
          `payment ${p.id}: ${p.amount} received, its applications leave ${unapplied.get(Number(p.id))!.toFixed(2)}, it says ${p.unapplied} unapplied`,
        );
    }
    for (const p of result.payments) {
      addCash(w, p.currency, new Big(p.amount));
      w.payments.push({ id: Number(p.id), currency: p.currency, unapplied: new Big(p.unapplied) });
    }
    const touched = w.invoices.filter((i) => applied.some((a) => Number(a.invoice_id) === i.id));
    for (const a of applied) {
      const inv = touched.find((i) => i.id === Number(a.invoice_id));
      if (inv) inv.outstanding = inv.outstanding.minus(a.amount);
    }
    for (const r of now) {
      const inv = touched.find((i) => i.id === Number(r.id));
      if (!inv) continue;
      if (inv.outstanding.lt(0)) throw new ModelBreak(`${inv.name} was applied more than its outstanding`);
      // Settled in full, or a short pay accepted within the tolerance on matching.
      if (r.status === 'settled') {
        inv.outstanding = ZERO;
        inv.status = 'settled';
      } else if (!inv.outstanding.eq(0) || r.status === 'funded') inv.status = r.status;
    }
  });
}

async function applyTo(
  database: Database,
  w: World,
  payment: World['payments'][number],
  inv: SimInvoice,
  allocation: Big,
  shortPay?: 'accept' | 'dispute' | 'chargeback',
): Promise<Outcome> {
  return attempt(async () => {
    const result = await database.transaction((tx) =>
      applyPayment(tx, payment.id, { allocations: [{ invoiceId: String(inv.id), amount: allocation.toFixed(2) }], shortPay }, w.team.collections),
    );
    payment.unapplied = payment.unapplied.minus(allocation);
    if (w.strict && !new Big(result.payment.unapplied).eq(payment.unapplied))
      throw new ModelBreak(`payment ${payment.id}: unapplied ${result.payment.unapplied}, the model expected ${payment.unapplied.toFixed(2)}`);
    inv.outstanding = inv.outstanding.minus(allocation);
    for (const o of result.invoices) {
      if (o.outcome === 'settled' || o.outcome === 'short_pay_accepted' || o.outcome === 'charged_back') {
        inv.outstanding = ZERO;
        inv.status = 'settled';
      } else if (o.outcome === 'disputed') {
        inv.status = 'disputed';
        const [d] = await database.sql<{ id: string }[]>`select id from disputes where invoice_id = ${inv.id} and status = 'open' order by id desc limit 1`;
        if (d) w.disputes.push({ name: name(w, 'D'), id: Number(d.id), invoice: inv });
      }
    }
  });
}

function applyLeftover(rng: Prng, world: World): Command | null {
  const payments = world.payments.filter((p) => p.unapplied.gt(0));
  const candidates = open(world);
  if (payments.length === 0 || candidates.length === 0) return null;
  const payment = rng.pick(payments);
  const inv = rng.pick(
    candidates
      .filter((i) => i.client.currency === payment.currency)
      .concat(candidates)
      .slice(0, 8),
  );
  const allocation = payment.unapplied.lt(inv.outstanding) ? payment.unapplied : inv.outstanding;
  return {
    label: `apply ${allocation.toFixed(2)} left on payment P${payment.id} to ${inv.name}`,
    run: (database, w) => applyTo(database, w, payment, inv, allocation),
  };
}

function refund(rng: Prng, world: World): Command | null {
  const payments = world.payments.filter((p) => p.unapplied.gt(0));
  if (payments.length === 0) return null;
  const payment = rng.pick(payments);
  const on = date(rng);
  return {
    label: `refund the ${payment.unapplied.toFixed(2)} left on payment P${payment.id} on ${on}`,
    run: (database, w) =>
      attempt(async () => {
        const amount = payment.unapplied;
        await database.transaction((tx) => refundPayment(tx, payment.id, { amount: amount.toFixed(2), date: on }, w.team.collections));
        payment.unapplied = ZERO;
        addCash(w, payment.currency, amount.times(-1));
      }),
  };
}

function dispute(rng: Prng, world: World): Command | null {
  const candidates = world.invoices.filter((i) => i.status === 'funded');
  if (candidates.length === 0) return null;
  const inv = rng.pick(candidates);
  const amount = share(rng, inv.outstanding);
  const on = date(rng);
  return {
    label: `dispute ${amount.toFixed(2)} of ${inv.name} on ${on}`,
    run: (database, w) =>
      attempt(async () => {
        const view = await database.transaction((tx) =>
          openDispute(tx, inv.id, { amount: amount.toFixed(2), reason: 'Goods returned', date: on }, w.team.collections),
        );
        inv.status = 'disputed';
        w.disputes.push({ name: name(w, 'D'), id: Number(view.id), invoice: inv });
      }),
  };
}

function resolve(rng: Prng, world: World): Command | null {
  const candidates = world.disputes.filter((d) => d.invoice.status === 'disputed');
  if (candidates.length === 0) return null;
  const d = rng.pick(candidates);
  const outcome = rng.pick(['paid', 'credit_note', 'chargeback'] as const);
  const on = date(rng);
  return {
    label: `resolve dispute ${d.name} on ${d.invoice.name} as ${outcome} on ${on}`,
    run: (database, w) =>
      attempt(async () => {
        const result = await database.transaction((tx) => resolveDispute(tx, d.invoice.id, d.id, { outcome, date: on }, w.team.collections));
        w.disputes = w.disputes.filter((x) => x !== d);
        if (result.charge) d.invoice.outstanding = d.invoice.outstanding.minus(result.charge.amount);
        if (result.invoiceStatus === 'settled') {
          d.invoice.outstanding = ZERO;
          d.invoice.status = 'settled';
        } else if (!w.disputes.some((x) => x.invoice === d.invoice)) {
          d.invoice.status = 'funded';
        }
      }),
  };
}

function chargeOff(rng: Prng, world: World): Command | null {
  const candidates = open(world);
  if (candidates.length === 0) return null;
  const inv = rng.pick(candidates);
  const on = date(rng);
  const writeOff = inv.client.model === 'non_recourse' ? rng.chance(0.9) : rng.chance(0.1);
  return {
    label: `${writeOff ? 'write off' : 'charge back'} ${inv.name} on ${on}`,
    run: (database, w) =>
      attempt(async () => {
        if (writeOff) {
          await database.transaction((tx) => writeOffInvoice(tx, inv.id, { date: on }, w.team.collections));
          inv.status = 'written_off';
        } else {
          await database.transaction((tx) => chargebackInvoice(tx, inv.id, { date: on }, w.team.collections));
          inv.status = 'charged_back';
        }
        inv.outstanding = ZERO;
        w.disputes = w.disputes.filter((x) => x.invoice !== inv);
      }),
  };
}

function accrue(rng: Prng, _world: World): Command {
  const asOf = date(rng);
  return {
    label: `accrue fees through ${asOf}`,
    // The seed's own clients: earlier seeds' invoices on the same database are not its business.
    run: (database, w) =>
      attempt(async () => void (await runAccrual(database, { asOf, by: systemActor('job:fee-accrual'), clientIds: w.clients.map((c) => c.id) }))),
  };
}

function cycle(rng: Prng, world: World): Command {
  const asOf = date(rng);
  const clients = rng.chance(0.6) ? world.clients : [rng.pick(world.clients)];
  const by = rng.pick([...world.team.controllers, ...world.team.approvers]);
  return {
    label: `release cycle on ${asOf} for ${clients.map((c) => c.name).join(', ')} run by ${by.label.split('@')[0]}`,
    run: (database, w) =>
      attempt(async () => {
        const view = await runReleaseCycle(database, { asOf, clientIds: clients.map((c) => String(c.id)) }, by, { kind: 'ad_hoc' });
        const approved = view.releases.filter((r) => r.status === 'approved');
        // issue 16 item 3: what each auto-approved rebate paid and put into escrow
        const rows = await database.sql<{ id: string; approved_amount: string; escrow_amount: string }[]>`
          select id, approved_amount, escrow_amount from releases where id = any(${approved.map((r) => r.id)}::bigint[])`;
        const split = new Map(rows.map((r) => [r.id, r]));
        for (const r of approved) {
          const row = split.get(r.id);
          if (!row) throw new ModelBreak(`release ${r.id} was reported approved but is not there`);
          noteReleased(w, Number(r.id), Number(r.clientId), row.approved_amount, { kind: 'reserve', decided: r.amount, escrow: row.escrow_amount });
        }
      }),
  };
}

/**
 * SPEC 5.3 (issue 14): an approval releases to the client's payable; cash moves only when a payout
 * batch settles. Issue 16 item 3: a rebate under an escrow policy splits into the paid share
 * (`amount`, what goes to the payable) and the escrow share — together exactly what was decided,
 * the escrow never above its cap; an escrow release takes from the escrow what it pays.
 */
function noteReleased(
  world: World,
  releaseId: number,
  clientId: number,
  amount: string,
  split: { kind: string; decided: string; escrow: string | null },
): void {
  if (world.paidReleaseIds.has(releaseId)) return;
  world.paidReleaseIds.add(releaseId);
  world.paidOut.set(clientId, (world.paidOut.get(clientId) ?? ZERO).plus(amount));
  const escrow = new Big(split.escrow ?? '0');
  // Beside other commands (the stress run, `together`) the model's escrow and the amount decided
  // may be read before another command's outcome is noted: only the sums are followed then (the
  // end's invariants compare them with the ledger), not these one-at-a-time checks.
  const exact = !world.concurrent;
  if (exact && !new Big(amount).plus(escrow).eq(split.decided))
    throw new ModelBreak(`release ${releaseId}: paid ${amount} + escrow ${escrow.toFixed(2)} ≠ the ${split.decided} released`);
  const held = world.escrow.get(clientId) ?? ZERO;
  if (split.kind === 'escrow') {
    if (escrow.gt(0)) throw new ModelBreak(`escrow release ${releaseId} put ${escrow.toFixed(2)} into escrow`);
    if (exact && new Big(amount).gt(held))
      throw new ModelBreak(`escrow release ${releaseId} paid ${amount} but the model's escrow held only ${held.toFixed(2)}`);
    world.escrow.set(clientId, held.minus(amount));
    return;
  }
  const client = world.clients.find((c) => c.id === clientId);
  const policy = client ? escrowOf(client.profile) : null;
  const cap = policy?.cap ?? null;
  if (!cap && escrow.gt(0)) throw new ModelBreak(`release ${releaseId} put ${escrow.toFixed(2)} into escrow for a client without an escrow policy`);
  if (exact && cap && held.plus(escrow).gt(cap))
    throw new ModelBreak(`release ${releaseId} took the escrow to ${held.plus(escrow).toFixed(2)}, above its cap ${cap.toFixed(2)}`);
  // below the cap a rebate gives its whole share (rounded half-up), never less
  if (exact && policy && held.plus(escrow).lt(policy.cap) && !escrow.eq(new Big(split.decided).times(policy.share).round(2, Big.roundHalfUp)))
    throw new ModelBreak(`release ${releaseId}: ${escrow.toFixed(2)} into escrow, not its ${policy.share} share of ${split.decided}, with room under the cap`);
  world.escrow.set(clientId, held.plus(escrow));
}

function pendingReleases(world: World) {
  return [...world.releases.values()].filter((r) => r.status === 'pending_approval');
}

function approve(rng: Prng, world: World): Command | null {
  const pending = pendingReleases(world);
  if (pending.length === 0) return null;
  const release = rng.pick(pending);
  const by = anyApprover(world, rng);
  const part = rng.chance(0.2) && new Big(release.amount).gt(1) ? new Big(release.amount).times(rng.int(10, 90)).div(100).round(2, Big.roundDown) : null;
  return {
    label: `approve ${release.name} (${release.client.name}, ${release.amount})${part ? ` in part: ${part.toFixed(2)}` : ''} by ${by.label.split('@')[0]}`,
    run: (database, w) =>
      attempt(async () => {
        const view = await database.transaction((tx) => approveRelease(tx, release.id, part ? { amount: part.toFixed(2) } : {}, by));
        // A first approval above the controller threshold waits for a controller; what it approved
        // (in part or whole) is now the most the second approval can release — and what an
        // approval without an amount releases.
        if (view.status === 'pending_approval' && view.approvedAmount !== null) release.amount = view.approvedAmount;
        if (view.status === 'approved')
          noteReleased(w, release.id, release.client.id, view.approvedAmount!, {
            kind: view.kind,
            decided: part ? part.toFixed(2) : release.amount,
            escrow: view.escrowAmount,
          });
      }),
  };
}

function reject(rng: Prng, world: World): Command | null {
  const pending = pendingReleases(world);
  if (pending.length === 0) return null;
  const release = rng.pick(pending);
  const by = anyApprover(world, rng);
  return {
    label: `reject ${release.name} (${release.client.name}) by ${by.label.split('@')[0]}`,
    run: (database) => attempt(async () => void (await database.transaction((tx) => rejectRelease(tx, release.id, { reason: 'Simulated review' }, by)))),
  };
}

/**
 * Issue 16 item 3: an escrow release asked for (all the escrow, or part, now and then more than
 * held or for a client with none: refused); approved or rejected by the approve/reject commands.
 */
function requestEscrow(rng: Prng, world: World): Command | null {
  const withEscrow = world.clients.filter((c) => (world.escrow.get(c.id) ?? ZERO).gt(0));
  const client = withEscrow.length > 0 && rng.chance(0.85) ? rng.pick(withEscrow) : rng.pick(world.clients);
  const held = world.escrow.get(client.id) ?? ZERO;
  const kind = rng.weighted({ all: 3, part: 2, over: 1 });
  const amount = kind === 'all' || held.lte(0) ? null : kind === 'part' ? share(rng, held) : held.plus('0.01');
  const asOf = date(rng);
  const by = rng.pick([...world.team.controllers, ...world.team.approvers]);
  return {
    label: `ask to release ${amount ? amount.toFixed(2) : 'all'} of ${client.name}'s escrow (${held.toFixed(2)}) on ${asOf} by ${who(by)}`,
    async run(database, w) {
      const pendingBefore = [...w.releases.values()].some((r) => r.client === client && r.status === 'pending_approval' && r.kind === 'escrow');
      const result = await tried(() =>
        database.transaction((tx) =>
          requestEscrowRelease(tx, client.id, { currency: client.currency, asOf, ...(amount ? { amount: amount.toFixed(2) } : {}) }, by),
        ),
      );
      if (!result.ok) {
        expectRefusal(
          w,
          `asking for ${client.name}'s escrow`,
          result,
          ['nothing_in_escrow', 'exceeds_escrow', 'already_pending'],
          held.lte(0) ? 'nothing_in_escrow' : amount && amount.gt(held) ? 'exceeds_escrow' : pendingBefore ? 'already_pending' : null,
        );
        return result.outcome;
      }
      const asked = new Big(result.value.amount);
      if (!w.concurrent && asked.gt(held))
        throw new ModelBreak(`an escrow release of ${asked.toFixed(2)} was accepted for ${client.name}, whose escrow holds ${held.toFixed(2)}`);
      return 'ok';
    },
  };
}

const MERGE_REQUESTERS = ['underwriter', 'collections'];
const MERGE_APPROVERS = ['underwriter', 'approver', 'controller'];

function who(actor: Actor): string {
  return actor.label.split('@')[0]!;
}

/** Two invoices of one client with one number, one held by each debtor: the merge is refused (SPEC 5.1). */
function numbersCollide(world: World, from: number, into: number): boolean {
  const held = new Set(world.invoices.filter((i) => survivor(world, i.debtor) === from).map((i) => `${i.client.id}/${i.number}`));
  return world.invoices.some((i) => survivor(world, i.debtor) === into && held.has(`${i.client.id}/${i.number}`));
}

/**
 * Issue 13: someone proposes merging one of the world's debtors into another — now and then
 * wrongly: a debtor into itself, one merged already or into one merged already, one with a merge
 * waiting, numbers that collide, or by someone without the permission.
 */
function requestMerge(rng: Prng, world: World): Command {
  const from = rng.pick(world.debtors);
  const into = rng.chance(0.08) ? from : rng.pick(world.debtors.filter((d) => d !== from));
  const by = rng.pick([world.team.underwriter, world.team.underwriter, world.team.collections, world.team.collections, world.team.funding]);
  return {
    label: `propose merging ${debtorName(world, from)} into ${debtorName(world, into)} by ${who(by)}`,
    async run(database, w) {
      const expected = !MERGE_REQUESTERS.includes(by.role)
        ? 'forbidden'
        : from === into
          ? 'invalid_input'
          : w.merged.has(from) || w.merged.has(into)
            ? 'debtor_merged'
            : w.merges.some((m) => m.from === from && m.status === 'pending')
              ? 'merge_pending'
              : numbersCollide(w, from, into)
                ? 'invoice_numbers_collide'
                : null;
      const result = await tried(() =>
        database.transaction((tx) => requestDebtorMerge(tx, from, { intoDebtorId: into, reason: 'Same company entered twice' }, by)),
      );
      if (!result.ok) {
        expectRefusal(w, 'the merge proposal', result, ['forbidden', 'invalid_input', 'debtor_merged', 'merge_pending', 'invoice_numbers_collide'], expected);
        return result.outcome;
      }
      if (w.strict && !w.concurrent && expected) throw new ModelBreak(`the merge proposal was accepted; the model expected ${expected}`);
      w.merges.push({ name: name(w, 'M'), id: Number(result.value.id), from, into, requestedBy: by, status: 'pending' });
      return 'ok';
    },
  };
}

function pickMerge(rng: Prng, world: World): SimMerge | null {
  const pending = world.merges.filter((m) => m.status === 'pending');
  if (world.merges.length === 0) return null;
  // Now and then one decided already: it is refused, never applied twice.
  if (pending.length === 0) return rng.chance(0.2) ? rng.pick(world.merges) : null;
  return rng.chance(0.1) ? rng.pick(world.merges) : rng.pick(pending);
}

/** The checker: another person with the permission, or — refused — the maker or someone without it. */
function mergeChecker(rng: Prng, world: World, merge: SimMerge): Actor {
  if (rng.chance(0.15)) return merge.requestedBy;
  const people = [world.team.underwriter, ...world.team.approvers, ...world.team.controllers, world.team.funding];
  return rng.pick(people.filter((p) => p.userId !== merge.requestedBy.userId));
}

function decisionRefusal(world: World, merge: SimMerge, by: Actor): string | null {
  if (!MERGE_APPROVERS.includes(by.role)) return 'forbidden';
  if (merge.status !== 'pending') return 'already_decided';
  if (by.userId === merge.requestedBy.userId) return 'maker_checker';
  return null;
}

/**
 * Approves a merge: the duplicate's invoices move to the survivor, once. Approved again, or by two
 * people at the same moment, it is applied once (the others are told it was decided).
 */
function approveMerge(rng: Prng, world: World): Command | null {
  const merge = pickMerge(rng, world);
  if (!merge) return null;
  const by = mergeChecker(rng, world, merge);
  return {
    label: `approve merge ${merge.name} (${debtorName(world, merge.from)} into ${debtorName(world, merge.into)}) by ${who(by)}`,
    async run(database, w) {
      const expected =
        decisionRefusal(w, merge, by) ??
        (w.merged.has(merge.from) || w.merged.has(merge.into) ? 'debtor_merged' : numbersCollide(w, merge.from, merge.into) ? 'invoice_numbers_collide' : null);
      const holding = w.invoices.filter((i) => survivor(w, i.debtor) === merge.from).length;
      const result = await tried(() => database.transaction((tx) => approveDebtorMerge(tx, merge.id, by)));
      if (!result.ok) {
        expectRefusal(
          w,
          `approving ${merge.name}`,
          result,
          ['forbidden', 'already_decided', 'maker_checker', 'debtor_merged', 'invoice_numbers_collide'],
          expected,
        );
        return result.outcome;
      }
      if (merge.status !== 'pending') throw new ModelBreak(`${merge.name} was approved again after it was ${merge.status} (a merge applied twice)`);
      if (w.strict && !w.concurrent) {
        if (expected) throw new ModelBreak(`approving ${merge.name} was done; the model expected ${expected}`);
        if (result.value.moved.invoices !== holding)
          throw new ModelBreak(`${merge.name} moved ${result.value.moved.invoices} invoice(s); ${debtorName(w, merge.from)} held ${holding}`);
      }
      merge.status = 'approved';
      w.merged.set(merge.from, merge.into);
      return 'ok';
    },
  };
}

function rejectMerge(rng: Prng, world: World): Command | null {
  const merge = pickMerge(rng, world);
  if (!merge) return null;
  const by = mergeChecker(rng, world, merge);
  return {
    label: `reject merge ${merge.name} (${debtorName(world, merge.from)} into ${debtorName(world, merge.into)}) by ${who(by)}`,
    async run(database, w) {
      const expected = decisionRefusal(w, merge, by);
      const result = await tried(() => database.transaction((tx) => rejectDebtorMerge(tx, merge.id, { reason: 'Two different companies' }, by)));
      if (!result.ok) {
        expectRefusal(w, `rejecting ${merge.name}`, result, ['forbidden', 'already_decided', 'maker_checker'], expected);
        return result.outcome;
      }
      if (merge.status !== 'pending') throw new ModelBreak(`${merge.name} was rejected after it was ${merge.status}`);
      if (w.strict && !w.concurrent && expected) throw new ModelBreak(`rejecting ${merge.name} was done; the model expected ${expected}`);
      merge.status = 'rejected';
      return 'ok';
    },
  };
}

// Issue 14 / SPEC 5.3: the payout lifecycle — batches of the approved releases, their file (frozen),
// sent, settled, returns before and after settlement, and a flagged account set again. The model
// moves cash only at settlement (−) and at a return after it (+), as the commands answer.

const PAYOUT_FORMATS = ['csv', 'nacha'] as const;
/** R01 and R09 leave the account alone; R03 and R04 flag it (its client's releases wait until it is set again). */
const RETURN_CODES = ['R01', 'R09', 'R03', 'R04'] as const;

function payoutBatch(rng: Prng, world: World): Command {
  const currency = rng.pick([...new Set(world.clients.map((c) => c.currency))]);
  const valueDate = date(rng);
  // now and then someone who may not (an approver: 403)
  const by = rng.chance(0.9) ? rng.pick(world.team.controllers) : rng.pick(world.team.approvers);
  return {
    label: `create the ${currency} payout batch of ${valueDate} by ${who(by)}`,
    run: (database, w) =>
      attempt(async () => {
        const { batch } = await database.transaction((tx) => createBatch(tx, { currency, valueDate }, by));
        if (!w.batches.includes(Number(batch.id))) w.batches.push(Number(batch.id));
      }),
  };
}

function payoutFile(rng: Prng, world: World): Command | null {
  if (world.batches.length === 0) return null;
  const id = rng.pick(world.batches);
  const format = rng.pick(PAYOUT_FORMATS);
  const by = rng.pick(world.team.controllers);
  return {
    label: `download payout batch ${id}'s ${format} file by ${who(by)}`,
    run: (database) => attempt(async () => void (await database.transaction((tx) => batchFile(tx, id, format, by)))),
  };
}

/**
 * A date for a payout step: mostly `days` after the date the batch's story says (its latest
 * release for sent, its sent date for settled and returns), now and then any date of the run
 * (often too early: refused). Read when the command runs, so the label says which.
 */
function when(rng: Prng): { days: number | null; any: string } {
  return { days: rng.chance(0.8) ? rng.int(0, 10) : null, any: date(rng) };
}
async function payoutDate(database: Database, pick: { days: number | null; any: string }, after: Promise<{ d: string | null }[]>): Promise<string> {
  const [row] = await after;
  return pick.days === null || !row?.d ? pick.any : addDays(row.d, pick.days);
}
const whenLabel = (pick: { days: number | null; any: string }, what: string) => (pick.days === null ? `on ${pick.any}` : `${pick.days} day(s) after ${what}`);

function payoutSent(rng: Prng, world: World): Command | null {
  if (world.batches.length === 0) return null;
  const id = rng.pick(world.batches);
  const pick = when(rng);
  const by = rng.pick(world.team.controllers);
  return {
    label: `mark payout batch ${id} sent ${whenLabel(pick, 'its latest release')} by ${who(by)}`,
    run: (database) =>
      attempt(async () => {
        const on = await payoutDate(
          database,
          pick,
          database.sql<
            { d: string | null }[]
          >`select max(r.as_of)::text as d from payout_batch_items i join releases r on r.id = i.release_id where i.batch_id = ${id}`,
        );
        await database.transaction((tx) => markSent(tx, id, { date: on }, by));
      }),
  };
}

function payoutSettled(rng: Prng, world: World): Command | null {
  if (world.batches.length === 0) return null;
  const id = rng.pick(world.batches);
  const pick = when(rng);
  const by = rng.pick(world.team.controllers);
  return {
    label: `mark payout batch ${id} settled ${whenLabel(pick, 'it was sent')} by ${who(by)}`,
    run: (database, w) =>
      attempt(async () => {
        const on = await payoutDate(database, pick, database.sql<{ d: string | null }[]>`select sent_date::text as d from payout_batches where id = ${id}`);
        const view = await database.transaction((tx) => markSettled(tx, id, { date: on }, by));
        // What this call settled: every live item (they were all sent, none settled before). The
        // batch may hold an earlier seed's releases: their cash moved here too.
        if (view.posted > 0) {
          const live = view.releases.filter((r) => r.status === 'live');
          if (live.length !== view.posted) throw new ModelBreak(`settling batch ${id} posted ${view.posted} entries for ${live.length} live payouts`);
          addCash(w, view.currency, live.reduce((t, r) => t.plus(r.amount), ZERO).times(-1));
        }
      }),
  };
}

function payoutReturn(rng: Prng, world: World): Command | null {
  const out = [...world.releases.values()].filter((r) => r.status === 'sent' || r.status === 'paid');
  // now and then one that was never sent (409 not_sent)
  const release = out.length > 0 && rng.chance(0.9) ? rng.pick(out) : world.releases.size > 0 ? rng.pick([...world.releases.values()]) : null;
  if (!release) return null;
  const code = rng.pick(RETURN_CODES);
  const pick = when(rng);
  const by = rng.pick(world.team.controllers);
  return {
    label: `the bank returns ${release.name} (${release.client.name}) with ${code} ${whenLabel(pick, 'it was sent')}`,
    run: (database, w) =>
      attempt(async () => {
        const on = await payoutDate(
          database,
          pick,
          database.sql<
            { d: string | null }[]
          >`select b.sent_date::text as d from releases r join payout_batches b on b.id = r.batch_id where r.id = ${release.id}`,
        );
        const view = await database.transaction((tx) => returnRelease(tx, release.id, { date: on, code, reason: 'Simulated return' }, by));
        const entry = view.entries.filter((e) => e.kind === 'payout_return').at(-1);
        if (!entry) throw new ModelBreak(`${release.name} was returned without a return entry`);
        const cash = entry.lines.find((l) => l.account === 'cash');
        // returned after settlement: the money came back into cash
        if (cash) addCash(w, view.currency, new Big(cash.amount));
      }),
  };
}

/**
 * Issue 14 item 4: the client's payout account changed — requested by the underwriter, approved by
 * an approver (a second person) in another transaction, maybe after other commands ran (a batch
 * created meanwhile leaves the client's releases out while the change waits). The approval clears
 * a return's flag. A second request while one waits, or the account already on file, is refused.
 */
function payoutAccountAgain(rng: Prng, world: World): Command {
  const client = rng.pick(world.clients);
  const account = rng.pick([SIM_PAYOUT_ACCOUNT, SIM_PAYOUT_ACCOUNT_2]);
  const approveNow = rng.int(0, 2) > 0;
  return {
    label: `request ${client.name}'s payout account ••••${account.account.slice(-4)}${approveNow ? ' and approve it' : ' (left waiting)'}`,
    run: (database, w) =>
      attempt(async () => {
        const { changeId } = await database.transaction((tx) => requestPayoutAccountChange(tx, client.id, account, w.team.underwriter));
        if (approveNow) await database.transaction((tx) => approvePayoutAccountChange(tx, Number(changeId), rng.pick(w.team.approvers)));
      }),
  };
}

/** Issue 14 item 4: a payout account change left waiting is approved (or refused, when none waits). */
function approvePendingPayoutChange(rng: Prng, world: World): Command {
  const client = rng.pick(world.clients);
  return {
    label: `approve ${client.name}'s waiting payout account change`,
    run: (database, w) =>
      attempt(async () => {
        const [pending] = await database.sql<{ id: string }[]>`select id from payout_account_changes where client_id = ${client.id} and status = 'pending'`;
        if (!pending) return;
        await database.transaction((tx) => approvePayoutAccountChange(tx, Number(pending.id), rng.pick(w.team.approvers)));
      }),
  };
}

/** The `rollups` job: the committed deltas folded into the roll-ups (readers must be exact either way). */
function fold(): Command {
  return {
    label: 'fold the roll-up deltas (the rollups job)',
    run: (database) => attempt(async () => void (await foldRollups(database))),
  };
}

/** Several commands at the same moment, each on its own connection and transaction. */
function together(rng: Prng, world: World): Command | null {
  const n = rng.int(2, 4);
  const parts: Command[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rng.weighted(TOGETHER);
    const c = BUILDERS[kind](rng, world);
    if (c) parts.push(c);
  }
  if (parts.length < 2) return null;
  return {
    label: `at the same moment: [${parts.map((p) => p.label).join(' | ')}]`,
    async run(database, w) {
      w.concurrent = true;
      const results = await Promise.allSettled(parts.map((p) => p.run(database, w))).finally(() => {
        w.concurrent = false;
      });
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      const outcomes = results.map((r) => (r as PromiseFulfilledResult<Outcome>).value);
      return outcomes.includes('ok') ? 'ok' : outcomes.includes('conflict') ? 'conflict' : 'refused';
    },
  };
}

// Issue 13: merges approved while the same debtors' invoices are funded and paid, and folds.
// Issue 14: batches created, sent, settled and returned at the same moment as each other and as approvals.
const TOGETHER = {
  approve: 5,
  bankImport: 1,
  recordCheck: 1,
  cycle: 3,
  pay: 2,
  chargeOff: 1,
  dispute: 1,
  fund: 2,
  approveMerge: 2,
  rejectMerge: 1,
  requestMerge: 1,
  fold: 1,
  payoutBatch: 2,
  payoutSent: 2,
  payoutSettled: 2,
  payoutReturn: 2,
};

export const WEIGHTS = {
  fund: 14,
  recordCheck: 3,
  bankImport: 4,
  approveFunding: 2,
  pay: 14,
  applyLeftover: 2,
  refund: 1,
  dispute: 4,
  resolve: 4,
  chargeOff: 3,
  accrue: 3,
  cycle: 12,
  approve: 14,
  reject: 2,
  together: 8,
  requestMerge: 2,
  approveMerge: 3,
  rejectMerge: 1,
  fold: 2,
  payoutBatch: 4,
  payoutFile: 5,
  payoutSent: 6,
  payoutSettled: 5,
  payoutReturn: 4,
  payoutAccountAgain: 2,
  approvePendingPayoutChange: 1,
  requestEscrow: 2,
};

const BUILDERS: Record<keyof typeof WEIGHTS, (rng: Prng, world: World) => Command | null> = {
  fund,
  recordCheck,
  bankImport,
  approveFunding,
  pay,
  applyLeftover,
  refund,
  dispute,
  resolve,
  chargeOff,
  accrue,
  cycle,
  approve,
  reject,
  together,
  requestMerge,
  approveMerge,
  rejectMerge,
  fold,
  payoutBatch,
  payoutFile,
  payoutSent,
  payoutSettled,
  payoutReturn,
  payoutAccountAgain,
  approvePendingPayoutChange,
  requestEscrow,
};

/** The next command, drawn from what the world allows (a kind with nothing to act on is redrawn). */
export function nextCommand(rng: Prng, world: World, weights: Partial<typeof WEIGHTS> = WEIGHTS): Command {
  for (;;) {
    const command = BUILDERS[rng.weighted(weights as typeof WEIGHTS)](rng, world);
    if (command) return command;
  }
}
