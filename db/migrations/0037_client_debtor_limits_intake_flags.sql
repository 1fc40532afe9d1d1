CREATE TABLE "client_debtor_limit_overrides" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"limit" numeric(20, 4) NOT NULL,
	"until" date NOT NULL,
	"reason" text NOT NULL,
	"granted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_debtor_limit_overrides_positive" CHECK ("client_debtor_limit_overrides"."limit" > 0)
);
--> statement-breakpoint
CREATE TABLE "client_debtor_limits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"limit" numeric(20, 4),
	"reason" text,
	"set_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_debtor_limits_positive" CHECK ("client_debtor_limits"."limit" is null or "client_debtor_limits"."limit" >= 0)
);
--> statement-breakpoint
CREATE TABLE "invoice_flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"invoice_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"detail" text NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cleared_by" bigint,
	"cleared_at" timestamp with time zone,
	"cleared_reason" text,
	CONSTRAINT "invoice_flags_invoice_kind" UNIQUE("invoice_id","kind"),
	CONSTRAINT "invoice_flags_cleared_whole" CHECK (("invoice_flags"."cleared_at" is null) = ("invoice_flags"."cleared_by" is null) and ("invoice_flags"."cleared_at" is null) = ("invoice_flags"."cleared_reason" is null)),
	CONSTRAINT "invoice_flags_kind_check" CHECK ("invoice_flags"."kind" in ('duplicate_amount_date','number_reused','future_issue_date','issued_after_funding','new_debtor'))
);
--> statement-breakpoint
ALTER TABLE "client_debtor_limit_overrides" ADD CONSTRAINT "client_debtor_limit_overrides_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtor_limit_overrides" ADD CONSTRAINT "client_debtor_limit_overrides_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtor_limit_overrides" ADD CONSTRAINT "client_debtor_limit_overrides_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtor_limits" ADD CONSTRAINT "client_debtor_limits_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtor_limits" ADD CONSTRAINT "client_debtor_limits_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtor_limits" ADD CONSTRAINT "client_debtor_limits_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_flags" ADD CONSTRAINT "invoice_flags_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_flags" ADD CONSTRAINT "invoice_flags_cleared_by_users_id_fk" FOREIGN KEY ("cleared_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_debtor_limit_overrides_pair_idx" ON "client_debtor_limit_overrides" USING btree ("client_id","debtor_id","currency","until");--> statement-breakpoint
CREATE INDEX "client_debtor_limits_pair_idx" ON "client_debtor_limits" USING btree ("client_id","debtor_id","currency","id");--> statement-breakpoint
CREATE INDEX "invoice_flags_open_idx" ON "invoice_flags" USING btree ("invoice_id") WHERE "invoice_flags"."cleared_at" is null;
-- Intake flag detection (lib/intake/flags.ts) needs no new index on invoices: the same debtor, amount
-- and date probes invoices_debtor_issue_idx (0019), a reused number invoices_number_sort_idx (0022),
-- a first invoice of a pair the (client, debtor, number) key.--> statement-breakpoint
-- Hand-written: a pair limit's history and the overrides are append-only (a change is a new row;
-- the app role has neither UPDATE nor DELETE on them either: db/roles.ts APPEND_ONLY_TABLES).
CREATE TRIGGER client_debtor_limits_append_only BEFORE UPDATE OR DELETE ON client_debtor_limits
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER client_debtor_limits_no_truncate BEFORE TRUNCATE ON client_debtor_limits
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER client_debtor_limit_overrides_append_only BEFORE UPDATE OR DELETE ON client_debtor_limit_overrides
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER client_debtor_limit_overrides_no_truncate BEFORE TRUNCATE ON client_debtor_limit_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
-- An intake flag is never deleted (db/roles.ts KEPT_TABLES) and changes once: from open to
-- cleared (cleared_at, cleared_by and cleared_reason set together, by the check). What was raised
-- stays as it was; a cleared flag stays cleared.
CREATE TRIGGER invoice_flags_keep BEFORE DELETE ON invoice_flags FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_invoice_flag_cleared_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.cleared_at IS NOT NULL THEN
    RAISE EXCEPTION 'holdback: intake flag % was cleared already; it does not change again', OLD.id
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.invoice_id IS DISTINCT FROM OLD.invoice_id OR NEW.kind IS DISTINCT FROM OLD.kind
      OR NEW.detail IS DISTINCT FROM OLD.detail OR NEW.raised_at IS DISTINCT FROM OLD.raised_at THEN
    RAISE EXCEPTION 'holdback: an intake flag is only ever cleared (flag %)', OLD.id
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoice_flags_cleared_once BEFORE UPDATE ON invoice_flags FOR EACH ROW EXECUTE FUNCTION holdback_invoice_flag_cleared_once();
--> statement-breakpoint
CREATE TRIGGER invoice_flags_no_truncate BEFORE TRUNCATE ON invoice_flags
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
