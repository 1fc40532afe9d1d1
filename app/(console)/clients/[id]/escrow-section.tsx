import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { displayMoney } from '@/lib/money';
import type { clientEscrow } from '@/lib/releases/escrow';
import { EscrowReleaseForm } from './escrow';

/**
 * Issue 16 item 3: the client's escrow — the policy's share and cap, what each currency holds, an
 * escrow release waiting for approval, and (for those who may) the request to release it. Shown
 * when the policy is escrow or an escrow is still held.
 */
export function EscrowSection({
  clientId,
  actor,
  today,
  escrow,
}: {
  clientId: number;
  actor: Actor;
  today: string;
  /** read once by the page (its Close note uses the same figures) */
  escrow: Awaited<ReturnType<typeof clientEscrow>>;
}) {
  if (escrow.cap === null && escrow.balances.length === 0) return null;
  const canRequest = can(actor, 'release.run_cycle');
  return (
    <section aria-labelledby="escrow-heading" className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="escrow-heading" className="font-semibold">
        Escrow
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {escrow.share !== null && escrow.cap !== null
          ? `${(Number(escrow.share) * 100).toString()}% of each rebate is kept in escrow until it holds the cap (in each currency); it is paid back at the end of the relationship or by approval.`
          : 'The agreement no longer keeps an escrow; what is held is paid back by approval.'}
      </p>
      <dl aria-label="Escrow held" className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:max-w-md">
        {escrow.balances.length === 0 ? (
          <>
            <dt className="text-slate-500">Held</dt>
            <dd className="num">Nothing yet (cap {escrow.cap})</dd>
          </>
        ) : null}
        {escrow.balances.map((b) => (
          <div key={b.currency} className="contents">
            <dt className="text-slate-500">Escrow held ({b.currency})</dt>
            <dd className="num">
              {displayMoney(b.held, b.currency)}
              {b.cap !== null ? ` of ${displayMoney(b.cap, b.currency)} cap` : ''}
            </dd>
            {b.pendingRelease !== null ? (
              <>
                <dt className="text-slate-500">Waiting for approval ({b.currency})</dt>
                <dd className="num">{displayMoney(b.pendingRelease, b.currency)}</dd>
              </>
            ) : null}
          </div>
        ))}
      </dl>
      {canRequest
        ? escrow.balances
            .filter((b) => Number(b.held) > 0 && b.pendingRelease === null)
            .map((b) => (
              <EscrowReleaseForm key={b.currency} clientId={String(clientId)} currency={b.currency} held={displayMoney(b.held, b.currency)} today={today} />
            ))
        : null}
    </section>
  );
}
