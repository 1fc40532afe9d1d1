CREATE TABLE "client_risk_scores" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"as_of" date NOT NULL,
	"score" smallint NOT NULL,
	"band" text,
	"parts" jsonb NOT NULL,
	"inputs" jsonb NOT NULL,
	"change" text,
	"agreement_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_risk_scores_score_range" CHECK ("client_risk_scores"."score" between 0 and 100),
	CONSTRAINT "client_risk_scores_change_check" CHECK ("client_risk_scores"."change" is null or "client_risk_scores"."change" in ('proposed','applied'))
);
--> statement-breakpoint
ALTER TABLE "client_risk_scores" ADD CONSTRAINT "client_risk_scores_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_risk_scores" ADD CONSTRAINT "client_risk_scores_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "client_risk_scores_client_date_key" ON "client_risk_scores" USING btree ("client_id","as_of");--> statement-breakpoint
-- Hand-written: a risk score is history, never changed or deleted (the app role has neither UPDATE
-- nor DELETE on it either: db/roles.ts APPEND_ONLY_TABLES).
CREATE TRIGGER client_risk_scores_append_only BEFORE UPDATE OR DELETE ON client_risk_scores
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER client_risk_scores_no_truncate BEFORE TRUNCATE ON client_risk_scores
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
