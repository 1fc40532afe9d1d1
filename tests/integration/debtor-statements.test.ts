import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { debtorRemindersProcessor } from '../../jobs/processors/debtor-reminders';
import { closeQueues } from '../../jobs/queues';
import type { ClientView } from '../../lib/clients';
import { openDispute } from '../../lib/collections/disputes';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { addDays, daysBetween, todayIn } from '../../lib/dates';
import { recordNoa, type DebtorView } from '../../lib/debtors';
import { approveDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { setDebtorApContact } from '../../lib/debtor-statements/contact';
import { statementSendsForInvoice } from '../../lib/debtor-statements/log';
import { runDebtorReminders } from '../../lib/debtor-statements/reminders';
import { updateReminderSteps, updateRemittance } from '../../lib/debtor-statements/settings';
import { debtorStatementPdf, previewStatementSend, sendDebtorStatement } from '../../lib/debtor-statements/statement';
import { fundBatch } from '../../lib/funding';
import { listJobRuns } from '../../lib/job-runs';
import { sendDueEmails } from '../../lib/notifications/outbox';
import { createTransport } from '../../lib/notifications/transport';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aTeam, aUser, anInvoice, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 15, item 4: a debtor's statement sent by hand (the command and the API route) goes through
 * the transactional outbox to a real SMTP server with its PDF attached and lands on each invoice's
 * log; the daily reminder job, through BullMQ, sends each invoice and step once however often it
 * runs, in parallel or after a crash.
 */
const prefix = `holdback-dstmt-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
const saved = { prefix: process.env.QUEUE_PREFIX, url: process.env.DATABASE_URL, factor: process.env.FACTOR_NAME };
const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-dstmt-'));
let t: TestDatabase;
let team: Team;
let smtp: SmtpCatcher;

beforeAll(async () => {
  process.env.QUEUE_PREFIX = prefix; // the processors nudge the outbox: on this file's queues
  process.env.FACTOR_NAME = 'Northwind Factors';
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url; // the route handlers use the process-wide pool
  team = await aTeam(t.database);
  smtp = await startSmtpCatcher();
  await tx((x) =>
    updateRemittance(
      x,
      { payee: 'Northwind Factors LLC', bankName: 'First Test Bank', routing: '021000021', account: '000123456789', note: 'Quote the invoice numbers' },
      team.admin,
    ),
  );
});
afterAll(async () => {
  await closeQueues();
  await closeDatabase();
  for (const [key, value] of [
    ['QUEUE_PREFIX', saved.prefix],
    ['DATABASE_URL', saved.url],
    ['FACTOR_NAME', saved.factor],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await smtp?.close();
  rmSync(scratch, { recursive: true, force: true });
  await t?.drop();
});

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** A funded invoice due on `due` (issued 59 days before, funded that day). */
async function fundedDue(client: ClientView, debtor: DebtorView, due: string, faceValue = '10000.00', number?: string) {
  const issueDate = addDays(due, -59);
  const invoice = await anInvoice(t.database, team, { client, debtor, faceValue, issueDate, number });
  await tx((x) => fundBatch(x, { clientId: client.id, invoiceIds: [invoice.id], fundingDate: issueDate }, team.funding));
  return invoice;
}

async function pay(invoiceId: string, amount: string, currency: string, date: string) {
  const p = await tx((x) => receivePayment(x, { amount, currency, receivedDate: date }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId, amount }] }, team.collections));
}

const count = async (query: string) => (await t.database.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${query}`))[0]!.n;

