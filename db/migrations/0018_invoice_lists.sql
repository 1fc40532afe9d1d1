-- Issue 13, the invoices list (lib/invoices/list.ts) at 1,000,000 invoices.
--
-- Every sort key of the list is an index on (sort expression, id), so a page is a walk of one index
-- under a LIMIT whatever its depth (the keyset engine's "(expr, id) > (cursor)"). Each also carries
-- status and currency after the id: they do not change the order, but a status or currency filter
-- is checked in the index as the walk goes, without reading the table for each row passed over —
-- which matters because status follows time (the settled are the old ones: "settled, latest due
-- first" would otherwise read every open invoice's row before its first). Status, client and
-- currency have their own (…, id) for the default order, newest first (a currency of a few invoices
-- in a hundred would otherwise be searched for through the newest of all); the open book (funded or
-- disputed) its partial (id); a date or amount range is a range of its sort index; a debtor's
-- invoices come from invoices_debtor_status_idx (hundreds: a top-N of them is cheap); the client and
-- debtor sorts walk clients/debtors by name and fetch each one's invoices. (status, id) replaces the
-- plain (status).
--
-- "Open" is written as the range status BETWEEN 'disputed' AND 'funded', which is exactly
-- {disputed, funded} of the statuses (tests/unit/invoice-list.test.ts keeps it so): a range, unlike
-- an IN list, is checked inside these indexes, and it is the predicate of the partial index.
DROP INDEX IF EXISTS "invoices_status_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_status_id_idx" ON "invoices" USING btree ("status", "id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_client_id_idx" ON "invoices" USING btree ("client_id", "id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_currency_id_idx" ON "invoices" USING btree ("currency", "id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_open_id_idx" ON "invoices" USING btree ("id") WHERE "status" BETWEEN 'disputed' AND 'funded';--> statement-breakpoint
-- the number sort and the "number starts with" filter: upper() so both ignore case; COLLATE "C" so
-- LIKE 'NW-10%' is a range of this index whatever the database's collation
CREATE INDEX IF NOT EXISTS "invoices_number_sort_idx" ON "invoices" USING btree ((upper("number")) COLLATE "C", "id", "status", "currency");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_face_value_idx" ON "invoices" USING btree ("face_value", "id", "status", "currency");--> statement-breakpoint
-- an invoice not yet funded owes its face value (as GET /invoices/{id} says)
CREATE INDEX IF NOT EXISTS "invoices_outstanding_idx" ON "invoices" USING btree ((coalesce("outstanding", "face_value")), "id", "status", "currency");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_issue_date_idx" ON "invoices" USING btree ("issue_date", "id", "status", "currency");--> statement-breakpoint
-- due date, days past due (its reverse) and the minDaysPastDue/maxDaysPastDue filters
CREATE INDEX IF NOT EXISTS "invoices_due_date_idx" ON "invoices" USING btree ("due_date", "id", "status", "currency");--> statement-breakpoint
-- not yet funded sorts first (ascending) or last (descending)
CREATE INDEX IF NOT EXISTS "invoices_funding_date_idx" ON "invoices" USING btree ((coalesce("funding_date", '0001-01-01'::date)), "id", "status", "currency");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "clients_name_id_idx" ON "clients" USING btree ("name", "id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "debtors_name_id_idx" ON "debtors" USING btree ("name", "id");--> statement-breakpoint
-- The list's exact totals ("Showing 1–50 of 1,012,300"): how many invoices there are per status and
-- currency, and per client and status, kept by statement-level triggers on invoices. Each statement
-- that changes the counts INSERTS its net change as a row (never an UPDATE of a shared counter: two
-- transactions never wait for each other or deadlock over a count); a total is the sum of a few
-- rows. The rows are folded together (invoice_counts_fold) by the statement that finds too many:
-- FOR UPDATE SKIP LOCKED, so a fold never waits either, and a fold that rolls back leaves the rows.
CREATE TABLE "invoice_status_counts" (
	"status" text NOT NULL,
	"currency" char(3) NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invoice_status_counts_idx" ON "invoice_status_counts" USING btree ("status", "currency");--> statement-breakpoint
CREATE TABLE "invoice_client_counts" (
	"client_id" bigint NOT NULL,
	"status" text NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invoice_client_counts_idx" ON "invoice_client_counts" USING btree ("client_id", "status") INCLUDE ("n");--> statement-breakpoint
INSERT INTO "invoice_status_counts" ("status", "currency", "n")
SELECT "status", "currency", count(*) FROM "invoices" GROUP BY "status", "currency";--> statement-breakpoint
INSERT INTO "invoice_client_counts" ("client_id", "status", "n")
SELECT "client_id", "status", count(*) FROM "invoices" GROUP BY "client_id", "status";--> statement-breakpoint
-- Folds the count rows of the given clients (and the per-status rows) into one row per key, where
-- there are more than a handful. Rows another transaction holds are skipped, not waited for.
CREATE OR REPLACE FUNCTION invoice_counts_fold(clients bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- Only under READ COMMITTED: a stricter isolation level would raise a serialization error on a row folded meanwhile.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RETURN;
  END IF;
  IF (SELECT count(*) FROM (SELECT 1 FROM invoice_status_counts LIMIT 65) x) > 64 THEN
    WITH gone AS (
      DELETE FROM invoice_status_counts WHERE ctid IN (SELECT ctid FROM invoice_status_counts FOR UPDATE SKIP LOCKED)
      RETURNING status, currency, n)
    INSERT INTO invoice_status_counts (status, currency, n)
    SELECT status, currency, sum(n) FROM gone GROUP BY status, currency HAVING sum(n) <> 0;
  END IF;
  WITH crowded AS (
    SELECT k.client_id FROM unnest(clients) k(client_id)
     WHERE (SELECT count(*) FROM (SELECT 1 FROM invoice_client_counts c WHERE c.client_id = k.client_id LIMIT 17) x) > 16),
  locked AS (
    SELECT c.ctid AS t FROM invoice_client_counts c WHERE c.client_id IN (SELECT client_id FROM crowded) FOR UPDATE SKIP LOCKED),
  gone AS (
    DELETE FROM invoice_client_counts c WHERE c.client_id IN (SELECT client_id FROM crowded) AND c.ctid IN (SELECT t FROM locked)
    RETURNING c.client_id, c.status, c.n)
  INSERT INTO invoice_client_counts (client_id, status, n)
  SELECT client_id, status, sum(n) FROM gone GROUP BY client_id, status HAVING sum(n) <> 0;
END;
$$;
--> statement-breakpoint
-- The net change of one statement, from its transition tables (an update that changes no status,
-- client or currency changes no count and writes nothing).
CREATE OR REPLACE FUNCTION invoice_counts_after() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH d AS (SELECT client_id, status, currency, count(*) AS n FROM new_rows GROUP BY client_id, status, currency),
    s AS (INSERT INTO invoice_status_counts (status, currency, n)
          SELECT status, currency, sum(n) FROM d GROUP BY status, currency HAVING sum(n) <> 0),
    c AS (INSERT INTO invoice_client_counts (client_id, status, n)
          SELECT client_id, status, sum(n) FROM d GROUP BY client_id, status HAVING sum(n) <> 0 RETURNING client_id)
    SELECT array_agg(DISTINCT client_id) INTO touched FROM c;
  ELSIF TG_OP = 'DELETE' THEN
    WITH d AS (SELECT client_id, status, currency, -count(*) AS n FROM old_rows GROUP BY client_id, status, currency),
    s AS (INSERT INTO invoice_status_counts (status, currency, n)
          SELECT status, currency, sum(n) FROM d GROUP BY status, currency HAVING sum(n) <> 0),
    c AS (INSERT INTO invoice_client_counts (client_id, status, n)
          SELECT client_id, status, sum(n) FROM d GROUP BY client_id, status HAVING sum(n) <> 0 RETURNING client_id)
    SELECT array_agg(DISTINCT client_id) INTO touched FROM c;
  ELSE
    WITH d AS (SELECT client_id, status, currency, sum(n) AS n FROM (
            SELECT client_id, status, currency, 1 AS n FROM new_rows
            UNION ALL
            SELECT client_id, status, currency, -1 AS n FROM old_rows) x
          GROUP BY client_id, status, currency HAVING sum(n) <> 0),
    s AS (INSERT INTO invoice_status_counts (status, currency, n)
          SELECT status, currency, sum(n) FROM d GROUP BY status, currency HAVING sum(n) <> 0),
    c AS (INSERT INTO invoice_client_counts (client_id, status, n)
          SELECT client_id, status, sum(n) FROM d GROUP BY client_id, status HAVING sum(n) <> 0 RETURNING client_id)
    SELECT array_agg(DISTINCT client_id) INTO touched FROM c;
  END IF;
  IF touched IS NOT NULL THEN
    PERFORM invoice_counts_fold(touched);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "invoices_counts_insert" AFTER INSERT ON "invoices" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_after();--> statement-breakpoint
CREATE TRIGGER "invoices_counts_update" AFTER UPDATE ON "invoices" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_after();--> statement-breakpoint
CREATE TRIGGER "invoices_counts_delete" AFTER DELETE ON "invoices" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_after();
