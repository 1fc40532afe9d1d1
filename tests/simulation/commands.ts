import type { Database } from '../../db/client';
import { systemActor, type Actor } from '../../lib/auth/actor';
import { approveRelease, rejectRelease, runReleaseCycle } from '../../lib/releases';
import { applyPayment, receivePayment, refundPayment } from '../../lib/collections/payments';
import { chargebackInvoice, openDispute, resolveDispute, writeOffInvoice } from '../../lib/collections/disputes';
import { addDays } from '../../lib/dates';
import { DomainError } from '../../lib/errors';
import { runAccrual } from '../../lib/fees/accrual';
import { approveFundingBatch, fundBatch } from '../../lib/funding';
import { createInvoice, verifyInvoice } from '../../lib/invoices';
import { Big, ZERO } from '../../lib/money';
import type { Prng } from './prng';
import { addCash, type SimClient, type SimInvoice, type World } from './world';

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
  const code = (error as { code?: string }).code;
  // A deadlock or serialization failure (409, retry), or under load a lock or statement timeout
  // of the web profile (409 / 503, retry): nothing was committed.
  if (code === '40P01' || code === '40001' || code === '55P03' || code === '57014') return 'conflict';
  throw error;
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
  const waiting = world.invoices.filter((i) => i.client === client && i.status === 'verified');
  const existing = waiting.length > 0 && rng.chance(0.3) ? rng.pick(waiting) : null;
  const face = new Big(rng.money(300, 15000));
  const debtor = rng.pick(world.debtors);
  const fundingDate = date(rng);
  const label = existing ? `fund ${existing.name} on ${fundingDate}` : `fund a new ${face.toFixed(2)} invoice of ${client.name} on ${fundingDate}`;
  return {
    label,
    async run(database, w) {
      let invoice = existing;
      if (!invoice) {
        const invName = name(w, 'I');
        const view = await database.transaction(async (tx) => {
          const created = await createInvoice(
            tx,
            {
              clientId: client.id,
              debtorId: debtor,
              number: `SIM-${client.id}-${invName}`,
              faceValue: face.toFixed(2),
              currency: client.currency,
              issueDate: addDays(fundingDate, -rng.int(0, 10)),
              dueDate: addDays(fundingDate, 45),
            },
            w.team.funding,
          );
          return verifyInvoice(tx, Number(created.id), w.team.funding);
        });
        invoice = {
          name: invName,
          id: Number(view.id),
          client,
          face,
          status: 'verified',
          outstanding: face,
          fundingDate: null,
          advance: ZERO,
          reserve: ZERO,
          fees: ZERO,
        };
        w.invoices.push(invoice);
      }
      const target = invoice;
      return attempt(async () => {
        const batch = await database.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [target.id], fundingDate }, w.team.funding));
        if (batch.status === 'pending_approval') {
          target.status = 'pending_funding';
          w.pendingBatches.push({ id: Number(batch.id), client, invoices: [target], date: fundingDate });
          return;
        }
        applyFunding(w, client, [target], batch, fundingDate);
      });
    },
  };
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
        const view = await database.transaction((tx) => approveFundingBatch(tx, batch.id, by));
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
        for (const r of view.releases) if (r.status === 'paid') notePaid(w, Number(r.id), Number(r.clientId), r.currency, r.amount);
      }),
  };
}

function notePaid(world: World, releaseId: number, clientId: number, currency: string, amount: string): void {
  if (world.paidReleaseIds.has(releaseId)) return;
  world.paidReleaseIds.add(releaseId);
  world.paidOut.set(clientId, (world.paidOut.get(clientId) ?? ZERO).plus(amount));
  addCash(world, currency, new Big(amount).times(-1));
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
        if (view.status === 'paid') notePaid(w, release.id, release.client.id, view.currency, view.approvedAmount!);
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

/** Several commands at the same moment, each on its own connection and transaction. */
function together(rng: Prng, world: World): Command | null {
  const n = rng.int(2, 4);
  const parts: Command[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rng.weighted({ approve: 5, cycle: 3, pay: 2, chargeOff: 1, dispute: 1 });
    const c =
      kind === 'approve'
        ? approve(rng, world)
        : kind === 'cycle'
          ? cycle(rng, world)
          : kind === 'pay'
            ? pay(rng, world)
            : kind === 'chargeOff'
              ? chargeOff(rng, world)
              : dispute(rng, world);
    if (c) parts.push(c);
  }
  if (parts.length < 2) return null;
  return {
    label: `at the same moment: [${parts.map((p) => p.label).join(' | ')}]`,
    async run(database, w) {
      const results = await Promise.allSettled(parts.map((p) => p.run(database, w)));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      const outcomes = results.map((r) => (r as PromiseFulfilledResult<Outcome>).value);
      return outcomes.includes('ok') ? 'ok' : outcomes.includes('conflict') ? 'conflict' : 'refused';
    },
  };
}

export const WEIGHTS = {
  fund: 14,
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
};

/** The next command, drawn from what the world allows (a kind with nothing to act on is redrawn). */
export function nextCommand(rng: Prng, world: World, weights: Partial<typeof WEIGHTS> = WEIGHTS): Command {
  for (;;) {
    const kind = rng.weighted(weights as typeof WEIGHTS);
    const command =
      kind === 'fund'
        ? fund(rng, world)
        : kind === 'approveFunding'
          ? approveFunding(rng, world)
          : kind === 'pay'
            ? pay(rng, world)
            : kind === 'applyLeftover'
              ? applyLeftover(rng, world)
              : kind === 'refund'
                ? refund(rng, world)
                : kind === 'dispute'
                  ? dispute(rng, world)
                  : kind === 'resolve'
                    ? resolve(rng, world)
                    : kind === 'chargeOff'
                      ? chargeOff(rng, world)
                      : kind === 'accrue'
                        ? accrue(rng, world)
                        : kind === 'cycle'
                          ? cycle(rng, world)
                          : kind === 'approve'
                            ? approve(rng, world)
                            : kind === 'reject'
                              ? reject(rng, world)
                              : together(rng, world);
    if (command) return command;
  }
}
