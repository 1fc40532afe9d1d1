import Link from 'next/link';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { FUNDING_STATUS_LABELS, fundingList } from '@/lib/funding/list';
import { keysetPage, parseListRequest } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';

/** How many of the newest schedules the portal's home page names; the rest are on /portal/schedules. */
const RECENT = 5;

/**
 * Issue 15 item 2: the portal's way to its schedules (funding batches) — the newest few, each
 * linking to its page, where the client uploads the signed schedule and proofs of delivery. The
 * funding list is scoped to the client user's own client by the list itself.
 */
export async function PortalRecentSchedules({ actor }: { actor: Actor }) {
  const db = getDatabase();
  const spec = fundingList(db.sql, actor);
  const request = parseListRequest(spec.def, { limit: String(RECENT) });
  const page = await keysetPage(db.sql, spec.def, request, spec.query(request), spec.map);
  return (
    <section aria-labelledby="portal-schedules" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="portal-schedules" className="font-semibold">
        Your schedules
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Each funding of your invoices is a schedule: open one to see its invoices and to upload the signed schedule, invoice images or proofs of delivery.
      </p>
      {page.items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">No schedules yet.</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm">
          {page.items.map((b) => (
            <li key={b.id}>
              <Link className="text-brand-700 underline" href={`/portal/schedules/${b.id}`}>{`Schedule ${b.id}`}</Link> · {b.fundingDate} ·{' '}
              {FUNDING_STATUS_LABELS[b.status as keyof typeof FUNDING_STATUS_LABELS] ?? b.status} · {b.invoices} invoice{b.invoices === 1 ? '' : 's'} ·{' '}
              {displayMoney(b.totalFace, b.currency)}
            </li>
          ))}
        </ul>
      )}
      {page.total > page.items.length ? (
        <p className="mt-2 text-sm">
          <Link className="text-brand-700 underline" href="/portal/schedules">
            All {page.total.toLocaleString('en-US')} schedules
          </Link>
        </p>
      ) : null}
    </section>
  );
}
