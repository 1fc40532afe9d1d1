import type { Database } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { agreementOn, agreementVersions, getClient } from '../../lib/clients';
import { getPayoutAccount } from '../../lib/clients/payout-account';
import { listDisputes } from '../../lib/collections/disputes';
import { subjectDocuments } from '../../lib/documents';
import { fundingList } from '../../lib/funding/list';
import { listMisdirected } from '../../lib/collections/misdirected';
import { listUnapplied } from '../../lib/collections/payments';
import { listNoas } from '../../lib/debtors';
import { DEBTORS_LIST, debtorsQuery, mapDebtorRow } from '../../lib/debtors/lists';
import { CLIENT_INVOICES_LIST, clientInvoicesQuery, partyInvoice } from '../../lib/debtors/page-lists';
import { recentReserveMovements } from '../../lib/clients/reserve-movements';
import { getInvoice } from '../../lib/invoices';
import { invoiceParties } from '../../lib/invoices/standing';
import { search } from '../../lib/search';
import { getDebtorDetail } from '../../lib/debtors/detail';
import { invoiceList, invoiceListParams, invoicePage, listCurrencies } from '../../lib/invoices/list';
import { partiesNamed } from '../../lib/invoices/list-parties';
import { keysetPage, parseListRequest } from '../../lib/lists/keyset';
import { currentBalances, entriesForInvoice } from '../../lib/ledger';
import { accrualHistory } from '../../lib/reports/fees';
import { clientFeeFigures } from '../../lib/fees/client-fees';
import { clientReleases, reserveForecast, reserveHistory } from '../../lib/portal';
import { reserveReport } from '../../lib/releases';
import { AGING_LISTS, agingCurrencies, agingItem, agingListQuery, agingTotals } from '../../lib/reports/aging-list';
import { FEE_INCOME_LIST, feeIncomeByMonth, feeIncomeContext, feeIncomeCurrencies, feeIncomeItem, feeIncomeQuery } from '../../lib/reports/fee-income';
import { dashboard } from '../../lib/reports/dashboard';
import { glExportCsv, glMappingRows } from '../../lib/reports/gl-export';
import { reserveRollForward } from '../../lib/reports/roll-forward';
import { listStatements } from '../../lib/statements';
import { statementDrift } from '../../lib/statements/drift';
import { brokenPromises, currentPromise, followUpOwners, myFollowUps, subjectNotes, subjectSummary } from '../../lib/notes/queries';

/**
 * Issue 13: what each console screen's loader runs, as calls of the same lib functions its page
 * (or API route) makes, with the arguments it passes — for the plan check of
 * tests/integration/query-plans.test.ts, which records every statement a loader sends and
 * EXPLAINs it. ONE array: a screen that changes its loader changes its entry here; a new screen
 * adds one. Keep each entry in step with its page (the file is named beside it).
 */
export interface LoaderContext {
  /** the business date the pages would use as "today" */
  asOf: string;
  /** the staff member who uses the screen (each entry says which role) */
  as(role: 'admin' | 'underwriter' | 'funding' | 'collections' | 'controller' | 'auditor'): Actor;
  /** a client user of `clientId` (the portal) */
  clientUser: Actor;
  /** a client with invoices, reserve activity and a statement */
  clientId: number;
  /** a debtor with open invoices of several clients */
  debtorId: number;
  /** an open funded invoice */
  invoiceId: number;
}

export interface ScreenLoader {
  /** what a person opens, as the README and the console bench name it */
  screen: string;
  /** the page (or route) whose loader this mirrors */
  source: string;
  run(db: Database, c: LoaderContext): Promise<unknown>;
  /**
   * Sequential scans of invoices or journal_lines this screen is known to make today, each with
   * who removes it: the plan check reports them instead of failing, and FAILS once one no longer
   * happens (so the entry is removed with the fix). Keep this empty wherever possible.
   */
  knownScans?: { statement: RegExp; why: string }[];
}

