-- Issue 15 item 1, verification: one row per invoice and verification (a call, an email, the
-- debtor's portal or approval, a document): with whom, the outcome, a note, who recorded it and
-- when. A bulk verification of a funding batch writes one row per chosen invoice, same details.
-- Append-only like the journal and the audit log: a correction is a new record, and the latest
-- record per invoice (the index below, read newest first) decides whether it counts as verified.
CREATE TABLE "invoice_verifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"invoice_id" bigint NOT NULL,
	"method" text NOT NULL,
	"contact" text,
	"outcome" text NOT NULL,
	"note" text,
	"recorded_by" bigint,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_verifications_method_check" CHECK ("invoice_verifications"."method" in ('call','email','debtor_portal','document')),
	CONSTRAINT "invoice_verifications_outcome_check" CHECK ("invoice_verifications"."outcome" in ('verified','disputed','no_answer'))
);
--> statement-breakpoint
ALTER TABLE "invoice_verifications" ADD CONSTRAINT "invoice_verifications_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_verifications" ADD CONSTRAINT "invoice_verifications_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_verifications_invoice_idx" ON "invoice_verifications" USING btree ("invoice_id","id");
--> statement-breakpoint
CREATE TRIGGER invoice_verifications_append_only BEFORE UPDATE OR DELETE ON invoice_verifications
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER invoice_verifications_no_truncate BEFORE TRUNCATE ON invoice_verifications
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
