-- Issue 15 item 2 ("Documents"): invoice images, proofs of delivery, signed schedules and
-- agreements attached to invoices, schedules (funding batches), clients and debtors. The bytes live
-- in the content-addressed store under DOCUMENTS_DIR (lib/documents/store.ts), named by sha256;
-- this table is their metadata. client_id is whose document it is (none for a debtor's), so a
-- client user's reads are one comparison. Documents are kept: UPDATE, DELETE and TRUNCATE are
-- refused by the database (and not granted to the app, db/roles.ts APPEND_ONLY_TABLES).
CREATE TABLE "documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"client_id" bigint,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" char(64) NOT NULL,
	"uploaded_by" bigint,
	"uploaded_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_subject_type_check" CHECK ("documents"."subject_type" in ('invoice','schedule','client','debtor')),
	CONSTRAINT "documents_kind_check" CHECK ("documents"."kind" in ('invoice_image','proof_of_delivery','schedule','signed_agreement','other')),
	CONSTRAINT "documents_content_type_check" CHECK ("documents"."content_type" in ('application/pdf','image/png','image/jpeg')),
	CONSTRAINT "documents_size_check" CHECK ("documents"."size" > 0),
	CONSTRAINT "documents_sha256_check" CHECK ("documents"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "documents_file_name_check" CHECK (length("documents"."file_name") between 1 and 255),
	CONSTRAINT "documents_client_check" CHECK (("documents"."subject_type" = 'debtor') = ("documents"."client_id" is null))
);
--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_subject_idx" ON "documents" USING btree ("subject_type","subject_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_subject_content" ON "documents" USING btree ("subject_type","subject_id","sha256");--> statement-breakpoint
CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();--> statement-breakpoint
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
