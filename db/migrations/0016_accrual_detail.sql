-- Issue 13, "history does not slow the present": the daily fee accrual keeps the journal per client
-- and day. Each accrual entry (one per client, currency and date) posts ONE fees_receivable line
-- (accrual, no invoice: the sum of its invoices' deltas) and one fee_income line; the per-invoice,
-- per-date difference SPEC 4 asks for goes here, append-only like the journal.
--
-- The key (entry_id, invoice_id) is the only index: entry ids only grow, so a day's rows land at
-- the right edge of the b-tree (its insert cost does not grow with history, unlike an index led by
-- invoice), it makes an invoice's detail unique per entry (so per date), finds an entry's detail
-- for the checks below, and an invoice's history through its client's accrual entries (one probe
-- per day). No screen reads this table to show a fee to date: that follows from fee_accruals.
CREATE TABLE "fee_accrual_lines" (
	"entry_id" bigint NOT NULL,
	"invoice_id" bigint NOT NULL,
	"effective_date" date NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	CONSTRAINT "fee_accrual_lines_pk" PRIMARY KEY ("entry_id", "invoice_id")
);
--> statement-breakpoint
CREATE TRIGGER fee_accrual_lines_append_only BEFORE UPDATE OR DELETE ON fee_accrual_lines
  FOR EACH ROW EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fee_accrual_lines_no_truncate BEFORE TRUNCATE ON fee_accrual_lines
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_refuse_change();
--> statement-breakpoint
-- A database from before issue 13 holds per-invoice accrual lines in the journal (accrual, tagged
-- with their invoice). They stay (append-only) and still count: an invoice's fee history reads them
-- through its client's fees_receivable account, but only up to the last date they were posted —
-- fixed here, once, so that read never grows. NULL in a database that never had any.
DO $$
DECLARE
  through date;
BEGIN
  SELECT max(l.effective_date) INTO through FROM journal_lines l WHERE l.accrual AND l.invoice_id IS NOT NULL;
  EXECUTE format('CREATE OR REPLACE FUNCTION holdback_legacy_accrual_through() RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                 'SELECT ' || coalesce(quote_literal(through::text) || '::date', 'NULL::date'));
END;
$$;
--> statement-breakpoint
-- The tie, checked per statement over what it inserted (set-based, like 0001/0003's checks):
-- * detail rows belong to an accrual entry of their own date, and the detail a statement inserts
--   for an entry sums to the entry's aggregate accrual line (accrual, no invoice: exactly one per
--   entry, on fees_receivable);
-- * an aggregate accrual line is on fees_receivable, alone in its accrual entry, and posted with
--   its detail (so in the same statement: the trigger above then compares the sums).
-- Journal lines are found by their entries' id range (BRIN), detail by its key; only the
-- statement's own rows are aggregated. `npm run audit:verify` proves the whole tie, every entry.
CREATE OR REPLACE FUNCTION holdback_check_accrual_detail() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
  lo bigint;
  hi bigint;
BEGIN
  SELECT min(n.entry_id), max(n.entry_id) INTO lo, hi FROM new_detail n;
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  WITH d AS (
    SELECT n.entry_id, sum(n.amount) AS total, min(n.effective_date) AS first, max(n.effective_date) AS last
      FROM new_detail n GROUP BY n.entry_id
  ), l AS (
    SELECT j.entry_id, count(*) AS n, sum(j.amount) AS total, bool_and(a.code = 'fees_receivable') AS receivable
      FROM journal_lines j JOIN ledger_accounts a ON a.id = j.account_id
     WHERE j.entry_id BETWEEN lo AND hi AND j.accrual AND j.invoice_id IS NULL
     GROUP BY j.entry_id
  )
  -- (a full join, fenced, so Postgres hashes the two sides instead of looping over one of them)
  SELECT x.entry_id, x.detail, x.line, x.lines, x.receivable, e.kind, e.effective_date, x.first, x.last INTO bad
    FROM (SELECT d.entry_id, d.total AS detail, l.total AS line, coalesce(l.n, 0) AS lines, l.receivable, d.first, d.last
            FROM d FULL JOIN l ON l.entry_id = d.entry_id OFFSET 0) x
    LEFT JOIN journal_entries e ON e.id = x.entry_id
   WHERE x.entry_id IS NOT NULL
     AND (e.kind IS DISTINCT FROM 'accrual' OR x.first <> e.effective_date OR x.last <> e.effective_date
          OR x.lines <> 1 OR NOT x.receivable OR x.detail <> x.line)
   LIMIT 1;
  IF FOUND THEN
    IF bad.kind IS DISTINCT FROM 'accrual' OR bad.first <> bad.effective_date OR bad.last <> bad.effective_date THEN
      RAISE EXCEPTION 'holdback: fee accrual detail dated % refers to entry % (%, dated %): detail belongs to an accrual entry of its own date',
        bad.first, bad.entry_id, coalesce(bad.kind, 'missing'), bad.effective_date
        USING ERRCODE = 'foreign_key_violation';
    END IF;
    RAISE EXCEPTION 'holdback: accrual entry % posts % to fees receivable (% aggregate line(s)) but the detail inserted for it sums to %',
      bad.entry_id, coalesce(bad.line, 0), bad.lines, bad.detail
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER fee_accrual_lines_tied AFTER INSERT ON fee_accrual_lines
  REFERENCING NEW TABLE AS new_detail
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_check_accrual_detail();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_check_accrual_lines() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
  lo bigint;
  hi bigint;
BEGIN
  SELECT min(n.entry_id), max(n.entry_id) INTO lo, hi FROM new_lines n WHERE n.accrual AND n.invoice_id IS NULL;
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  WITH n AS (
    SELECT DISTINCT n.entry_id FROM new_lines n WHERE n.accrual AND n.invoice_id IS NULL
  ), l AS (
    SELECT j.entry_id, count(*) AS n, bool_and(a.code = 'fees_receivable') AS receivable
      FROM journal_lines j JOIN ledger_accounts a ON a.id = j.account_id
     WHERE j.entry_id BETWEEN lo AND hi AND j.accrual AND j.invoice_id IS NULL
     GROUP BY j.entry_id
  )
  SELECT x.entry_id, x.n, x.receivable, e.kind, EXISTS (SELECT 1 FROM fee_accrual_lines f WHERE f.entry_id = x.entry_id) AS detailed INTO bad
    FROM (SELECT n.entry_id, l.n, l.receivable FROM n FULL JOIN l ON l.entry_id = n.entry_id OFFSET 0) x
    LEFT JOIN journal_entries e ON e.id = x.entry_id
   WHERE x.entry_id IS NOT NULL
     AND (e.kind IS DISTINCT FROM 'accrual' OR x.n > 1 OR NOT x.receivable
          OR NOT EXISTS (SELECT 1 FROM fee_accrual_lines f WHERE f.entry_id = x.entry_id))
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'holdback: aggregate accrual line of entry % (%): it must be the only one of an accrual entry, on fees_receivable (%), posted with its invoices'' detail (%)',
      bad.entry_id, coalesce(bad.kind, 'missing entry'), CASE WHEN bad.receivable THEN 'yes' ELSE 'no' END, CASE WHEN bad.detailed THEN 'present' ELSE 'none' END
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_lines_accrual_tied AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_check_accrual_lines();
