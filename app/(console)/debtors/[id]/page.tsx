import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { count } from '@/app/_components/confirm';
import { DataTable } from '@/app/_components/data-table';
import { ListView } from '@/app/_components/list/list-view';
import { PartyInvoices } from '@/app/_components/party-invoices';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { getDebtorDetail, type DebtorDetail } from '@/lib/debtors/detail';
import { mergeDecisionRefusal } from '@/lib/debtors/merge';
import {
  DEBTOR_INVOICES_LIST,
  DEBTOR_PAYMENTS_LIST,
  debtorInvoicesQuery,
  debtorPayment,
  debtorPaymentsQuery,
  partyInvoice,
  type DebtorPayment,
} from '@/lib/debtors/page-lists';
import { DomainError } from '@/lib/errors';
import { keysetPage, readListRequest, COMPACT_LIMIT } from '@/lib/lists/keyset';
import { Big, displayMoney } from '@/lib/money';
import { EditDebtorForm, MergeDecisionForm, RequestMergeForm } from '../forms';
import { NotesSection } from '@/app/(console)/notes/notes-section';
import { DocumentsSection } from '@/app/_components/documents/documents-section';
import { DebtorStatementSection } from './statement-section';

export const metadata: Metadata = { title: 'Debtor' };
export const dynamic = 'force-dynamic';

/** Exposure rows shown on the page (the API lists them all). */
const TOP_CLIENTS = 20;

const percent = (rate: string | null) => (rate === null ? '—' : `${new Big(rate).times(100).toFixed(2)}%`);
const days = (value: string | null) => (value === null ? '—' : `${value} days`);

/**
 * Issue 13: one debtor across every client — what it owes and to whom, how it pays, dilution,
 * its credit limit and history, concentration alerts, notices of assignment, and merging a
 * duplicate (maker-checker). Its invoices and payments are paged lists (one at a time, `?show=`).
 * Every figure comes from a roll-up or an index range (lib/debtors/detail.ts), at any volume.
 */
