DROP INDEX "journal_lines_entry_idx";--> statement-breakpoint
DROP INDEX "journal_lines_invoice_idx";--> statement-breakpoint
ALTER TABLE "journal_lines" ADD COLUMN "accrual" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "fee_accruals" ADD COLUMN "accrual_start" date;--> statement-breakpoint
UPDATE "fee_accruals" SET "accrual_start" = "funding_date";--> statement-breakpoint
ALTER TABLE "fee_accruals" ALTER COLUMN "accrual_start" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "journal_lines_entry_brin" ON "journal_lines" USING brin ("entry_id");--> statement-breakpoint
CREATE INDEX "journal_lines_invoice_idx" ON "journal_lines" USING btree ("invoice_id") WHERE "journal_lines"."invoice_id" is not null and not "journal_lines"."accrual";