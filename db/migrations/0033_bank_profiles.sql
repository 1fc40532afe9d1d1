-- Issue 15 item 6 (bank CSV mapping) and item 5 (cash receipts journal).
--
-- bank_profiles: a bank's CSV layout saved under a name (lib/collections/bank-profiles.ts), one per
-- name in any case. payments.unapplied_reason: why a payment of a bank file was left unapplied on
-- import, said in the collections inbox.
CREATE TABLE "bank_profiles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" bigint,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "bank_profiles_name_key" ON "bank_profiles" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "unapplied_reason" text;--> statement-breakpoint
-- The cash receipts journal (lib/collections/cash-receipts.ts) lists payment applications by date,
-- filtered by client, debtor or currency: the invoice's are kept on the application (an invoice's
-- client and currency never change; a debtor merge moves its debtor, lib/debtors/merge.ts), so each
-- filter reads an index of its own instead of joining a million invoices first. Existing rows are
-- filled from their invoices before the columns become NOT NULL.
ALTER TABLE "payment_applications" ADD COLUMN "client_id" bigint;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD COLUMN "debtor_id" bigint;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD COLUMN "currency" char(3);--> statement-breakpoint
UPDATE "payment_applications" pa SET "client_id" = i."client_id", "debtor_id" = i."debtor_id", "currency" = i."currency"
  FROM "invoices" i WHERE i."id" = pa."invoice_id";--> statement-breakpoint
ALTER TABLE "payment_applications" ALTER COLUMN "client_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_applications" ALTER COLUMN "debtor_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_applications" ALTER COLUMN "currency" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD CONSTRAINT "payment_applications_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD CONSTRAINT "payment_applications_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_applications_date_idx" ON "payment_applications" USING btree ("applied_date","id");--> statement-breakpoint
CREATE INDEX "payment_applications_amount_idx" ON "payment_applications" USING btree ("amount","id");--> statement-breakpoint
CREATE INDEX "payment_applications_client_date_idx" ON "payment_applications" USING btree ("client_id","applied_date","id");--> statement-breakpoint
CREATE INDEX "payment_applications_debtor_date_idx" ON "payment_applications" USING btree ("debtor_id","applied_date","id");--> statement-breakpoint
CREATE INDEX "payment_applications_currency_date_idx" ON "payment_applications" USING btree ("currency","applied_date","id");
