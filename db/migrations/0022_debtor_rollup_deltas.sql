-- Issue 13: the debtor roll-ups of migration 0019 (debtor_exposure, debtor_open_due, debtor_figures)
-- move onto the appended deltas of migration 0021. Until now the invoices' and payment
-- applications' triggers updated those rows IN PLACE, so every command touching one debtor (or one
-- client's share of it) waited on the same rows until the first committed, and could deadlock with
-- the ledger's account locks. Now:
--   * the triggers append each statement's net change (old rows −1, new rows +1) to
--     debtor_exposure_deltas and debtor_open_due_deltas: no row is locked, nothing waits;
--   * the fold of migration 0021 (lib/reports/rollups.ts foldRollups, the `rollups` job every 10 s,
--     one transaction, one advisory lock) also moves these deltas into debtor_exposure and
--     debtor_open_due and recomputes debtor_figures for the debtors it touched — only the fold writes
--     the three tables;
--   * readers read the views below, which sum folded + pending in the statement's one snapshot:
--     exact whether or not a fold has run.
-- client_list_balances stays a row-trigger mirror of ledger_accounts.balance: it is written only
-- under the posting's own lock on that account (one mirror row per account), so it adds no wait
-- and no lock order of its own.
CREATE TABLE "debtor_exposure_deltas" (
	"debtor_id" bigint NOT NULL,
	"client_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"invoices" integer DEFAULT 0 NOT NULL,
	"open_invoices" integer DEFAULT 0 NOT NULL,
	"exposure" numeric(20, 4) DEFAULT '0' NOT NULL,
	"settled_invoices" integer DEFAULT 0 NOT NULL,
	"settled_days" bigint DEFAULT 0 NOT NULL,
	"settled_days_late" bigint DEFAULT 0 NOT NULL,
	"reduced" numeric(20, 4) DEFAULT '0' NOT NULL,
	"collected" numeric(20, 4) DEFAULT '0' NOT NULL,
	"defaulted_face" numeric(20, 4) DEFAULT '0' NOT NULL,
	"defaulted_collected" numeric(20, 4) DEFAULT '0' NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
--> statement-breakpoint
CREATE TABLE "debtor_open_due_deltas" (
	"debtor_id" bigint NOT NULL,
	"due_date" date NOT NULL,
	"open_invoices" integer NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
--> statement-breakpoint
-- The same figures as 0019's function, appended instead of upserted (no ORDER BY: nothing is locked).
CREATE OR REPLACE FUNCTION holdback_debtor_rollup_invoices() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH parts AS MATERIALIZED (
      SELECT r.debtor_id, r.client_id, r.currency, 1 AS invoices,
             (r.status IN ('funded', 'disputed'))::int AS open_invoices,
             CASE WHEN r.status IN ('funded', 'disputed') THEN coalesce(r.outstanding, 0) ELSE 0 END AS exposure,
             (r.status = 'settled')::int AS settled_invoices,
             CASE WHEN r.status = 'settled' AND r.settled_date IS NOT NULL THEN r.settled_date - r.issue_date ELSE 0 END AS settled_days,
             CASE WHEN r.status = 'settled' AND r.settled_date IS NOT NULL THEN greatest(0, r.settled_date - r.due_date) ELSE 0 END AS settled_days_late,
             CASE WHEN r.outstanding IS NOT NULL AND r.status NOT IN ('charged_back', 'written_off') THEN r.face_value - r.outstanding ELSE 0 END AS reduced,
             0::numeric AS collected,
             CASE WHEN r.status IN ('charged_back', 'written_off') THEN r.face_value ELSE 0 END AS defaulted_face,
             0::numeric AS defaulted_collected,
             r.due_date, (r.status IN ('funded', 'disputed'))::int AS due_open
        FROM new_rows r),
    pairs AS (
      INSERT INTO debtor_exposure_deltas (debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days,
                                          settled_days_late, reduced, collected, defaulted_face, defaulted_collected)
      SELECT debtor_id, client_id, currency, sum(invoices), sum(open_invoices), sum(exposure), sum(settled_invoices), sum(settled_days),
             sum(settled_days_late), sum(reduced), sum(collected), sum(defaulted_face), sum(defaulted_collected)
        FROM parts GROUP BY debtor_id, client_id, currency)
    INSERT INTO debtor_open_due_deltas (debtor_id, due_date, open_invoices)
    SELECT debtor_id, due_date, sum(due_open) FROM parts GROUP BY debtor_id, due_date HAVING sum(due_open) <> 0;
  ELSE
    WITH changed AS MATERIALIZED (
      SELECT o.debtor_id AS o_debtor, o.client_id AS o_client, o.currency AS o_currency, o.status AS o_status, o.face_value AS o_face,
             o.outstanding AS o_outstanding, o.issue_date AS o_issue, o.due_date AS o_due, o.settled_date AS o_settled,
             n.debtor_id AS n_debtor, n.client_id AS n_client, n.currency AS n_currency, n.status AS n_status, n.face_value AS n_face,
             n.outstanding AS n_outstanding, n.issue_date AS n_issue, n.due_date AS n_due, n.settled_date AS n_settled,
             CASE WHEN (o.debtor_id, o.client_id, o.currency) IS DISTINCT FROM (n.debtor_id, n.client_id, n.currency)
                       OR (o.status IN ('charged_back', 'written_off')) <> (n.status IN ('charged_back', 'written_off'))
                  THEN (SELECT coalesce(sum(a.amount), 0) FROM payment_applications a WHERE a.invoice_id = n.id)
                  ELSE 0 END AS cash
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.debtor_id, o.client_id, o.currency, o.status, o.face_value, o.issue_date, o.due_date)
                IS DISTINCT FROM (n.debtor_id, n.client_id, n.currency, n.status, n.face_value, n.issue_date, n.due_date)
          OR o.outstanding IS DISTINCT FROM n.outstanding OR o.settled_date IS DISTINCT FROM n.settled_date),
    r AS (
      SELECT -1 AS sign, o_debtor AS debtor_id, o_client AS client_id, o_currency AS currency, o_status AS status, o_face AS face,
             o_outstanding AS outstanding, o_issue AS issue_date, o_due AS due_date, o_settled AS settled_date, cash FROM changed
      UNION ALL
      SELECT 1, n_debtor, n_client, n_currency, n_status, n_face, n_outstanding, n_issue, n_due, n_settled, cash FROM changed),
    parts AS MATERIALIZED (
      SELECT r.debtor_id, r.client_id, r.currency, r.sign AS invoices,
             r.sign * (r.status IN ('funded', 'disputed'))::int AS open_invoices,
             r.sign * CASE WHEN r.status IN ('funded', 'disputed') THEN coalesce(r.outstanding, 0) ELSE 0 END AS exposure,
             r.sign * (r.status = 'settled')::int AS settled_invoices,
             r.sign * CASE WHEN r.status = 'settled' AND r.settled_date IS NOT NULL THEN r.settled_date - r.issue_date ELSE 0 END AS settled_days,
             r.sign * CASE WHEN r.status = 'settled' AND r.settled_date IS NOT NULL THEN greatest(0, r.settled_date - r.due_date) ELSE 0 END AS settled_days_late,
             r.sign * CASE WHEN r.outstanding IS NOT NULL AND r.status NOT IN ('charged_back', 'written_off') THEN r.face - r.outstanding ELSE 0 END AS reduced,
             r.sign * r.cash AS collected,
             r.sign * CASE WHEN r.status IN ('charged_back', 'written_off') THEN r.face ELSE 0 END AS defaulted_face,
             r.sign * CASE WHEN r.status IN ('charged_back', 'written_off') THEN r.cash ELSE 0 END AS defaulted_collected,
             r.due_date, r.sign * (r.status IN ('funded', 'disputed'))::int AS due_open
        FROM r),
    pairs AS (
      INSERT INTO debtor_exposure_deltas (debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days,
                                          settled_days_late, reduced, collected, defaulted_face, defaulted_collected)
      SELECT * FROM (
        SELECT debtor_id, client_id, currency, sum(invoices) AS invoices, sum(open_invoices) AS open_invoices, sum(exposure) AS exposure,
               sum(settled_invoices) AS settled_invoices, sum(settled_days) AS settled_days, sum(settled_days_late) AS settled_days_late,
               sum(reduced) AS reduced, sum(collected) AS collected, sum(defaulted_face) AS defaulted_face, sum(defaulted_collected) AS defaulted_collected
          FROM parts GROUP BY debtor_id, client_id, currency) s
       WHERE (invoices, open_invoices, exposure, settled_invoices, settled_days, settled_days_late, reduced, collected, defaulted_face,
              defaulted_collected) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    INSERT INTO debtor_open_due_deltas (debtor_id, due_date, open_invoices)
    SELECT debtor_id, due_date, sum(due_open) FROM parts GROUP BY debtor_id, due_date HAVING sum(due_open) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Cash applied to invoices: what each (debtor, client, currency) collected, appended.
CREATE OR REPLACE FUNCTION holdback_debtor_rollup_applications() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO debtor_exposure_deltas (debtor_id, client_id, currency, collected, defaulted_collected)
  SELECT i.debtor_id, i.client_id, i.currency, sum(n.amount), coalesce(sum(n.amount) FILTER (WHERE i.status IN ('charged_back', 'written_off')), 0)
    FROM new_applications n JOIN invoices i ON i.id = n.invoice_id
   GROUP BY i.debtor_id, i.client_id, i.currency;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- What readers read: folded + pending, per key, in the reading statement's snapshot. A filter on
-- the key (debtor_id, client_id) reaches both tables (debtor_exposure's primary key and client
-- index; the deltas are few and unindexed, as rollup_deltas).
CREATE VIEW "debtor_exposure_now" AS
SELECT x.debtor_id, x.client_id, x.currency, sum(x.invoices)::int AS invoices, sum(x.open_invoices)::int AS open_invoices,
       sum(x.exposure) AS exposure, sum(x.settled_invoices)::int AS settled_invoices, sum(x.settled_days) AS settled_days,
       sum(x.settled_days_late) AS settled_days_late, sum(x.reduced) AS reduced, sum(x.collected) AS collected,
       sum(x.defaulted_face) AS defaulted_face, sum(x.defaulted_collected) AS defaulted_collected
  FROM (SELECT debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days, settled_days_late,
               reduced, collected, defaulted_face, defaulted_collected FROM debtor_exposure
        UNION ALL
        SELECT debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days, settled_days_late,
               reduced, collected, defaulted_face, defaulted_collected FROM debtor_exposure_deltas) x
 GROUP BY x.debtor_id, x.client_id, x.currency;
--> statement-breakpoint
CREATE VIEW "debtor_open_due_now" AS
SELECT x.debtor_id, x.due_date, sum(x.open_invoices)::int AS open_invoices
  FROM (SELECT debtor_id, due_date, open_invoices FROM debtor_open_due
        UNION ALL
        SELECT debtor_id, due_date, open_invoices FROM debtor_open_due_deltas) x
 GROUP BY x.debtor_id, x.due_date;
--> statement-breakpoint
-- The debtors list's figures as they are now, sortable through debtor_figures' indexes: a debtor
-- without pending deltas is its folded row (read in index order, a page's worth); the few with
-- deltas are recomputed from their folded rows + deltas, and their folded rows are left out by the
-- outer filter (written outside the UNION ALL so that its first branch, a bare table, is pulled up
-- and scanned in index order: the list's ORDER BY … LIMIT becomes a Merge Append of that index scan
-- and the few recomputed rows). Exact at every moment, with no over-read: unlike 0021's
-- rollups_ranked ("the first N + keys with deltas"), a key with deltas is never read stale.
CREATE VIEW "debtor_figures_now" AS
SELECT u.debtor_id, u.invoices, u.open_invoices, u.exposure, u.exposures
  FROM (SELECT f.debtor_id, f.invoices, f.open_invoices, f.exposure, f.exposures, true AS folded
          FROM debtor_figures f
        UNION ALL
        SELECT c.debtor_id, sum(c.invoices)::int, sum(c.open_invoices)::int, coalesce(max(c.exposure), 0)::numeric(20, 4),
               coalesce(jsonb_object_agg(c.currency, c.exposure::text) FILTER (WHERE c.open_invoices > 0 OR c.exposure <> 0), '{}'::jsonb), false
          FROM (SELECT x.debtor_id, x.currency, sum(x.invoices) AS invoices, sum(x.open_invoices) AS open_invoices, sum(x.exposure) AS exposure
                  FROM (SELECT e.debtor_id, e.currency, e.invoices, e.open_invoices, e.exposure FROM debtor_exposure e
                         WHERE e.debtor_id = ANY (ARRAY(SELECT DISTINCT p.debtor_id FROM debtor_exposure_deltas p))
                        UNION ALL
                        SELECT p.debtor_id, p.currency, p.invoices, p.open_invoices, p.exposure FROM debtor_exposure_deltas p) x
                 GROUP BY x.debtor_id, x.currency) c
         GROUP BY c.debtor_id) u
 WHERE NOT (u.folded AND u.debtor_id = ANY (ARRAY(SELECT DISTINCT p.debtor_id FROM debtor_exposure_deltas p)));
--> statement-breakpoint
-- Funding cost: every index on invoices is written by every funding, payment and status change.
-- invoices_number_key_idx (upper(number), migration 0010) duplicates the leading column of 0018's
-- invoices_number_sort_idx (upper(number) COLLATE "C", id, status, currency): equality on a
-- deterministic collation is the same bytes either way, so the number look-ups (lib/invoices/
-- reference.ts, the payment matcher) now say collate "C" and read 0018's index.
DROP INDEX IF EXISTS "invoices_number_key_idx";
