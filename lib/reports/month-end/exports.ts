import { toCsv } from '../../csv';
import { Big, groupedMoney } from '../../money';
import { renderReportPdf, type PdfTable } from './pdf';
import type { FundsEmployedReport, IneligiblesReport, TrendsReport } from './reports';

/**
 * The month-end reports' CSV and PDF from the same report objects the screens and the API show
 * (so the three agree to the cent). CSV amounts are plain decimal strings; PDF amounts grouped.
 */

export const FUNDS_EMPLOYED_COLUMNS = [
  ['Client', 'clientName'],
  ['Client id', 'clientId'],
  ['Currency', 'currency'],
  ['Receivables', 'receivable'],
  ['Due from the client', 'clientDue'],
  ['Reserve held', 'reserve'],
  ['Payable to the client', 'clientPayable'],
  ['Net funds employed', 'fundsEmployed'],
  ['Fees receivable (not in funds employed)', 'feesReceivable'],
] as const;

export function fundsEmployedCsv(r: FundsEmployedReport): string {
  const rows = [
    ...r.rows.map((x) => FUNDS_EMPLOYED_COLUMNS.map(([, k]) => x[k])),
    ...r.totals.map((t) => FUNDS_EMPLOYED_COLUMNS.map(([, k]) => (k === 'clientName' ? 'Total' : k === 'clientId' ? '' : (t as Record<string, string>)[k]))),
  ];
  return toCsv(
    FUNDS_EMPLOYED_COLUMNS.map(([h]) => h),
    rows,
  );
}

export const INELIGIBLES_COLUMNS = [
  ['Client', 'clientName'],
  ['Client id', 'clientId'],
  ['Currency', 'currency'],
  ['Open invoices', 'invoices'],
  ['Open receivables', 'openReceivables'],
  ['Past due', 'pastDue'],
  ['Disputed', 'disputed'],
  ['Cross-aged', 'crossAged'],
  ['Over limit', 'overLimit'],
  ['Ineligible', 'ineligible'],
  ['Eligible', 'eligible'],
  ['Advance rate', 'advanceRate'],
  ['Borrowing base', 'borrowingBase'],
  ['Net funds employed', 'fundsEmployed'],
  ['Available', 'available'],
  ['Over-advanced', 'overAdvanced'],
  ['Ledger receivable', 'ledgerReceivable'],
] as const;

export function ineligiblesCsv(r: IneligiblesReport): string {
  const rows = [
    ...r.rows.map((x) => INELIGIBLES_COLUMNS.map(([, k]) => (x[k] === null ? '' : String(x[k])))),
    ...r.totals.map((t) =>
      INELIGIBLES_COLUMNS.map(([, k]) =>
        k === 'clientName' ? 'Total' : k === 'clientId' || k === 'invoices' || k === 'advanceRate' ? '' : ((t as Record<string, string>)[k] ?? ''),
      ),
    ),
  ];
  return toCsv(
    INELIGIBLES_COLUMNS.map(([h]) => h),
    rows,
  );
}

export const TREND_COLUMNS = [
  ['Series', null],
  ['Client id', null],
  ['Currency', null],
  ['Month', 'month'],
  ['Receivables at month end', 'receivables'],
  ['Credit sales (funded face value)', 'creditSales'],
  ['DSO (days)', 'dso'],
  ['Reduced', 'reduced'],
  ['Collected', 'collected'],
  ['Dilutive', 'dilutive'],
  ['Dilution rate', 'dilution'],
  ['Defaulted (aside)', 'defaulted'],
] as const;

export function trendsCsv(r: TrendsReport): string {
  const rows = r.series.flatMap((s) =>
    s.points.map((p) => [
      s.clientId === null ? 'Portfolio' : s.clientName,
      s.clientId ?? '',
      s.currency,
      ...TREND_COLUMNS.slice(3).map(([, k]) => (p[k as keyof typeof p] ?? '') as string),
    ]),
  );
  return toCsv(
    TREND_COLUMNS.map(([h]) => h),
    rows,
  );
}

/** A rate as a percent with `places` decimals ("0.1250" → "12.50%"). */
export function percent(rate: string | null, places = 2): string {
  if (rate === null) return '—';
  return `${new Big(rate).times(100).toFixed(places)}%`;
}

const money = (v: string, c: string) => groupedMoney(v, c);

export function fundsEmployedPdf(r: FundsEmployedReport, factorName: string): Promise<Buffer> {
  const cols: PdfTable['columns'] = [
    { header: 'Client', width: 112, align: 'left' },
    { header: 'Cur.', width: 28, align: 'left' },
    { header: 'Receivables', width: 70, align: 'right' },
    { header: 'Due from client', width: 60, align: 'right' },
    { header: 'Reserve', width: 66, align: 'right' },
    { header: 'Payable', width: 56, align: 'right' },
    { header: 'Funds employed', width: 72, align: 'right' },
  ];
  const line = (name: string, x: Omit<FundsEmployedReport['rows'][number], 'clientId' | 'clientName'>) => [
    name,
    x.currency,
    money(x.receivable, x.currency),
    money(x.clientDue, x.currency),
    money(x.reserve, x.currency),
    money(x.clientPayable, x.currency),
    money(x.fundsEmployed, x.currency),
  ];
  return renderReportPdf({
    factorName,
    title: 'Net funds employed',
    period: `As of ${r.asOf}`,
    date: r.asOf,
    rows: [
      ['As of', `${r.asOf} (end of day)`],
      ['Formula', 'receivables + due from the client − reserve held − payable to the client'],
    ],
    tables: [
      { heading: 'By client and currency', columns: cols, rows: r.rows.map((x) => line(x.clientName, x)), total: r.totals.map((t) => line('Total', t)) },
    ],
    notes: [
      'Each column is the ledger account’s balance as of the end of the date. Fees receivable are the factor’s income, settled from the reserve: shown in the CSV, not in funds employed.',
    ],
  });
}