describe('a debtor statement sent by hand', () => {
  it('lists the open factored invoices, goes through the outbox to the AP contact with its PDF, and is on each invoice', async () => {
    const today = todayIn();
    const acme = await aClient(t.database, team, { name: 'Acme Manufacturing' });
    const euro = await aClient(t.database, team, { name: 'Euro Parts', currency: 'EUR' });
    const quiet = await aClient(t.database, team, { name: 'Quiet Discounting', agreement: { model: 'invoice_discounting' } });
    const debtor = await aDebtor(t.database, team);
    await tx((x) => recordNoa(x, Number(acme.id), { debtorId: debtor.id, sentDate: '2025-01-10' }, team.underwriter));

    const partly = await fundedDue(acme, debtor, '2025-06-30', '12500.00', `PART-${randomBytes(2).toString('hex')}`);
    await pay(partly.id, '4500.00', 'USD', '2025-06-15');
    const whole = await fundedDue(acme, debtor, '2025-07-31', '5000.00');
    const disputed = await fundedDue(acme, debtor, '2025-08-15', '3000.00');
    await tx((x) => openDispute(x, Number(disputed.id), { amount: '500.00', reason: 'Short shipment', date: '2025-08-20' }, team.collections));
    const paid = await fundedDue(acme, debtor, '2025-05-31', '1000.00');
    await pay(paid.id, '1000.00', 'USD', '2025-05-20');
    const eur = await fundedDue(euro, debtor, '2025-09-30', '2000.00');
    const confidential = await fundedDue(quiet, debtor, '2025-07-01', '7000.00');

    // no AP contact yet: refused, naming what is missing; the wrong role: 403
    await expect(tx((x) => sendDebtorStatement(x, Number(debtor.id), {}, team.collections))).rejects.toMatchObject({ status: 422, code: 'no_ap_contact' });
    await expect(tx((x) => setDebtorApContact(x, Number(debtor.id), { apEmail: 'not an address' }, team.collections))).rejects.toMatchObject({
      status: 400,
      details: { apEmail: 'AP contact email must be an email address such as ap@example.com' },
    });
    await expect(tx((x) => setDebtorApContact(x, Number(debtor.id), { apEmail: 'ap@globex.test' }, team.funding))).rejects.toMatchObject({ status: 403 });
    await tx((x) => setDebtorApContact(x, Number(debtor.id), { apEmail: ' AP@Globex.test ', apName: 'Pat Payables' }, team.collections));
    await expect(tx((x) => sendDebtorStatement(x, Number(debtor.id), {}, team.funding))).rejects.toMatchObject({ status: 403 });

    // the preview the confirm step asks about; a stale token sends nothing
    const preview = await tx((x) => previewStatementSend(x, Number(debtor.id), team.collections));
    expect(preview).toMatchObject({
      to: 'ap@globex.test',
      asOf: today,
      invoices: 4,
      totals: [
        { currency: 'EUR', invoices: 1, open: '2000.00', pastDue: '2000.00' },
        { currency: 'USD', invoices: 3, open: '16000.00', pastDue: '16000.00' },
      ],
      summary: '4 open invoices, 2,000.00 EUR, 16,000.00 USD',
    });
    await expect(tx((x) => sendDebtorStatement(x, Number(debtor.id), { confirmed: 'something else' }, team.collections))).rejects.toMatchObject({
      status: 409,
      code: 'statement_changed',
    });
    expect(await count('debtor_statement_sends')).toBe(0);

    const sent = await tx((x) => sendDebtorStatement(x, Number(debtor.id), { confirmed: preview.token }, team.collections));
    expect(sent).toMatchObject({ to: 'ap@globex.test', invoices: 4, sendId: expect.any(String), emailId: expect.any(String) });
    const [email] = await t.database.sql<{ to: string; template: string; dedupe_key: string; status: string; subject: string }[]>`
      select "to", template, dedupe_key, status, subject from email_outbox where id = ${sent.emailId}`;
    expect(email).toEqual({
      to: 'ap@globex.test',
      template: 'debtor_statement',
      dedupe_key: `debtor-statement:${sent.sendId}`,
      status: 'pending',
      subject: `Statement of open invoices from Northwind Factors — ${debtor.name}, ${today}`,
    });
    const [audit] = await t.database.sql<{ action: string; actor: string; after: { to: string; invoices: number } }[]>`
      select action, actor, after from audit_events where target_type = 'debtor_statement' and target_id = ${sent.sendId}`;
    expect(audit).toMatchObject({ action: 'debtor.statement_sent', actor: team.collections.label, after: { to: 'ap@globex.test', invoices: 4 } });

    // a payment after the send does not change what was sent: the PDF is built from the send's record
    await pay(whole.id, '1000.00', 'USD', '2025-08-01');

    // the outbox sends it through SMTP, the statement attached as a PDF
    expect(await sendDueEmails(t.database, createTransport(smtp.url))).toMatchObject({ sent: 1, failed: 0 });
    const mail = await smtp.waitFor((m) => m.subject?.startsWith('Statement of open invoices from Northwind Factors') ?? false);
    expect(
      [mail.to]
        .flat()
        .flatMap((a) => a?.value ?? [])
        .map((v) => v.address),
    ).toEqual(['ap@globex.test']);
    expect(mail.text).toContain('Dear Pat Payables,');
    expect(mail.text).toContain('Open: 2,000.00 EUR, all past due; 16,000.00 USD, all past due.');
    expect(mail.text).toContain('Pay to: Northwind Factors LLC');
    expect(mail.attachments).toHaveLength(1);
    const attachment = mail.attachments[0]!;
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.filename).toBe(`debtor-${debtor.id}-statement-${today}-${sent.sendId}.pdf`);
    const text = pdfText(attachment.content, 'sent');
    const days = (due: string) => String(daysBetween(due, today));
    expect(text).toMatch(
      new RegExp(
        `${partly.number}\\s+Acme Manufacturing\\s+2025-05-02\\s+2025-06-30\\s+${days('2025-06-30')}\\s+USD\\s+12,500\\.00\\s+4,500\\.00\\s+8,000\\.00\\n`,
      ),
    );
    // as it was when sent: 5,000.00 open, not the 4,000.00 after the later payment
    expect(text).toMatch(
      new RegExp(`${whole.number}\\s+Acme Manufacturing\\s+2025-06-02\\s+2025-07-31\\s+${days('2025-07-31')}\\s+USD\\s+5,000\\.00\\s+0\\.00\\s+5,000\\.00\\n`),
    );
    expect(text).toMatch(new RegExp(`${disputed.number}\\s+Acme Manufacturing\\s+\\S+\\s+2025-08-15\\s+${days('2025-08-15')} \\*\\s+USD\\s+3,000\\.00`));
    expect(text).toMatch(new RegExp(`${eur.number}\\s+Euro Parts\\s+\\S+\\s+2025-09-30\\s+\\d+\\s+EUR\\s+2,000\\.00\\s+0\\.00\\s+2,000\\.00\\n`));
    expect(text).not.toContain(paid.number); // settled
    expect(text).not.toContain(confidential.number); // invoice discounting: the debtor must not hear from the factor
    expect(text).not.toContain('Quiet Discounting');
    expect(text).toMatch(/USD\s+3\s+20,500\.00\s+4,500\.00\s+16,000\.00\s+16,000\.00\n/);
    expect(text).toMatch(/EUR\s+1\s+2,000\.00\s+0\.00\s+2,000\.00\s+2,000\.00\n/);
    expect(text).toMatch(/Pay to\s+Northwind Factors LLC/);
    expect(text).toMatch(/Account number\s+000123456789/);
    expect(text).toMatch(/Acme Manufacturing\s+notice sent 2025-01-10/);
    expect(text).toMatch(/Euro Parts\s+notice date not recorded/);

    // on each invoice's log: when, what, to whom, what it owed then, the email sent
    const log = await statementSendsForInvoice(t.database.sql, Number(partly.id), team.controller);
    expect(log).toEqual([
      expect.objectContaining({
        sendId: sent.sendId,
        what: 'Statement',
        to: 'ap@globex.test',
        openThen: '8000.00',
        currency: 'USD',
        email: 'sent',
        by: team.collections.label,
      }),
    ]);
    expect(await statementSendsForInvoice(t.database.sql, Number(paid.id), team.controller)).toEqual([]);
    await expect(statementSendsForInvoice(t.database.sql, 999_999_999, team.controller)).rejects.toMatchObject({ status: 404 });

    // the download reads today's balances and records nothing
    const download = pdfText((await tx((x) => debtorStatementPdf(x, Number(debtor.id), team.funding))).pdf, 'download');
    expect(download).toMatch(new RegExp(`${whole.number}\\s+.*\\s+5,000\\.00\\s+1,000\\.00\\s+4,000\\.00\\n`));
    expect(await count('debtor_statement_sends')).toBe(1);
  });

  it('the API: GET …/statement.pdf for staff, POST …/statement/send → 202 and the outbox', async () => {
    const client = await aClient(t.database, team, { name: 'Route Client' });
    const debtor = await aDebtor(t.database, team);
    const invoice = await fundedDue(client, debtor, '2025-10-31', '2500.00');
    const staffKey = (await tx((x) => createApiKey(x, team.collections.userId!, 'test', team.collections))).key;
    const fundingKey = (await tx((x) => createApiKey(x, team.funding.userId!, 'test', team.funding))).key;
    const clientUser = await aUser(t.database, 'client', { clientId: Number(client.id) });
    const clientKey = (await tx((x) => createApiKey(x, clientUser.userId!, 'test', clientUser))).key;

    const { GET } = await import('../../app/api/v1/debtors/[id]/statement.pdf/route');
    const get = (key: string, id = debtor.id) =>
      GET(new Request(`http://holdback.test/api/v1/debtors/${id}/statement.pdf?asOf=2025-11-30`, { headers: { authorization: `Bearer ${key}` } }), {
        params: Promise.resolve({ id }),
      } as never);
    const pdf = await get(staffKey);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="debtor-${debtor.id}-statement-2025-11-30.pdf"`);
    expect(pdfText(Buffer.from(await pdf.arrayBuffer()), 'route')).toMatch(
      new RegExp(`${invoice.number}\\s+Route Client\\s+2025-09-02\\s+2025-10-31\\s+30\\s+USD\\s+2,500\\.00`),
    );
    expect((await get(clientKey)).status).toBe(403); // a client user does not read the factor's view of a debtor
    expect((await get(staffKey, '999999999')).status).toBe(404);

    const { POST } = await import('../../app/api/v1/debtors/[id]/statement/send/route');
    const send = (key: string, body: unknown = {}) =>
      POST(
        new Request(`http://holdback.test/api/v1/debtors/${debtor.id}/statement/send`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ id: debtor.id }) } as never,
      );
    const noContact = await send(staffKey);
    expect(noContact.status).toBe(422);
    expect(((await noContact.json()) as { error: { code: string } }).error.code).toBe('no_ap_contact');
    const { PUT } = await import('../../app/api/v1/debtors/[id]/ap-contact/route');
    const put = await PUT(
      new Request(`http://holdback.test/api/v1/debtors/${debtor.id}/ap-contact`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${staffKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ apEmail: 'payables@route.test' }),
      }),
      { params: Promise.resolve({ id: debtor.id }) } as never,
    );
    expect(put.status).toBe(200);
    expect((await send(fundingKey)).status).toBe(403);
    const accepted = await send(staffKey);
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { sendId: string; emailId: string; to: string; invoices: number };
    expect(body).toMatchObject({ to: 'payables@route.test', invoices: 1 });
    expect((await t.database.sql<{ dedupe_key: string }[]>`select dedupe_key from email_outbox where id = ${body.emailId}`)[0]!.dedupe_key).toBe(
      `debtor-statement:${body.sendId}`,
    );
    const { GET: LOG } = await import('../../app/api/v1/invoices/[id]/statement-sends/route');
    const log = await LOG(
      new Request(`http://holdback.test/api/v1/invoices/${invoice.id}/statement-sends`, { headers: { authorization: `Bearer ${staffKey}` } }),
      { params: Promise.resolve({ id: invoice.id }) } as never,
    );
    expect(((await log.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ sendId: body.sendId, what: 'Statement', to: 'payables@route.test', openThen: '2500.00' }),
    ]);
  });
});

