import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskScoresProcessor } from '../../jobs/processors/risk-scores';
import { closeQueues } from '../../jobs/queues';
import { chargebackInvoice, openDispute } from '../../lib/collections/disputes';
import { decideAgreementChange } from '../../lib/clients/onboarding';
import { agreementOn } from '../../lib/clients';
import { addDays, todayIn } from '../../lib/dates';
import { fundBatch } from '../../lib/funding';
import type { InvoiceView } from '../../lib/invoices';
import { clientRisk } from '../../lib/risk';
import { updateRiskScoring } from '../../lib/risk/settings';
import { DEFAULT_RISK_SCORING } from '../../lib/risk/score';
import { aClient, aDebtor, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

const prefix = `holdback-risk-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
const prefixBefore = process.env.QUEUE_PREFIX;
let t: TestDatabase;
let team: Team;
let queue: Queue;
let events: QueueEvents;
let worker: Worker;

const T = todayIn();
const Y = addDays(T, -1);

beforeAll(async () => {
  process.env.QUEUE_PREFIX = prefix; // the processor nudges the outbox: on this file's queues
  t = await createTestDatabase();
  team = await aTeam(t.database);
  queue = new Queue('risk-scores', { connection, prefix });
  events = new QueueEvents('risk-scores', { connection, prefix });
  await events.waitUntilReady();
  worker = new Worker('risk-scores', riskScoresProcessor(t.database, { chunkSize: 1 }), { connection, prefix });
});
afterAll(async () => {
  await worker?.close();
  await events?.close();
  await queue?.close();
  await closeQueues();
  if (prefixBefore === undefined) delete process.env.QUEUE_PREFIX;
  else process.env.QUEUE_PREFIX = prefixBefore;
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

/** Runs the risk-scores job through BullMQ and the real processor. */
async function runJob(asOf: string) {
  const job = await queue.add('console', { reason: 'console', asOf }, { attempts: 1 });
  return job.waitUntilFinished(events, 60_000);
}

/**
 * A client in the best band (agreement risk score 95: 5% reserve) with 20 invoices of 1,000.00
 * funded 55 days ago, due yesterday — 10 owed by each of two debtors.
 */
async function aGoodClient() {
  const client = await aClient(t.database, team, { agreement: { advanceRate: '0.95', reserveRate: '0.05', riskScore: 95 } });
  const a = await aDebtor(t.database, team);
  const b = await aDebtor(t.database, team);
  const invoices: InvoiceView[] = [];
  for (let i = 0; i < 20; i += 1) {
    invoices.push(await anInvoice(t.database, team, { client, debtor: i < 10 ? a : b, faceValue: '1000.00', issueDate: addDays(T, -60) }));
  }
  await t.database.transaction((tx) =>
    fundBatch(tx, { clientId: client.id, invoiceIds: invoices.map((i) => i.id), fundingDate: addDays(T, -55) }, team.funding),
  );
  return { client, a, b, invoices };
}

/** A charge-back (of debtor A's first invoice) and a dispute (of debtor B's first), both today. */
async function trouble(invoices: { id: string }[]) {
  await t.database.transaction((tx) => chargebackInvoice(tx, Number(invoices[0]!.id), { date: T }, team.collections));
  await t.database.transaction((tx) => openDispute(tx, Number(invoices[10]!.id), { amount: '500.00', reason: 'damaged goods', date: T }, team.collections));
}

/** What the reserve account holds for an invoice from its funding (the funding entry's reserve line). */
async function fundedReserve(invoiceId: string): Promise<string> {
  const [row] = await t.database.sql<{ held: string }[]>`
    select (-sum(l.amount))::numeric(20,2)::text as held
      from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'reserve'
      join journal_entries e on e.id = l.entry_id
     where l.invoice_id = ${invoiceId} and e.kind = 'funding'`;
  return row!.held;
}

describe('the risk-scores job (issue 16 item 1)', () => {
  let good: Awaited<ReturnType<typeof aGoodClient>>;

  it('keeps a clean client in its band: a score, its parts and no proposal', async () => {
    good = await aGoodClient();
    const result = await runJob(Y);
    expect(result).toMatchObject({ asOf: Y, scored: 1, proposed: 0, applied: 0 });
    // 20 active, nothing disputed or charged back, nobody late yet (due on Y);
    // the larger debtor holds half: 0.5 → part 50 × 0.1 = 5 → score 95, band 90–100
    const risk = await clientRisk(t.database, Number(good.client.id), team.underwriter);
    expect(risk).toMatchObject({ asOf: Y, score: 95, band: '90–100', pending: null });
    expect(risk.parts).toEqual({ dilution: '0.00', daysBeyondTerms: '0.00', disputes: '0.00', chargebacks: '0.00', concentration: '50.00', trend: '0.00' });
  });

  it('moves the client to a worse band after a charge-back and a dispute; the approved change funds the next invoice at the new rate, earlier ones keep theirs', async () => {
    await trouble(good.invoices);
    const result = await runJob(T);
    expect(result).toMatchObject({ asOf: T, scored: 1, proposed: 1, applied: 0 });
    // active 20 (the charged-back one closed today, inside the window)
    // disputes      1 ÷ 20 = 0.05 → ÷ 0.10 → 50.00 × 0.15 = 7.5
    // charge-backs  1 ÷ 20 = 0.05 → ÷ 0.05 → 100.00 × 0.20 = 20
    // days beyond   19 open invoices 1 day past due: 19 ÷ 19 = 1 → ÷ 60 → 1.67 × 0.20 = 0.334
    // concentration B 10,000 of 19,000 open = 0.526316 → 52.63 × 0.10 = 5.263
    // risk 33.097 → score 66.903 → 67: band 60–69 (seeds 004: 20% reserve, 180 days, review)
    const risk = await clientRisk(t.database, Number(good.client.id), team.underwriter);
    expect(risk).toMatchObject({ asOf: T, score: 67, band: '60–69' });
    expect(risk.parts).toEqual({ dilution: '0.00', daysBeyondTerms: '1.67', disputes: '50.00', chargebacks: '100.00', concentration: '52.63', trend: '0.00' });
    expect(risk.history.map((h) => [h.asOf, h.score, h.band])).toEqual([
      [Y, 95, '90–100'],
      [T, 67, '60–69'],
    ]);
    expect(risk.pending).toMatchObject({ score: 67, fromBand: '90–100', toBand: '60–69', reserveRate: '0.20', holdDays: 180 });

    // the job was the maker: an approval request, audited, underwriters emailed
    const [request] = await t.database.sql<{ requested_by: string; status: string; summary: string }[]>`
      select requested_by::text, status, summary from approval_requests where kind = 'agreement_change' and target_id = ${risk.pending!.agreementId}`;
    expect(request).toMatchObject({ requested_by: '0', status: 'pending' });
    expect(request!.summary).toContain('risk band 90–100 → 60–69');
    const mail = await t.database.sql<{ to: string; subject: string }[]>`select "to", subject from email_outbox where template = 'risk_band_change'`;
    expect(mail).toEqual([{ to: team.underwriter.label, subject: expect.stringContaining('90–100 → 60–69') }]);
    const [proposedAudit] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from audit_events where action = 'agreement.propose' and target_id = ${risk.pending!.agreementId}`;
    expect(proposedAudit!.n).toBe(1);

    // the terms in force are unchanged until an approver accepts
    expect((await agreementOn(t.database, Number(good.client.id), T))!.reserveRate).toBe('0.05');
    const decided = await t.database.transaction((tx) => decideAgreementChange(tx, Number(risk.pending!.agreementId), 'approve', undefined, team.approver));
    expect(decided.status).toBe('approved');
    const inForce = (await agreementOn(t.database, Number(good.client.id), T))!;
    expect(inForce).toMatchObject({ reserveRate: '0.20', advanceRate: '0.80', riskScore: 67, effectiveFrom: T });
    const approvedMail = await t.database.sql<
      { n: number }[]
    >`select count(*)::int as n from email_outbox where template = 'risk_band_change' and subject like '%60–69%'`;
    expect(approvedMail[0]!.n).toBe(2); // proposed, then approved

    // the next funding (today) uses 20%; the invoices funded before keep 5%, to the cent
    const next = await anInvoice(t.database, team, { client: good.client, debtor: good.b, faceValue: '1234.56', issueDate: addDays(T, -5) });
    await t.database.transaction((tx) => fundBatch(tx, { clientId: good.client.id, invoiceIds: [next.id], fundingDate: T }, team.funding));
    expect(await fundedReserve(next.id)).toBe('246.91'); // 1,234.56 × 0.20 = 246.912 → 246.91
    expect(await fundedReserve(good.invoices[5]!.id)).toBe('50.00');
    expect(await fundedReserve(good.invoices[15]!.id)).toBe('50.00');
    const [funded] = await t.database.sql<
      { advance: string; reserve: string }[]
    >`select advance::numeric(20,2)::text, reserve::numeric(20,2)::text from invoices where id = ${next.id}`;
    expect(funded).toEqual({ advance: '987.65', reserve: '246.91' });
    expect((await clientRisk(t.database, Number(good.client.id), team.underwriter)).pending).toBeNull();
  });

  it('scores each client once a day: a rerun proposes nothing again', async () => {
    const before = await t.database.sql<{ scores: number; requests: number; mails: number }[]>`
      select (select count(*) from client_risk_scores)::int as scores, (select count(*) from approval_requests)::int as requests,
             (select count(*) from email_outbox)::int as mails`;
    expect(await runJob(T)).toMatchObject({ scored: 0, proposed: 0, applied: 0 });
    const after = await t.database.sql<{ scores: number; requests: number; mails: number }[]>`
      select (select count(*) from client_risk_scores)::int as scores, (select count(*) from approval_requests)::int as requests,
             (select count(*) from email_outbox)::int as mails`;
    expect(after).toEqual(before);
    // history is append-only
    await expect(t.database.sql`update client_risk_scores set score = 1`).rejects.toThrow();
  });

  it('applies a band change at once when the setting says so — audited, emailed, no approval request', async () => {
    await t.database.transaction((tx) => updateRiskScoring(tx, { ...DEFAULT_RISK_SCORING, autoApply: true }, team.admin));
    const other = await aGoodClient();
    await trouble(other.invoices);
    const result = await runJob(T);
    expect(result).toMatchObject({ scored: 1, proposed: 0, applied: 1 });
    const inForce = (await agreementOn(t.database, Number(other.client.id), T))!;
    expect(inForce).toMatchObject({ status: 'approved', reserveRate: '0.20', advanceRate: '0.80', riskScore: 67, effectiveFrom: T, version: 2 });
    const [audit] = await t.database.sql<
      { n: number }[]
    >`select count(*)::int as n from audit_events where action = 'agreement.auto_apply' and target_id = ${inForce.id}`;
    expect(audit!.n).toBe(1);
    const [requests] = await t.database.sql<
      { n: number }[]
    >`select count(*)::int as n from approval_requests where target_id = ${inForce.id} and kind = 'agreement_change'`;
    expect(requests!.n).toBe(0);
    const [mail] = await t.database.sql<
      { subject: string }[]
    >`select subject from email_outbox where template = 'risk_band_change' and dedupe_key like ${`risk-band:${inForce.id}:applied:%`}`;
    expect(mail!.subject).toContain(other.client.name);
    const [scoreRow] = await t.database.sql<{ change: string; agreement_id: string }[]>`
      select change, agreement_id::text from client_risk_scores where client_id = ${other.client.id} and as_of = ${T}`;
    expect(scoreRow).toEqual({ change: 'applied', agreement_id: inForce.id });
  });

  it('audits a change of the formula settings and refuses weights that do not add up', async () => {
    const [audit] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'settings.risk_scoring'`;
    expect(audit!.n).toBe(1);
    await expect(
      t.database.transaction((tx) =>
        updateRiskScoring(tx, { ...DEFAULT_RISK_SCORING, weights: { ...DEFAULT_RISK_SCORING.weights, trend: '0.5' } }, team.admin),
      ),
    ).rejects.toThrow(/weights must add up to 1/);
    await expect(t.database.transaction((tx) => updateRiskScoring(tx, DEFAULT_RISK_SCORING, team.underwriter))).rejects.toThrow();
  });
});
