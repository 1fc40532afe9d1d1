import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { RISK_PARTS, RISK_PART_LABELS, clientRisk, type RiskPoint } from '@/lib/risk';
import { riskScoring } from '@/lib/risk/settings';
import { Big } from '@/lib/money';
import { RiskDecision } from './risk-decision';

const pct = (fraction: string, places = 2) => `${new Big(fraction).times(100).toFixed(places)}%`;

/** The history as a line, scores 0–100 bottom to top, oldest left (a server-drawn SVG, no script). */
function RiskChart({ history }: { history: RiskPoint[] }) {
  const w = 600;
  const h = 160;
  const pad = 28;
  const n = history.length;
  const x = (i: number) => (n === 1 ? w / 2 : pad + ((w - 2 * pad) * i) / (n - 1));
  const y = (score: number) => h - pad / 2 - ((h - pad) * score) / 100;
  const points = history.map((p, i) => `${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const first = history[0]!;
  const last = history[n - 1]!;
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={`Risk score history: ${first.score} on ${first.asOf}, ${last.score} on ${last.asOf}, over ${n} ${n === 1 ? 'day' : 'days'}`}
      className="mt-3 h-40 w-full max-w-2xl"
    >
      {[0, 60, 80, 100].map((s) => (
        <g key={s}>
          <line x1={pad} x2={w - pad} y1={y(s)} y2={y(s)} stroke="#e2e8f0" strokeWidth="1" />
          <text x={4} y={y(s) + 4} fontSize="10" fill="#64748b">
            {s}
          </text>
        </g>
      ))}
      <polyline points={points} fill="none" stroke="#1d4ed8" strokeWidth="2" />
      {history.map((p, i) => (
        <circle key={p.asOf} cx={x(i)} cy={y(p.score)} r={n > 60 ? 1.5 : 3} fill="#1d4ed8">
          <title>{`${p.asOf}: ${p.score} (band ${p.band ?? '—'})`}</title>
        </circle>
      ))}
      <text x={pad} y={h - 2} fontSize="10" fill="#64748b">
        {first.asOf}
      </text>
      <text x={w - pad} y={h - 2} fontSize="10" fill="#64748b" textAnchor="end">
        {last.asOf}
      </text>
    </svg>
  );
}

/**
 * Issue 16 item 1: the client page's Risk section (of a client the page has read: not read again) — the latest measured score, its band and parts,
 * the history (chart), and a band change waiting for approval (Accept / Reject for approvers).
 */
export async function RiskSection({ clientId, actor }: { clientId: string; actor: Actor }) {
  const db = getDatabase();
  const [risk, scoring] = await Promise.all([clientRisk(db, Number(clientId), actor, { known: true }), riskScoring(db)]);
  const canDecide = can(actor, 'agreement.approve');
  return (
    <section aria-labelledby="risk-heading" className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="risk-heading" className="font-semibold">
        Risk
      </h2>
      {risk.score === null ? (
        <p className="mt-2 text-sm text-slate-500">Not scored yet: the nightly risk-scores job scores every active client.</p>
      ) : (
        <>
          <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
            <dt className="text-slate-500">Risk score</dt>
            <dd>
              <strong>{risk.score}</strong> of 100 (higher is healthier), on {risk.asOf}
            </dd>
            <dt className="text-slate-500">Band</dt>
            <dd>{risk.band ?? '—'}</dd>
          </dl>
          <div className="mt-3 overflow-x-auto">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Parts of the risk score</caption>
              <thead>
                <tr className="text-left text-slate-500">
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Part
                  </th>
                  <th scope="col" className="py-1 pr-4 text-right font-medium">
                    Measured
                  </th>
                  <th scope="col" className="py-1 pr-4 text-right font-medium">
                    Risk (0–100)
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    Weight
                  </th>
                </tr>
              </thead>
              <tbody>
                {RISK_PARTS.map((p) => {
                  const measured = risk.measures?.[p];
                  return (
                    <tr key={p} className="border-t border-slate-100">
                      <th scope="row" className="py-1 pr-4 text-left font-normal">
                        {RISK_PART_LABELS[p]}
                      </th>
                      <td className="num py-1 pr-4 text-right">
                        {measured === undefined ? '—' : p === 'daysBeyondTerms' ? `${new Big(measured).toFixed(1)} days` : pct(measured)}
                      </td>
                      <td className="num py-1 pr-4 text-right">{risk.parts?.[p] ?? '—'}</td>
                      <td className="num py-1 text-right">{pct(scoring.weights[p], 0)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <RiskChart history={risk.history} />
        </>
      )}
      {risk.pending ? (
        <div className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p>
            Proposed: band {risk.pending.fromBand ?? '(no score)'} → {risk.pending.toBand} (score {risk.pending.score}) — reserve rate{' '}
            {pct(risk.pending.reserveRate, 0)}, holding period {risk.pending.holdDays} days, agreement version {risk.pending.version}. It applies to fundings
            from the day it is accepted; earlier fundings keep their rate.
          </p>
          {canDecide ? <RiskDecision clientId={clientId} agreementId={risk.pending.agreementId} /> : <p className="mt-1">An approver accepts or rejects it.</p>}
        </div>
      ) : null}
    </section>
  );
}
