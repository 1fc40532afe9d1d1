CREATE TABLE "client_debtor_limit_override_revocations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"override_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"revoked_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_debtor_limit_override_revocations_override" UNIQUE("override_id")
);
--> statement-breakpoint
ALTER TABLE "client_debtor_limit_override_revocations" ADD CONSTRAINT "client_debtor_limit_override_revocations_override_id_client_debtor_limit_overrides_id_fk" FOREIGN KEY ("override_id") REFERENCES "public"."client_debtor_limit_overrides"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_debtor_limit_override_revocations" ADD CONSTRAINT "client_debtor_limit_override_revocations_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Hand-written: an override's early revocation is a row of its own (the override row is append-only,
-- 0037), once per override (the unique key); append-only like the overrides (db/roles.ts APPEND_ONLY_TABLES).
CREATE TRIGGER client_debtor_limit_override_revocations_append_only BEFORE UPDATE OR DELETE ON client_debtor_limit_override_revocations
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER client_debtor_limit_override_revocations_no_truncate BEFORE TRUNCATE ON client_debtor_limit_override_revocations
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
