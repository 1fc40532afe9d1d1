import type { RawSql } from '../../../db/client';
import { todayIn } from '../../dates';
import { keysetPage, parseListRequest } from '../../lists/keyset';
import { Big, groupedMoney } from '../../money';
import {
  FEE_INCOME_LIST,
  feeIncomeByMonth,
  feeIncomeCurrencies,
  feeIncomeItem,
  feeIncomeQuery,
  periodOf,
  type FeeIncomeItem,
  type FeeIncomeRow,
} from '../fee-income';
import { factorNameOf } from './factor';
import { renderReportPdf } from './pdf';

/**
 * Issue 16 item 6: Reports' fee income by client and month (lib/reports/fee-income.ts, issue 13,
 * from the fee_income lines' monthly roll-ups) as a PDF — the same list's filters (`from`, `to`,
 * `currency`, `name`), every client (its keyset pages of 500 walked), in the house style: the
 * portfolio by month, each client's total, then each client's months with income.
 */
export async function feeIncomePdf(sql: RawSql, params: URLSearchParams, today: string = todayIn()): Promise<{ pdf: Buffer; file: string }> {
  const q = new URLSearchParams(params);
  q.delete('format');
  q.delete('cursor');
  q.set('limit', '500');
  const request = parseListRequest(FEE_INCOME_LIST, q);
  const code = request.filters.currency ?? (await feeIncomeCurrencies(sql))[0] ?? 'USD';
  const period = periodOf(request.filters, today);
  const items: FeeIncomeItem[] = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    if (cursor) q.set('cursor', cursor);
    const page = await keysetPage<typeof request.filters, FeeIncomeRow, FeeIncomeItem>(
      sql,
      FEE_INCOME_LIST,
      parseListRequest(FEE_INCOME_LIST, q),
      feeIncomeQuery(sql, parseListRequest(FEE_INCOME_LIST, q), code, today),
      feeIncomeItem(code),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  const byMonth = await feeIncomeByMonth(sql, request.filters, code, today);
  const total = byMonth.reduce((s, m) => s.plus(m.income), new Big(0));
  const money = (v: string | Big) => groupedMoney(v, code);
  const pdf = await renderReportPdf({
    factorName: await factorNameOf(sql),
    title: 'Fee income',
    period: `${period.from} to ${period.to} (${code})`,
    date: `${period.to}-01`,
    rows: [
      ['Period', `${period.from} to ${period.to}`],
      ['Currency', code],
      ['Total', `${money(total)} ${code}`],
      ...(request.filters.name ? ([['Clients', `name contains “${request.filters.name}”`]] as [string, string][]) : []),
    ],
    tables: [
      {
        heading: 'By month (every client)',
        columns: [
          { header: 'Month', width: 200, align: 'left' },
          { header: `Income (${code})`, width: 299, align: 'right' },
        ],
        rows: byMonth.map((m) => [m.month, money(m.income)]),
        total: [['Total', money(total)]],
      },
      {
        heading: 'By client',
        columns: [
          { header: 'Client', width: 330, align: 'left' },
          { header: `Income (${code})`, width: 169, align: 'right' },
        ],
        rows: items.map((i) => [i.clientName, money(i.total)]),
        total: [['Total', money(items.reduce((s, i) => s.plus(i.total), new Big(0)))]],
      },
      {
        heading: 'By client and month',
        columns: [
          { header: 'Client', width: 260, align: 'left' },
          { header: 'Month', width: 80, align: 'left' },
          { header: `Income (${code})`, width: 159, align: 'right' },
        ],
        rows: items.flatMap((i) => period.months.filter((m) => i.months[m]).map((m) => [i.clientName, m, money(i.months[m]!)])),
      },
    ],
    notes: ['Fee income is what was credited to the fee income account: service, flat and accrued fees, by the month of the ledger line’s date.'],
  });
  return { pdf, file: `fee-income-${code}-${period.from}-to-${period.to}.pdf` };
}
