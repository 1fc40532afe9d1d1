ALTER TABLE "fee_accruals" ADD COLUMN "unit" numeric;--> statement-breakpoint
UPDATE "fee_accruals" SET "unit" = CASE "kind"
  WHEN 'daily_rate' THEN CASE "base" WHEN 'advance' THEN "advance" ELSE "face" END * "rate"
  WHEN 'tiered' THEN "face" * "step_rate"
  ELSE "face" * "rate" END;--> statement-breakpoint
ALTER TABLE "fee_accruals" ALTER COLUMN "unit" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "fee_accruals" ADD COLUMN "initial" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
UPDATE "fee_accruals" SET "initial" = "face" * "rate" WHERE "kind" = 'tiered';--> statement-breakpoint
ALTER TABLE "fee_accruals" ADD COLUMN "minor_units" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
UPDATE "fee_accruals" SET "minor_units" = holdback_minor_units("currency");