describe('the AP contact', () => {
  it("is kept by a merge: a survivor without one takes the duplicate's; a merged debtor takes no contact and sends nothing", async () => {
    const survivor = await aDebtor(t.database, team);
    const duplicate = await aDebtor(t.database, team);
    await tx((x) => setDebtorApContact(x, Number(duplicate.id), { apEmail: 'ap@duplicate.test', apName: 'Dup AP' }, team.collections));
    const merge = await tx((x) => requestDebtorMerge(x, Number(duplicate.id), { intoDebtorId: survivor.id, reason: 'same company' }, team.underwriter));
    await tx((x) => approveDebtorMerge(x, Number(merge.id), team.approver));
    expect((await t.database.sql`select ap_email, ap_name from debtors where id = ${survivor.id}`)[0]).toEqual({
      ap_email: 'ap@duplicate.test',
      ap_name: 'Dup AP',
    });
    await expect(tx((x) => setDebtorApContact(x, Number(duplicate.id), { apEmail: 'x@y.test' }, team.collections))).rejects.toMatchObject({
      code: 'debtor_merged',
    });
    await expect(tx((x) => sendDebtorStatement(x, Number(duplicate.id), {}, team.collections))).rejects.toMatchObject({ code: 'debtor_merged' });
  });
});

describe('the debtor-reminders job', () => {
  it('at each step sends the debtor one reminder of the invoices reaching it; through BullMQ twice, each invoice and step once', async () => {
    const asOf = '2026-03-16';
    const client = await aClient(t.database, team, { name: 'Stepwise Supply' });
    const quiet = await aClient(t.database, team, { name: 'Quiet Steps', agreement: { model: 'invoice_discounting' } });
    const debtor = await aDebtor(t.database, team);
    const silent = await aDebtor(t.database, team); // no AP contact
    await tx((x) => setDebtorApContact(x, Number(debtor.id), { apEmail: 'reminders@steps.test', apName: 'Steps AP' }, team.underwriter));
    const weekBefore = await fundedDue(client, debtor, '2026-03-23'); // −7
    const dueToday = await fundedDue(client, debtor, '2026-03-16'); // 0
    const missed = await fundedDue(client, debtor, '2026-03-12', '4000.00'); // 0, four days late: caught up
    const fifteen = await fundedDue(client, debtor, '2026-03-01', '6000.00'); // 15
    await pay(fifteen.id, '1000.00', 'USD', '2026-03-05');
    const thirty = await fundedDue(client, debtor, '2026-02-14'); // 30
    const tooLate = await fundedDue(client, debtor, '2026-03-09'); // 0 reached 7 days ago: nothing
    const disputed = await fundedDue(client, debtor, '2026-03-16');
    await tx((x) => openDispute(x, Number(disputed.id), { amount: '100.00', reason: 'Damaged', date: '2026-03-10' }, team.collections));
    const confidential = await fundedDue(quiet, debtor, '2026-03-16');
    const noContact = await fundedDue(client, silent, '2026-03-16');

    const queue = new Queue('debtor-reminders', { connection, prefix });
    const events = new QueueEvents('debtor-reminders', { connection, prefix });
    await events.waitUntilReady();
    const worker = new Worker('debtor-reminders', debtorRemindersProcessor(t.database), { connection, prefix });
    try {
      const job = await queue.add('console', { reason: 'console', asOf }, { attempts: 1 });
      expect(await job.waitUntilFinished(events, 60_000)).toEqual({
        asOf,
        steps: [-7, 0, 15, 30],
        reminders: 4,
        invoices: 5,
        debtors: 1,
        withoutContact: { debtors: 1, invoices: 1 },
      });
      const [run] = await listJobRuns(t.database, { job: 'debtor-reminders' });
      expect(run).toMatchObject({ status: 'completed', businessDate: asOf, totals: expect.objectContaining({ reminders: 4 }) });
      const steps = await t.database.sql<{ step: number; invoices: string[] }[]>`
        select l.step, array_agg(l.invoice_id::text order by l.invoice_id) as invoices
          from debtor_statement_lines l join debtor_statement_sends s on s.id = l.send_id
         where s.kind = 'reminder' group by l.step order by l.step`;
      expect(steps).toEqual([
        { step: -7, invoices: [weekBefore.id] },
        { step: 0, invoices: [dueToday.id, missed.id].sort((a, b) => Number(a) - Number(b)) },
        { step: 15, invoices: [fifteen.id] },
        { step: 30, invoices: [thirty.id] },
      ]);
      for (const quietOne of [tooLate, disputed, confidential, noContact])
        expect(await statementSendsForInvoice(t.database.sql, Number(quietOne.id), team.controller)).toEqual([]);

      // again, the same day: nothing is sent twice
      const outboxBefore = await count(`email_outbox where template = 'debtor_statement'`);
      const again = await queue.add('console', { reason: 'console', asOf }, { attempts: 1 });
      expect(await again.waitUntilFinished(events, 60_000)).toMatchObject({ reminders: 0, invoices: 0 });
      expect(await count(`email_outbox where template = 'debtor_statement'`)).toBe(outboxBefore);
      expect(await count(`debtor_statement_lines where step is not null`)).toBe(5);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }

    // the emails go out with the reminder's statement attached
    await sendDueEmails(t.database, createTransport(smtp.url), { batch: 200 });
    const fifteenMail = await smtp.waitFor((m) => m.subject === 'Payment reminder from Northwind Factors: 1 invoice 15 days past due');
    expect(fifteenMail.text).toContain('Dear Steps AP,');
    const fifteenPdf = pdfText(fifteenMail.attachments[0]!.content, 'fifteen');
    expect(fifteenPdf).toContain('Payment reminder');
    expect(fifteenPdf).toMatch(/Reminder\s+15 days past due/);
    expect(fifteenPdf).toMatch(
      new RegExp(`${fifteen.number}\\s+Stepwise Supply\\s+2026-01-01\\s+2026-03-01\\s+15\\s+USD\\s+6,000\\.00\\s+1,000\\.00\\s+5,000\\.00\\n`),
    );
    expect(fifteenPdf).not.toContain(dueToday.number);
    const dueMail = await smtp.waitFor((m) => m.subject === 'Payment reminder from Northwind Factors: 2 invoices on the due date');
    const duePdf = pdfText(dueMail.attachments[0]!.content, 'due');
    expect(duePdf).toMatch(new RegExp(`${missed.number}\\s+Stepwise Supply\\s+\\S+\\s+2026-03-12\\s+4\\s+USD\\s+4,000\\.00`));
    expect(duePdf).toMatch(new RegExp(`${dueToday.number}\\s+Stepwise Supply\\s+\\S+\\s+2026-03-16\\s+due today\\s+USD\\s+10,000\\.00`));
    await smtp.waitFor((m) => m.subject === 'Payment reminder from Northwind Factors: 1 invoice 7 days before the due date');
    // on the invoice's log: the step and to whom
    expect(await statementSendsForInvoice(t.database.sql, Number(fifteen.id), team.controller)).toEqual([
      expect.objectContaining({
        what: 'Reminder, 15 days past due',
        to: 'reminders@steps.test',
        openThen: '5000.00',
        email: 'sent',
        by: 'job:debtor-reminders',
      }),
    ]);

    // the next day: nothing new for this debtor; the one without a contact is reminded once it has one (within the catch-up days)
    await tx((x) => setDebtorApContact(x, Number(silent.id), { apEmail: 'late@silent.test' }, team.collections));
    const nextDay = await runDebtorReminders(t.database, { asOf: '2026-03-17', by: team.admin });
    expect(nextDay).toMatchObject({ reminders: 1, invoices: 1, debtors: 1, withoutContact: { debtors: 0, invoices: 0 } });
    expect(await statementSendsForInvoice(t.database.sql, Number(noContact.id), team.controller)).toEqual([
      expect.objectContaining({ what: 'Reminder, on the due date', to: 'late@silent.test' }),
    ]);
    // the database itself refuses a step sent twice, and keeps what was sent
    const [line] = await t.database.sql<{ send_id: string }[]>`select send_id::text from debtor_statement_lines where invoice_id = ${fifteen.id} and step = 15`;
    await expect(
      t.database
        .sql`insert into debtor_statement_lines (send_id, invoice_id, step, currency, face_value, open_amount) values (${line!.send_id}, ${fifteen.id}, 15, 'USD', 1, 1)`,
    ).rejects.toMatchObject({ code: '23505' });
    await expect(t.database.sql`delete from debtor_statement_sends`).rejects.toThrow(/DELETE on debtor_statement_sends is not allowed/);
  });

  it('two runs at once send once; a run that dies after its first chunk leaves whole chunks, and the retry sends the rest', async () => {
    const asOf = '2026-06-30';
    const client = await aClient(t.database, team, { name: 'Chunky Goods' });
    const debtors = [];
    for (let n = 0; n < 4; n++) {
      const d = await aDebtor(t.database, team);
      await tx((x) => setDebtorApContact(x, Number(d.id), { apEmail: `ap${n}@chunky.test` }, team.collections));
      await fundedDue(client, d, asOf, '1000.00');
      await fundedDue(client, d, addDays(asOf, -30), '2000.00');
      debtors.push(d);
    }
    const before = await count('debtor_statement_lines where step is not null');
    let chunks = 0;
    await expect(
      runDebtorReminders(t.database, {
        asOf,
        by: team.admin,
        chunkSize: 1,
        onProgress: () => {
          chunks += 1;
          if (chunks === 1) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    // the first debtor's chunk committed whole: both its steps, nothing of the others
    expect(await count('debtor_statement_lines where step is not null')).toBe(before + 2);
    const [a, b] = await Promise.all([
      runDebtorReminders(t.database, { asOf, by: team.admin, chunkSize: 1 }),
      runDebtorReminders(t.database, { asOf, by: team.admin, chunkSize: 2 }),
    ]);
    expect(a.reminders + b.reminders).toBe(6);
    expect(a.invoices + b.invoices).toBe(6);
    expect(await count('debtor_statement_lines where step is not null')).toBe(before + 8);
    const perDebtor = await t.database.sql<{ debtor_id: string; steps: number[] }[]>`
      select s.debtor_id::text, array_agg(s.step order by s.step) as steps
        from debtor_statement_sends s where s.debtor_id = any(${debtors.map((d) => d.id)}::bigint[]) group by s.debtor_id order by s.debtor_id`;
    expect(perDebtor).toEqual(debtors.map((d) => ({ debtor_id: d.id, steps: [0, 30] })));
  });

  it('Settings → Debtor statements: steps changed by an admin (audited), blank switches reminders off', async () => {
    await expect(tx((x) => updateReminderSteps(x, '0, 45', team.collections))).rejects.toMatchObject({ status: 403 });
    expect(await tx((x) => updateReminderSteps(x, '45, 0', team.admin))).toEqual([0, 45]);
    const client = await aClient(t.database, team, { name: 'Off Switch' });
    const d = await aDebtor(t.database, team);
    await tx((x) => setDebtorApContact(x, Number(d.id), { apEmail: 'off@switch.test' }, team.collections));
    await fundedDue(client, d, '2026-08-01');
    expect(await runDebtorReminders(t.database, { asOf: '2026-07-25', by: team.admin })).toMatchObject({ steps: [0, 45], reminders: 0 }); // −7 is no step now
    await tx((x) => updateReminderSteps(x, '', team.admin));
    expect(await runDebtorReminders(t.database, { asOf: '2026-08-01', by: team.admin })).toMatchObject({ steps: [], reminders: 0 });
    const [event] = await t.database.sql<{ before: unknown; after: unknown }[]>`
      select before, after from audit_events where action = 'settings.reminder_steps' order by id desc limit 1`;
    expect(event).toEqual({ before: { steps: '0, 45' }, after: { steps: '' } });
    await tx((x) => updateReminderSteps(x, '-7, 0, 15, 30', team.admin));
  });
});
