-- SPEC 3 and 9: the ledger and the audit log are append-only. The database itself refuses
-- UPDATE, DELETE and TRUNCATE; a mistake is corrected by a reversal entry.
CREATE OR REPLACE FUNCTION holdback_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'holdback: % on % is not allowed: the table is append-only (post a reversal instead)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
-- Every statement that inserts journal lines must leave each entry it touches balanced per
-- currency, with each line in its account's currency. lib/ledger inserts an entry's lines in
-- one statement; a statement-level check over the transition table costs one pass per statement.
CREATE OR REPLACE FUNCTION holdback_check_lines() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.entry_id, n.currency, sum(n.amount) AS total INTO bad
    FROM new_lines n GROUP BY n.entry_id, n.currency HAVING sum(n.amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal entry % is not balanced in % (lines sum to %)', bad.entry_id, bad.currency, bad.total
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT n.entry_id, n.currency, a.currency AS account_currency INTO bad
    FROM new_lines n JOIN ledger_accounts a ON a.id = n.account_id WHERE a.currency <> n.currency LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal entry % has a % line on a % account', bad.entry_id, bad.currency, bad.account_currency
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_check_lines();
