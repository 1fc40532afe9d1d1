import Link from 'next/link';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { displayMoney } from '@/lib/money';
import { BROKEN_PROMISE_WINDOW_DAYS, brokenPromises } from '@/lib/notes/queries';
import { PROMISE_BROKEN_LABEL } from '@/lib/notes/rules';
import { when } from './note-entry';

/**
 * Issue 15 item 3: on the collections inbox, the promises to pay broken or overdue — the invoice's
 * current promise, its date passed in the last BROKEN_PROMISE_WINDOW_DAYS days without the amount
 * collected — latest first, at most 20 (one index range read, lib/notes/queries.ts). Nothing shown
 * when there is none.
 */
export async function BrokenPromises({ today }: { today: string }) {
  const actor = await currentActor();
  if (!can(actor, 'note.read')) return null;
  const { items, more } = await brokenPromises(getDatabase(), today);
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="broken-promises-heading" className="mt-6 rounded-lg border border-red-200 bg-white p-4">
      <h2 id="broken-promises-heading" className="font-semibold text-red-900">
        {PROMISE_BROKEN_LABEL} ({more ? `the latest ${items.length}` : items.length})
      </h2>
      <p className="text-sm text-slate-600">Promises to pay whose date passed in the last {BROKEN_PROMISE_WINDOW_DAYS} days without the amount collected.</p>
      <ul aria-label="Broken promises to pay" className="mt-2 divide-y divide-slate-100 text-sm">
        {items.map((n) => (
          <li key={n.id} className="py-1.5">
            <Link className="font-medium text-brand-700 underline" href={n.subjectUrl}>
              Invoice {n.subjectLabel}
            </Link>
            : {displayMoney(n.promise!.amount, n.promise!.currency)} promised by {n.promise!.promisedOn},{' '}
            {displayMoney(n.promise!.collected, n.promise!.currency)} collected · recorded by {n.author.name || n.author.email} at {when(n.createdAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}
