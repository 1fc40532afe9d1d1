-- Issue 15 item 3 ("Notes, call log and follow-ups"): notes on clients, debtors and invoices
-- (who, when, what, and the kind of contact: note, call, email, meeting), a promise to pay on an
-- invoice's note, and a note's follow-up (due date, owner). Notes are append-only: a correction
-- is a new note. A follow-up is marked done once (done_at, done_by: an audited event of its own);
-- nothing else of it ever changes, and neither is deleted (lib/notes, db/roles.ts).
CREATE TABLE "follow_ups" (
	"note_id" bigint PRIMARY KEY NOT NULL,
	"owner_id" bigint NOT NULL,
	"due_on" date NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follow_ups_done_whole" CHECK (("follow_ups"."done_at" is null) = ("follow_ups"."done_by" is null))
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"kind" text DEFAULT 'note' NOT NULL,
	"body" text NOT NULL,
	"author_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"promised_on" date,
	"promised_amount" numeric(20, 4),
	"promise_made_on" date,
	CONSTRAINT "notes_subject_type_check" CHECK ("notes"."subject_type" in ('client','debtor','invoice')),
	CONSTRAINT "notes_kind_check" CHECK ("notes"."kind" in ('note','call','email','meeting')),
	CONSTRAINT "notes_body_length" CHECK (char_length("notes"."body") between 1 and 5000),
	CONSTRAINT "notes_promise_whole" CHECK (("notes"."promised_on" is null) = ("notes"."promised_amount" is null) and ("notes"."promised_on" is null) = ("notes"."promise_made_on" is null)),
	CONSTRAINT "notes_promise_on_invoice" CHECK ("notes"."promised_on" is null or "notes"."subject_type" = 'invoice'),
	CONSTRAINT "notes_promise_positive" CHECK ("notes"."promised_amount" is null or "notes"."promised_amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_note_id_notes_id_fk" FOREIGN KEY ("note_id") REFERENCES "public"."notes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_ups_open_owner_idx" ON "follow_ups" USING btree ("owner_id","due_on","note_id") WHERE "follow_ups"."done_at" is null;--> statement-breakpoint
CREATE INDEX "follow_ups_open_due_idx" ON "follow_ups" USING btree ("due_on","note_id") WHERE "follow_ups"."done_at" is null;--> statement-breakpoint
CREATE INDEX "notes_subject_idx" ON "notes" USING btree ("subject_type","subject_id","id");--> statement-breakpoint
CREATE INDEX "notes_invoice_promises_idx" ON "notes" USING btree ("subject_id","id") WHERE "notes"."subject_type" = 'invoice' and "notes"."promised_on" is not null;--> statement-breakpoint
CREATE INDEX "notes_promised_on_idx" ON "notes" USING btree ("promised_on","id") WHERE "notes"."promised_on" is not null;--> statement-breakpoint
-- Hand-written: a note is never changed or deleted (the app role has neither UPDATE nor DELETE on
-- it either: db/roles.ts APPEND_ONLY_TABLES).
CREATE TRIGGER notes_append_only BEFORE UPDATE OR DELETE ON notes
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER notes_no_truncate BEFORE TRUNCATE ON notes
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER follow_ups_keep BEFORE DELETE ON follow_ups FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
-- A follow-up changes once: from open to done (done_at and done_by set together, by the check).
-- Its note, owner, due date and creation stay as they were; a done follow-up stays done.
CREATE OR REPLACE FUNCTION holdback_follow_up_done_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.done_at IS NOT NULL THEN
    RAISE EXCEPTION 'holdback: follow-up of note % is done already; it does not change again', OLD.note_id
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.note_id IS DISTINCT FROM OLD.note_id OR NEW.owner_id IS DISTINCT FROM OLD.owner_id
      OR NEW.due_on IS DISTINCT FROM OLD.due_on OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'holdback: a follow-up is only ever marked done (note %): add a new note with a new follow-up instead', OLD.note_id
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER follow_ups_done_once BEFORE UPDATE ON follow_ups FOR EACH ROW EXECUTE FUNCTION holdback_follow_up_done_once();