export function ineligiblesPdf(r: IneligiblesReport, factorName: string): Promise<Buffer> {
  const ineligibleCols: PdfTable['columns'] = [
    { header: 'Client', width: 96, align: 'left' },
    { header: 'Cur.', width: 26, align: 'left' },
    { header: 'Open', width: 64, align: 'right' },
    { header: 'Past due', width: 58, align: 'right' },
    { header: 'Disputed', width: 52, align: 'right' },
    { header: 'Cross-aged', width: 54, align: 'right' },
    { header: 'Over limit', width: 52, align: 'right' },
    { header: 'Eligible', width: 64, align: 'right' },
  ];
  const availabilityCols: PdfTable['columns'] = [
    { header: 'Client', width: 96, align: 'left' },
    { header: 'Cur.', width: 26, align: 'left' },
    { header: 'Eligible', width: 66, align: 'right' },
    { header: 'Rate', width: 40, align: 'right' },
    { header: 'Borrowing base', width: 70, align: 'right' },
    { header: 'Funds employed', width: 70, align: 'right' },
    { header: 'Available', width: 64, align: 'right' },
    { header: 'Over-advanced', width: 64, align: 'right' },
  ];
  type T = IneligiblesReport['totals'][number];
  const inel = (name: string, x: T) => [
    name,
    x.currency,
    money(x.openReceivables, x.currency),
    money(x.pastDue, x.currency),
    money(x.disputed, x.currency),
    money(x.crossAged, x.currency),
    money(x.overLimit, x.currency),
    money(x.eligible, x.currency),
  ];
  const avail = (name: string, x: T, rate: string | null) => [
    name,
    x.currency,
    money(x.eligible, x.currency),
    rate === null ? '' : percent(rate, 1),
    money(x.borrowingBase, x.currency),
    money(x.fundsEmployed, x.currency),
    money(x.available, x.currency),
    money(x.overAdvanced, x.currency),
  ];
  return renderReportPdf({
    factorName,
    title: 'Ineligibles and availability',
    period: `As of ${r.asOf}`,
    date: r.asOf,
    rows: [
      ['As of', `${r.asOf} (end of day)`],
      ['Past due', `more than ${r.pastDueDays} days from the invoice date`],
      ['Cross-aged', `more than ${r.crossAgePercent}% of a debtor’s balance with the client past due`],
    ],
    tables: [
      {
        heading: 'Ineligibles',
        note: 'Each invoice counts once: past due, then disputed, then cross-aged; over limit is what remains above the debtor’s credit limit.',
        columns: ineligibleCols,
        rows: r.rows.map((x) => inel(x.clientName, x)),
        total: r.totals.map((t) => inel('Total', t)),
      },
      {
        heading: 'Availability',
        note: 'Available = eligible × advance rate − net funds employed; a negative is shown as over-advanced.',
        columns: availabilityCols,
        rows: r.rows.map((x) => avail(x.clientName, x, x.advanceRate)),
        total: r.totals.map((t) => avail('Total', t, null)),
      },
    ],
  });
}

export function trendsPdf(r: TrendsReport, factorName: string): Promise<Buffer> {
  const cols: PdfTable['columns'] = [
    { header: 'Month', width: 48, align: 'left' },
    { header: 'Receivables', width: 80, align: 'right' },
    { header: 'Credit sales', width: 80, align: 'right' },
    { header: 'DSO (days)', width: 52, align: 'right' },
    { header: 'Reduced', width: 76, align: 'right' },
    { header: 'Collected', width: 76, align: 'right' },
    { header: 'Dilution', width: 52, align: 'right' },
  ];
  return renderReportPdf({
    factorName,
    title: 'DSO and dilution',
    period: `${r.from} to ${r.to}`,
    date: `${r.to}-01`,
    rows: [
      ['Period', `${r.from} to ${r.to}`],
      ['DSO', 'receivables at month end ÷ face value funded in the month × days in the month'],
      ['Dilution', '(receivable credits − cash collected) ÷ receivable credits, write-offs and recourse aside'],
    ],
    tables: r.series.map((s) => ({
      heading: `${s.clientId === null ? 'Portfolio' : s.clientName} (${s.currency})`,
      columns: cols,
      rows: s.points.map((p) => [
        p.month,
        money(p.receivables, s.currency),
        money(p.creditSales, s.currency),
        p.dso ?? '—',
        money(p.reduced, s.currency),
        money(p.collected, s.currency),
        percent(p.dilution),
      ]),
    })),
  });
}
