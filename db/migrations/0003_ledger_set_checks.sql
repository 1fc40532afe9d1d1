ALTER TABLE "journal_entries" DROP CONSTRAINT "journal_entries_client_id_clients_id_fk";
--> statement-breakpoint
ALTER TABLE "journal_entries" DROP CONSTRAINT "journal_entries_invoice_id_invoices_id_fk";
--> statement-breakpoint
ALTER TABLE "journal_entries" DROP CONSTRAINT "journal_entries_posted_by_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "journal_lines" DROP CONSTRAINT "journal_lines_entry_id_journal_entries_id_fk";
--> statement-breakpoint
ALTER TABLE "journal_lines" DROP CONSTRAINT "journal_lines_account_id_ledger_accounts_id_fk";
--> statement-breakpoint
-- The ledger's references, checked once per statement over the distinct values it inserts
-- (instead of one foreign-key lookup per row): every line's entry and account exist; every
-- entry's client, invoice and poster exist. With the balance and currency checks of 0001.
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
  SELECT d.entry_id INTO bad FROM (SELECT DISTINCT entry_id FROM new_lines) d
   WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.id = d.entry_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal line of entry % refers to no journal entry', bad.entry_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT d.account_id INTO bad FROM (SELECT DISTINCT account_id FROM new_lines) d
   WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = d.account_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal line refers to no ledger account %', bad.account_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT x.entry_id, x.currency, a.currency AS account_currency INTO bad
    FROM (SELECT DISTINCT entry_id, account_id, currency FROM new_lines) x
    JOIN ledger_accounts a ON a.id = x.account_id WHERE a.currency <> x.currency LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal entry % has a % line on a % account', bad.entry_id, bad.currency, bad.account_currency
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_check_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT d.client_id INTO bad FROM (SELECT DISTINCT client_id FROM new_entries WHERE client_id IS NOT NULL) d
   WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = d.client_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal entry refers to no client %', bad.client_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT d.invoice_id INTO bad FROM (SELECT DISTINCT invoice_id FROM new_entries WHERE invoice_id IS NOT NULL) d
   WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = d.invoice_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal entry refers to no invoice %', bad.invoice_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT d.posted_by_user_id INTO bad FROM (SELECT DISTINCT posted_by_user_id FROM new_entries WHERE posted_by_user_id IS NOT NULL) d
   WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = d.posted_by_user_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: journal entry refers to no user %', bad.posted_by_user_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_references AFTER INSERT ON journal_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_check_entries();
--> statement-breakpoint
-- What the ledger refers to is never deleted: accounts, clients, invoices and users are kept
-- (users are disabled, clients closed), so no journal row ever points at nothing.
CREATE OR REPLACE FUNCTION holdback_refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'holdback: DELETE on % is not allowed: the ledger and the audit log refer to these rows (close or disable instead)', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_keep BEFORE DELETE ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER clients_keep BEFORE DELETE ON clients FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER invoices_keep BEFORE DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER users_keep BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
