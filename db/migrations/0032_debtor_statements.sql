-- Issue 15, item 4 ("Debtor statements and reminders"): a statement of a debtor's open factored
-- invoices, emailed to the debtor's AP contact (debtors.ap_email, ap_name) by hand or by the daily
-- `debtor-reminders` job at each reminder step (days from the due date, Settings → Debtor
-- statements). A send keeps what its PDF says (`document`: the remittance instructions, notices
-- and totals as they were) and its invoices with what each owed that day (debtor_statement_lines);
-- the outbox builds the PDF from them when it sends the email (lib/notifications/attachments.ts).
-- A reminder step is sent once per invoice: the partial unique index debtor_statement_lines_once.
-- (The reminder steps and the factor's remittance instructions live in `settings`: keys
-- debtor.reminder_steps and debtor.remittance.)
CREATE TABLE "debtor_statement_lines" (
	"send_id" bigint NOT NULL,
	"invoice_id" bigint NOT NULL,
	"step" integer,
	"currency" char(3) NOT NULL,
	"face_value" numeric(20, 4) NOT NULL,
	"open_amount" numeric(20, 4) NOT NULL,
	"disputed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "debtor_statement_lines_pk" PRIMARY KEY("send_id","invoice_id")
);
--> statement-breakpoint
CREATE TABLE "debtor_statement_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"debtor_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"step" integer,
	"as_of" date NOT NULL,
	"to" text NOT NULL,
	"document" jsonb NOT NULL,
	"sent_by" bigint,
	"sent_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "debtor_statement_sends_kind_check" CHECK ("debtor_statement_sends"."kind" in ('statement','reminder')),
	CONSTRAINT "debtor_statement_sends_step_check" CHECK (("debtor_statement_sends"."kind" = 'reminder') = ("debtor_statement_sends"."step" is not null))
);
--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "ap_email" text;--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "ap_name" text;--> statement-breakpoint
ALTER TABLE "debtor_statement_lines" ADD CONSTRAINT "debtor_statement_lines_send_id_debtor_statement_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."debtor_statement_sends"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debtor_statement_lines" ADD CONSTRAINT "debtor_statement_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debtor_statement_sends" ADD CONSTRAINT "debtor_statement_sends_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "debtor_statement_lines_once" ON "debtor_statement_lines" USING btree ("invoice_id","step") WHERE "debtor_statement_lines"."step" is not null;--> statement-breakpoint
CREATE INDEX "debtor_statement_lines_invoice_idx" ON "debtor_statement_lines" USING btree ("invoice_id","send_id");--> statement-breakpoint
CREATE INDEX "debtor_statement_sends_debtor_idx" ON "debtor_statement_sends" USING btree ("debtor_id","id");
--> statement-breakpoint
-- A debtor's history of what it was sent: kept, as the client's payout account changes are.
CREATE TRIGGER debtor_statement_sends_keep BEFORE DELETE ON debtor_statement_sends FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER debtor_statement_lines_keep BEFORE DELETE ON debtor_statement_lines FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
