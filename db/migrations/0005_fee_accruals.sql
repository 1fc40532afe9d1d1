CREATE TABLE "accrual_clients" (
	"client_id" bigint PRIMARY KEY NOT NULL,
	"accrued_through" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_accruals" (
	"invoice_id" bigint PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"funding_date" date NOT NULL,
	"face" numeric(20, 4) NOT NULL,
	"advance" numeric(20, 4) NOT NULL,
	"kind" text NOT NULL,
	"rate" numeric(12, 10) NOT NULL,
	"days_in_year" integer,
	"base" text,
	"initial_days" integer,
	"step_rate" numeric(12, 10),
	"step_days" integer,
	"minimum_fee" numeric(20, 4) DEFAULT '0' NOT NULL,
	"credited" boolean DEFAULT false NOT NULL,
	"accrued" numeric(20, 4) DEFAULT '0' NOT NULL,
	"frozen_on" date
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "agreement_id" bigint;--> statement-breakpoint
ALTER TABLE "accrual_clients" ADD CONSTRAINT "accrual_clients_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_accruals" ADD CONSTRAINT "fee_accruals_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fee_accruals_open_idx" ON "fee_accruals" USING btree ("client_id") WHERE "fee_accruals"."frozen_on" is null;--> statement-breakpoint
-- ISO 4217 minor units, for rounding in set-based SQL (lib/money has the same table).
CREATE OR REPLACE FUNCTION holdback_minor_units(currency char(3)) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 0
    WHEN currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 3
    ELSE 2 END
$$;
