-- Issue 13: the dashboard, the aging report and the portal's lateness at any volume. What they
-- show is summed from kept roll-ups (a few rows per currency and issue date, per debtor, per
-- client, per invoice status, per account code), never from a pass over invoices, accounts or lines.
--
-- How the roll-ups stay exact without a hot row: statement-level triggers on invoices and
-- ledger_accounts turn each statement's changes (its transition tables: the old rows counted -1,
-- the new ones +1) into a few aggregated DELTA rows appended to rollup_deltas in the same
-- transaction. Appending takes no row lock, so parallel fundings, payments and postings never wait
-- for one another here (nor deadlock with the ledger's account locks). A fold (lib/reports/
-- rollups.ts; the `rollups` job every 10 s) moves committed deltas into rollups in one short
-- transaction; readers sum rollups + rollup_deltas in one statement (one snapshot), which is
-- exact whether or not a fold has run. audit:verify proves the sums equal a recount.
--
-- Grains (rollups.grain); `items` counts, `amount` sums:
--   1 (currency, issue_date)                 open invoices (funded, disputed), their outstanding — dashboard aging
--   2 (debtor ref_id, currency)              open invoices, their outstanding — top debtor exposure; and the
--                                            invoices with a settled date (paid, charged back, written off):
--                                            settled_invoices, and settled_date − due_date summed in
--                                            days_beyond_terms — a debtor's average days late (portal)
--   3 (tag = invoice status, currency)       every invoice, its outstanding — counts per status
--   4 (debtor ref_id, currency, issue_date)  open invoices still owing (outstanding > 0) — aging by debtor
--   5 (client ref_id, currency, issue_date)  open invoices still owing — aging by client
--   6 (client ref_id, currency)              open invoices still owing — clients ranked by what they are owed
--   7 (tag = account code, currency)         ledger accounts, their kept balances summed — dashboard totals
CREATE TABLE "rollups" (
	"grain" smallint NOT NULL,
	"currency" char(3) NOT NULL,
	"ref_id" bigint,
	"issue_date" date,
	"tag" text,
	"items" bigint NOT NULL,
	"amount" numeric(24, 4) NOT NULL,
	"settled_invoices" bigint DEFAULT 0 NOT NULL,
	"days_beyond_terms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "rollups_key" UNIQUE NULLS NOT DISTINCT("grain","ref_id","currency","issue_date","tag"),
	CONSTRAINT "rollups_grain_check" CHECK ("rollups"."grain" between 1 and 7)
);
--> statement-breakpoint
-- The largest first, for the top debtors (grain 2) and the aging report's ranking (2 and 6).
CREATE INDEX "rollups_ranked" ON "rollups" USING btree ("grain","amount" DESC,"ref_id","currency") WHERE "rollups"."grain" in (2, 6);
--> statement-breakpoint
-- Appended by the triggers, emptied by the fold: no index (appends stay cheap; readers and the fold read it whole).
CREATE TABLE "rollup_deltas" (
	"grain" smallint NOT NULL,
	"currency" char(3) NOT NULL,
	"ref_id" bigint,
	"issue_date" date,
	"tag" text,
	"items" bigint NOT NULL,
	"amount" numeric(24, 4) NOT NULL,
	"settled_invoices" bigint DEFAULT 0 NOT NULL,
	"days_beyond_terms" bigint DEFAULT 0 NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
--> statement-breakpoint
-- One statement's changes to invoices → aggregated delta rows (see above): the new rows count +1
-- and the old −1, of the rows whose counted columns (status, outstanding, issue_date, due_date,
-- settled_date, debtor_id, client_id, currency) changed — an UPDATE of anything else appends
-- nothing and costs one join of the transition tables. Each grain is one GROUP BY over the
-- statement's rows. Runs as the caller (the app role may append deltas).
CREATE OR REPLACE FUNCTION holdback_invoice_rollup_deltas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
    WITH c AS MATERIALIZED (SELECT r.currency, r.issue_date, r.debtor_id, r.client_id, r.status,
                   r.status IN ('funded', 'disputed') AS open,
                   r.status IN ('funded', 'disputed') AND r.outstanding > 0 AS owing,
                   1 AS n, coalesce(r.outstanding, 0) AS s,
                   (r.settled_date IS NOT NULL)::int AS paid, coalesce(r.settled_date - r.due_date, 0) AS late
              FROM new_rows r)
    SELECT 1, c.currency, NULL::bigint, c.issue_date, NULL::text, sum(c.n), sum(c.s), 0::bigint, 0::bigint
      FROM c WHERE c.open GROUP BY c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 2, c.currency, c.debtor_id, NULL, NULL, coalesce(sum(c.n) FILTER (WHERE c.open), 0), coalesce(sum(c.s) FILTER (WHERE c.open), 0), sum(c.paid), sum(c.late)
      FROM c GROUP BY c.debtor_id, c.currency
    HAVING coalesce(sum(c.n) FILTER (WHERE c.open), 0) <> 0 OR coalesce(sum(c.s) FILTER (WHERE c.open), 0) <> 0 OR sum(c.paid) <> 0 OR sum(c.late) <> 0
    UNION ALL
    SELECT 3, c.currency, NULL, NULL, c.status, sum(c.n), sum(c.s), 0, 0
      FROM c GROUP BY c.status, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 4, c.currency, c.debtor_id, c.issue_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.debtor_id, c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 5, c.currency, c.client_id, c.issue_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 6, c.currency, c.client_id, NULL, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0;
  ELSE
    INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
    WITH ch AS MATERIALIZED (
      SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.status, o.outstanding, o.issue_date, o.due_date, o.settled_date, o.debtor_id, o.client_id, o.currency)
             IS DISTINCT FROM (n.status, n.outstanding, n.issue_date, n.due_date, n.settled_date, n.debtor_id, n.client_id, n.currency)),
    c AS MATERIALIZED (SELECT r.currency, r.issue_date, r.debtor_id, r.client_id, r.status,
                   r.status IN ('funded', 'disputed') AS open,
                   r.status IN ('funded', 'disputed') AND r.outstanding > 0 AS owing,
                   1 AS n, coalesce(r.outstanding, 0) AS s,
                   (r.settled_date IS NOT NULL)::int AS paid, coalesce(r.settled_date - r.due_date, 0) AS late
              FROM new_rows r WHERE r.id IN (SELECT id FROM ch)
            UNION ALL
            SELECT r.currency, r.issue_date, r.debtor_id, r.client_id, r.status,
                   r.status IN ('funded', 'disputed') AS open,
                   r.status IN ('funded', 'disputed') AND r.outstanding > 0 AS owing,
                   -1 AS n, -coalesce(r.outstanding, 0) AS s,
                   -(r.settled_date IS NOT NULL)::int AS paid, -coalesce(r.settled_date - r.due_date, 0) AS late
              FROM old_rows r WHERE r.id IN (SELECT id FROM ch))
    SELECT 1, c.currency, NULL::bigint, c.issue_date, NULL::text, sum(c.n), sum(c.s), 0::bigint, 0::bigint
      FROM c WHERE c.open GROUP BY c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 2, c.currency, c.debtor_id, NULL, NULL, coalesce(sum(c.n) FILTER (WHERE c.open), 0), coalesce(sum(c.s) FILTER (WHERE c.open), 0), sum(c.paid), sum(c.late)
      FROM c GROUP BY c.debtor_id, c.currency
    HAVING coalesce(sum(c.n) FILTER (WHERE c.open), 0) <> 0 OR coalesce(sum(c.s) FILTER (WHERE c.open), 0) <> 0 OR sum(c.paid) <> 0 OR sum(c.late) <> 0
    UNION ALL
    SELECT 3, c.currency, NULL, NULL, c.status, sum(c.n), sum(c.s), 0, 0
      FROM c GROUP BY c.status, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 4, c.currency, c.debtor_id, c.issue_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.debtor_id, c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 5, c.currency, c.client_id, c.issue_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 6, c.currency, c.client_id, NULL, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER invoices_rollups_insert AFTER INSERT ON invoices
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_invoice_rollup_deltas();
--> statement-breakpoint
CREATE TRIGGER invoices_rollups_update AFTER UPDATE ON invoices
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_invoice_rollup_deltas();
--> statement-breakpoint
-- The same for the ledger accounts' kept balances (grain 7): a posting's update of a few balances
-- appends a row per account code and currency it moved.
CREATE OR REPLACE FUNCTION holdback_account_rollup_deltas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
    WITH c AS (SELECT r.code, r.currency, 1 AS n, r.balance AS b FROM new_rows r)
    SELECT 7, c.currency, NULL, NULL, c.code, sum(c.n), sum(c.b), 0, 0
      FROM c GROUP BY c.code, c.currency HAVING sum(c.n) <> 0 OR sum(c.b) <> 0;
  ELSE
    INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
    WITH c AS (SELECT r.code, r.currency, 1 AS n, r.balance AS b FROM new_rows r UNION ALL SELECT r.code, r.currency, -1 AS n, -r.balance AS b FROM old_rows r)
    SELECT 7, c.currency, NULL, NULL, c.code, sum(c.n), sum(c.b), 0, 0
      FROM c GROUP BY c.code, c.currency HAVING sum(c.n) <> 0 OR sum(c.b) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_rollups_insert AFTER INSERT ON ledger_accounts
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_account_rollup_deltas();
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_rollups_update AFTER UPDATE ON ledger_accounts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_account_rollup_deltas();
--> statement-breakpoint
-- What is already there (the triggers above hold invoices and ledger_accounts against writes until this commits).
INSERT INTO rollups (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
WITH c AS MATERIALIZED (SELECT r.currency, r.issue_date, r.debtor_id, r.client_id, r.status,
                   r.status IN ('funded', 'disputed') AS open,
                   r.status IN ('funded', 'disputed') AND r.outstanding > 0 AS owing,
                   1 AS n, coalesce(r.outstanding, 0) AS s,
                   (r.settled_date IS NOT NULL)::int AS paid, coalesce(r.settled_date - r.due_date, 0) AS late
              FROM invoices r)
SELECT 1, c.currency, NULL::bigint, c.issue_date, NULL::text, sum(c.n), sum(c.s), 0::bigint, 0::bigint
      FROM c WHERE c.open GROUP BY c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 2, c.currency, c.debtor_id, NULL, NULL, coalesce(sum(c.n) FILTER (WHERE c.open), 0), coalesce(sum(c.s) FILTER (WHERE c.open), 0), sum(c.paid), sum(c.late)
      FROM c GROUP BY c.debtor_id, c.currency
    HAVING coalesce(sum(c.n) FILTER (WHERE c.open), 0) <> 0 OR coalesce(sum(c.s) FILTER (WHERE c.open), 0) <> 0 OR sum(c.paid) <> 0 OR sum(c.late) <> 0
    UNION ALL
    SELECT 3, c.currency, NULL, NULL, c.status, sum(c.n), sum(c.s), 0, 0
      FROM c GROUP BY c.status, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 4, c.currency, c.debtor_id, c.issue_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.debtor_id, c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 5, c.currency, c.client_id, c.issue_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency, c.issue_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 6, c.currency, c.client_id, NULL, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0;
--> statement-breakpoint
INSERT INTO rollups (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
WITH c AS (SELECT r.code, r.currency, 1 AS n, r.balance AS b FROM ledger_accounts r)
SELECT 7, c.currency, NULL, NULL, c.code, sum(c.n), sum(c.b), 0, 0
      FROM c GROUP BY c.code, c.currency HAVING sum(c.n) <> 0 OR sum(c.b) <> 0;
