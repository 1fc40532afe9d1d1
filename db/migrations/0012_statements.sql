CREATE TABLE "statements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"currencies" text[] NOT NULL,
	"opening_balances" numeric(20, 4)[] NOT NULL,
	"closing_balances" numeric(20, 4)[] NOT NULL,
	"figures" jsonb NOT NULL,
	"pdf" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"bytes" integer NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"generated_by" text NOT NULL,
	"generated_by_user_id" bigint,
	"job_run_id" bigint,
	CONSTRAINT "statements_period_check" CHECK ("statements"."period_from" <= "statements"."period_to"),
	CONSTRAINT "statements_figures_check" CHECK (cardinality("statements"."currencies") = cardinality("statements"."closing_balances") and cardinality("statements"."currencies") = cardinality("statements"."opening_balances")),
	CONSTRAINT "statements_sha256_check" CHECK ("statements"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_job_run_id_job_runs_id_fk" FOREIGN KEY ("job_run_id") REFERENCES "public"."job_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "statements_client_period" ON "statements" USING btree ("client_id","period_from","period_to");--> statement-breakpoint
CREATE INDEX "statements_period_idx" ON "statements" USING btree ("period_from","period_to");--> statement-breakpoint
-- An issued statement is the document the client received: never rewritten in place.
CREATE OR REPLACE FUNCTION holdback_statement_issued() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'holdback: % on statements is not allowed: an issued statement is never rewritten', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statements_issued BEFORE UPDATE ON statements
  FOR EACH ROW EXECUTE FUNCTION holdback_statement_issued();
--> statement-breakpoint
CREATE TRIGGER statements_no_truncate BEFORE TRUNCATE ON statements
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_statement_issued();
--> statement-breakpoint
-- Contact email preferences (statement-ready and rebate advice): explicit on every contact.
UPDATE clients SET contacts = (
  SELECT coalesce(jsonb_agg(jsonb_build_object('notifyStatements', true, 'notifyRebates', true) || c ORDER BY n), '[]'::jsonb)
    FROM jsonb_array_elements(clients.contacts) WITH ORDINALITY AS x(c, n)
) WHERE jsonb_typeof(contacts) = 'array' AND jsonb_array_length(contacts) > 0;
