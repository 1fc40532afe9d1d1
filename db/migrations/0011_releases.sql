CREATE TABLE "release_cycles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"clients_due" integer DEFAULT 0 NOT NULL,
	"clients_done" integer DEFAULT 0 NOT NULL,
	"totals" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" bigint,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"cycle_id" bigint NOT NULL,
	"client_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"as_of" date NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"approved_amount" numeric(20, 4),
	"status" text NOT NULL,
	"release_mode" text DEFAULT 'automatic' NOT NULL,
	"breakdown" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_approved_by" bigint,
	"second_approved_by" bigint,
	"needs_controller" text DEFAULT 'no' NOT NULL,
	"decided_by" bigint,
	"reason" text,
	"entry_id" bigint,
	"paid_at" timestamp with time zone,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_cycle_id_release_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."release_cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "releases_client_currency_date" ON "releases" USING btree ("client_id","currency","as_of");--> statement-breakpoint
CREATE INDEX "releases_status_idx" ON "releases" USING btree ("status") WHERE "releases"."status" = 'pending_approval';--> statement-breakpoint
CREATE INDEX "releases_cycle_idx" ON "releases" USING btree ("cycle_id");