import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, char, check, date, index, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { clients } from './clients';

export const ACCOUNT_CODES = [
  'cash',
  'cash_in_transit',
  'receivable',
  'unapplied_cash',
  'reserve',
  'client_payable',
  'client_due',
  'fees_receivable',
  'fee_income',
  'credit_loss',
  'fx_clearing',
] as const;

/**
 * Chart of accounts, one set per currency (SPEC 3). Client accounts carry `client_id`; the
 * per-invoice sub-ledger of `receivable` and `reserve` is the `invoice_id` tag on each line.
 * `balance` is the running total of all lines (debits positive) kept by lib/ledger under a row
 * lock, so balances read fast and audit:verify can prove they equal the sum of lines.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code', { enum: ACCOUNT_CODES }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    balance: money('balance').notNull().default('0'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('ledger_accounts_key').on(t.code, t.currency, t.clientId).nullsNotDistinct(),
    // 0024: a client's accounts (the key leads with code and currency)
    index('ledger_accounts_client_idx')
      .on(t.clientId, t.code)
      .where(sql`${t.clientId} is not null`),
    // Issue 11: the reserve and the client's payable are liabilities; the database refuses a
    // balance in debit (debits positive), so no code path can release a reserve twice.
    check('ledger_accounts_liability_not_in_debit', sql`${t.code} not in ('reserve', 'client_payable', 'escrow') or ${t.balance} <= 0`),
    check(
      'ledger_accounts_code_check',
      sql`${t.code} in ('cash','cash_in_transit','receivable','unapplied_cash','reserve','client_payable','client_due','fees_receivable','fee_income','credit_loss','fx_clearing','escrow')`,
    ),
  ],
);

/** Append-only (the database refuses UPDATE, DELETE and TRUNCATE). */
export const journalEntries = pgTable(
  'journal_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    // References on the ledger are checked per statement, set-based, by the triggers of
    // migrations 0001/0003 (per-row foreign-key checks cost more than the insert itself).
    clientId: bigint('client_id', { mode: 'number' }),
    invoiceId: bigint('invoice_id', { mode: 'number' }),
    paymentId: bigint('payment_id', { mode: 'number' }),
    releaseId: bigint('release_id', { mode: 'number' }),
    /** A reversal points at the entry it corrects; an entry is reversed at most once. */
    reversesEntryId: bigint('reverses_entry_id', { mode: 'number' }).unique(),
    memo: text('memo').notNull().default(''),
    postedByUserId: bigint('posted_by_user_id', { mode: 'number' }),
    postedBy: text('posted_by').notNull(),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [index('journal_entries_client_idx').on(t.clientId, t.effectiveDate), index('journal_entries_invoice_idx').on(t.invoiceId)],
);

/** Append-only. Amount is signed: debit positive, credit negative; sums to zero per entry and currency. */
export const journalLines = pgTable(
  'journal_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    amount: money('amount').notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    invoiceId: bigint('invoice_id', { mode: 'number' }),
    trancheId: bigint('tranche_id', { mode: 'number' }),
    /**
     * A daily fee accrual line: since issue 13 one per accrual entry (client, currency, date) on
     * fees_receivable, with no invoice — the sum of its invoices' differences, whose detail is in
     * fee_accrual_lines (migration 0016 ties them). A database from before kept one per invoice
     * and day, tagged with it; those stay. Either way left out of the invoice index.
     */
    accrual: boolean('accrual').notNull().default(false),
  },
  (t) => [
    // Lines are appended with their entry, so entry ids follow the physical order: a BRIN index
    // finds an entry's lines for a fraction of a b-tree's upkeep.
    index('journal_lines_entry_brin').using('brin', t.entryId).with({ autosummarize: 'on' }),
    index('journal_lines_account_date_idx').on(t.accountId, t.effectiveDate),
    index('journal_lines_invoice_idx')
      .on(t.invoiceId)
      .where(sql`${t.invoiceId} is not null and not ${t.accrual}`),
  ],
);
