import { Big, displayMoney } from '@/lib/money';

/** Server-rendered SVG charts (no client JS): amounts stay strings/Big; only pixels are numbers. */
const px = (value: Big) => Number(value.round(2, Big.roundHalfUp).toString());

function scale(values: string[]): Big {
  const max = values.reduce((m, v) => (new Big(v).gt(m) ? new Big(v) : m), new Big(0));
  return max.eq(0) ? new Big(1) : max;
}

export function LineChart({ title, points, currency }: { title: string; points: { label: string; value: string }[]; currency: string }) {
  const w = 560;
  const h = 180;
  const pad = 30;
  const max = scale(points.map((p) => p.value));
  const step = points.length > 1 ? (w - 2 * pad) / (points.length - 1) : 0;
  const xy = points.map((p, i) => ({ x: pad + i * step, y: h - pad - px(new Big(p.value).div(max).times(h - 2 * pad)), ...p }));
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${title}: ${points.map((p) => `${p.label} ${displayMoney(p.value, currency)}`).join(', ')}`}
        className="h-auto w-full"
      >
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} stroke="#cbd5e1" />
        <polyline fill="none" stroke="#0f766e" strokeWidth="2" points={xy.map((p) => `${p.x},${p.y}`).join(' ')} />
        {xy.map((p) => (
          <g key={p.label}>
            <circle cx={p.x} cy={p.y} r="3" fill="#0f766e">
              <title>{`${p.label}: ${displayMoney(p.value, currency)}`}</title>
            </circle>
            <text x={p.x} y={h - 10} fontSize="9" textAnchor="middle" fill="#64748b">
              {p.label.slice(2, 7)}
            </text>
          </g>
        ))}
        <text x={pad} y={14} fontSize="10" fill="#64748b">
          {`max ${displayMoney(max, currency)}`}
        </text>
      </svg>
    </figure>
  );
}

export function BarChart({ title, bars, currency }: { title: string; bars: { label: string; value: string }[]; currency: string }) {
  const w = 560;
  const h = 180;
  const pad = 30;
  const max = scale(bars.map((b) => b.value));
  const slot = bars.length > 0 ? (w - 2 * pad) / bars.length : 0;
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${displayMoney(b.value, currency)}`).join(', ')}`}
        className="h-auto w-full"
      >
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} stroke="#cbd5e1" />
        {bars.map((b, i) => {
          const bh = px(new Big(b.value).div(max).times(h - 2 * pad));
          return (
            <g key={b.label}>
              <rect x={pad + i * slot + slot * 0.15} y={h - pad - bh} width={slot * 0.7} height={bh} fill="#0f766e">
                <title>{`${b.label}: ${displayMoney(b.value, currency)}`}</title>
              </rect>
              <text x={pad + i * slot + slot / 2} y={h - 10} fontSize="9" textAnchor="middle" fill="#64748b">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
