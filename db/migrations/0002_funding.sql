CREATE TABLE "client_debtors" (
	"client_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"noa_sent_date" date,
	"noa_acknowledged_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_debtors_client_id_debtor_id_pk" PRIMARY KEY("client_id","debtor_id")
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target_id" bigint NOT NULL,
	"client_id" bigint,
	"status" text DEFAULT 'pending' NOT NULL,
	"summary" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_by" bigint NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "concentration_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"client_id" bigint,
	"debtor_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"level" text NOT NULL,
	"share" numeric(12, 10) NOT NULL,
	"limit" numeric(12, 10) NOT NULL,
	"exposure" numeric(20, 4) NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "funding_batch_invoices" (
	"batch_id" bigint NOT NULL,
	"invoice_id" bigint NOT NULL,
	"face" numeric(20, 4) NOT NULL,
	"advance" numeric(20, 4) NOT NULL,
	"reserve" numeric(20, 4) NOT NULL,
	"fees" numeric(20, 4) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "funding_batch_invoices_batch_id_invoice_id_pk" PRIMARY KEY("batch_id","invoice_id")
);
--> statement-breakpoint
CREATE TABLE "funding_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"funding_date" date NOT NULL,
	"status" text NOT NULL,
	"holds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"currency" char(3) NOT NULL,
	"total_face" numeric(20, 4) NOT NULL,
	"total_advance" numeric(20, 4) NOT NULL,
	"total_reserve" numeric(20, 4) NOT NULL,
	"total_fees" numeric(20, 4) NOT NULL,
	"required_reserve" numeric(20, 4),
	"requested_by" bigint NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "funding_batches_status_check" CHECK ("funding_batches"."status" in ('pending_approval','funded','rejected'))
);
--> statement-breakpoint
CREATE TABLE "reserve_tranches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"kind" text NOT NULL,
	"funding_batch_id" bigint,
	"invoice_id" bigint,
	"funded_on" date NOT NULL,
	"matures_on" date,
	"amount" numeric(20, 4) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "submitted_by" bigint;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "reviewed_by" bigint;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "fees" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "outstanding" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "funding_batch_id" bigint;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "debtor_approved_date" date;--> statement-breakpoint
ALTER TABLE "client_debtors" ADD CONSTRAINT "client_debtors_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtors" ADD CONSTRAINT "client_debtors_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concentration_alerts" ADD CONSTRAINT "concentration_alerts_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concentration_alerts" ADD CONSTRAINT "concentration_alerts_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_batch_invoices" ADD CONSTRAINT "funding_batch_invoices_batch_id_funding_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."funding_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_batch_invoices" ADD CONSTRAINT "funding_batch_invoices_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_batches" ADD CONSTRAINT "funding_batches_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_tranches" ADD CONSTRAINT "reserve_tranches_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_tranches" ADD CONSTRAINT "reserve_tranches_funding_batch_id_funding_batches_id_fk" FOREIGN KEY ("funding_batch_id") REFERENCES "public"."funding_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_tranches" ADD CONSTRAINT "reserve_tranches_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_requests_status_idx" ON "approval_requests" USING btree ("status","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_requests_one_pending" ON "approval_requests" USING btree ("kind","target_id") WHERE "approval_requests"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "concentration_alerts_one_open" ON "concentration_alerts" USING btree ("scope",coalesce("client_id", 0),"debtor_id","currency","level") WHERE "concentration_alerts"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "funding_batch_invoices_live" ON "funding_batch_invoices" USING btree ("invoice_id") WHERE "funding_batch_invoices"."active";--> statement-breakpoint
CREATE INDEX "funding_batches_status_idx" ON "funding_batches" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "reserve_tranches_client_idx" ON "reserve_tranches" USING btree ("client_id","currency","matures_on");--> statement-breakpoint
CREATE INDEX "invoices_status_idx" ON "invoices" USING btree ("status");