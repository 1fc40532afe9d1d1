-- Issue 13, item 4: the clients and debtors lists, the debtor page and debtor merges (lib/debtors).
--
-- What a debtor owes, per client and currency, is kept beside the invoices in roll-ups maintained
-- by statement-level triggers on `invoices` and `payment_applications` (one set-based pass over the
-- statement's transition tables, keys locked in sorted order), so no list or page sums invoices:
--   debtor_exposure   (debtor, client, currency): open invoices and what they still owe, every invoice
--                     counted, settled invoices' days to pay and beyond terms, and the sums dilution
--                     is computed from (reduced, cash collected, charged back or written off);
--   debtor_open_due   (debtor, due date): open invoices by due date, for days beyond terms of what is
--                     still open on any date;
--   debtor_figures    (debtor): the debtors list's sort keys — open invoices, the largest exposure in
--                     any one currency, and the exposures per currency;
--   client_list_balances (client, reserve|receivable, currency): the clients list's sort keys, a
--                     mirror of ledger_accounts.balance with a row for every client (end of file).
-- audit:verify compares them with the invoices and the accounts (lib/debtors/rollups.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- The lists' "name contains" filters (ILIKE '%…%'), by trigram. pg_trgm is a trusted extension
-- (0017_search creates it too; IF NOT EXISTS).
CREATE INDEX IF NOT EXISTS "clients_name_trgm_idx" ON "clients" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "debtors_name_trgm_idx" ON "debtors" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
-- The lists' sort keys, each with its row's id as the keyset tiebreaker.
CREATE INDEX IF NOT EXISTS "clients_list_name_idx" ON "clients" USING btree (lower("name"), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "clients_list_status_idx" ON "clients" USING btree ("status", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "clients_list_currency_idx" ON "clients" USING btree ("currency", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "debtors_list_name_idx" ON "debtors" USING btree (lower("name"), "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "debtors_list_limit_idx" ON "debtors" USING btree ("credit_limit", "id");
--> statement-breakpoint
-- A debtor's invoices across clients, and a client's invoices, by date (the pages' paged lists).
CREATE INDEX IF NOT EXISTS "invoices_debtor_issue_idx" ON "invoices" USING btree ("debtor_id", "issue_date", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_debtor_due_idx" ON "invoices" USING btree ("debtor_id", "due_date", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_client_issue_idx" ON "invoices" USING btree ("client_id", "issue_date", "id");
--> statement-breakpoint
-- payments by debtor, newest first: payments_debtor_received_idx (debtor_id, received_date, id) of migration 0020
CREATE INDEX IF NOT EXISTS "client_debtors_debtor_idx" ON "client_debtors" USING btree ("debtor_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "concentration_alerts_debtor_idx" ON "concentration_alerts" USING btree ("debtor_id", "status");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "misdirected_payments_debtor_idx" ON "misdirected_payments" USING btree ("debtor_id");
--> statement-breakpoint
-- A merged debtor points at the one it was merged into; debtors are never deleted.
ALTER TABLE "debtors" ADD COLUMN "merged_into_id" bigint;
--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "merged_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "debtors" ADD CONSTRAINT "debtors_merged_into_id_debtors_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "debtors" ADD CONSTRAINT "debtors_not_merged_into_itself" CHECK ("merged_into_id" IS NULL OR "merged_into_id" <> "id");
--> statement-breakpoint
CREATE TRIGGER debtors_keep BEFORE DELETE ON debtors FOR EACH ROW EXECUTE FUNCTION holdback_refuse_delete();
--> statement-breakpoint
-- Merge duplicate debtors (maker-checker through approval_requests, kind 'debtor_merge').
CREATE TABLE "debtor_merges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"debtor_id" bigint NOT NULL,
	"into_debtor_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" bigint NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"moved" jsonb,
	CONSTRAINT "debtor_merges_status_check" CHECK ("status" in ('pending','approved','rejected')),
	CONSTRAINT "debtor_merges_two_debtors" CHECK ("debtor_id" <> "into_debtor_id")
);
--> statement-breakpoint
ALTER TABLE "debtor_merges" ADD CONSTRAINT "debtor_merges_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "debtor_merges" ADD CONSTRAINT "debtor_merges_into_debtor_id_debtors_id_fk" FOREIGN KEY ("into_debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "debtor_merges_one_pending" ON "debtor_merges" USING btree ("debtor_id") WHERE "status" = 'pending';
--> statement-breakpoint
CREATE INDEX "debtor_merges_into_idx" ON "debtor_merges" USING btree ("into_debtor_id");
--> statement-breakpoint
CREATE TABLE "debtor_exposure" (
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
	"defaulted_collected" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "debtor_exposure_pk" PRIMARY KEY ("debtor_id", "client_id", "currency")
);
--> statement-breakpoint
CREATE INDEX "debtor_exposure_client_idx" ON "debtor_exposure" USING btree ("client_id", "debtor_id");
--> statement-breakpoint
CREATE TABLE "debtor_open_due" (
	"debtor_id" bigint NOT NULL,
	"due_date" date NOT NULL,
	"open_invoices" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "debtor_open_due_pk" PRIMARY KEY ("debtor_id", "due_date")
);
--> statement-breakpoint
CREATE TABLE "debtor_figures" (
	"debtor_id" bigint PRIMARY KEY NOT NULL,
	"invoices" integer DEFAULT 0 NOT NULL,
	"open_invoices" integer DEFAULT 0 NOT NULL,
	"exposure" numeric(20, 4) DEFAULT '0' NOT NULL,
	"exposures" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "debtor_figures" ADD CONSTRAINT "debtor_figures_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "debtor_figures_exposure_idx" ON "debtor_figures" USING btree ("exposure", "debtor_id");
--> statement-breakpoint
CREATE INDEX "debtor_figures_open_idx" ON "debtor_figures" USING btree ("open_invoices", "debtor_id");
--> statement-breakpoint
-- Recomputes the debtor-level figures of some debtors from their (debtor, client, currency) rows:
-- the exposure sort key is the largest exposure in any one currency (what the funding check holds
-- against the credit limit; amounts in different currencies are never added). The rows are locked
-- first, in id order, and read in a statement of their own: under READ COMMITTED its snapshot holds
-- every change committed by whoever held the lock before, so the last to refresh sees them all.
CREATE OR REPLACE FUNCTION holdback_debtor_figures_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM debtor_figures WHERE debtor_id = ANY(ids) ORDER BY debtor_id FOR UPDATE;
  INSERT INTO debtor_figures AS f (debtor_id, invoices, open_invoices, exposure, exposures)
  SELECT x.debtor_id, sum(x.invoices)::int, sum(x.open_invoices)::int, coalesce(max(x.exposure), 0),
         coalesce(jsonb_object_agg(x.currency, x.exposure::text) FILTER (WHERE x.open_invoices > 0 OR x.exposure <> 0), '{}'::jsonb)
    FROM (SELECT e.debtor_id, e.currency, sum(e.invoices) AS invoices, sum(e.open_invoices) AS open_invoices, sum(e.exposure) AS exposure
            FROM debtor_exposure e WHERE e.debtor_id = ANY(ids) GROUP BY e.debtor_id, e.currency) x
   GROUP BY x.debtor_id
   ORDER BY x.debtor_id
  ON CONFLICT (debtor_id) DO UPDATE
     SET invoices = excluded.invoices, open_invoices = excluded.open_invoices, exposure = excluded.exposure, exposures = excluded.exposures
   WHERE (f.invoices, f.open_invoices, f.exposure, f.exposures) IS DISTINCT FROM (excluded.invoices, excluded.open_invoices, excluded.exposure, excluded.exposures);
END;
$$;
--> statement-breakpoint
-- The roll-ups' share of the invoices a statement inserted or changed, in one pass over its
-- transition tables. Each changed invoice takes its old row out (sign -1) and puts its new row in
-- (+1); rows whose figures did not change are skipped. Open = funded or disputed (as the funding
-- checks, the concentration job and the dashboard count). An invoice's cash (its payment
-- applications) is looked up only when it moves to another debtor, client or currency, or into or
-- out of charged_back or written_off. Keys are written in sorted order, so two statements never
-- wait on each other in a circle. It fires on every UPDATE of invoices (a trigger with transition
-- tables cannot name columns): about 20 µs per updated row, nothing for rows whose figures did not
-- change beyond the comparison.
CREATE OR REPLACE FUNCTION holdback_debtor_rollup_invoices() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched bigint[];
  emptied_debtors bigint[];
  emptied_dates date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH r AS (
      SELECT 1 AS sign, n.debtor_id, n.client_id, n.currency, n.status, n.face_value AS face, n.outstanding, n.issue_date, n.due_date,
             n.settled_date, 0::numeric AS cash
        FROM new_rows n),
    parts AS (
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
      INSERT INTO debtor_exposure AS e (debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days,
                                        settled_days_late, reduced, collected, defaulted_face, defaulted_collected)
      SELECT debtor_id, client_id, currency, sum(invoices), sum(open_invoices), sum(exposure), sum(settled_invoices), sum(settled_days),
             sum(settled_days_late), sum(reduced), sum(collected), sum(defaulted_face), sum(defaulted_collected)
        FROM parts GROUP BY debtor_id, client_id, currency
       ORDER BY debtor_id, client_id, currency
      ON CONFLICT (debtor_id, client_id, currency) DO UPDATE SET
        invoices = e.invoices + excluded.invoices, open_invoices = e.open_invoices + excluded.open_invoices, exposure = e.exposure + excluded.exposure,
        settled_invoices = e.settled_invoices + excluded.settled_invoices, settled_days = e.settled_days + excluded.settled_days,
        settled_days_late = e.settled_days_late + excluded.settled_days_late, reduced = e.reduced + excluded.reduced,
        collected = e.collected + excluded.collected, defaulted_face = e.defaulted_face + excluded.defaulted_face,
        defaulted_collected = e.defaulted_collected + excluded.defaulted_collected
      RETURNING e.debtor_id),
    due AS (
      INSERT INTO debtor_open_due AS o (debtor_id, due_date, open_invoices)
      SELECT debtor_id, due_date, sum(due_open) FROM parts GROUP BY debtor_id, due_date HAVING sum(due_open) <> 0
       ORDER BY debtor_id, due_date
      ON CONFLICT (debtor_id, due_date) DO UPDATE SET open_invoices = o.open_invoices + excluded.open_invoices
      RETURNING o.debtor_id, o.due_date, o.open_invoices)
    SELECT (SELECT array_agg(DISTINCT debtor_id) FROM pairs),
           (SELECT array_agg(debtor_id) FROM due WHERE open_invoices = 0), (SELECT array_agg(due_date) FROM due WHERE open_invoices = 0)
      INTO touched, emptied_debtors, emptied_dates;
  ELSE
    WITH changed AS (
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
    parts AS (
      SELECT r.debtor_id, r.client_id, r.currency, 0 AS invoices,
             r.sign * (r.status IN ('funded', 'disputed'))::int AS open_invoices,
             r.sign * CASE WHEN r.status IN ('funded', 'disputed') THEN coalesce(r.outstanding, 0) ELSE 0 END AS exposure,
             r.sign * (r.status = 'settled')::int AS settled_invoices,
             r.sign * CASE WHEN r.status = 'settled' AND r.settled_date IS NOT NULL THEN r.settled_date - r.issue_date ELSE 0 END AS settled_days,
             r.sign * CASE WHEN r.status = 'settled' AND r.settled_date IS NOT NULL THEN greatest(0, r.settled_date - r.due_date) ELSE 0 END AS settled_days_late,
             r.sign * CASE WHEN r.outstanding IS NOT NULL AND r.status NOT IN ('charged_back', 'written_off') THEN r.face - r.outstanding ELSE 0 END AS reduced,
             r.sign * r.cash AS collected,
             r.sign * CASE WHEN r.status IN ('charged_back', 'written_off') THEN r.face ELSE 0 END AS defaulted_face,
             r.sign * CASE WHEN r.status IN ('charged_back', 'written_off') THEN r.cash ELSE 0 END AS defaulted_collected,
             r.due_date, r.sign * (r.status IN ('funded', 'disputed'))::int AS due_open, r.sign AS moved
        FROM r),
    sums AS (
      SELECT debtor_id, client_id, currency, sum(moved) AS invoices, sum(open_invoices) AS open_invoices, sum(exposure) AS exposure,
             sum(settled_invoices) AS settled_invoices, sum(settled_days) AS settled_days, sum(settled_days_late) AS settled_days_late,
             sum(reduced) AS reduced, sum(collected) AS collected, sum(defaulted_face) AS defaulted_face,
             sum(defaulted_collected) AS defaulted_collected
        FROM parts GROUP BY debtor_id, client_id, currency),
    pairs AS (
      INSERT INTO debtor_exposure AS e (debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days,
                                        settled_days_late, reduced, collected, defaulted_face, defaulted_collected)
      SELECT * FROM sums
       WHERE (invoices, open_invoices, exposure, settled_invoices, settled_days, settled_days_late, reduced, collected, defaulted_face,
              defaulted_collected) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
       ORDER BY debtor_id, client_id, currency
      ON CONFLICT (debtor_id, client_id, currency) DO UPDATE SET
        invoices = e.invoices + excluded.invoices, open_invoices = e.open_invoices + excluded.open_invoices, exposure = e.exposure + excluded.exposure,
        settled_invoices = e.settled_invoices + excluded.settled_invoices, settled_days = e.settled_days + excluded.settled_days,
        settled_days_late = e.settled_days_late + excluded.settled_days_late, reduced = e.reduced + excluded.reduced,
        collected = e.collected + excluded.collected, defaulted_face = e.defaulted_face + excluded.defaulted_face,
        defaulted_collected = e.defaulted_collected + excluded.defaulted_collected
      RETURNING e.debtor_id),
    due AS (
      INSERT INTO debtor_open_due AS o (debtor_id, due_date, open_invoices)
      SELECT debtor_id, due_date, sum(due_open) FROM parts GROUP BY debtor_id, due_date HAVING sum(due_open) <> 0
       ORDER BY debtor_id, due_date
      ON CONFLICT (debtor_id, due_date) DO UPDATE SET open_invoices = o.open_invoices + excluded.open_invoices
      RETURNING o.debtor_id, o.due_date, o.open_invoices)
    SELECT (SELECT array_agg(DISTINCT debtor_id) FROM pairs),
           (SELECT array_agg(debtor_id) FROM due WHERE open_invoices = 0), (SELECT array_agg(due_date) FROM due WHERE open_invoices = 0)
      INTO touched, emptied_debtors, emptied_dates;
  END IF;
  IF emptied_debtors IS NOT NULL THEN
    DELETE FROM debtor_open_due o USING unnest(emptied_debtors, emptied_dates) AS k(debtor_id, due_date)
     WHERE o.debtor_id = k.debtor_id AND o.due_date = k.due_date AND o.open_invoices = 0;
  END IF;
  IF touched IS NOT NULL THEN
    PERFORM holdback_debtor_figures_refresh(touched);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Cash applied to invoices: what each (debtor, client, currency) collected.
CREATE OR REPLACE FUNCTION holdback_debtor_rollup_applications() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO debtor_exposure AS e (debtor_id, client_id, currency, collected, defaulted_collected)
  SELECT i.debtor_id, i.client_id, i.currency, sum(n.amount), coalesce(sum(n.amount) FILTER (WHERE i.status IN ('charged_back', 'written_off')), 0)
    FROM new_applications n JOIN invoices i ON i.id = n.invoice_id
   GROUP BY i.debtor_id, i.client_id, i.currency
   ORDER BY i.debtor_id, i.client_id, i.currency
  ON CONFLICT (debtor_id, client_id, currency) DO UPDATE SET
    collected = e.collected + excluded.collected, defaulted_collected = e.defaulted_collected + excluded.defaulted_collected;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Every debtor has its figures row (zero until it has invoices), so the list joins it without gaps.
CREATE OR REPLACE FUNCTION holdback_debtor_figures_new() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO debtor_figures (debtor_id) SELECT id FROM new_debtors ORDER BY id ON CONFLICT (debtor_id) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- What is there already.
INSERT INTO debtor_exposure (debtor_id, client_id, currency, invoices, open_invoices, exposure, settled_invoices, settled_days, settled_days_late,
                             reduced, collected, defaulted_face, defaulted_collected)
SELECT i.debtor_id, i.client_id, i.currency, count(*),
       count(*) FILTER (WHERE i.status IN ('funded', 'disputed')),
       coalesce(sum(coalesce(i.outstanding, 0)) FILTER (WHERE i.status IN ('funded', 'disputed')), 0),
       count(*) FILTER (WHERE i.status = 'settled'),
       coalesce(sum(i.settled_date - i.issue_date) FILTER (WHERE i.status = 'settled' AND i.settled_date IS NOT NULL), 0),
       coalesce(sum(greatest(0, i.settled_date - i.due_date)) FILTER (WHERE i.status = 'settled' AND i.settled_date IS NOT NULL), 0),
       coalesce(sum(i.face_value - i.outstanding) FILTER (WHERE i.outstanding IS NOT NULL AND i.status NOT IN ('charged_back', 'written_off')), 0),
       coalesce(sum(p.cash), 0),
       coalesce(sum(i.face_value) FILTER (WHERE i.status IN ('charged_back', 'written_off')), 0),
       coalesce(sum(p.cash) FILTER (WHERE i.status IN ('charged_back', 'written_off')), 0)
  FROM invoices i
  LEFT JOIN (SELECT invoice_id, sum(amount) AS cash FROM payment_applications GROUP BY invoice_id) p ON p.invoice_id = i.id
 GROUP BY i.debtor_id, i.client_id, i.currency;
--> statement-breakpoint
INSERT INTO debtor_open_due (debtor_id, due_date, open_invoices)
SELECT debtor_id, due_date, count(*) FROM invoices WHERE status IN ('funded', 'disputed') GROUP BY debtor_id, due_date;
--> statement-breakpoint
INSERT INTO debtor_figures (debtor_id) SELECT id FROM debtors;
--> statement-breakpoint
SELECT holdback_debtor_figures_refresh(array(SELECT DISTINCT debtor_id FROM debtor_exposure));
--> statement-breakpoint
CREATE TRIGGER invoices_debtor_rollup_insert AFTER INSERT ON invoices
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_debtor_rollup_invoices();
--> statement-breakpoint
CREATE TRIGGER invoices_debtor_rollup_update AFTER UPDATE ON invoices
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_debtor_rollup_invoices();
--> statement-breakpoint
CREATE TRIGGER payment_applications_debtor_rollup AFTER INSERT ON payment_applications
  REFERENCING NEW TABLE AS new_applications
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_debtor_rollup_applications();
--> statement-breakpoint
CREATE TRIGGER debtors_figures_row AFTER INSERT ON debtors
  REFERENCING NEW TABLE AS new_debtors
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_debtor_figures_new();
--> statement-breakpoint
-- The clients list sorts by reserve held and open receivables: the kept balances of each client's
-- reserve and receivable accounts, mirrored here per client and currency (a row trigger on
-- ledger_accounts copies the balance under the account's own row lock, so the mirror never takes a
-- lock the posting does not already hold), with a zero row for each client's home currency from
-- the day it is created — every client has one to join, and a sort reads one index in order.
CREATE TABLE "client_list_balances" (
	"client_id" bigint NOT NULL,
	"code" text NOT NULL,
	"currency" char(3) NOT NULL,
	"balance" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "client_list_balances_pk" PRIMARY KEY ("client_id", "code", "currency"),
	CONSTRAINT "client_list_balances_code_check" CHECK ("code" in ('reserve', 'receivable'))
);
--> statement-breakpoint
CREATE INDEX "client_list_balances_reserve_idx" ON "client_list_balances" USING btree ((- "balance"), "client_id") WHERE "code" = 'reserve';
--> statement-breakpoint
CREATE INDEX "client_list_balances_receivable_idx" ON "client_list_balances" USING btree ("balance", "client_id") WHERE "code" = 'receivable';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_client_list_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO client_list_balances AS b (client_id, code, currency, balance)
  VALUES (NEW.client_id, NEW.code, NEW.currency, NEW.balance)
  ON CONFLICT (client_id, code, currency) DO UPDATE SET balance = excluded.balance WHERE b.balance IS DISTINCT FROM excluded.balance;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_client_list_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO client_list_balances (client_id, code, currency)
  SELECT n.id, k.code, n.currency FROM new_clients n CROSS JOIN (VALUES ('reserve'), ('receivable')) AS k(code)
   ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_client_list_currency() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO client_list_balances (client_id, code, currency)
  VALUES (NEW.id, 'reserve', NEW.currency), (NEW.id, 'receivable', NEW.currency)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
INSERT INTO client_list_balances (client_id, code, currency, balance)
SELECT client_id, code, currency, balance FROM ledger_accounts WHERE client_id IS NOT NULL AND code IN ('reserve', 'receivable');
--> statement-breakpoint
INSERT INTO client_list_balances (client_id, code, currency)
SELECT c.id, k.code, c.currency FROM clients c CROSS JOIN (VALUES ('reserve'), ('receivable')) AS k(code)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_client_list_balance AFTER INSERT OR UPDATE OF balance ON ledger_accounts
  FOR EACH ROW WHEN (NEW.client_id IS NOT NULL AND NEW.code IN ('reserve', 'receivable'))
  EXECUTE FUNCTION holdback_client_list_balance();
--> statement-breakpoint
CREATE TRIGGER clients_list_rows AFTER INSERT ON clients
  REFERENCING NEW TABLE AS new_clients
  FOR EACH STATEMENT EXECUTE FUNCTION holdback_client_list_rows();
--> statement-breakpoint
CREATE TRIGGER clients_list_currency AFTER UPDATE OF currency ON clients
  FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
  EXECUTE FUNCTION holdback_client_list_currency();
