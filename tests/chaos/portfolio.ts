import type { Database } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { createClient } from '../../lib/clients';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { addDays } from '../../lib/dates';
import { generatePortfolio } from '../../lib/demo/generate';
import { runAccrual } from '../../lib/fees/accrual';
import { fundBatch } from '../../lib/funding';
import { Big, formatMoney } from '../../lib/money';
import { isWeekday, previousMonth, type StatementPeriod } from '../../lib/statements/period';
import { aDebtor, anInvoice } from '../support/builders';

/**
 * The dates of a chaos run, from the factor's business date `today`: the statements of the month
 * before, the release cycle (and the accrual's catch-up) on that month's last weekday, the fees
 * accrued before the run up to three weeks earlier, and four months of fundings behind them.
 */
export interface ChaosDates {
  /** fundings from here, over `fundedDays` days */
  fundedFrom: string;
  fundedDays: number;
  /** fees accrued through this date before the run (the run catches up the rest) */
  preparedThrough: string;
  /** the fee-accrual job's asOf and the release cycle's date (every generated cadence falls due) */
  asOf: string;
  /** the statements run's period */
  period: StatementPeriod;
}

export function chaosDates(today: string): ChaosDates {
  const period = previousMonth(today);
  let asOf = period.to;
  while (!isWeekday(asOf)) asOf = addDays(asOf, -1);
  return { fundedFrom: addDays(asOf, -100), fundedDays: 60, preparedThrough: addDays(asOf, -21), asOf, period };
}

export interface PortfolioFigures {
  clients: number;
  invoices: number;
  settled: number;
  /** clients and invoices made through the real commands (createClient, fundBatch, payments) */
  commandClients: number;
  commandInvoices: number;
  commandPayments: number;
  seconds: number;
}

/**
 * A realistic small portfolio in an empty, migrated database:
 * - the set-based generator (lib/demo/generate.ts, as the operator: it writes set-based and
 *   ANALYZEs) with its release mix: cadences (weekly, biweekly, monthly, on collection) anchored
 *   so that `asOf` is due, risk tiers, auto-approve limits (most releases post and pay, some wait
 *   for approval), contacts for the rebate advice and statement emails, about a third of the
 *   invoices paid and settled; each invoice accrues 12% a year on face, daily;
 * - a few clients through the real commands as the app (createClient with contacts, fundBatch,
 *   receivePayment/applyPayment), biweekly from an anchor four weeks before `asOf`, some on an
 *   `outstanding` fee base with part payments;
 * - the daily fee accrual run through `preparedThrough`, so the job has three weeks to catch up.
 */
export async function preparePortfolio(
  owner: Database,
  app: Database,
  options: { clients: number; invoices: number; dates: ChaosDates; log?: (line: string) => void },
): Promise<PortfolioFigures> {
  const started = performance.now();
  const { dates } = options;
  const log = options.log ?? (() => {});
  const generated = await generatePortfolio(owner, {
    invoices: options.invoices,
    clients: options.clients,
    fundedFrom: dates.fundedFrom,
    days: dates.fundedDays,
    releaseMix: { asOf: dates.asOf, settledShare: 0.35 },
  });
  log(`generated ${generated.invoices} invoices of ${generated.clients} clients (${generated.settled} paid and settled)`);

  // A few clients through the commands people use.
  // A system actor (as the jobs and the CLI act): the commands' checks and postings are the same,
  // and no password is hashed for people who never sign in.
  const actor = systemActor('chaos:prepare', 'cli');
  const team = { underwriter: actor, funding: actor, collections: actor };
  const debtor = await aDebtor(app, team, { creditLimit: '100000000.00' });
  const commandClients = Math.max(2, Math.round(options.clients / 40));
  const perClient = 6;
  const open: { id: string; faceValue: string; fundingDate: string; outstanding: boolean }[] = [];
  for (let c = 0; c < commandClients; c += 1) {
    const outstanding = c % 2 === 1;
    const client = await app.transaction((tx) =>
      createClient(
        tx,
        {
          name: `Chaos Client ${c + 1}`,
          currency: 'USD',
          status: 'active',
          effectiveFrom: '2025-01-01',
          contacts: [
            { name: 'Accounts', email: `accounts@chaos-${c + 1}.test` },
            ...(c % 3 === 0 ? [{ name: 'Owner', email: `owner@chaos-${c + 1}.test`, notifyStatements: false }] : []),
          ],
          agreement: {
            advanceRate: '0.85',
            reserveRate: '0.15',
            fees: outstanding
              ? { kind: 'daily_rate', rate: '0.18', dayCount: 'actual/365', base: 'outstanding' }
              : { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
            releaseSchedule: { cadence: 'biweekly', anchorDate: addDays(dates.asOf, -28) },
            // one client's releases wait for an approver; the others post and pay in the cycle
            releaseAutoApproveUpTo: c === 0 ? '0.00' : '500000.00',
            riskScore: 95,
          },
        },
        team.underwriter,
      ),
    );
    for (let i = 0; i < perClient; i += 1) {
      const fundingDate = addDays(dates.fundedFrom, 3 + ((c * 11 + i * 9) % (dates.fundedDays - 5)));
      const faceValue = `${5000 + ((c * 7919 + i * 104729) % 40000)}.${String((c * 31 + i * 17) % 100).padStart(2, '0')}`;
      const invoice = await anInvoice(app, team, { client, debtor, faceValue, issueDate: addDays(fundingDate, -1) });
      await app.transaction((tx) => fundBatch(tx, { clientId: client.id, invoiceIds: [invoice.id], fundingDate }, team.funding));
      open.push({ id: invoice.id, faceValue, fundingDate, outstanding });
    }
  }
  log(`${commandClients} clients and ${open.length} invoices funded through the commands`);

  const accrual = await runAccrual(app, { asOf: dates.preparedThrough, by: systemActor('chaos:prepare') });
  log(`fees accrued through ${dates.preparedThrough} (${accrual.dates.length} days)`);

  // Payments received and applied through the collections commands, dated before the run: every
  // other invoice paid in full (its fee settled from its reserve), and a part payment on some
  // invoices with an `outstanding` fee base (their accrual goes on, on what is left).
  let payments = 0;
  for (const [k, inv] of open.entries()) {
    const full = k % 2 === 0;
    const part = !full && inv.outstanding && k % 4 === 1;
    if (!full && !part) continue;
    const received = addDays(inv.fundingDate, 20 + (k % 15));
    if (received > dates.preparedThrough) continue;
    const amount = full ? inv.faceValue : formatMoney(new Big(inv.faceValue).times('0.4'), 'USD');
    const payment = await app.transaction((tx) => receivePayment(tx, { amount, currency: 'USD', receivedDate: received }, team.collections));
    await app.transaction((tx) => applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId: inv.id, amount }] }, team.collections));
    payments += 1;
  }
  log(`${payments} payments received and applied`);
  await owner.sql`analyze`;
  return {
    clients: generated.clients + commandClients,
    invoices: generated.invoices + open.length,
    settled: generated.settled,
    commandClients,
    commandInvoices: open.length,
    commandPayments: payments,
    seconds: (performance.now() - started) / 1000,
  };
}
