import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPayoutAccount } from '../../lib/clients/payout-account';
import {
  approvePayoutAccountChange,
  cancelPayoutAccountChange,
  clientsWithPendingPayoutChange,
  listPayoutAccountChanges,
  pendingPayoutAccountChange,
  pendingPayoutChangeClients,
  rejectPayoutAccountChange,
  requestPayoutAccountChange,
} from '../../lib/clients/payout-changes';
import { loadOriginator, payoutBankSettings, updateAchOriginator, updateSepaDebtor } from '../../lib/payouts/originator';
import type { Actor } from '../../lib/auth/actor';
import { aClient, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 14, item 4: a client's payout account changes only when a second person approves the
 * request; its contacts are emailed with the new account masked; audit events never hold the
 * whole account number; a second request waits for the first; releases wait while one is pending.
 * And the factor's own bank in Settings → Payout bank.
 */
let t: TestDatabase;
let team: Team;
let secondUnderwriter: Actor;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  secondUnderwriter = await aUser(t.database, 'underwriter');
});
afterAll(async () => t?.drop());

const US = { holderName: 'Acme Payee LLC', routing: '011000015', account: '000987654321', accountType: 'savings' };
const tx = <T>(fn: (x: Parameters<Parameters<TestDatabase['database']['transaction']>[0]>[0]) => Promise<T>) => t.database.transaction(fn);

async function aClientWithContacts(currency = 'USD') {
  const client = await aClient(t.database, team, { currency });
  await t.admin.sql`
    update clients set contacts = ${JSON.stringify([
      { name: 'AP', email: `ap-${client.id}@client.test`, notifyRebates: false },
      { name: 'CFO', email: `cfo-${client.id}@client.test` },
    ])}::jsonb where id = ${client.id}`;
  return Number(client.id);
}

