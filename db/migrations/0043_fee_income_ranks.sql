-- Issue 13: Reports' fee income ranked for its default period (the twelve months to this one), per
-- currency and client, kept by the rollups fold (lib/reports/rollups.ts keepFeeIncomeRanks) for the
-- month of the fold and the month before; the page reads 25 rows of it in order through
-- fee_income_ranks_order instead of summing every client's monthly roll-up rows (10,000 clients ×
-- 12 months at volume). Ranked in full by the first fold after this migration.
CREATE TABLE "fee_income_rank_periods" (
	"period_to" date PRIMARY KEY NOT NULL,
	"ranked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_income_ranks" (
	"currency" char(3) NOT NULL,
	"period_to" date NOT NULL,
	"ref_id" bigint NOT NULL,
	"total" numeric(24, 4) NOT NULL,
	CONSTRAINT "fee_income_ranks_pkey" PRIMARY KEY("period_to","ref_id","currency")
);
--> statement-breakpoint
CREATE INDEX "fee_income_ranks_order" ON "fee_income_ranks" USING btree ("currency","period_to","total","ref_id");