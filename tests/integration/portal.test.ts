import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { clientReleases, rebateAdvice, reserveForecast, reserveHistory } from '../../lib/portal';
import { approveRelease, runReleaseCycle } from '../../lib/releases';
import { verifyPassword } from '../../lib/auth/password';
import { acceptInvite, inviteClientUser, readInvite } from '../../lib/users/invite';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  process.env.AUTH_SECRET ??= 'integration-test-secret';
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;

describe('client portal data', () => {
  it('shows a client its reserve over time, its releases and rebate advice, and when the rest is expected back; another client gets 404', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    await t.database.sql`update clients set contacts = '[{"name":"AP","email":"ap@portal.test"}]'::jsonb where id = ${client.id}`;
    const other = await aClient(t.database, team, { agreement: NAYA });
    const debtor = await aDebtor(t.database, team);
    const paid = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const open = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '5000.00', fundingDate: '2026-02-01' });
    const p = await t.database.transaction((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-01-31' }, team.collections));
    await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: paid.id, amount: '10000.00' }] }, team.collections));
    const cycle = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [client.id] }, team.controller);
    await t.database.transaction((x) => approveRelease(x, Number(cycle.releases[0]!.id), {}, team.approver));

    const me = await aUser(t.database, 'client', { clientId: Number(client.id) });
    const history = await reserveHistory(t.database, Number(client.id), me, { today: '2026-03-15', months: 4 });
    expect(history).toEqual([
      { date: '2025-11-30', currency: 'USD', held: '0.00' },
      { date: '2025-12-31', currency: 'USD', held: '0.00' },
      { date: '2026-01-31', currency: 'USD', held: '1900.00' }, // 2,000 withheld, the 100 fee taken at payment
      { date: '2026-02-28', currency: 'USD', held: '1000.00' }, // 1,900 released; 1,000 on the open invoice
      { date: '2026-03-15', currency: 'USD', held: '1000.00' },
    ]);
    expect(await clientReleases(t.database, Number(client.id), me)).toEqual([
      expect.objectContaining({ asOf: '2026-02-13', released: '1900.00', paid: null, status: 'approved' }),
    ]);
    const advice = await rebateAdvice(t.database, Number(client.id), Number(cycle.releases[0]!.id), me);
    expect(advice).toMatchObject({ subject: expect.stringContaining('1900.00 USD'), sentTo: ['ap@portal.test'] });
    expect(advice.text).toContain(`Invoice ${paid.number}`);

    // the open invoice: due 2026-03-01, 14 days past due on 2026-03-15 — expected from today, back at
    // the next biweekly cycle; that this debtor paid its one other invoice 29 days early is too little
    // history to read as a habit (MIN_HISTORY), and an overdue invoice is never dated before today
    const forecast = await reserveForecast(t.database, Number(client.id), me, '2026-03-15');
    expect(forecast.items).toEqual([
      expect.objectContaining({
        label: `Invoice ${open.number}`,
        held: '1000.00',
        expectedBack: '2026-03-27',
        why: '14 days past due on 2026-03-15; expected from today',
      }),
    ]);
    expect(forecast.buckets).toEqual([{ month: '2026-03', currency: 'USD', amount: '1000.00' }]);
    // before it is due, the roll-up's count of the debtor's settled invoices says why its average is not used
    const early = await reserveForecast(t.database, Number(client.id), me, '2026-02-20');
    expect(early.items).toEqual([
      expect.objectContaining({
        label: `Invoice ${open.number}`,
        expectedBack: '2026-03-13',
        why: 'due 2026-03-01; too little payment history for this debtor to adjust (1 paid invoice)',
      }),
    ]);

    // strictly its own client: everything about another client is 404
    for (const call of [
      () => reserveHistory(t.database, Number(other.id), me),
      () => reserveForecast(t.database, Number(other.id), me),
      () => clientReleases(t.database, Number(other.id), me),
      () => rebateAdvice(t.database, Number(other.id), Number(cycle.releases[0]!.id), me),
    ]) {
      await expect(call()).rejects.toMatchObject({ status: 404 });
    }
    // and a release id of another client under its own id is 404 too
    const otherUser = await aUser(t.database, 'client', { clientId: Number(other.id) });
    await expect(rebateAdvice(t.database, Number(other.id), Number(cycle.releases[0]!.id), otherUser)).rejects.toMatchObject({ status: 404 });
  });
});

describe('inviting a client user', () => {
  it('emails a set-password link that works once, and refuses tampered or expired links', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    const { user } = await t.database.transaction((x) =>
      inviteClientUser(x, { email: 'Invitee@Client.test', name: 'Ivy Invitee', clientId: client.id }, team.admin),
    );
    expect(user).toMatchObject({ email: 'invitee@client.test', role: 'client', clientId: client.id });
    const [mail] = await t.database.sql<
      { to: string; subject: string; text: string }[]
    >`select "to", subject, text from email_outbox where template = 'client_invite' and "to" = 'invitee@client.test'`;
    expect(mail!.subject).toBe(`You are invited to the ${client.name} reserve portal`);
    const token = /set-password\?token=([A-Za-z0-9_.-]+)/.exec(mail!.text)![1]!;

    await expect(readInvite(t.database, `${token.slice(0, -2)}xx`)).rejects.toMatchObject({ code: 'invalid_link' });
    await expect(readInvite(t.database, token, new Date(Date.now() + 8 * 86_400_000))).rejects.toMatchObject({ code: 'invalid_link' });
    await expect(t.database.transaction((x) => acceptInvite(x, { token, password: 'short' }))).rejects.toMatchObject({ code: 'weak_password' });
    await expect(t.database.transaction((x) => acceptInvite(x, { token, password: 'a-long-password', confirm: 'another-one' }))).rejects.toMatchObject({
      code: 'password_mismatch',
    });
    expect(await t.database.transaction((x) => acceptInvite(x, { token, password: 'a-long-password', confirm: 'a-long-password' }))).toEqual({
      email: 'invitee@client.test',
    });
    const [row] = await t.database.sql<{ password_hash: string }[]>`select password_hash from users where email = 'invitee@client.test'`;
    expect(await verifyPassword(row!.password_hash, 'a-long-password')).toBe(true);
    // used once: the same link no longer works
    await expect(t.database.transaction((x) => acceptInvite(x, { token, password: 'yet-another-password' }))).rejects.toMatchObject({ code: 'invalid_link' });
    // only admins invite
    await expect(t.database.transaction((x) => inviteClientUser(x, { email: 'x@client.test', clientId: client.id }, team.underwriter))).rejects.toMatchObject({
      status: 403,
    });
  });
});
