'use client';

import type { WhatIfAnswer } from '@/lib/releases/what-if';
import { displayMoney } from '@/lib/money';

/**
 * Issue 16 item 2: a what-if as people read it — the totals per currency, then each affected
 * client's reserve held and releasable before and after (the changed ones marked), paged.
 */
export function WhatIfTable({ preview, onPage }: { preview: WhatIfAnswer; onPage?: (page: number) => void }) {
  const th = 'px-2 py-1 text-left font-medium';
  const td = 'px-2 py-1';
  const num = 'px-2 py-1 text-right num';
  return (
    <div className="mt-4 rounded-lg border border-sky-200 bg-sky-50 p-3">
      <p className="text-sm font-medium">
        Preview as of {preview.asOf}: {preview.clientsAffected} client{preview.clientsAffected === 1 ? '' : 's'} affected, {preview.clientsChanged} whose next
        release would change.
      </p>
      {preview.totals.length > 0 ? (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full bg-white text-sm" aria-label="What-if totals">
            <thead>
              <tr className="text-slate-600">
                <th className={th}>Currency</th>
                <th className={th}>Held before</th>
                <th className={th}>Held after</th>
                <th className={th}>Releasable before</th>
                <th className={th}>Releasable after</th>
              </tr>
            </thead>
            <tbody>
              {preview.totals.map((t) => (
                <tr key={t.currency} className="border-t border-slate-100">
                  <td className={td}>{t.currency}</td>
                  <td className={num}>{displayMoney(t.before.held, t.currency)}</td>
                  <td className={num}>{displayMoney(t.after.held, t.currency)}</td>
                  <td className={num}>{displayMoney(t.before.releasable, t.currency)}</td>
                  <td className={num}>{displayMoney(t.after.releasable, t.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {preview.rows.length > 0 ? (
        <div className="mt-3 overflow-x-auto">
          <table className="w-full bg-white text-sm" aria-label="What-if by client">
            <thead>
              <tr className="text-slate-600">
                <th className={th}>Client</th>
                <th className={th}>Currency</th>
                <th className={th}>Held</th>
                <th className={th}>Releasable before</th>
                <th className={th}>Releasable after</th>
                <th className={th}>Release</th>
                <th className={th}>Next release</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={`${r.clientId}-${r.currency}`} className="border-t border-slate-100">
                  <td className={td}>
                    <a className="underline" href={`/clients/${r.clientId}`}>
                      {r.clientName || `Client ${r.clientId}`}
                    </a>
                  </td>
                  <td className={td}>{r.currency}</td>
                  <td className={num}>
                    {r.before.held === r.after.held
                      ? displayMoney(r.before.held, r.currency)
                      : `${displayMoney(r.before.held, r.currency)} → ${displayMoney(r.after.held, r.currency)}`}
                  </td>
                  <td className={num}>{displayMoney(r.before.releasable, r.currency)}</td>
                  <td className={num}>{displayMoney(r.after.releasable, r.currency)}</td>
                  <td className={td}>
                    {r.before.releaseMode === r.after.releaseMode ? r.after.releaseMode : `${r.before.releaseMode} → ${r.after.releaseMode}`}
                  </td>
                  <td className={td}>{r.changes ? 'changes' : 'same'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {onPage && (preview.page > 1 || preview.page * preview.pageSize < preview.rowCount) ? (
        <div className="mt-2 flex gap-2 text-sm">
          {preview.page > 1 ? (
            <button type="button" className="underline" onClick={() => onPage(preview.page - 1)}>
              Previous clients
            </button>
          ) : null}
          {preview.page * preview.pageSize < preview.rowCount ? (
            <button type="button" className="underline" onClick={() => onPage(preview.page + 1)}>
              More clients
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
