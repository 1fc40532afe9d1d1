-- Issue 11, least privilege: the app connects as a role that owns no table (db/roles.ts), so it
-- can neither disable the append-only triggers nor run the maintenance Postgres reserves to a
-- table's owner. That maintenance runs through functions owned by the owner role (migrations run
-- as it), SECURITY DEFINER with a fixed search_path, each doing one fixed thing.
--
-- After a bulk posting (lib/ledger/accrual.ts): summarize the block ranges of the journal_lines
-- BRIN index appended since the last summary. EXECUTE is granted to the app role by db/roles.ts.
CREATE OR REPLACE FUNCTION holdback_summarize_ledger_indexes() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT brin_summarize_new_values('public.journal_lines_entry_brin'::regclass);
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION holdback_summarize_ledger_indexes() FROM PUBLIC;