describe('a payout account change under four-eyes', () => {
  it('is a request; its requester may not approve it; another person does, the contacts are emailed masked, the audit is masked', async () => {
    const clientId = await aClientWithContacts();
    const requested = await tx((x) => requestPayoutAccountChange(x, clientId, US, team.underwriter));
    expect(requested).toMatchObject({ status: 'pending', proposed: { account: '••••4321', masked: 'savings ••••4321 at 011000015' } });
    // nothing changed yet, and the client's releases wait
    expect(await getPayoutAccount(t.database, clientId, team.approver)).toBeNull();
    expect(await pendingPayoutChangeClients(t.database, [clientId])).toEqual(new Set([clientId]));
    const waiting = await t.database.sql<
      { client_id: string }[]
    >`select client_id from (${clientsWithPendingPayoutChange(t.database.sql)}) w where client_id = ${clientId}`;
    expect(waiting).toHaveLength(1);
    expect((await pendingPayoutAccountChange(t.database, clientId, team.approver))?.id).toBe(requested.changeId);
    expect((await listPayoutAccountChanges(t.database, { status: 'pending' })).map((c) => c.id)).toContain(requested.changeId);

    // maker ≠ checker: the requester (an underwriter, who holds the approve permission too) is refused
    await expect(tx((x) => approvePayoutAccountChange(x, Number(requested.changeId), team.underwriter))).rejects.toMatchObject({
      status: 403,
      code: 'maker_checker',
      message: 'You requested this payout account change, so someone else must approve or reject it',
    });
    await expect(tx((x) => rejectPayoutAccountChange(x, Number(requested.changeId), { reason: 'no' }, team.underwriter))).rejects.toMatchObject({
      code: 'maker_checker',
    });
    // a role without the permission
    await expect(tx((x) => approvePayoutAccountChange(x, Number(requested.changeId), team.funding))).rejects.toMatchObject({ status: 403, code: 'forbidden' });

    const approved = await tx((x) => approvePayoutAccountChange(x, Number(requested.changeId), secondUnderwriter));
    expect(approved).toMatchObject({ status: 'approved', decidedBy: secondUnderwriter.label });
    expect(await getPayoutAccount(t.database, clientId, team.approver)).toMatchObject({ kind: 'aba', holderName: 'Acme Payee LLC', account: '••••4321' });
    const [stored] = await t.admin.sql<{ payout_account: { account: string } }[]>`select payout_account from clients where id = ${clientId}`;
    expect(stored!.payout_account.account).toBe('000987654321');
    expect(await pendingPayoutChangeClients(t.database, [clientId])).toEqual(new Set());

    // every contact emailed (a rebate opt-out does not opt out of this), masked, saying whom to call
    const mails = await t.database.sql<{ to: string; subject: string; text: string; html: string }[]>`
      select "to", subject, text, html from email_outbox where template = 'payout_account_changed' and client_id = ${clientId} order by "to"`;
    expect(mails.map((m) => m.to)).toEqual([`ap-${clientId}@client.test`, `cfo-${clientId}@client.test`]);
    for (const m of mails) {
      expect(m.text).toContain('Acme Payee LLC, savings ••••4321 at 011000015');
      expect(m.text).toContain('If you did not ask for this change, call');
      expect(m.text + m.html).not.toContain('000987654321');
    }

    // the audit: request and approval, masked before and after
    const audit = await t.database.sql<{ action: string; before: unknown; after: unknown }[]>`
      select action, before, after from audit_events where target_type = 'client' and target_id = ${String(clientId)} and action like 'client.payout_account%' order by id`;
    expect(audit.map((a) => a.action)).toEqual(['client.payout_account_change_requested', 'client.payout_account']);
    expect(audit[1]!.after).toMatchObject({ account: '••••4321', changeId: requested.changeId, contactsEmailed: 2 });
    expect(JSON.stringify(audit)).not.toContain('000987654321');

    // decided once: approving again is 409
    await expect(tx((x) => approvePayoutAccountChange(x, Number(requested.changeId), team.approver))).rejects.toMatchObject({
      status: 409,
      code: 'already_decided',
    });

    // the next change shows the account it replaces, masked, in the email
    const next = await tx((x) =>
      requestPayoutAccountChange(x, clientId, { holderName: 'Acme Payee LLC', routing: '026009593', account: '4432100987' }, team.admin),
    );
    await tx((x) => approvePayoutAccountChange(x, Number(next.changeId), team.controller));
    const [second] = await t.database.sql<{ text: string }[]>`
      select text from email_outbox where template = 'payout_account_changed' and client_id = ${clientId} order by id desc limit 1`;
    expect(second!.text).toContain('It replaces savings ••••4321 at 011000015');
  });

  it('a second request while one waits is refused 409, saying which one waits and what to do', async () => {
    const clientId = await aClientWithContacts();
    const first = await tx((x) => requestPayoutAccountChange(x, clientId, US, team.underwriter));
    const refused = tx((x) => requestPayoutAccountChange(x, clientId, { ...US, account: '11112222' }, secondUnderwriter));
    await expect(refused).rejects.toMatchObject({
      status: 409,
      code: 'payout_change_pending',
      details: { changeId: first.changeId },
      message: expect.stringMatching(
        new RegExp(
          `waits for approval already \\(request ${first.changeId}, by ${team.underwriter.label} on .*\\): it must be approved, rejected or cancelled before another is requested`,
        ),
      ),
    });
    // the requester withdraws it; then a new one may be requested
    await tx((x) => cancelPayoutAccountChange(x, Number(first.changeId), {}, team.underwriter));
    const again = await tx((x) => requestPayoutAccountChange(x, clientId, { ...US, account: '11112222' }, secondUnderwriter));
    expect(again.status).toBe('pending');
    expect(await t.database.sql`select status from payout_account_changes where client_id = ${clientId} order by id`).toEqual([
      { status: 'cancelled' },
      { status: 'pending' },
    ]);
  });

  it('a rejection needs a reason; the account stays as it was; nobody is emailed', async () => {
    const clientId = await aClientWithContacts();
    const { changeId } = await tx((x) => requestPayoutAccountChange(x, clientId, US, team.underwriter));
    await expect(tx((x) => rejectPayoutAccountChange(x, Number(changeId), { reason: ' ' }, team.approver))).rejects.toMatchObject({
      status: 400,
      code: 'reason_required',
    });
    const rejected = await tx((x) => rejectPayoutAccountChange(x, Number(changeId), { reason: 'The client did not ask for it' }, team.approver));
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'The client did not ask for it', decidedBy: team.approver.label });
    expect(await getPayoutAccount(t.database, clientId, team.approver)).toBeNull();
    expect(await t.database.sql`select 1 from email_outbox where template = 'payout_account_changed' and client_id = ${clientId}`).toHaveLength(0);
    const [audit] = await t.database.sql<{ after: unknown }[]>`
      select after from audit_events where action = 'client.payout_account_change_rejected' and target_id = ${String(clientId)}`;
    expect(audit!.after).toMatchObject({ reason: 'The client did not ask for it', proposed: { account: '••••4321' } });
  });

  it('a EUR client needs an IBAN account; checks and masks IBAN and BIC', async () => {
    const clientId = await aClientWithContacts('EUR');
    await expect(tx((x) => requestPayoutAccountChange(x, clientId, US, team.underwriter))).rejects.toMatchObject({
      status: 400,
      details: { iban: expect.stringContaining('is paid in EUR: its payout account must be an IBAN account (IBAN and BIC)') },
    });
    await expect(
      tx((x) => requestPayoutAccountChange(x, clientId, { holderName: 'Globex', iban: 'DE89 3704 0044 0532 0130 01', bic: 'COBADEFF' }, team.underwriter)),
    ).rejects.toMatchObject({ status: 400, details: { iban: 'IBAN is not valid: its check digits do not match' } });
    const ok = await tx((x) =>
      requestPayoutAccountChange(x, clientId, { holderName: 'Globex', iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' }, team.underwriter),
    );
    expect(ok.proposed).toEqual({
      kind: 'iban',
      holderName: 'Globex',
      iban: 'DE89 •••• •••• •••• 3000',
      bic: 'COBADEFFXXX',
      masked: 'IBAN DE89 •••• •••• •••• 3000, BIC COBADEFFXXX',
    });
    await tx((x) => approvePayoutAccountChange(x, Number(ok.changeId), team.approver));
    expect(await getPayoutAccount(t.database, clientId, team.approver)).toMatchObject({ kind: 'iban', iban: 'DE89 •••• •••• •••• 3000' });
    // the same account again is nothing to change
    await expect(
      tx((x) => requestPayoutAccountChange(x, clientId, { holderName: 'Globex', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, team.underwriter)),
    ).rejects.toMatchObject({ status: 422, code: 'payout_account_unchanged' });
  });
});

describe('Settings → Payout bank', () => {
  it('admins save the ACH originator, validated and audited masked; controllers read it masked; files use it before the environment', async () => {
    await expect(
      tx((x) => updateAchOriginator(x, { originRouting: '021000021', companyId: '1123456789', companyName: 'Holdback' }, team.controller)),
    ).rejects.toMatchObject({ status: 403 });
    await expect(tx((x) => updateAchOriginator(x, { originRouting: '021000022', companyName: 'Holdback' }, team.admin))).rejects.toMatchObject({
      status: 400,
      details: { originRouting: 'Origin routing number is not a valid ABA routing number: its check digit does not match (is a digit mistyped?)' },
    });
    // no Company ID saved and none in the environment: it is asked for by name
    const env = { ...process.env };
    try {
      for (const k of ['NACHA_ORIGIN_ROUTING', 'NACHA_COMPANY_ID', 'NACHA_COMPANY_NAME']) delete process.env[k];
      await expect(tx((x) => updateAchOriginator(x, { originRouting: '021000021', companyName: 'Holdback' }, team.admin))).rejects.toMatchObject({
        status: 400,
        details: { companyId: 'Company ID is required' },
      });
      await expect(loadOriginator(t.database, 'nacha')).rejects.toMatchObject({ code: 'originator_not_configured', status: 422 });
      process.env.NACHA_ORIGIN_ROUTING = '026009593';
      process.env.NACHA_COMPANY_ID = '9999999999';
      process.env.NACHA_COMPANY_NAME = 'From env';
      expect(await loadOriginator(t.database, 'nacha')).toMatchObject({ originRouting: '026009593', companyName: 'From env' });
      expect((await payoutBankSettings(t.database, team.controller)).ach).toMatchObject({ source: 'environment', companyId: '••••9999' });

      await tx((x) => updateAchOriginator(x, { originRouting: '021000021', companyId: '1123456789', companyName: 'Holdback Factors' }, team.admin));
      expect(await loadOriginator(t.database, 'nacha')).toEqual({
        originRouting: '021000021',
        destinationRouting: '021000021',
        destinationName: 'ODFI',
        companyId: '1123456789',
        companyName: 'Holdback Factors',
      });
      // a blank Company ID keeps the saved one
      await tx((x) => updateAchOriginator(x, { originRouting: '021000021', companyId: '', companyName: 'Holdback Two' }, team.admin));
      expect(await loadOriginator(t.database, 'nacha')).toMatchObject({ companyId: '1123456789', companyName: 'Holdback Two' });
    } finally {
      process.env = env;
    }
    const view = await payoutBankSettings(t.database, team.controller);
    expect(view.ach).toMatchObject({ source: 'settings', companyId: '••••6789', originRouting: '021000021' });
    await expect(payoutBankSettings(t.database, team.underwriter)).rejects.toMatchObject({ status: 403 });
    const audit = await t.database.sql<{ before: unknown; after: unknown }[]>`
      select before, after from audit_events where action = 'settings.payout_bank' and target_id = 'payout.ach_originator' order by id`;
    expect(audit).toHaveLength(2);
    expect(audit[1]!.before).toMatchObject({ companyId: '••••6789', companyName: 'Holdback Factors' });
    expect(JSON.stringify(audit)).not.toContain('1123456789');
  });

  it('the SEPA account: IBAN checksum named, masked in the audit, loaded for pain.001 files', async () => {
    await expect(loadOriginator(t.database, 'sepa')).rejects.toMatchObject({
      code: 'originator_not_configured',
      message: expect.stringContaining('an admin fills in Settings → Payout bank, "SEPA account" (Account holder, IBAN, BIC)'),
    });
    await expect(tx((x) => updateSepaDebtor(x, { name: 'Holdback', iban: 'DE00 3704 0044 0532 0130 00', bic: 'COBADEFF' }, team.admin))).rejects.toMatchObject({
      status: 400,
      details: { iban: 'IBAN is not valid: its check digits do not match' },
    });
    await expect(tx((x) => updateSepaDebtor(x, { name: 'Holdback', bic: 'COBADEFF' }, team.admin))).rejects.toMatchObject({
      details: { iban: 'IBAN is required' },
    });
    await tx((x) => updateSepaDebtor(x, { name: 'Holdback Factoring', iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' }, team.admin));
    expect(await loadOriginator(t.database, 'sepa')).toEqual({ name: 'Holdback Factoring', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    const [audit] = await t.database.sql<{ after: unknown }[]>`select after from audit_events where target_id = 'payout.sepa_debtor'`;
    expect(audit!.after).toEqual({ name: 'Holdback Factoring', iban: 'DE89 •••• •••• •••• 3000', bic: 'COBADEFFXXX' });
  });
});