export const SCREEN_LOADERS: ScreenLoader[] = [
  {
    screen: 'dashboard',
    source: 'app/(console)/dashboard/page.tsx',
    run: (db, c) => dashboard(db, c.asOf),
  },
  // Collections → Aging (issue 13): a keyset page per side and currency from the roll-ups, the
  // currency's totals; by total (the default), by 90+, by name, a later page, a name filter.
  ...(['debtor', 'client'] as const).flatMap((side) =>
    (
      [
        ['by total', {}, 'issued'],
        ['by 90+', { sort: 'over90', order: 'desc' }, 'issued'],
        ['by name, filtered', { sort: 'name', order: 'asc', name: 'Generated' }, 'issued'],
        // issue 15: by days past due (the roll-ups by due date)
        ['days past due, by total', {}, 'due'],
        ['days past due, by 90+', { sort: 'over90', order: 'desc' }, 'due'],
      ] as const
    ).map(([what, params, basis]): ScreenLoader => ({
      screen: `aging by ${side} (collections → aging): ${what}`,
      source: 'app/(console)/collections/page.tsx AgingTab and GET /api/v1/reports/aging',
      run: async (db, c) => {
        const def = AGING_LISTS[side];
        const code = (await agingCurrencies(db.sql))[0] ?? 'USD';
        const first = parseListRequest(def, params);
        const [page] = await Promise.all([
          keysetPage(db.sql, def, first, agingListQuery(db.sql, side, first, code, c.asOf, basis), agingItem(side, basis)),
          agingTotals(db.sql, code, c.asOf, basis),
        ]);
        if (page.nextCursor) {
          const next = parseListRequest(def, { ...params, cursor: page.nextCursor });
          await keysetPage(db.sql, def, next, agingListQuery(db.sql, side, next, code, c.asOf, basis), agingItem(side, basis));
        }
      },
    })),
  ),
  {
    screen: 'reports (fee income by client and month)',
    source: 'app/(console)/reports/page.tsx and GET /api/v1/reports/fee-income',
    run: async (db, c) => {
      const code = (await feeIncomeCurrencies(db.sql))[0] ?? 'USD';
      for (const params of [{}, { sort: 'name', order: 'asc', from: '2026-01', to: '2026-04' }]) {
        const request = parseListRequest(FEE_INCOME_LIST, params);
        await Promise.all([
          keysetPage(db.sql, FEE_INCOME_LIST, request, feeIncomeQuery(db.sql, request, code, c.asOf), feeIncomeItem(code)),
          feeIncomeByMonth(db.sql, request.filters, code, c.asOf),
        ]);
      }
      // the page as it reads a ranked period (migration 0043), when the fold has ranked it
      const request = parseListRequest(FEE_INCOME_LIST, {});
      const { ranked } = await feeIncomeContext(db.sql, request, c.asOf);
      if (!ranked) throw new Error(`Reports' period to ${c.asOf.slice(0, 7)} is not ranked: fold the roll-ups as of ${c.asOf} first`);
      {
        const page = await keysetPage(db.sql, FEE_INCOME_LIST, request, feeIncomeQuery(db.sql, request, code, c.asOf, true), feeIncomeItem(code));
        if (page.nextCursor) {
          const next = parseListRequest(FEE_INCOME_LIST, { cursor: page.nextCursor });
          await keysetPage(db.sql, FEE_INCOME_LIST, next, feeIncomeQuery(db.sql, next, code, c.asOf, true), feeIncomeItem(code));
        }
      }
    },
  },
  {
    screen: 'collections inbox',
    source: 'app/(console)/collections/page.tsx InboxTab',
    run: (db) => listUnapplied(db, { limit: 300 }),
  },
  {
    screen: 'collections disputes',
    source: 'app/(console)/collections/page.tsx DisputesTab',
    run: (db) => Promise.all([listDisputes(db, { status: 'open' }), listDisputes(db, { status: 'resolved', limit: 50 })]),
  },
  {
    screen: 'collections misdirected',
    source: 'app/(console)/collections/page.tsx MisdirectedTab (its client and debtor are typeaheads: no list of either)',
    run: (db) => Promise.all([listMisdirected(db, { status: 'open' }), listMisdirected(db, { status: 'remitted' })]),
  },
  {
    // what the debtor typeahead asks as a person types (app/_components/debtor-picker.tsx): the notice
    // form of the client page, the merge form of the debtor page, invoice entry, misdirected payments
    screen: 'debtor picker (GET /api/v1/debtors?name=…&limit=10)',
    source: 'app/api/v1/debtors/route.ts (as underwriter)',
    run: async (db) => {
      for (const name of ['Generated', 'Generated Debtor 1']) {
        const request = parseListRequest(DEBTORS_LIST, { name, limit: '10' });
        await keysetPage(db.sql, DEBTORS_LIST, request, debtorsQuery(db.sql, request), mapDebtorRow);
      }
    },
  },
  {
    screen: 'client page',
    source: 'app/(console)/clients/[id]/page.tsx (as underwriter)',
    run: async (db, c) => {
      const actor = c.as('underwriter');
      await getClient(db, c.clientId, actor);
      const invoices = parseListRequest(CLIENT_INVOICES_LIST, {});
      const [, , , , , statements] = await Promise.all([
        agreementVersions(db, c.clientId, actor),
        keysetPage(db.sql, CLIENT_INVOICES_LIST, invoices, clientInvoicesQuery(db.sql, c.clientId, invoices), partyInvoice),
        currentBalances(db, { clientId: c.clientId }),
        recentReserveMovements(db, c.clientId, 50),
        // the notice-of-assignment form's debtor is a typeahead (the 'debtor picker' entry): no list of debtors
        listNoas(db, c.clientId),
        listStatements(db, c.clientId, actor, { limit: 24 }),
        getPayoutAccount(db, c.clientId, actor),
        // the two fee figures the client is shown (issue 14 item 6)
        clientFeeFigures(db, c.clientId, actor, c.asOf),
        // its Documents section (issue 15 item 2)
        subjectDocuments(db, 'client', c.clientId, actor, { limit: 50 }),
      ]);
      await statementDrift(db, c.clientId, statements);
    },
  },
  {
    screen: 'client reserve (GET /api/v1/clients/{id}/reserve)',
    source: 'app/api/v1/clients/[id]/reserve/route.ts',
    run: (db, c) => reserveReport(db, c.clientId, c.asOf, c.as('controller')),
  },
  {
    screen: 'client statements list (GET /api/v1/clients/{id}/statements)',
    source: 'app/api/v1/clients/[id]/statements/route.ts',
    run: (db, c) => listStatements(db, c.clientId, c.as('controller'), { limit: 50 }),
  },
  {
    screen: 'client portal',
    source: 'app/(portal)/portal/page.tsx (as the client user)',
    run: (db, c) =>
      Promise.all([
        getClient(db, c.clientId, c.clientUser),
        reserveReport(db, c.clientId, c.asOf, c.clientUser),
        reserveHistory(db, c.clientId, c.clientUser, { today: c.asOf }),
        reserveForecast(db, c.clientId, c.clientUser, c.asOf),
        clientReleases(db, c.clientId, c.clientUser),
        listStatements(db, c.clientId, c.clientUser, { limit: 24 }),
        // its invoices: a keyset page of the invoices list, scoped to its own client (open, then all by due date)
        invoicePage(db.sql, c.clientUser, parseListRequest(invoiceList, invoiceListParams({ status: 'open' })), c.asOf),
        invoicePage(db.sql, c.clientUser, parseListRequest(invoiceList, invoiceListParams({ sort: 'dueDate', order: 'desc' })), c.asOf),
        // its newest schedules (issue 15 item 2: app/(portal)/portal/schedules/recent.tsx)
        (async () => {
          const spec = fundingList(db.sql, c.clientUser);
          const request = parseListRequest(spec.def, { limit: '5' });
          await keysetPage(db.sql, spec.def, request, spec.query(request), spec.map);
        })(),
      ]),
  },
  {
    screen: 'debtor page',
    source: 'app/(console)/debtors/[id]/page.tsx and GET /api/v1/debtors/{id} (as underwriter)',
    run: (db, c) =>
      Promise.all([
        getDebtorDetail(db, c.debtorId, c.as('underwriter'), { asOf: c.asOf }),
        // its Documents section (issue 15 item 2)
        subjectDocuments(db, 'debtor', c.debtorId, c.as('underwriter'), { limit: 50 }),
      ]),
  },
  {
    screen: 'search',
    source: 'app/(console)/search/page.tsx and GET /api/v1/search (as collections)',
    run: async (db, c) => {
      await search(db, c.as('collections'), 'NW-10');
      await search(db, c.as('collections'), 'INV');
    },
  },
  // The invoices list (issue 13): the page's loader is invoicePage + listCurrencies (and, for a client or
  // debtor typed by name, partiesNamed); GET /api/v1/invoices is the same invoicePage. Open, newest first;
  // sorted by amount; a debtor's open invoices; days past due; an issue-date range; a client user's own.
  ...(
    [
      ['open', { status: 'open' }],
      ['sorted by amount', { sort: 'faceValue', order: 'desc' }],
      ["a debtor's open invoices by outstanding", { status: 'open', debtorId: '#debtor', sort: 'outstanding', order: 'desc' }],
      ['30+ days past due', { minDaysPastDue: '30' }],
      ['an issue-date range', { from: '2026-02-01', to: '2026-02-28' }],
    ] as const
  ).map(([what, params]): ScreenLoader => ({
    screen: `invoices list: ${what}`,
    source: 'app/(console)/invoices/page.tsx and GET /api/v1/invoices',
    run: (db, c) => {
      const query = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === '#debtor' ? String(c.debtorId) : v]));
      return Promise.all([invoicePage(db.sql, c.as('collections'), parseListRequest(invoiceList, invoiceListParams(query)), c.asOf), listCurrencies(db.sql)]);
    },
  })),
  {
    screen: 'invoices list: a client or debtor typed by name',
    source: 'app/(console)/invoices/page.tsx (lib/invoices/list-parties.ts)',
    run: (db) => Promise.all([partiesNamed(db.sql, 'client', 'Generated Client 1'), partiesNamed(db.sql, 'debtor', 'Generated')]),
  },
  {
    screen: "invoices list (GET /api/v1/invoices, a client user's key)",
    source: 'app/api/v1/invoices/route.ts',
    run: (db, c) => invoicePage(db.sql, c.clientUser, parseListRequest(invoiceList, invoiceListParams({ sort: 'dueDate', order: 'asc' })), c.asOf),
  },
  {
    // its fee to date from the accrual state, its entries by two index lookups, its fee history by
    // one probe per day of its life (issue 13, "History does not slow the present")
    screen: 'invoice page',
    source: 'app/(console)/invoices/[id]/page.tsx (as funding)',
    run: async (db, c) => {
      const invoice = await getInvoice(db, c.invoiceId, c.as('funding'));
      await Promise.all([entriesForInvoice(db, c.invoiceId), accrualHistory(db, c.invoiceId, invoice.currency), invoiceParties(db, c.invoiceId)]);
      await agreementOn(db, Number(invoice.clientId), invoice.fundingDate ?? c.asOf);
      // its Documents section (issue 15 item 2)
      await subjectDocuments(db, 'invoice', c.invoiceId, c.as('funding'), { limit: 50 });
    },
  },
  {
    // issue 15 item 3: the Notes and follow-ups section of the invoice, debtor and client pages
    screen: 'notes and follow-ups section (invoice, debtor, client pages)',
    source: 'app/(console)/notes/notes-section.tsx (as collections)',
    run: async (db, c) => {
      for (const [subjectType, subjectId] of [
        ['invoice', c.invoiceId],
        ['debtor', c.debtorId],
        ['client', c.clientId],
      ] as const) {
        await Promise.all([subjectSummary(db, subjectType, subjectId), subjectNotes(db, { subjectType, subjectId }, c.asOf), followUpOwners(db)]);
      }
      await currentPromise(db, c.invoiceId, c.asOf);
    },
  },
  {
    screen: 'dashboard: my follow-ups today; collections inbox: broken promises',
    source: 'app/(console)/notes/my-follow-ups.tsx and broken-promises.tsx (as collections)',
    run: async (db, c) => {
      await myFollowUps(db, c.as('collections').userId!, c.asOf);
      await brokenPromises(db, c.asOf);
    },
  },
  // Issue 16 items 6–7: Reports → Reserve roll-forward (every client, a month; one client) and Settings → General ledger (the mapping rows, the summary export drained).
  {
    screen: 'reserve roll-forward (reports → reserve roll-forward, GET /api/v1/reports/roll-forward)',
    source: 'app/(console)/reports/roll-forward/page.tsx',
    run: async (db, c) => {
      const from = `${c.asOf.slice(0, 7)}-01`;
      await reserveRollForward(db.sql, { from, to: c.asOf });
      await reserveRollForward(db.sql, { from, to: c.asOf, clientId: c.clientId });
    },
  },
  {
    screen: 'general ledger (settings → general ledger; GET /api/v1/reports/gl-export?mode=summary)',
    source: 'app/(console)/settings/gl-accounts/page.tsx and app/api/v1/reports/gl-export/route.ts',
    run: async (db, c) => {
      await glMappingRows(db);
      await new Response(await glExportCsv(db.sql, { from: `${c.asOf.slice(0, 7)}-01`, to: c.asOf, mode: 'summary' })).text();
    },
  },
  // ── To add at the merge of issue 13 (built on other branches): ────────────────────────────────
  // { screen: 'debtor page', source: 'app/(console)/debtors/[id]/page.tsx', run: (db, c) => …the debtor page's loader…(db, c.debtorId, c.as('underwriter')) },
  // { screen: 'search', source: 'app/(console)/search/page.tsx and GET /api/v1/search', run: (db, c) => …search…(db, 'NW-10', c.as('collections')) },
];
