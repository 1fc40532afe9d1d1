import type { Metadata } from 'next';
import Link from 'next/link';
import { ClientPicker } from '@/app/_components/client-picker';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { ListFilters } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { addDays, todayIn } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { displayMoney } from '@/lib/money';
import {
  openingDate,
  pageRollForward,
  parseRollForwardQuery,
  reserveRollForward,
  type RollForward,
  type RollForwardFigures,
  type RollForwardQuery,
} from '@/lib/reports/roll-forward';

export const metadata: Metadata = { title: 'Reserve roll-forward' };
export const dynamic = 'force-dynamic';

const PATH = '/reports/roll-forward';

/** The last whole month before today: the period a month-end close asks for first. */
function lastMonth(today: string): { from: string; to: string } {
  const firstOfThis = `${today.slice(0, 7)}-01`;
  const to = addDays(firstOfThis, -1);
  return { from: `${to.slice(0, 7)}-01`, to };
}

const COLUMNS: { key: keyof RollForwardFigures; header: string }[] = [
  { key: 'opening', header: 'Opening' },
  { key: 'withheld', header: 'Withheld' },
  { key: 'fees', header: 'Fees' },
  { key: 'released', header: 'Released' },
  { key: 'adjustments', header: 'Adjustments' },
  { key: 'closing', header: 'Closing' },
];

/**
 * Issue 16 item 6: Reports → Reserve roll-forward — per client and currency, opening + withheld −
 * fees − released + adjustments = closing for a period, tied to the ledger, with the portfolio
 * total per currency; pages of clients, the whole report as CSV or PDF (GET /api/v1/reports/roll-forward).
 */
export default async function RollForwardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSection('reports');
  const query = toQuery(await searchParams);
  const period = { ...lastMonth(todayIn()), ...query };
  let q: RollForwardQuery | null = null;
  let error: string | null = null;
  try {
    q = parseRollForwardQuery(new URLSearchParams(period));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e.message;
  }
  let report: RollForward | null = null;
  if (q) {
    try {
      report = await reserveRollForward(getDatabase().sql, q);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      error = e.message;
    }
  }
  const page = report && q ? pageRollForward(report.rows, { cursor: q.cursor, limit: q.limit }) : null;
  const shown = { from: period.from, to: period.to, ...(query.clientId ? { clientId: query.clientId } : {}) };
  return (
    <div>
      <PageHeader
        title="Reserve roll-forward"
        subtitle="What each client's reserve held at the start of a period, what moved it and what it held at the end — tied to the ledger"
        actions={
          <Link href="/reports" className="text-sm text-brand-700 underline">
            Back to reports
          </Link>
        }
      />
      <ListFilters path={PATH} query={query} error={error} label="Roll-forward period">
        <label className="block text-sm">
          <span className="font-medium text-slate-700">From</span>
          <input name="from" type="date" defaultValue={period.from} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">To</span>
          <input name="to" type="date" defaultValue={period.to} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <ClientPicker
          name="clientId"
          label="Client (optional)"
          required={false}
          initialId={query.clientId ?? ''}
          initialLabel={query.clientIdLabel ?? ''}
          hint="Blank: every client"
        />
      </ListFilters>
      {report && q && page ? (
        <>
          <p className="mt-4 text-sm text-slate-600">
            Opening: held at the end of {openingDate(q.from)}. Closing: held at the end of {q.to}. Withheld at purchase, fees settled from the reserve, released
            to the client, and adjustments (chargebacks, short pays, credit notes and any other movement); a reversal counts in the column of the entry it
            reverses.
          </p>
          <div className="mt-2 flex flex-wrap gap-4">
            <a className="text-sm text-brand-700 underline" href={withQuery('/api/v1/reports/roll-forward', shown, { format: 'csv' })} download>
              Download CSV
            </a>
            <a className="text-sm text-brand-700 underline" href={withQuery('/api/v1/reports/roll-forward', shown, { format: 'pdf' })} download>
              Download PDF
            </a>
          </div>
          <section aria-labelledby="totals-heading" className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="totals-heading" className="font-semibold">
              Portfolio total
            </h2>
            <Figures
              caption="Portfolio total by currency"
              first="Currency"
              rows={report.totals.map((t) => ({
                key: t.currency,
                label: `${t.currency} (${t.clients} ${t.clients === 1 ? 'client' : 'clients'})`,
                currency: t.currency,
                f: t,
              }))}
              empty="No client holds a reserve account yet."
            />
          </section>
          <section aria-labelledby="clients-heading" className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="clients-heading" className="font-semibold">
              By client
            </h2>
            <Figures
              caption="Reserve roll-forward by client and currency"
              first="Client"
              rows={page.rows.map((r) => ({
                key: `${r.clientId}-${r.currency}`,
                label: `${r.clientName} (${r.currency})`,
                href: `/clients/${r.clientId}`,
                currency: r.currency,
                f: r,
              }))}
              empty="No client in this selection."
            />
            <div className="mt-3 flex gap-4 text-sm">
              {q.cursor ? (
                <Link className="text-brand-700 underline" href={withQuery(PATH, shown)}>
                  First page
                </Link>
              ) : null}
              {page.nextCursor ? (
                <Link className="text-brand-700 underline" href={withQuery(PATH, shown, { cursor: page.nextCursor })}>
                  Next page →
                </Link>
              ) : null}
            </div>
          </section>
        </>
      ) : null}
    </div>
  );
}

function Figures({
  caption,
  first,
  rows,
  empty,
}: {
  caption: string;
  first: string;
  rows: { key: string; label: string; href?: string; currency: string; f: RollForwardFigures }[];
  empty: string;
}) {
  if (rows.length === 0) return <p className="mt-2 text-sm text-slate-600">{empty}</p>;
  return (
    <table className="mt-2 w-full min-w-[44rem] text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-200 text-left text-slate-600">
          <th scope="col" className="py-2 pr-3 font-medium">
            {first}
          </th>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" className="py-2 pl-3 text-right font-medium">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className="border-b border-slate-100">
            <th scope="row" className="py-2 pr-3 text-left font-normal">
              {r.href ? (
                <a className="text-brand-700 underline" href={r.href}>
                  {r.label}
                </a>
              ) : (
                r.label
              )}
            </th>
            {COLUMNS.map((c) => (
              <td key={c.key} className="num py-2 pl-3 text-right">
                {displayMoney(r.f[c.key], r.currency)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
