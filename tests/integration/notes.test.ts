import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase, createDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import type { ClientView } from '../../lib/clients';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { addDays, todayIn } from '../../lib/dates';
import type { DebtorView } from '../../lib/debtors';
import type { InvoiceView } from '../../lib/invoices';
import { addNote, markFollowUpDone, type NoteView } from '../../lib/notes';
import { brokenPromises, currentPromise, myFollowUps, subjectNotes } from '../../lib/notes/queries';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { asOwner, createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 15 item 3: notes, the call log and follow-ups on clients, debtors and invoices — through
 * the API's route handlers with keys (201, the list newest first by keyset, 403 for a client
 * user's key, each refusal naming its field in words), the audit of a note and of a follow-up
 * marked done, the database keeping notes append-only and a follow-up done once, "My follow-ups
 * today" read as of today and as of tomorrow, promises to pay kept, broken and replaced by what was
 * actually collected, and the plans of those reads at volume (indexes, never a scan of notes or
 * follow-ups).
 */
let t: TestDatabase;
let team: Team;
let auditor: Actor;
let clientUser: Actor;
let client: ClientView;
let debtor: DebtorView;
let invoice: InvoiceView;
let keys: { collections: string; auditor: string; client: string; funding: string };
const today = todayIn();
const tomorrow = addDays(today, 1);
const tx = <T>(fn: (x: Parameters<Parameters<TestDatabase['database']['transaction']>[0]>[0]) => Promise<T>) => t.database.transaction(fn);

async function keyFor(actor: Actor): Promise<string> {
  return (await tx((x) => createApiKey(x, actor.userId!, 'notes test', actor))).key;
}

type Handler = (req: Request, ctx: never) => Promise<Response>;
/** A route's JSON answer: a note, a list of notes, or an error (API.md's shape). */
type Answer = NoteView & {
  items: NoteView[];
  nextCursor: string | null;
  total: number;
  error: { code: string; message: string; details: Record<string, string> };
};
async function call(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; body: Answer }> {
  const [pathname, qs] = path.split('?');
  const done = /^\/notes\/(\d+)\/done$/.exec(pathname!);
  const mod = (done
    ? await import('../../app/api/v1/notes/[id]/done/route')
    : pathname === '/notes'
      ? await import('../../app/api/v1/notes/route')
      : await import('../../app/api/v1/follow-ups/route')) as unknown as Record<string, Handler>;
  const res = await mod[method]!(
    new Request(`http://holdback.test/api/v1${pathname}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    }),
    { params: Promise.resolve(done ? { id: done[1] } : {}) } as never,
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  team = await aTeam(t.database);
  auditor = await aUser(t.database, 'auditor');
  client = await aClient(t.database, team, { name: 'Notes Client' });
  clientUser = await aUser(t.database, 'client', { clientId: Number(client.id) });
  debtor = await aDebtor(t.database, team);
  invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: addDays(today, -30) });
  keys = { collections: await keyFor(team.collections), auditor: await keyFor(auditor), client: await keyFor(clientUser), funding: await keyFor(team.funding) };
});

afterAll(async () => {
  await closeDatabase();
  await t?.drop();
});

describe('POST and GET /api/v1/notes', () => {
  it('adds a call with a follow-up on an invoice (201, the owner the author) and lists the invoice’s notes newest first, a page at a time', async () => {
    const first = await call('POST', '/notes', keys.collections, {
      subjectType: 'invoice',
      subjectId: invoice.id,
      text: 'Called AP (Dana): the invoice is approved, in the next payment run.',
      kind: 'call',
      followUpOn: tomorrow,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      subjectType: 'invoice',
      subjectId: invoice.id,
      subjectLabel: invoice.number,
      subjectUrl: `/invoices/${invoice.id}`,
      kind: 'call',
      text: 'Called AP (Dana): the invoice is approved, in the next payment run.',
      author: { id: String(team.collections.userId), email: team.collections.label },
      followUp: { dueOn: tomorrow, owner: { id: String(team.collections.userId) }, doneAt: null, doneBy: null, standing: 'upcoming' },
      promise: null,
    });
    expect(first.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const second = await call('POST', '/notes', keys.funding, { subjectType: 'invoice', subjectId: Number(invoice.id), text: 'Proof of delivery on file.' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ kind: 'note', followUp: null, author: { email: team.funding.label } });
    const third = await call('POST', '/notes', keys.collections, {
      subjectType: 'invoice',
      subjectId: invoice.id,
      text: 'Emailed the statement.',
      kind: 'email',
    });

    // newest first, two at a time, by keyset; the same rows as the table holds for the invoice
    const page1 = await call('GET', `/notes?subjectType=invoice&subjectId=${invoice.id}&limit=2`, keys.auditor);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((n: NoteView) => n.id)).toEqual([third.body.id, second.body.id]);
    expect(page1.body.total).toBe(3);
    const page2 = await call('GET', `/notes?subjectType=invoice&subjectId=${invoice.id}&limit=2&cursor=${page1.body.nextCursor}`, keys.auditor);
    expect(page2.body.items.map((n: NoteView) => n.id)).toEqual([first.body.id]);
    expect(page2.body.nextCursor).toBeNull();
    // another subject's notes are not in the list
    await call('POST', '/notes', keys.collections, { subjectType: 'debtor', subjectId: debtor.id, text: 'Debtor moved to net 45.', kind: 'meeting' });
    const onDebtor = await call('GET', `/notes?subjectType=debtor&subjectId=${debtor.id}`, keys.collections);
    expect(onDebtor.body.items).toHaveLength(1);
    expect(onDebtor.body.items[0]).toMatchObject({ subjectType: 'debtor', subjectLabel: debtor.name, kind: 'meeting' });
  });

  it('is internal: a client user’s key is refused (403) reading or writing, an auditor reads but may not write', async () => {
    const read = await call('GET', `/notes?subjectType=client&subjectId=${client.id}`, keys.client);
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe('forbidden');
    const write = await call('POST', '/notes', keys.client, { subjectType: 'client', subjectId: client.id, text: 'hello' });
    expect(write.status).toBe(403);
    expect((await call('GET', '/follow-ups', keys.client)).status).toBe(403);
    expect((await call('GET', `/notes?subjectType=client&subjectId=${client.id}`, keys.auditor)).status).toBe(200);
    const auditorWrite = await call('POST', '/notes', keys.auditor, { subjectType: 'client', subjectId: client.id, text: 'hello' });
    expect(auditorWrite.status).toBe(403);
    expect(auditorWrite.body.error.message).toMatch(/^The auditor role may not add notes and follow-ups/);
    expect(await t.database.sql`select 1 from notes where subject_type = 'client' and subject_id = ${client.id}`).toHaveLength(0);
  });

  it('refuses bad input naming the field in words, and stores nothing', async () => {
    const before = await t.database.sql<{ n: number }[]>`select count(*)::int as n from notes`;
    const base = { subjectType: 'invoice', subjectId: invoice.id, text: 'A note' };
    const cases: [unknown, number, Record<string, string>][] = [
      [{ ...base, text: '  ' }, 400, { text: 'Text is required' }],
      [{ ...base, subjectType: 'vendor' }, 400, { subjectType: 'Subject type must be one of: client, debtor, invoice' }],
      [{ ...base, kind: 'fax' }, 400, { kind: 'Kind must be one of: note, call, email, meeting' }],
      [{ ...base, text: 'x'.repeat(5001) }, 400, { text: 'Text must be at most 5000 characters' }],
      [{ ...base, subjectId: 999999 }, 422, { subjectId: 'no such invoice' }],
      [{ ...base, followUpOn: '2026-02-30' }, 400, { followUpOn: 'Follow-up date must be a real date written YYYY-MM-DD, such as 2026-03-31' }],
      [{ ...base, followUpOn: addDays(today, -1) }, 422, { followUpOn: `must be today (${today}) or later` }],
      [{ ...base, followUpOwner: team.funding.userId }, 400, { followUpOn: 'Follow-up date is required to give the follow-up an owner' }],
      [{ ...base, followUpOn: tomorrow, followUpOwner: clientUser.userId }, 422, { followUpOwner: 'must be an active staff member who may add notes' }],
      [{ ...base, followUpOn: tomorrow, followUpOwner: auditor.userId }, 422, { followUpOwner: 'must be an active staff member who may add notes' }],
      [{ ...base, followUpOn: tomorrow, followUpOwner: 987654 }, 422, { followUpOwner: 'no such user' }],
      [{ ...base, promisedOn: tomorrow }, 400, { promisedAmount: 'Promised amount is required with a promised date' }],
      [{ ...base, promisedAmount: '100.00' }, 400, { promisedOn: 'Promised date is required with a promised amount' }],
      [{ ...base, promisedOn: tomorrow, promisedAmount: '0' }, 400, { promisedAmount: 'Promised amount must be more than 0' }],
      [{ ...base, promisedOn: tomorrow, promisedAmount: '100.001' }, 400, { promisedAmount: 'at most 2 decimal places in USD' }],
      [{ ...base, promisedOn: tomorrow, promisedAmount: '10000.01' }, 422, { promisedAmount: 'must be at most 10000.00' }],
      [{ ...base, promisedOn: addDays(today, -2), promisedAmount: '100' }, 422, { promisedOn: `must be today (${today}) or later` }],
      [
        { subjectType: 'debtor', subjectId: debtor.id, text: 'Will pay', promisedOn: tomorrow, promisedAmount: '100' },
        400,
        { promisedOn: 'A promise to pay is recorded on an invoice, not on a debtor' },
      ],
    ];
    for (const [body, status, details] of cases) {
      const res = await call('POST', '/notes', keys.collections, body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(status);
      expect(res.body.error.details, JSON.stringify(body).slice(0, 120)).toMatchObject(details);
      expect(res.body.error.message).not.toMatch(/Invalid input|expected/);
    }
    const messages = await call('POST', '/notes', keys.collections, { ...base, promisedOn: tomorrow, promisedAmount: '10000.01' });
    expect(messages.body.error.message).toBe(`Promised amount 10,000.01 USD is more than the 10,000.00 USD still owed on invoice ${invoice.number}`);
    const unfunded = await anInvoice(t.database, team, { client, debtor });
    const notOpen = await call('POST', '/notes', keys.collections, {
      subjectType: 'invoice',
      subjectId: unfunded.id,
      text: 'x',
      promisedOn: tomorrow,
      promisedAmount: '10',
    });
    expect(notOpen).toMatchObject({ status: 422, body: { error: { code: 'invoice_not_open' } } });
    expect(notOpen.body.error.message).toBe(`Invoice ${unfunded.number} is verified: a promise to pay is recorded on a funded invoice that is still owed`);
    expect((await call('GET', '/notes?subjectType=invoice', keys.collections)).body.error.details).toEqual({
      subjectId: 'Subject id is required with a subject type',
    });
    const after = await t.database.sql<{ n: number }[]>`select count(*)::int as n from notes`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('a follow-up', () => {
  it('is on its owner’s "My follow-ups today" from its date on — tomorrow’s list holds tomorrow’s — until it is marked done (once, audited)', async () => {
    const collector = await aUser(t.database, 'collections');
    const colleague = await aUser(t.database, 'funding');
    const due = await tx((x) =>
      addNote(x, { subjectType: 'debtor', subjectId: debtor.id, text: 'Chase the remittance advice', kind: 'call', followUpOn: today }, collector),
    );
    const ahead = await tx((x) =>
      addNote(x, { subjectType: 'invoice', subjectId: invoice.id, text: 'Call back after their payment run', kind: 'call', followUpOn: tomorrow }, collector),
    );
    const nextWeek = await tx((x) =>
      addNote(x, { subjectType: 'client', subjectId: client.id, text: 'Review the schedule', followUpOn: addDays(today, 7) }, collector),
    );
    const farOff = await tx((x) =>
      addNote(x, { subjectType: 'client', subjectId: client.id, text: 'Annual review', followUpOn: addDays(today, 30) }, collector),
    );
    // someone else's follow-up, written by the collector for a colleague: the colleague's list, not the collector's
    const forColleague = await tx((x) =>
      addNote(x, { subjectType: 'invoice', subjectId: invoice.id, text: 'Send the POD', followUpOn: today, followUpOwner: colleague.userId }, collector),
    );
    expect(forColleague.followUp!.owner.id).toBe(String(colleague.userId));
    // a follow-up added "yesterday" (as of yesterday) and still open is overdue today
    const late = await tx((x) =>
      addNote(x, { subjectType: 'invoice', subjectId: invoice.id, text: 'Old promise check', followUpOn: addDays(today, -1) }, collector, {
        today: addDays(today, -1),
      }),
    );

    const now = await myFollowUps(t.database, collector.userId!, today);
    expect(now.due.items.map((n) => n.id)).toEqual([late.id, due.id]);
    expect(now.due.items.map((n) => n.followUp!.standing)).toEqual(['overdue', 'due_today']);
    expect(now.due.total).toBe(2);
    expect(now.upcoming.items.map((n) => n.id)).toEqual([ahead.id, nextWeek.id]);
    expect(now.upcoming.items.every((n) => !now.due.items.some((d) => d.id === n.id))).toBe(true);
    expect(now.upcoming.items.map((n) => n.id)).not.toContain(farOff.id);

    // tomorrow's dashboard: the same query as of tomorrow has tomorrow's follow-up due
    const tomorrowsList = await myFollowUps(t.database, collector.userId!, tomorrow);
    expect(tomorrowsList.due.items.map((n) => n.id)).toEqual([late.id, due.id, ahead.id]);
    expect(tomorrowsList.due.items.find((n) => n.id === ahead.id)!.followUp!.standing).toBe('due_today');
    expect((await myFollowUps(t.database, colleague.userId!, today)).due.items.map((n) => n.id)).toEqual([forColleague.id]);

    // done through the API: 200 with who and when; off the list; the note unchanged; audited
    const collectorKey = await keyFor(collector);
    const closed = await call('POST', `/notes/${due.id}/done`, collectorKey);
    expect(closed.status).toBe(200);
    expect(closed.body.followUp).toMatchObject({ standing: 'done', doneBy: { id: String(collector.userId) } });
    expect(closed.body.followUp!.doneAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(closed.body.text).toBe('Chase the remittance advice');
    expect((await myFollowUps(t.database, collector.userId!, today)).due.items.map((n) => n.id)).toEqual([late.id]);
    const again = await call('POST', `/notes/${due.id}/done`, collectorKey);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_done' } } });
    expect(again.body.error.message).toMatch(new RegExp(`^The follow-up of note ${due.id} was marked done already, by `));
    const second = await tx((x) => addNote(x, { subjectType: 'debtor', subjectId: debtor.id, text: 'no follow-up' }, collector));
    expect(await call('POST', `/notes/${second.id}/done`, collectorKey)).toMatchObject({ status: 422, body: { error: { code: 'no_follow_up' } } });
    expect(await call('POST', '/notes/99999999/done', collectorKey)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await call('POST', `/notes/${late.id}/done`, keys.auditor)).status).toBe(403);

    // a colleague may close it for its owner; the log says who did
    await tx((x) => markFollowUpDone(x, Number(forColleague.id), collector));
    const audit = await t.database.sql<
      { action: string; actor: string; target_type: string; target_id: string; before: Record<string, unknown>; after: Record<string, unknown> }[]
    >`
      select action, actor, target_type, target_id, before, after from audit_events
       where action in ('note.add', 'follow_up.done') and (after->>'noteId') in (${due.id}, ${forColleague.id}) order by id`;
    expect(audit.map((a) => [a.action, a.target_type, a.target_id])).toEqual([
      ['note.add', 'debtor', debtor.id],
      ['note.add', 'invoice', invoice.id],
      ['follow_up.done', 'debtor', debtor.id],
      ['follow_up.done', 'invoice', invoice.id],
    ]);
    expect(audit[0]!.after).toMatchObject({
      noteId: due.id,
      kind: 'call',
      text: 'Chase the remittance advice',
      followUp: { dueOn: today, owner: collector.label },
      promise: null,
    });
    expect(audit[1]!.after).toMatchObject({ followUp: { ownerId: String(colleague.userId), owner: colleague.label } });
    expect(audit[2]!).toMatchObject({ actor: collector.label, before: { noteId: due.id, doneAt: null }, after: { noteId: due.id, doneBy: collector.label } });
    expect(audit[3]!.after).toMatchObject({ noteId: forColleague.id, owner: colleague.label, doneBy: collector.label });
  });

  it('the database keeps notes as written and a follow-up changes once, to done', async () => {
    const note = await tx((x) => addNote(x, { subjectType: 'client', subjectId: client.id, text: 'As written', followUpOn: tomorrow }, team.collections));
    // the app role: neither UPDATE nor DELETE on notes, no DELETE on follow-ups
    await expect(t.database.sql`update notes set body = 'rewritten' where id = ${note.id}`).rejects.toThrow(/permission denied/);
    await expect(t.database.sql`delete from notes where id = ${note.id}`).rejects.toThrow(/permission denied/);
    await expect(t.database.sql`delete from follow_ups where note_id = ${note.id}`).rejects.toThrow(/permission denied/);
    // the owner (who may): the triggers refuse
    await expect(asOwner(t, (sql) => sql`update notes set body = 'rewritten' where id = ${note.id}`)).rejects.toThrow(/append-only/);
    await expect(asOwner(t, (sql) => sql`delete from follow_ups where note_id = ${note.id}`)).rejects.toThrow(/DELETE on follow_ups is not allowed/);
    await expect(t.database.sql`update follow_ups set due_on = due_on + 1 where note_id = ${note.id}`).rejects.toThrow(/only ever marked done/);
    await tx((x) => markFollowUpDone(x, Number(note.id), team.collections));
    await expect(t.database.sql`update follow_ups set done_at = now() where note_id = ${note.id}`).rejects.toThrow(/done already/);
    const [kept] = await t.database.sql<{ body: string }[]>`select body from notes where id = ${note.id}`;
    expect(kept!.body).toBe('As written');
  });
});

describe('a promise to pay', () => {
  it('is pending until its date, broken the day after without the money, kept once collected; a later promise replaces it', async () => {
    const owed = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '8000.00', fundingDate: addDays(today, -20) });
    const made = addDays(today, -5);
    // recorded five days ago: 3,000.00 by two days ago (as of the day it was recorded)
    const promise = await tx((x) =>
      addNote(
        x,
        {
          subjectType: 'invoice',
          subjectId: owed.id,
          text: 'AP promised 3,000 by Friday',
          kind: 'call',
          promisedOn: addDays(today, -2),
          promisedAmount: '3000',
        },
        team.collections,
        { today: made },
      ),
    );
    expect(promise.promise).toMatchObject({
      promisedOn: addDays(today, -2),
      amount: '3000.00',
      currency: 'USD',
      madeOn: made,
      collected: '0.00',
      standing: 'pending',
    });
    expect((await currentPromise(t.database, Number(owed.id), addDays(today, -2)))!.promise!.standing).toBe('pending');
    const broken = await currentPromise(t.database, Number(owed.id), today);
    expect(broken!.id).toBe(promise.id);
    expect(broken!.promise).toMatchObject({ standing: 'broken', standingLabel: 'Promise broken/overdue', collected: '0.00' });
    expect((await brokenPromises(t.database, today)).items.map((n) => n.id)).toContain(promise.id);

    // money received before the promise was made does not count toward it
    const early = await tx((x) =>
      receivePayment(x, { amount: '2000.00', currency: 'USD', receivedDate: addDays(today, -6), payerName: 'AP', reference: 'early' }, team.collections),
    );
    await tx((x) => applyPayment(x, Number(early.id), { allocations: [{ invoiceId: owed.id, amount: '2000.00' }] }, team.collections));
    expect((await currentPromise(t.database, Number(owed.id), today))!.promise).toMatchObject({ standing: 'broken', collected: '0.00' });
    // money received since: part of it is still broken, to the cent; all of it keeps it (late)
    const part = await tx((x) =>
      receivePayment(x, { amount: '2999.99', currency: 'USD', receivedDate: addDays(today, -1), payerName: 'AP', reference: 'part' }, team.collections),
    );
    await tx((x) => applyPayment(x, Number(part.id), { allocations: [{ invoiceId: owed.id, amount: '2999.99' }] }, team.collections));
    expect((await currentPromise(t.database, Number(owed.id), today))!.promise).toMatchObject({ standing: 'broken', collected: '2999.99' });
    const rest = await tx((x) =>
      receivePayment(x, { amount: '0.01', currency: 'USD', receivedDate: today, payerName: 'AP', reference: 'rest' }, team.collections),
    );
    await tx((x) => applyPayment(x, Number(rest.id), { allocations: [{ invoiceId: owed.id, amount: '0.01' }] }, team.collections));
    expect((await currentPromise(t.database, Number(owed.id), today))!.promise).toMatchObject({ standing: 'kept', collected: '3000.00' });
    expect((await brokenPromises(t.database, today)).items.map((n) => n.id)).not.toContain(promise.id);

    // a new promise replaces the old: the old reads replaced, the invoice's flag follows the new one
    const renewed = await tx((x) =>
      addNote(
        x,
        { subjectType: 'invoice', subjectId: owed.id, text: 'The rest by next week', promisedOn: addDays(today, 7), promisedAmount: '1000.00' },
        team.collections,
      ),
    );
    expect((await currentPromise(t.database, Number(owed.id), today))!.id).toBe(renewed.id);
    const unkept = await tx((x) =>
      addNote(x, { subjectType: 'invoice', subjectId: owed.id, text: 'Now 500 tomorrow', promisedOn: tomorrow, promisedAmount: '500.00' }, team.collections),
    );
    const history = await subjectNotes(t.database, { subjectType: 'invoice', subjectId: Number(owed.id) }, addDays(today, 10));
    const standing = Object.fromEntries(history.items.map((n) => [n.id, n.promise?.standing]));
    expect(standing).toEqual({ [unkept.id]: 'broken', [renewed.id]: 'superseded', [promise.id]: 'kept' });
    expect((await brokenPromises(t.database, addDays(today, 10))).items.map((n) => n.id)).toEqual(expect.arrayContaining([unkept.id]));
    expect((await brokenPromises(t.database, addDays(today, 10))).items.map((n) => n.id)).not.toContain(renewed.id);
  });
});

describe('at volume', () => {
  it('reads a person’s follow-ups, a subject’s notes and the promises through their indexes: no scan of notes or follow-ups', async () => {
    const owner = await aUser(t.database, 'collections');
    // 120,000 notes over 40,000 subjects, 90,000 follow-ups (two thirds done; a tenth of the open ones the owner's), 2,000 promises on invoices
    await asOwner(t, async (sql) => {
      await sql`
        insert into notes (subject_type, subject_id, kind, body, author_id, created_at, promised_on, promised_amount, promise_made_on)
        select (array['client','debtor','invoice'])[1 + g % 3], 1000000 + g % 40000, 'note', 'volume note ' || g, ${owner.userId},
               now() - (g || ' minutes')::interval,
               case when g % 60 = 2 then ${today}::date - (g % 90) end, case when g % 60 = 2 then 100 end, case when g % 60 = 2 then ${today}::date - 100 end
          from generate_series(1, 120000) g`;
      await sql`
        insert into follow_ups (note_id, owner_id, due_on, done_at, done_by)
        select n.id, case when n.id % 30 = 0 then ${owner.userId}::bigint else ${team.funding.userId}::bigint end, ${today}::date - (n.id % 200)::int + 100,
               case when n.id % 3 <> 0 then now() end, case when n.id % 3 <> 0 then ${owner.userId}::bigint end
          from notes n where n.body like 'volume note %' and n.id % 4 <> 0`;
      await sql`analyze notes`;
      await sql`analyze follow_ups`;
    });
    const sent: { query: string; params: unknown[] }[] = [];
    const recorder = createDatabase(t.appUrl, { max: 1, debug: (_c, query, params) => void sent.push({ query, params: params as unknown[] }) });
    try {
      const mine = await myFollowUps(recorder, owner.userId!, today);
      expect(mine.due.total).toBeGreaterThan(25);
      expect(mine.due.items).toHaveLength(25);
      await subjectNotes(recorder, { subjectType: 'invoice', subjectId: 1000002 }, today);
      await currentPromise(recorder, 1000002, today);
      await brokenPromises(recorder, today);
    } finally {
      await recorder.close();
    }
    const reads = sent.filter((s) => /^\s*(select|with)\b/i.test(s.query));
    expect(reads.length).toBeGreaterThanOrEqual(6);
    type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
    const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
    const indexes = new Set<string>();
    for (const s of reads) {
      const [row] = await t.admin.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${s.query}`, s.params as never[]);
      const nodes = nodesOf(row!['QUERY PLAN'][0].Plan);
      const scans = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && (n['Relation Name'] === 'notes' || n['Relation Name'] === 'follow_ups'));
      expect(scans, s.query.replace(/\s+/g, ' ').slice(0, 200)).toEqual([]);
      for (const n of nodes) if (n['Index Name']) indexes.add(n['Index Name']);
    }
    expect([...indexes]).toEqual(
      expect.arrayContaining(['follow_ups_open_owner_idx', 'notes_subject_idx', 'notes_invoice_promises_idx', 'notes_promised_on_idx']),
    );
  });
});