export default async function DebtorPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireSection('debtors');
  const { id } = await params;
  if (!/^[1-9]\d{0,15}$/.test(id)) notFound();
  const query = toQuery(await searchParams);
  const show = query.show === 'payments' ? 'payments' : 'invoices';
  const path = `/debtors/${id}`;
  const db = getDatabase();
  const debtor = await getDebtorDetail(db, Number(id), actor, { exposureLimit: TOP_CLIENTS }).catch((e) => {
    if (e instanceof DomainError && e.status === 404) notFound();
    throw e;
  });
  const canEdit = can(actor, 'debtor.edit') && !debtor.mergedIntoId;
  const canPropose = can(actor, 'debtor.merge_request');
  const canDecide = can(actor, 'debtor.merge_approve');
  const pending = debtor.merges.find((m) => m.status === 'pending' && m.debtorId === debtor.id) ?? null;
  const pendingInto = debtor.merges.filter((m) => m.status === 'pending' && m.intoDebtorId === debtor.id);

  const invoiceRequest = readListRequest(DEBTOR_INVOICES_LIST, show === 'invoices' ? query : {}, { defaultLimit: COMPACT_LIMIT });
  const paymentRequest = readListRequest(DEBTOR_PAYMENTS_LIST, show === 'payments' ? query : {}, { defaultLimit: COMPACT_LIMIT });
  const invoices =
    show === 'invoices'
      ? await keysetPage(
          db.sql,
          DEBTOR_INVOICES_LIST,
          invoiceRequest.request,
          debtorInvoicesQuery(db.sql, Number(debtor.id), invoiceRequest.request),
          partyInvoice,
        )
      : null;
  const payments =
    show === 'payments'
      ? await keysetPage(db.sql, DEBTOR_PAYMENTS_LIST, paymentRequest.request, debtorPaymentsQuery(db.sql, Number(debtor.id)), debtorPayment)
      : null;

  return (
    <div>
      <PageHeader
        title={debtor.name}
        subtitle={`Debtor #${debtor.id} · risk rating ${debtor.riskRating} · credit limit ${displayMoney(debtor.creditLimit, 'USD')}`}
        actions={
          <Link href="/debtors" className="text-sm text-brand-700 underline">
            All debtors
          </Link>
        }
      />
      {debtor.mergedInto ? (
        <p role="status" className="mt-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          Merged into{' '}
          <Link className="font-medium underline" href={`/debtors/${debtor.mergedInto.id}`}>
            {debtor.mergedInto.name} (#{debtor.mergedInto.id})
          </Link>{' '}
          on {debtor.mergedAt} UTC: its invoices, payments and notices are that debtor&apos;s now. This page keeps its history.
        </p>
      ) : null}

      <section aria-label="Figures" className="mt-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="Exposure"
          value={
            debtor.exposureByCurrency.length === 0
              ? '—'
              : debtor.exposureByCurrency.map((e) => (
                  <span key={e.currency} className={`block ${e.overLimit ? 'text-red-800' : ''}`}>
                    {displayMoney(e.amount, e.currency)}
                    {e.overLimit ? ' — over the limit' : ''}
                  </span>
                ))
          }
          hint={`${count(debtor.openInvoices, 'open invoice')} of ${debtor.invoices.toLocaleString('en-US')}, across ${count(debtor.clients, 'client')}`}
        />
        <Stat
          label="Average days to pay"
          value={days(debtor.averageDaysToPay)}
          hint={`From issue to paid in full, over ${debtor.paymentHistory.settledInvoices.toLocaleString('en-US')} settled invoices`}
        />
        <Stat
          label="Average days beyond terms"
          value={days(debtor.averageDaysBeyondTerms)}
          hint={`Past the due date: settled invoices, and ${debtor.paymentHistory.openPastDue.toLocaleString('en-US')} open ones past due on ${debtor.asOf}`}
        />
        <Stat label="Dilution" value={percent(debtor.dilution)} hint="Credits, short pays and disputes as a share of what the invoices were reduced by" />
      </section>

      <MergeSection
        debtor={debtor}
        pending={pending}
        pendingInto={pendingInto}
        canPropose={canPropose}
        canDecide={canDecide}
        actorRefusal={(by) => mergeDecisionRefusal(actor, by)}
      />

      <NotesSection subjectType="debtor" subjectId={debtor.id} actor={actor} known={{ label: debtor.name }} />
      <DebtorStatementSection actor={actor} debtor={debtor} />

      <nav aria-label="Invoices or payments" className="mt-8 flex gap-2 border-b border-slate-200 text-sm">
        <Link
          href={path}
          aria-current={show === 'invoices' ? 'page' : undefined}
          className={`-mb-px border-b-2 px-3 py-2 ${show === 'invoices' ? 'border-brand-700 font-medium' : 'border-transparent text-brand-700'}`}
        >
          Invoices across clients
        </Link>
        <Link
          href={`${path}?show=payments`}
          aria-current={show === 'payments' ? 'page' : undefined}
          className={`-mb-px border-b-2 px-3 py-2 ${show === 'payments' ? 'border-brand-700 font-medium' : 'border-transparent text-brand-700'}`}
        >
          Payments
        </Link>
      </nav>
      {invoices ? (
        <>
          <PartyInvoices
            other="client"
            caption={`Invoices of ${debtor.name}`}
            path={path}
            query={query}
            page={invoices}
            error={invoiceRequest.error}
            filterLabel="Filter the debtor's invoices"
            sortable={['issueDate', 'dueDate']}
            csvHref={withQuery(`/api/v1/debtors/${debtor.id}/invoices`, query, { format: 'csv' })}
            allHref={`/invoices?debtorId=${debtor.id}`}
            allText="Every filter in Invoices (client, currency, dates, days past due)"
          />
        </>
      ) : null}
      {payments ? (
        <ListView<DebtorPayment>
          caption={`Payments from ${debtor.name}`}
          path={path}
          query={query}
          page={payments}
          noun="payments"
          rowKey={(p) => p.id}
          csvHref={withQuery(`/api/v1/debtors/${debtor.id}/payments`, query, { format: 'csv' })}
          empty="No payment has been applied to this debtor's invoices yet."
          columns={[
            { header: 'Received', sort: 'receivedDate', value: (p) => p.receivedDate },
            { header: 'Payer', value: (p) => p.payerName },
            { header: 'Reference', value: (p) => p.reference },
            { header: 'Amount', value: (p) => p.amount, render: (p) => displayMoney(p.amount, p.currency), align: 'right' },
            { header: 'Unapplied', value: (p) => p.unapplied, render: (p) => displayMoney(p.unapplied, p.currency), align: 'right' },
            { header: 'Status', value: (p) => p.status.replace('_', ' ') },
          ]}
        />
      ) : null}

      <DataTable
        caption={`Exposure by client${debtor.exposurePairs > debtor.exposure.length ? ` (the ${debtor.exposure.length} largest of ${debtor.exposurePairs.toLocaleString('en-US')})` : ''}`}
        csvName={`debtor-${debtor.id}-exposure.csv`}
        rowKey={(e) => `${e.clientId}:${e.currency}`}
        rows={debtor.exposure}
        empty="No open invoices."
        columns={[
          {
            header: 'Client',
            value: (e) => e.clientName,
            render: (e) => (
              <Link className="text-brand-700 underline" href={`/clients/${e.clientId}`}>
                {e.clientName}
              </Link>
            ),
          },
          { header: 'Open invoices', value: (e) => e.openInvoices.toLocaleString('en-US'), align: 'right' },
          { header: 'Owed', value: (e) => `${e.amount} ${e.currency}`, render: (e) => displayMoney(e.amount, e.currency), align: 'right' },
          { header: 'Notice sent', value: (e) => e.noaSentDate ?? 'not sent' },
          { header: 'Acknowledged', value: (e) => e.noaAcknowledgedDate ?? '' },
        ]}
      />

      <DataTable
        caption="Dilution by currency"
        csvName={`debtor-${debtor.id}-dilution.csv`}
        rowKey={(d) => d.currency}
        rows={debtor.dilutionByCurrency}
        empty="Nothing collected or credited yet."
        columns={[
          { header: 'Currency', value: (d) => d.currency },
          { header: 'Invoices reduced by', value: (d) => d.reduced, render: (d) => displayMoney(d.reduced, d.currency), align: 'right' },
          { header: 'Cash collected', value: (d) => d.collected, render: (d) => displayMoney(d.collected, d.currency), align: 'right' },
          { header: 'Credits, short pays, disputes', value: (d) => d.dilutive, render: (d) => displayMoney(d.dilutive, d.currency), align: 'right' },
          { header: 'Dilution', value: (d) => percent(d.rate), align: 'right' },
          { header: 'Charged back or written off', value: (d) => d.defaulted, render: (d) => displayMoney(d.defaulted, d.currency), align: 'right' },
          { header: 'Under dispute now', value: (d) => d.disputedOpen, render: (d) => displayMoney(d.disputedOpen, d.currency), align: 'right' },
        ]}
      />

      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <section aria-labelledby="limit-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="limit-heading" className="font-semibold">
            Credit limit and its history
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {displayMoney(debtor.creditLimit, 'USD')}, held against the exposure in each currency when invoices are funded.
          </p>
          <ul className="mt-3 divide-y divide-slate-100 text-sm">
            {debtor.creditLimitHistory.map((h, n) => (
              <li key={n} className="py-1.5">
                <span className="text-slate-500">{h.at} UTC</span> — {h.action}
                {h.creditLimit ? ` · limit ${displayMoney(h.creditLimit, 'USD')}` : ''}
                {h.previous && h.previous !== h.creditLimit ? ` (was ${displayMoney(h.previous, 'USD')})` : ''}
                {h.riskRating ? ` · rating ${h.riskRating}` : ''} · by {h.by}
                {h.note ? <span className="block text-xs text-slate-600">{h.note}</span> : null}
              </li>
            ))}
          </ul>
          {debtor.creditLimitHistory.length === 0 ? <p className="mt-2 text-sm text-slate-500">No change recorded.</p> : null}
          {canEdit ? (
            <div className="mt-3">
              <EditDebtorForm debtor={{ id: debtor.id, name: debtor.name, creditLimit: debtor.creditLimit, riskRating: debtor.riskRating }} />
            </div>
          ) : null}
        </section>
        <section aria-labelledby="noa-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="noa-heading" className="font-semibold">
            Notices of assignment
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {debtor.clientsWithoutNotice === 0
              ? 'Every client with open invoices on this debtor has sent its notice.'
              : `${debtor.clientsWithoutNotice.toLocaleString('en-US')} client(s) with open invoices on this debtor have no notice sent (recorded on each client's page).`}
          </p>
          <ul className="mt-3 divide-y divide-slate-100 text-sm">
            {debtor.noticesOfAssignment.slice(0, 50).map((n) => (
              <li key={n.clientId} className="py-1.5">
                <Link className="text-brand-700 underline" href={`/clients/${n.clientId}`}>
                  {n.clientName}
                </Link>
                : {n.sentDate ? `sent ${n.sentDate}` : 'not sent'}
                {n.acknowledgedDate ? `, acknowledged ${n.acknowledgedDate}` : n.sentDate ? ', not acknowledged yet' : ''}
              </li>
            ))}
          </ul>
          {debtor.noticesOfAssignment.length > 50 ? (
            <p className="mt-1 text-xs text-slate-500">
              and {(debtor.noticesOfAssignment.length - 50).toLocaleString('en-US')} more (GET /api/v1/debtors/{debtor.id})
            </p>
          ) : null}
          {debtor.noticesOfAssignment.length === 0 ? <p className="mt-2 text-sm text-slate-500">No notice recorded.</p> : null}
        </section>
      </div>

      <DataTable
        caption="Concentration alerts"
        csvName={`debtor-${debtor.id}-alerts.csv`}
        rowKey={(a) => a.id}
        rows={debtor.concentrationAlerts}
        empty="No concentration alert has been raised on this debtor."
        columns={[
          { header: 'Status', value: (a) => a.status },
          { header: 'Level', value: (a) => a.level },
          { header: 'Of', value: (a) => (a.scope === 'portfolio' ? 'the whole portfolio' : (a.clientName ?? '')) },
          { header: 'Share', value: (a) => `${a.share} (limit ${a.limit})` },
          { header: 'Exposure', value: (a) => `${a.exposure} ${a.currency}`, render: (a) => displayMoney(a.exposure, a.currency), align: 'right' },
          { header: 'Opened (UTC)', value: (a) => a.openedAt },
          { header: 'Resolved (UTC)', value: (a) => a.resolvedAt ?? '' },
        ]}
      />
      <DocumentsSection subjectType="debtor" subjectId={debtor.id} actor={actor} known={{ clientId: null, label: debtor.name }} />
    </div>
  );
}

