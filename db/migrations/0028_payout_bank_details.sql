-- Issue 14, item 4 ("Bank details under four-eyes"): a change of a client's payout bank account is
-- a request that takes effect only when someone other than its requester approves it
-- (lib/clients/payout-changes.ts). `proposed` holds the account as it will be stored in
-- clients.payout_account (an ABA routing and account number, or an IBAN and BIC, with the
-- holder's name); screens, API answers, audit events and emails show it masked. At most one
-- request per client waits at a time; while one waits, the client's releases wait too
-- (`clientsWithPendingPayoutChange`). Requests are kept: decided ones are the account's history.
-- (The factor's own originating bank lives in `settings`, keys payout.ach_originator and
-- payout.sepa_debtor: no schema change.)
CREATE TABLE IF NOT EXISTS "payout_account_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"proposed" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" bigint NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"reason" text,
	CONSTRAINT "payout_account_changes_status_check" CHECK ("status" in ('pending','approved','rejected','cancelled')),
	CONSTRAINT "payout_account_changes_decided_check" CHECK (("status" = 'pending') = ("decided_at" IS NULL)),
	CONSTRAINT "payout_account_changes_proposed_check" CHECK (jsonb_typeof("proposed") = 'object')
);
--> statement-breakpoint
ALTER TABLE "payout_account_changes" ADD CONSTRAINT "payout_account_changes_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
-- One waiting request per client; it also serves "which clients have a change waiting" (every
-- row of this partial index is pending).
CREATE UNIQUE INDEX IF NOT EXISTS "payout_account_changes_one_pending" ON "payout_account_changes" USING btree ("client_id") WHERE "status" = 'pending';
--> statement-breakpoint
-- A client's history of changes, newest first.
CREATE INDEX IF NOT EXISTS "payout_account_changes_client_idx" ON "payout_account_changes" USING btree ("client_id", "id");
--> statement-breakpoint
CREATE TRIGGER payout_account_changes_keep BEFORE DELETE ON payout_account_changes FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
