import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { ROLE_LABELS } from '@/lib/auth/roles';
import { listPageOf } from '@/lib/lists/respond';
import { OUTBOX_KINDS, OUTBOX_KIND_LABELS, OUTBOX_STATUSES, outboxList } from '@/lib/notifications/outbox-list';
import { createTransport } from '@/lib/notifications/transport';
import { payoutBankSettings } from '@/lib/payouts/originator';
import { releasePolicySettings } from '@/lib/settings';
import { listUsers } from '@/lib/users';
import { CreateUserForm, InviteClientUserForm, ReleasePolicyForm, RetryEmailButton, TestEmailForm, UserActions } from './forms';

export const metadata: Metadata = { title: 'Settings' };
export const dynamic = 'force-dynamic';

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('settings');
  const params = await searchParams;
  const query = toQuery(params);
  const canEdit = can(actor, 'settings.edit');
  const canManageUsers = can(actor, 'user.manage');
  const canManageOutbox = can(actor, 'outbox.manage');
  const db = getDatabase();
  const [users, outbox, policy, bank] = await Promise.all([
    listUsers(db),
    listPageOf(db.sql, outboxList(db.sql), params),
    releasePolicySettings(db),
    payoutBankSettings(db, actor),
  ]);
  const mailVia = process.env.SMTP_URL ? `SMTP (${new URL(process.env.SMTP_URL).host})` : createTransport(null).describe;
  return (
    <div>
      <PageHeader
        title="Settings"
        subtitle={canEdit ? 'Users, API keys, release policy, payout bank and outgoing mail' : 'Read only: your role sees settings but cannot change them'}
      />
      {canManageUsers ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">Create a user</h2>
          <CreateUserForm />
        </section>
      ) : null}
      {canManageUsers ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-1 font-semibold">Invite a client user</h2>
          <p className="mb-3 text-sm text-slate-600">
            The person gets an email with a link to choose their password (valid {7} days, once) and then sees only their client in the portal.
          </p>
          <InviteClientUserForm />
        </section>
      ) : null}
      <DataTable
        caption="Users"
        csvName="users.csv"
        rowKey={(u) => u.id}
        rows={users}
        columns={[
          { header: 'Email', value: (u) => u.email },
          { header: 'Name', value: (u) => u.name },
          { header: 'Role', value: (u) => ROLE_LABELS[u.role] },
          { header: 'Client', value: (u) => u.clientName ?? '' },
          { header: 'Status', value: (u) => (u.disabled ? 'disabled' : 'active') },
          { header: 'Last sign-in', value: (u) => (u.lastSignInAt ? u.lastSignInAt.replace('T', ' ').slice(0, 16) : 'never') },
          { header: 'API keys', value: (u) => String(u.activeKeys), align: 'right' },
          ...(canManageUsers
            ? [
                {
                  header: 'Actions',
                  value: () => '',
                  render: (u: (typeof users)[number]) => <UserActions userId={u.id} email={u.email} disabled={u.disabled} />,
                },
              ]
            : []),
        ]}
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Release policy</h2>
        <p className="mt-1 text-sm text-slate-600">
          A client&apos;s risk score picks its tier: the reserve rate and holding period, and whether its releases are approved automatically (within the
          client&apos;s auto-approve limit), wait for review, or are only ever released by hand.
        </p>
        <div className="mt-3">
          <ReleasePolicyForm threshold={policy.controllerThreshold} tiers={policy.riskSchedule} canEdit={canEdit} />
        </div>
      </section>
      <section aria-labelledby="payout-bank-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="payout-bank-heading" className="font-semibold">
          Payout bank
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          ACH originator:{' '}
          {bank.ach
            ? `${bank.ach.companyName}, routing number ${bank.ach.originRouting}${bank.ach.source === 'environment' ? ' (from the environment)' : ''}`
            : 'not filled in'}
          . SEPA account: {bank.sepa ? `${bank.sepa.name}, ${bank.sepa.iban}` : 'not filled in'}.
        </p>
        <p className="mt-2">
          <Link href="/settings/payout-bank" className="text-sm text-brand-700 underline">
            {canEdit ? 'Edit the payout bank' : 'See the payout bank'}
          </Link>
        </p>
      </section>
      <section aria-labelledby="gl-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="gl-heading" className="font-semibold">
          General ledger
        </h2>
        <p className="mt-1 text-sm text-slate-600">Holdback&apos;s accounts mapped to the factor&apos;s chart of accounts, and the journal export.</p>
        <p className="mt-2">
          <Link href="/settings/gl-accounts" className="text-sm text-brand-700 underline">
            General-ledger mapping and export
          </Link>
        </p>
      </section>
      <section aria-labelledby="risk-scoring-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="risk-scoring-heading" className="font-semibold">
          Risk scoring
        </h2>
        <p className="mt-1 text-sm text-slate-600">The nightly risk score: its window, weights and ceilings, and whether band changes apply automatically.</p>
        <p className="mt-2">
          <Link href="/settings/risk-scoring" className="text-sm text-brand-700 underline">
            {canEdit ? 'Edit risk scoring' : 'See risk scoring'}
          </Link>
        </p>
      </section>
      <section aria-labelledby="intake-flags-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="intake-flags-heading" className="font-semibold">
          Intake flags
        </h2>
        <p className="mt-1 text-sm text-slate-600">Which intake flags (possible duplicates, fraud signs) hold an invoice&apos;s funding until cleared.</p>
        <p className="mt-2">
          <Link href="/settings/intake-flags" className="text-sm text-brand-700 underline">
            {canEdit ? 'Edit intake flags' : 'See intake flags'}
          </Link>
        </p>
      </section>
      <section aria-labelledby="debtor-statements-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="debtor-statements-heading" className="font-semibold">
          Debtor statements
        </h2>
        <p className="mt-1 text-sm text-slate-600">Reminder steps, and the remittance instructions statements and reminders print.</p>
        <p className="mt-2">
          <Link href="/settings/debtor-statements" className="text-sm text-brand-700 underline">
            {canEdit ? 'Edit debtor statements' : 'See debtor statements'}
          </Link>
        </p>
      </section>
      <section aria-labelledby="webhooks-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="webhooks-heading" className="font-semibold">
          Webhooks
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Signed event posts to your systems (fundings, payments, releases, payouts, statements, alerts) and their delivery log.
        </p>
        <p className="mt-2">
          <Link href="/settings/webhooks" className="text-sm text-brand-700 underline">
            {canEdit ? 'Manage webhooks' : 'See webhooks'}
          </Link>
        </p>
      </section>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Outgoing mail</h2>
        <p className="mt-1 text-sm text-slate-600">Mail goes out through {mailVia}.</p>
        {canManageOutbox ? (
          <div className="mt-3">
            <TestEmailForm />
          </div>
        ) : null}
      </section>
      <ListFilters path="/settings" query={query} error={outbox.error} label="Filter the outbox">
        <FilterSelect name="status" label="Email status" query={query} options={OUTBOX_STATUSES.map((st) => ({ value: st, label: st }))} />
        <FilterSelect name="template" label="Kind of email" query={query} options={OUTBOX_KINDS.map((k) => ({ value: k, label: OUTBOX_KIND_LABELS[k] }))} />
        <FilterInput name="to" label="Recipient starts with" query={query} />
      </ListFilters>
      <ListView
        caption="Email outbox"
        path="/settings"
        query={query}
        page={outbox.page}
        noun="emails"
        rowKey={(m) => m.id}
        csvHref={outbox.error ? undefined : withQuery('/api/v1/email-outbox', query, { format: 'csv' })}
        empty="No emails match these filters."
        columns={[
          { header: 'Queued', sort: 'queued', value: (m) => m.createdAt },
          { header: 'To', value: (m) => m.to },
          { header: 'Kind', value: (m) => m.template.replace('_', ' ') },
          { header: 'Subject', value: (m) => m.subject },
          { header: 'Status', value: (m) => m.status },
          { header: 'Attempts', value: (m) => String(m.attempts), align: 'right' },
          { header: 'Next attempt', sort: 'next', value: (m) => (m.status === 'pending' || m.status === 'failed' ? m.nextAttemptAt : '') },
          { header: 'Sent', value: (m) => m.sentAt ?? '' },
          { header: 'Last error', value: (m) => m.lastError ?? '' },
          ...(canManageOutbox
            ? [
                {
                  header: 'Retry',
                  value: () => '',
                  render: (m: (typeof outbox.page.items)[number]) => (m.status === 'failed' ? <RetryEmailButton emailId={m.id} /> : null),
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}
