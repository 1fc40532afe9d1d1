import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { FilterPills } from '@/app/_components/filter-pills';
import { toQuery } from '@/app/_components/list/list-href';
import { Pager, showingText } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import type { Hold } from '@/db/schema';
import { listApprovals, type ApprovalItem, type ApprovalKind } from '@/lib/approvals';
import { can, type Permission } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { keysetPage, readListRequest } from '@/lib/lists/keyset';
import { pendingReleaseCurrencies, releaseList } from '@/lib/releases/list';
import { agreementRefusal, fundingBatchRefusal, releaseMakers, releaseRefusal, requestMakers } from '@/lib/reports/makers';
import { listPayoutAccountChanges, payoutChangeRefusal } from '@/lib/clients/payout-changes';
import { ReleaseQueue } from '../releases/forms';
import { PayoutChangeDecision } from '../clients/[id]/payout';
import { DecisionForm } from './decision-form';

export const metadata: Metadata = { title: 'Approvals' };
export const dynamic = 'force-dynamic';

const KIND_LABELS: Record<string, string> = {
  funding_batch: 'Funding batch',
  agreement_change: 'Agreement change',
  client_activation: 'Client activation',
  release: 'Release',
  adjustment: 'Adjustment',
  debtor_merge: 'Debtor merge',
  payout_account_change: 'Payout account change',
};

/** What this queue decides, and the permission each needs; client activations are reviewed on the client page. */
const DECIDED_HERE: Partial<Record<ApprovalKind, Permission>> = { funding_batch: 'funding.approve', agreement_change: 'agreement.approve' };