function MergeSection({
  debtor,
  pending,
  pendingInto,
  canPropose,
  canDecide,
  actorRefusal,
}: {
  debtor: DebtorDetail;
  pending: DebtorDetail['merges'][number] | null;
  pendingInto: DebtorDetail['merges'];
  canPropose: boolean;
  canDecide: boolean;
  actorRefusal: (requestedBy: string) => string | null;
}) {
  const history = debtor.merges.filter((m) => m.status !== 'pending');
  if (!pending && pendingInto.length === 0 && history.length === 0 && (!canPropose || debtor.mergedIntoId)) return null;
  return (
    <section aria-labelledby="merge-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="merge-heading" className="font-semibold">
        Duplicate debtor
      </h2>
      {pending ? (
        <div className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <p>
            Waiting for approval: merge into{' '}
            <Link className="underline" href={`/debtors/${pending.intoDebtorId}`}>
              {pending.intoDebtorName} (#{pending.intoDebtorId})
            </Link>
            , proposed by {pending.requestedBy} on {pending.requestedAt} UTC — “{pending.reason}”
          </p>
          <div className="mt-2">
            {!canDecide ? (
              <p className="text-slate-700">Underwriters, approvers and controllers decide merges.</p>
            ) : actorRefusal(pending.requestedById) ? (
              <p className="text-amber-900">{actorRefusal(pending.requestedById)}</p>
            ) : (
              <MergeDecisionForm mergeId={pending.id} label={`the merge of ${pending.debtorName} into ${pending.intoDebtorName}`} />
            )}
          </div>
        </div>
      ) : null}
      {pendingInto.map((m) => (
        <p key={m.id} className="mt-2 text-sm text-slate-700">
          Waiting for approval:{' '}
          <Link className="text-brand-700 underline" href={`/debtors/${m.debtorId}`}>
            {m.debtorName} (#{m.debtorId})
          </Link>{' '}
          to be merged into this debtor.
        </p>
      ))}
      {!pending && !debtor.mergedIntoId && canPropose ? (
        <div className="mt-3">
          <p className="mb-2 text-sm text-slate-600">
            If this debtor is a duplicate of another, propose merging it into that one: once someone else approves, its invoices (same ids — the ledger is not
            rewritten), payments, payer names and notices move there, and this debtor points at it. The debtor that stays keeps its own credit limit.
          </p>
          <RequestMergeForm debtor={{ id: debtor.id, name: debtor.name }} />
        </div>
      ) : null}
      {history.length > 0 ? (
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {history.map((m) => (
            <li key={m.id} className="py-1.5">
              {m.status === 'approved' ? 'Merged' : 'Rejected'}: {m.debtorName} (#{m.debtorId}) into {m.intoDebtorName} (#{m.intoDebtorId}) — proposed by{' '}
              {m.requestedBy}, {m.status} by {m.decidedBy ?? 'a job'} on {m.decidedAt} UTC
              {m.decisionReason ? ` (“${m.decisionReason}”)` : ''}
              {m.moved ? ` · moved ${count(m.moved.invoices ?? 0, 'invoice')} and ${count(m.moved.payments ?? 0, 'payment')}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
