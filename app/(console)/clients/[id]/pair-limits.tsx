import { DataTable } from '@/app/_components/data-table';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { listPairLimits } from '@/lib/intake/pair-limits';
import { displayMoney } from '@/lib/money';
import { PairLimitForm, PairOverrideForm, RevokeOverrideForm } from './pair-limit-forms';

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/**
 * Issue 16 item 4: the client's client–debtor limits — in force (with the pair's open exposure
 * and today's override), the history of changes (who, when, why) and the overrides; the forms for
 * an underwriter (set or remove) and an approver (override until a date). Of a client the page has read (not read again).
 */
export async function ClientPairLimits({ clientId, currency, actor }: { clientId: string; currency: string; actor: Actor }) {
  const data = await listPairLimits(getDatabase(), Number(clientId), actor, { known: true });
  const canRevoke = can(actor, 'pair_limit.override');
  return (
    <section aria-labelledby="pair-limits-heading" className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="pair-limits-heading" className="font-semibold">
        Client–debtor limits
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        The most the factor will have out with one debtor for this client, per currency. A funding that goes above it waits for approval, unless an override
        covers it.
      </p>
      <DataTable
        caption="Client–debtor limits in force"
        csvName={`client-${clientId}-debtor-limits.csv`}
        rowKey={(l) => `${l.debtorId}-${l.currency}`}
        rows={data.limits}
        empty="No client–debtor limit set."
        columns={[
          { header: 'Debtor', value: (l) => l.debtorName },
          { header: 'Limit', value: (l) => l.limit, render: (l) => displayMoney(l.limit, l.currency), align: 'right' },
          { header: 'Open exposure', value: (l) => l.exposure, render: (l) => displayMoney(l.exposure, l.currency), align: 'right' },
          {
            header: 'Override today',
            value: (l) => (l.override ? `${l.override.limit} until ${l.override.until}` : ''),
            render: (l) => (l.override ? `${displayMoney(l.override.limit, l.currency)} until ${l.override.until}` : '—'),
          },
          { header: 'Set by', value: (l) => l.setBy ?? '' },
          { header: 'Set (UTC)', value: (l) => when(l.setAt) },
          { header: 'Reason', value: (l) => l.reason ?? '' },
        ]}
      />
      {can(actor, 'pair_limit.set') ? (
        <div className="mt-3">
          <h3 className="text-sm font-semibold">Set a client–debtor limit</h3>
          <PairLimitForm clientId={clientId} currency={currency} />
        </div>
      ) : null}
      {can(actor, 'pair_limit.override') ? (
        <div className="mt-3">
          <h3 className="text-sm font-semibold">Authorise an override</h3>
          <PairOverrideForm clientId={clientId} currency={currency} />
        </div>
      ) : null}
      <DataTable
        caption="Client–debtor limit history"
        csvName={`client-${clientId}-debtor-limit-history.csv`}
        rowKey={(h) => h.id}
        rows={data.history}
        empty="No changes yet."
        columns={[
          { header: 'When (UTC)', value: (h) => when(h.setAt) },
          { header: 'Debtor', value: (h) => h.debtorName },
          { header: 'Currency', value: (h) => h.currency },
          { header: 'Limit', value: (h) => (h.limit === null ? 'removed' : h.limit), align: 'right' },
          { header: 'By', value: (h) => h.setBy ?? '' },
          { header: 'Reason', value: (h) => h.reason ?? '' },
        ]}
      />
      <DataTable
        caption="Client–debtor limit overrides"
        csvName={`client-${clientId}-debtor-limit-overrides.csv`}
        rowKey={(o) => o.id}
        rows={data.overrides}
        empty="No overrides."
        columns={[
          { header: 'Debtor', value: (o) => o.debtorName },
          { header: 'Up to', value: (o) => o.limit, render: (o) => displayMoney(o.limit, o.currency), align: 'right' },
          { header: 'Until', value: (o) => o.until },
          {
            header: 'State',
            value: (o) =>
              o.revokedAt ? `revoked ${when(o.revokedAt)} by ${o.revokedBy ?? 'the system'}: ${o.revokedReason ?? ''}` : o.active ? 'active' : 'expired',
          },
          { header: 'Authorised by', value: (o) => o.grantedBy ?? '' },
          { header: 'When (UTC)', value: (o) => when(o.grantedAt) },
          { header: 'Why', value: (o) => o.reason },
          ...(canRevoke
            ? [
                {
                  header: 'Revoke',
                  value: () => '',
                  render: (o: (typeof data.overrides)[number]) =>
                    o.active ? <RevokeOverrideForm clientId={clientId} overrideId={o.id} debtorName={o.debtorName} /> : null,
                },
              ]
            : []),
        ]}
      />
    </section>
  );
}
