import { Big } from '@/lib/money';

/**
 * A server-rendered SVG line chart of a figure by month (DSO in days, dilution as a percent) — no
 * client JS, no chart library; the figures are in the table beside it. A month without a figure
 * (nothing funded, nothing reduced) is a gap in the line.
 */
export function TrendChart({ title, points, unit }: { title: string; points: { label: string; value: string | null }[]; unit: 'days' | 'percent' }) {
  const w = 560;
  const h = 180;
  const pad = 34;
  const shown = (v: string) => (unit === 'percent' ? `${new Big(v).times(100).toFixed(1)}%` : `${v} days`);
  const values = points.filter((p) => p.value !== null).map((p) => new Big(p.value!));
  const max = values.reduce((m, v) => (v.gt(m) ? v : m), new Big(0));
  const top = max.eq(0) ? new Big(1) : max;
  const step = points.length > 1 ? (w - 2 * pad) / (points.length - 1) : 0;
  const y = (v: string) =>
    h -
    pad -
    Number(
      new Big(v)
        .div(top)
        .times(h - 2 * pad)
        .round(2)
        .toString(),
    );
  // consecutive months with figures are joined; a gap starts a new segment
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${pad + i * step},${y(p.value)}`);
  });
  if (current.length) segments.push(current.join(' '));
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${title}: ${points.map((p) => `${p.label} ${p.value === null ? 'none' : shown(p.value)}`).join(', ')}`}
        className="h-auto w-full"
      >
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} stroke="#cbd5e1" />
        {segments.map((s) => (
          <polyline key={s} fill="none" stroke="#0f766e" strokeWidth="2" points={s} />
        ))}
        {points.map((p, i) => (
          <g key={p.label}>
            {p.value !== null ? (
              <circle cx={pad + i * step} cy={y(p.value)} r="3" fill="#0f766e">
                <title>{`${p.label}: ${shown(p.value)}`}</title>
              </circle>
            ) : null}
            <text x={pad + i * step} y={h - 12} fontSize="9" textAnchor="middle" fill="#64748b">
              {p.label.slice(2)}
            </text>
          </g>
        ))}
        <text x={pad} y={14} fontSize="10" fill="#64748b">
          {`max ${shown(max.toString())}`}
        </text>
      </svg>
    </figure>
  );
}
