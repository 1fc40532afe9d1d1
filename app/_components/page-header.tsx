import type { ReactNode } from 'react';

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold">{title}</h1>
        {subtitle ? <p className="mt-1 text-sm text-slate-600">{subtitle}</p> : null}
      </div>
      {actions}
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div role="group" aria-label={label} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <div className="num mt-1 text-xl font-semibold wrap-anywhere">{value}</div>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** For screens a later piece of work fills: says what is coming, honestly. */
export function Coming({ title, what }: { title: string; what: string[] }) {
  return (
    <div>
      <PageHeader title={title} />
      <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6">
        <p className="font-medium">Coming next on this screen</p>
        <ul className="mt-2 list-disc pl-5 text-sm text-slate-600">
          {what.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
