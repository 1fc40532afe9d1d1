import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden, redirect } from 'next/navigation';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can, canOpen } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { addDays, todayIn } from '@/lib/dates';
import { glMappingRows, unmappedInUse } from '@/lib/reports/gl-export';
import { GlMappingForm } from './forms';

export const metadata: Metadata = { title: 'General ledger' };
export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 7: Settings → General ledger — Holdback's accounts mapped to the factor's chart of
 * accounts (admins and controllers edit, auditors read; every change audited), and the journal
 * export of a period as CSV (GET /api/v1/reports/gl-export), summary or detail.
 */
export default async function GlAccountsPage() {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!can(actor, 'gl.export')) forbidden();
  const canEdit = can(actor, 'gl.mapping');
  const rows = await glMappingRows(getDatabase());
  const unmapped = unmappedInUse(rows);
  const today = todayIn();
  const to = addDays(`${today.slice(0, 7)}-01`, -1);
  const from = `${to.slice(0, 7)}-01`;
  return (
    <div>
      <PageHeader
        title="General ledger"
        subtitle={
          canEdit ? "Holdback's accounts in the factor's chart of accounts, and the journal export" : 'Read only: an admin or a controller changes the mapping'
        }
        actions={
          <Link href={canOpen(actor, 'settings') ? '/settings' : '/reports'} className="text-sm text-brand-700 underline">
            {canOpen(actor, 'settings') ? 'Back to settings' : 'Back to reports'}
          </Link>
        }
      />
      <section aria-labelledby="export-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="export-heading" className="font-semibold">
          Journal export
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          A CSV of the period for the general ledger: the summary has one line per GL account, currency and day (debit, credit); the detail one line per journal
          line. Each day and each entry balances per currency, and the file ends with the totals per currency.
        </p>
        {unmapped.length > 0 ? (
          <p role="status" className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {unmapped.length} {unmapped.length === 1 ? 'account in use is' : 'accounts in use are'} not mapped and will be exported under a default code:{' '}
            {unmapped.map((u) => u.resolved.code).join(', ')}.
          </p>
        ) : null}
        <form method="get" action="/api/v1/reports/gl-export" aria-label="Journal export" className="mt-3 grid gap-3 sm:grid-cols-4">
          <label className="block text-sm">
            <span className="font-medium text-slate-700">From</span>
            <input name="from" type="date" required defaultValue={from} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">To</span>
            <input name="to" type="date" required defaultValue={to} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Lines</span>
            <select name="mode" defaultValue="summary" className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm">
              <option value="summary">Summary: per GL account and day</option>
              <option value="detail">Detail: every journal line</option>
            </select>
          </label>
          <div className="flex items-end">
            <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white">
              Download journal CSV
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="mapping-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="mapping-heading" className="font-semibold">
          Account mapping
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          The GL code and name each Holdback account is exported under. A row for a currency wins over the account&apos;s &ldquo;any currency&rdquo; row; an
          account with neither is exported as UNMAPPED-&lt;ACCOUNT&gt;-&lt;CURRENCY&gt;. Client accounts (reserve, receivables, …) are one GL account for all
          clients; the detail export names the client on each line. Every change is in the audit log with what it was before.
        </p>
        <div className="mt-3">
          <GlMappingForm
            canEdit={canEdit}
            rows={rows.map((r) => ({
              account: r.account,
              label: r.label,
              currency: r.currency,
              code: r.code,
              name: r.name,
              inUse: r.inUse,
              resolvedCode: r.resolved.code,
              mapped: r.resolved.mapped,
            }))}
          />
        </div>
      </section>
    </div>
  );
}