function targetLink(a: ApprovalItem) {
  if (a.kind === 'funding_batch') return <Link className="text-brand-700 underline" href={`/fundings/${a.targetId}`}>{`Batch ${a.targetId}`}</Link>;
  // Issue 13: a debtor merge is decided on the duplicate's page (what moves, and the maker-checker rule, are shown there).
  if (a.kind === 'debtor_merge' && typeof a.details.debtorId === 'string')
    return <Link className="text-brand-700 underline" href={`/debtors/${a.details.debtorId}`}>{`Debtor ${a.details.debtorId}`}</Link>;
  if (a.clientId)
    return (
      <Link className="text-brand-700 underline" href={`/clients/${a.clientId}`}>
        {a.clientName}
      </Link>
    );
  return a.targetId;
}

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('approvals');
  const params = await searchParams;
  const query = toQuery(params);
  const { kind, client, currency, mode, controller } = query;
  const filter = kind && kind in KIND_LABELS ? (kind as ApprovalItem['kind']) : undefined;
  const db = getDatabase();
  const [pending, decided] = await Promise.all([listApprovals(db, { status: 'pending', kind: filter }), listApprovals(db, { kind: filter, limit: 50 })]);
  const canDecideReleases = can(actor, 'release.approve');
  const showReleases = !filter || filter === 'release';
  // Issue 14: payout account changes wait beside releases (their client's releases wait with them).
  const showPayoutChanges = !filter || filter === ('payout_account_change' as ApprovalKind);
  const canDecidePayoutChanges = can(actor, 'client.payout_account_approve');
  const payoutChanges = showPayoutChanges ? await listPayoutAccountChanges(db, { status: 'pending' }) : [];
  // Issue 13: the releases waiting, oldest first, a page at a time (keyset); the form's "client" is a part of the client's name.
  const queue = releaseList(db.sql, actor, { pendingOnly: true });
  const { request, error } = readListRequest(queue.def, { ...params, clientName: client });
  const [queuePage, currencies] = showReleases
    ? await Promise.all([keysetPage(db.sql, queue.def, request, queue.query(request), queue.map), pendingReleaseCurrencies(db)])
    : [null, []];
  const waiting = queuePage?.items ?? [];
  // Who made each pending item: Approve is offered only to someone else (SPEC 1, maker ≠ checker).
  const idsOf = (kind: ApprovalKind) => pending.filter((a) => a.kind === kind).map((a) => a.targetId);
  const [releaseMade, batchMade, agreementMade] = await Promise.all([
    canDecideReleases
      ? releaseMakers(
          db,
          waiting.map((r) => r.id),
        )
      : Promise.resolve(new Map()),
    requestMakers(db, 'funding_batch', idsOf('funding_batch')),
    requestMakers(db, 'agreement_change', idsOf('agreement_change')),
  ]);
  const refusal = (a: ApprovalItem) =>
    a.kind === 'funding_batch'
      ? fundingBatchRefusal(actor, batchMade.get(a.targetId))
      : a.kind === 'agreement_change'
        ? agreementRefusal(actor, agreementMade.get(a.targetId))
        : null;
  return (
    <div>
      <PageHeader title="Approvals" subtitle="Maker-checker: whoever requested an action never approves it" />
      <FilterPills
        label="Filter by kind"
        className="mt-4"
        current={filter ?? 'all'}
        options={['all', ...Object.keys(KIND_LABELS)].map((k) => ({
          value: k,
          label: k === 'all' ? 'All' : KIND_LABELS[k]!,
          href: k === 'all' ? '/approvals' : `/approvals?kind=${k}`,
        }))}
      />
      {showReleases ? (
        <section className="mt-6">
          <form method="get" action="/approvals" aria-label="Filter releases" className="mb-3 flex flex-wrap items-end gap-3 text-sm">
            {filter ? <input type="hidden" name="kind" value={filter} /> : null}
            <div>
              <label htmlFor="f-client" className="font-medium">
                Client
              </label>
              <input id="f-client" name="client" defaultValue={client ?? ''} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" />
            </div>
            <div>
              <label htmlFor="f-currency" className="font-medium">
                Currency
              </label>
              <select id="f-currency" name="currency" defaultValue={currency ?? ''} className="mt-1 block rounded-md border border-slate-300 px-2 py-1">
                <option value="">any</option>
                {currencies.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="f-mode" className="font-medium">
                Release mode
              </label>
              <select id="f-mode" name="mode" defaultValue={mode ?? ''} className="mt-1 block rounded-md border border-slate-300 px-2 py-1">
                <option value="">any</option>
                <option value="automatic">automatic (over the auto-approve limit)</option>
                <option value="review">review</option>
                <option value="manual">manual</option>
              </select>
            </div>
            <div>
              <label htmlFor="f-controller" className="font-medium">
                Controller needed
              </label>
              <select id="f-controller" name="controller" defaultValue={controller ?? ''} className="mt-1 block rounded-md border border-slate-300 px-2 py-1">
                <option value="">either</option>
                <option value="yes">yes</option>
                <option value="no">no</option>
              </select>
            </div>
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1">
              Filter
            </button>
          </form>
          <ReleaseQueue
            canDecide={canDecideReleases}
            rows={waiting.map((r) => ({
              id: r.id,
              clientId: r.clientId,
              clientName: r.clientName,
              currency: r.currency,
              asOf: r.asOf,
              amount: r.amount,
              approvedAmount: r.approvedAmount,
              releaseMode: r.releaseMode,
              needsController: r.needsController,
              firstApprovedBy: r.firstApprovedBy,
              blocked: canDecideReleases ? releaseRefusal(actor, releaseMade.get(r.id)) : null,
            }))}
          />
          {queuePage ? (
            <div className="mt-2 rounded-lg border border-slate-200 bg-white">
              <p className="px-4 pt-3 text-sm text-slate-600" data-testid="queue-showing">
                {error ? `${error} — showing every release waiting. ` : ''}
                {showingText(queuePage, 'releases waiting')}
              </p>
              <Pager path="/approvals" query={query} page={queuePage} />
            </div>
          ) : null}
        </section>
      ) : null}
      {showPayoutChanges ? (
        <DataTable
          caption="Payout account changes to approve"
          csvName="payout-account-changes-pending.csv"
          rowKey={(c) => c.id}
          rows={payoutChanges}
          empty="No payout account change waits."
          columns={[
            {
              header: 'Client',
              value: (c) => c.clientName,
              render: (c) => (
                <Link className="text-brand-700 underline" href={`/clients/${c.clientId}`}>
                  {c.clientName}
                </Link>
              ),
            },
            { header: 'New account', value: (c) => `${c.proposed.holderName}, ${c.proposed.masked}` },
            { header: 'Replaces', value: (c) => (c.current ? `${c.current.holderName}, ${c.current.masked}` : 'none recorded') },
            { header: 'Requested by', value: (c) => `${c.requestedBy} ${c.requestedAt}` },
            {
              header: 'Decision',
              value: () => '',
              render: (c) => {
                if (!canDecidePayoutChanges) return <span className="text-sm text-slate-500">Underwriters, approvers and controllers decide</span>;
                const why = payoutChangeRefusal(actor, c.requestedById);
                if (why) return <span className="text-sm text-amber-800">{why}</span>;
                return <PayoutChangeDecision changeId={c.id} label={`payout account change ${c.id} of ${c.clientName}`} />;
              },
            },
          ]}
        />
      ) : null}
      <DataTable
        caption="Waiting for approval"
        csvName="approvals-pending.csv"
        rowKey={(a) => a.id}
        rows={pending}
        empty="Nothing waits for approval."
        columns={[
          { header: 'Kind', value: (a) => KIND_LABELS[a.kind] ?? a.kind },
          {
            header: 'What',
            value: (a) => a.summary,
            render: (a) => (
              <span>
                {a.summary} · {targetLink(a)}
              </span>
            ),
          },
          {
            header: 'Why it waits',
            value: (a) => ((a.details.holds as Hold[] | undefined) ?? []).map((h) => h.message).join('; '),
            render: (a) => (
              <ul className="list-disc pl-4">
                {((a.details.holds as Hold[] | undefined) ?? []).map((h) => (
                  <li key={h.message}>{h.message}</li>
                ))}
              </ul>
            ),
          },
          { header: 'Requested by', value: (a) => `${a.requestedBy} ${a.requestedAt}` },
          {
            header: 'Decision',
            value: () => '',
            render: (a) => {
              const permission = DECIDED_HERE[a.kind];
              if (a.kind === 'client_activation') return <span className="text-sm text-slate-600">Reviewed by a second underwriter on the client page</span>;
              if (!permission) return <span className="text-sm text-slate-600">Decided on its own page</span>;
              if (!can(actor, permission)) return <span className="text-sm text-slate-500">Approvers and controllers decide</span>;
              const why = refusal(a);
              if (why) return <span className="text-sm text-amber-800">{why}</span>;
              return <DecisionForm kind={a.kind} targetId={a.targetId} label={`${KIND_LABELS[a.kind]} ${a.targetId}`} />;
            },
          },
        ]}
      />
      <DataTable
        caption="Recent requests"
        csvName="approvals.csv"
        rowKey={(a) => a.id}
        rows={decided.filter((a) => a.status !== 'pending')}
        empty="No decisions yet."
        columns={[
          { header: 'Kind', value: (a) => KIND_LABELS[a.kind] ?? a.kind },
          { header: 'What', value: (a) => a.summary },
          { header: 'Status', value: (a) => a.status },
          { header: 'Requested by', value: (a) => a.requestedBy },
          { header: 'Decided by', value: (a) => a.decidedBy ?? '' },
          { header: 'Reason', value: (a) => a.reason ?? '' },
        ]}
      />
    </div>
  );
}
