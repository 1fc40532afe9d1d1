-- Issue 13 (screens at volume): two more kept roll-ups and an index for the aging report's pages.
--
-- Grains 8 and 9 of rollups (lib/reports/rollups.ts): fee income (service, flat and accrued fees:
-- what is credited to the fee_income accounts, as the Reports page shows it) per month, so the
-- page reads a row per client and month instead of every fee_income line (one per client per day
-- of accrual: millions a year):
--   8 (client ref_id = the entry's client, currency, issue_date = the month's first day)  lines, income
--   9 (currency, issue_date = the month's first day)                                       lines, income
-- Appended as deltas by a statement-level trigger on journal_lines (the lines are append-only:
-- INSERT is the only change), folded by the `rollups` job with the others; audit:verify recounts them.
ALTER TABLE "rollups" DROP CONSTRAINT "rollups_grain_check";
--> statement-breakpoint
ALTER TABLE "rollups" ADD CONSTRAINT "rollups_grain_check" CHECK ("rollups"."grain" between 1 and 9);
--> statement-breakpoint
-- The aging report's 90+ column for a currency (Collections → Aging, lib/reports/aging-list.ts): the
-- dated rows of owing invoices issued 91+ days ago, a range of this index (few: most old invoices are paid).
CREATE INDEX "rollups_aged" ON "rollups" USING btree ("grain", "currency", "issue_date") INCLUDE ("ref_id", "amount") WHERE "rollups"."grain" in (4, 5);
--> statement-breakpoint
-- The fee income page: the months of a period, every client of a currency (grain 8), and the months' totals (grain 9).
CREATE INDEX "rollups_monthly" ON "rollups" USING btree ("grain", "currency", "issue_date", "ref_id") INCLUDE ("amount") WHERE "rollups"."grain" in (8, 9);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_fee_income_rollup_deltas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
  WITH f AS MATERIALIZED (
    SELECT l.currency, e.client_id, date_trunc('month', l.effective_date)::date AS month, -l.amount AS income
      FROM new_lines l
      JOIN ledger_accounts a ON a.id = l.account_id AND a.code = 'fee_income'
      JOIN journal_entries e ON e.id = l.entry_id)
  SELECT 8, f.currency, f.client_id, f.month, NULL::text, count(*), sum(f.income), 0::bigint, 0::bigint
    FROM f GROUP BY f.currency, f.client_id, f.month
  UNION ALL
  SELECT 9, f.currency, NULL, f.month, NULL, count(*), sum(f.income), 0, 0
    FROM f GROUP BY f.currency, f.month;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_lines_fee_income_rollups AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_fee_income_rollup_deltas();
--> statement-breakpoint
-- What is already there (the trigger above holds journal_lines against writes until this commits).
INSERT INTO rollups (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
WITH f AS MATERIALIZED (
  SELECT l.currency, e.client_id, date_trunc('month', l.effective_date)::date AS month, -l.amount AS income
    FROM journal_lines l
    JOIN ledger_accounts a ON a.id = l.account_id AND a.code = 'fee_income'
    JOIN journal_entries e ON e.id = l.entry_id)
SELECT 8, f.currency, f.client_id, f.month, NULL::text, count(*), sum(f.income), 0::bigint, 0::bigint
  FROM f GROUP BY f.currency, f.client_id, f.month
UNION ALL
SELECT 9, f.currency, NULL, f.month, NULL, count(*), sum(f.income), 0, 0
  FROM f GROUP BY f.currency, f.month;
