-- Issue 13, item 3: search (lib/search). pg_trgm is a trusted extension: the owner role, which
-- holds CREATE on the database, may create it.
--
-- Every searched column is read through search_key(): its letters and digits, upper-cased, with
-- spaces and punctuation dropped ("NW-1003" → "NW1003", "Acme Corp." → "ACMECORP"). So "nw1003",
-- "NW 1003" and "nw-10" all find NW-1003, and — what makes the trigram indexes useful on invoice
-- numbers — pg_trgm sees "NW1003" as one word with selective trigrams ("w10", "100", "003")
-- instead of the words "nw" and "1003" whose short trigrams match nearly every number.
-- Each search tier reads one index: exact and prefix a btree on search_key(col) with
-- text_pattern_ops (LIKE 'NW10%' and its order), "contains" and near misses a GIN trigram index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- plpgsql, so the planner never inlines it: queries name search_key(col) exactly as the indexes
-- do, and it costs what it does (COST 100 ≈ the regexp per row: about 1.5 µs, 30× a plain
-- comparison), so a plan that would run it over every row of a table — a sequential scan — costs
-- what that would take, and the indexes win. Calls are schema-qualified (an index function must
-- not depend on the caller's search_path).
CREATE OR REPLACE FUNCTION search_key(value text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100
  AS $$ BEGIN RETURN pg_catalog.upper(pg_catalog.regexp_replace(value, '[^[:alnum:]]+', '', 'g')); END $$;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_search_key_idx" ON "invoices" USING btree (search_key("number") text_pattern_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_client_search_key_idx" ON "invoices" USING btree ("client_id", search_key("number") text_pattern_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_search_trgm_idx" ON "invoices" USING gin (search_key("number") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "payments_reference_key_idx" ON "payments" USING btree (left(search_key("reference"), 100) text_pattern_ops, "id" DESC);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "payments_reference_trgm_idx" ON "payments" USING gin (search_key("reference") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "payments_payer_key_idx" ON "payments" USING btree (search_key("payer_name") text_pattern_ops, "id" DESC);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "payments_payer_trgm_idx" ON "payments" USING gin (search_key("payer_name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "clients_search_key_idx" ON "clients" USING btree (search_key("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "clients_search_trgm_idx" ON "clients" USING gin (search_key("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "debtors_search_key_idx" ON "debtors" USING btree (search_key("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "debtors_search_trgm_idx" ON "debtors" USING gin (search_key("name") gin_trgm_ops);
