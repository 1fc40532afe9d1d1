CREATE TABLE "auth_throttle" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"blocked_until" timestamp with time zone,
	"suppressed" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auth_throttle_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "release_cycles" ADD COLUMN "requested_client_ids" jsonb;--> statement-breakpoint
ALTER TABLE "release_cycles" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "release_cycles" ADD COLUMN "error" text;--> statement-breakpoint
-- Issue 11: at most one open proposal per client and currency. Where earlier cycles left several,
-- the newest stays open and the older ones are rejected (they counted the same reserve).
UPDATE "releases" r SET "status" = 'rejected', "reason" = 'Superseded: a later proposal for the same client and currency was still open (issue 11)'
 WHERE r."status" = 'pending_approval'
   AND EXISTS (SELECT 1 FROM "releases" n WHERE n."client_id" = r."client_id" AND n."currency" = r."currency"
                AND n."status" = 'pending_approval' AND n."id" > r."id");--> statement-breakpoint
CREATE UNIQUE INDEX "releases_one_open_per_client_currency" ON "releases" USING btree ("client_id","currency") WHERE "releases"."status" = 'pending_approval';--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_liability_not_in_debit" CHECK ("ledger_accounts"."code" not in ('reserve', 'client_payable') or "ledger_accounts"."balance" <= 0) NOT VALID;
-- NOT VALID: checked on every change from now on; an account already in debit (the double payout
-- of issue 11) is reported by audit:verify rather than blocking the upgrade.