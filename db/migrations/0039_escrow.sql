-- Issue 16 item 3: the escrow cap. An `escrow` account per client and currency (a liability that
-- may never be in debit, like the reserve and the payable); releases get a kind (`reserve`, or
-- `escrow`: the client's escrow paid back, requested by a person, so without a cycle) and, for a
-- rebate under an escrow policy, the share credited to escrow instead of the payable.
ALTER TABLE "ledger_accounts" DROP CONSTRAINT "ledger_accounts_liability_not_in_debit";--> statement-breakpoint
ALTER TABLE "ledger_accounts" DROP CONSTRAINT "ledger_accounts_code_check";--> statement-breakpoint
DROP INDEX "releases_client_currency_date";--> statement-breakpoint
DROP INDEX "releases_one_open_per_client_currency";--> statement-breakpoint
ALTER TABLE "releases" ALTER COLUMN "cycle_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "kind" text DEFAULT 'reserve' NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "escrow_amount" numeric(20, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "releases_client_currency_date" ON "releases" USING btree ("client_id","currency","as_of") WHERE "releases"."kind" = 'reserve';--> statement-breakpoint
CREATE UNIQUE INDEX "releases_one_open_per_client_currency" ON "releases" USING btree ("client_id","currency","kind") WHERE "releases"."status" = 'pending_approval';--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_liability_not_in_debit" CHECK ("ledger_accounts"."code" not in ('reserve', 'client_payable', 'escrow') or "ledger_accounts"."balance" <= 0);--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_code_check" CHECK ("ledger_accounts"."code" in ('cash','cash_in_transit','receivable','unapplied_cash','reserve','client_payable','client_due','fees_receivable','fee_income','credit_loss','fx_clearing','escrow'));--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_kind_check" CHECK ("releases"."kind" in ('reserve','escrow') and ("releases"."kind" = 'escrow' or "releases"."cycle_id" is not null));
