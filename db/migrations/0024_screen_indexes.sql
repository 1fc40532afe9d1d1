-- Issue 13: what the console bench found at 1,000,000 invoices. The reserve API and the portal
-- sum each client's fees accrued as of a date (lib/releases/state.ts), over its invoices frozen
-- after that date as well as the open ones: the partial fee_accruals_open_idx (frozen_on is null)
-- cannot serve `frozen_on is null or frozen_on > $date`, so Postgres read all of fee_accruals
-- (a million rows, about 250 ms) for one client's figures.
CREATE INDEX IF NOT EXISTS "fee_accruals_client_idx" ON "fee_accruals" USING btree ("client_id");--> statement-breakpoint

-- A client's accounts by client: the unique key leads with (code, currency), so "this client's
-- reserve" walked every client's reserve account of each currency (17 ms at 10,000 clients) on
-- the portal, the reserve API and the client page.
CREATE INDEX IF NOT EXISTS "ledger_accounts_client_idx" ON "ledger_accounts" USING btree ("client_id", "code") WHERE "client_id" IS NOT NULL;
