-- Issue 15 item 6 (bank CSV mapping) and item 5 (cash receipts journal).
--
-- bank_profiles: a bank's CSV layout saved under a name (lib/collections/bank-profiles.ts), one per
-- name in any case. payments.unapplied_reason: why a payment of a bank file was left unapplied on
-- import, said in the collections inbox.
CREATE TABLE "bank_profiles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" bigint,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "bank_profiles_name_key" ON "bank_profiles" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "unapplied_reason" text;--> statement-breakpoint
-- The cash receipts journal (lib/collections/cash-receipts.ts) lists payment applications by date,
-- filtered by client, debtor or currency: the invoice's are kept on the application (an invoice's
-- client and currency never change; a debtor merge moves its debtor, lib/debtors/merge.ts), so each
-- filter reads an index of its own instead of joining a million invoices first. Existing rows are
-- filled from their invoices before the columns become NOT NULL.
ALTER TABLE "payment_applications" ADD COLUMN "client_id" bigint;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD COLUMN "debtor_id" bigint;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD COLUMN "currency" char(3);--> statement-breakpoint
UPDATE "payment_applications" pa SET "client_id" = i."client_id", "debtor_id" = i."debtor_id", "currency" = i."currency"
  FROM "invoices" i WHERE i."id" = pa."invoice_id";--> statement-breakpoint
ALTER TABLE "payment_applications" ALTER COLUMN "client_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_applications" ALTER COLUMN "debtor_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_applications" ALTER COLUMN "currency" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD CONSTRAINT "payment_applications_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_applications" ADD CONSTRAINT "payment_applications_debtor_id_debtors_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."debtors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_applications_date_idx" ON "payment_applications" USING btree ("applied_date","id");--> statement-breakpoint
CREATE INDEX "payment_applications_amount_idx" ON "payment_applications" USING btree ("amount","id");--> statement-breakpoint
CREATE INDEX "payment_applications_client_date_idx" ON "payment_applications" USING btree ("client_id","applied_date","id");--> statement-breakpoint
CREATE INDEX "payment_applications_debtor_date_idx" ON "payment_applications" USING btree ("debtor_id","applied_date","id");--> statement-breakpoint
CREATE INDEX "payment_applications_currency_date_idx" ON "payment_applications" USING btree ("currency","applied_date","id");
--> statement-breakpoint
-- Issue 15 item 5: aging by days past due beside aging by invoice date (Collections → Aging,
-- lib/reports/aging-list.ts basis "due"), from three more kept roll-ups keyed by the due date
-- (kept in the issue_date column, as grains 8 and 9 keep a month there):
--   10 (debtor ref_id, currency, due date)  owing invoices (funded, disputed, outstanding > 0), their outstanding
--   11 (client ref_id, currency, due date)  the same per client
--   12 (currency, due date)                 open invoices, their outstanding (the currency's totals)
-- The invoices' trigger function of 0021 appends their deltas with the others' (the same changed
-- rows: due_date was already among the columns it watches); the fold and audit:verify take them
-- like every grain.
ALTER TABLE "rollups" DROP CONSTRAINT "rollups_grain_check";--> statement-breakpoint
ALTER TABLE "rollups" ADD CONSTRAINT "rollups_grain_check" CHECK ("rollups"."grain" between 1 and 12);--> statement-breakpoint
CREATE OR REPLACE FUNCTION holdback_invoice_rollup_deltas() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
    WITH c AS MATERIALIZED (SELECT r.currency, r.issue_date, r.due_date, r.debtor_id, r.client_id, r.status,
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
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 10, c.currency, c.debtor_id, c.due_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.debtor_id, c.currency, c.due_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 11, c.currency, c.client_id, c.due_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency, c.due_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 12, c.currency, NULL, c.due_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.open GROUP BY c.currency, c.due_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0;
  ELSE
    INSERT INTO rollup_deltas (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
    WITH ch AS MATERIALIZED (
      SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.status, o.outstanding, o.issue_date, o.due_date, o.settled_date, o.debtor_id, o.client_id, o.currency)
             IS DISTINCT FROM (n.status, n.outstanding, n.issue_date, n.due_date, n.settled_date, n.debtor_id, n.client_id, n.currency)),
    c AS MATERIALIZED (SELECT r.currency, r.issue_date, r.due_date, r.debtor_id, r.client_id, r.status,
                   r.status IN ('funded', 'disputed') AS open,
                   r.status IN ('funded', 'disputed') AND r.outstanding > 0 AS owing,
                   1 AS n, coalesce(r.outstanding, 0) AS s,
                   (r.settled_date IS NOT NULL)::int AS paid, coalesce(r.settled_date - r.due_date, 0) AS late
              FROM new_rows r WHERE r.id IN (SELECT id FROM ch)
            UNION ALL
            SELECT r.currency, r.issue_date, r.due_date, r.debtor_id, r.client_id, r.status,
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
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 10, c.currency, c.debtor_id, c.due_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.debtor_id, c.currency, c.due_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 11, c.currency, c.client_id, c.due_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.owing GROUP BY c.client_id, c.currency, c.due_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0
    UNION ALL
    SELECT 12, c.currency, NULL, c.due_date, NULL, sum(c.n), sum(c.s), 0, 0
      FROM c WHERE c.open GROUP BY c.currency, c.due_date HAVING sum(c.n) <> 0 OR sum(c.s) <> 0;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- What is already there (the trigger above holds invoices against writes until this commits).
INSERT INTO rollups (grain, currency, ref_id, issue_date, tag, items, amount, settled_invoices, days_beyond_terms)
SELECT 10, currency, debtor_id, due_date, NULL::text, count(*), sum(outstanding), 0::bigint, 0::bigint
  FROM invoices WHERE status IN ('funded', 'disputed') AND outstanding > 0 GROUP BY debtor_id, currency, due_date
UNION ALL
SELECT 11, currency, client_id, due_date, NULL, count(*), sum(outstanding), 0, 0
  FROM invoices WHERE status IN ('funded', 'disputed') AND outstanding > 0 GROUP BY client_id, currency, due_date
UNION ALL
SELECT 12, currency, NULL, due_date, NULL, count(*), sum(outstanding), 0, 0
  FROM invoices WHERE status IN ('funded', 'disputed') GROUP BY currency, due_date;
--> statement-breakpoint
-- The 90+ days past due column (as rollups_aged for 90+ days since the invoice date): the rows due
-- 91+ days before the day asked, a range of this index.
CREATE INDEX "rollups_past_due" ON "rollups" USING btree ("grain", "currency", "issue_date") INCLUDE ("ref_id", "amount") WHERE "rollups"."grain" in (10, 11);
