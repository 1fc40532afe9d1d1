-- Issue 13: the keyset lists of payments, fundings, releases, release cycles, audit events, the
-- email outbox and concentration alerts (lib/lists/keyset.ts). A page is
--   where <filters> and (sort, id) < (boundary) order by sort, id limit n + 1
-- so every default order and every sort a person can click has an index on (sort, id), and the
-- filters people use most lead an index with the default order after them (a debtor's payments
-- newest first, a client's releases, one action in the audit log): each page is an index scan
-- that stops after n + 1 rows, whatever the table's size. Read with EXPLAIN in
-- tests/integration/lists-volume.test.ts. A name filter ("client name contains") is written
-- `client_id = any(array(select id from clients where name ilike …))`: the matching ids are found
-- first (through the trigram indexes of 0017_search), then each leads the (client_id, date, id)
-- index; payer and reference "contains" read 0017's trigram indexes on payments.
--
-- Payments: received date (the default), amount, status; a debtor's, a status's and a currency's
-- by date; the collections inbox (money left to apply) oldest first.
CREATE INDEX "payments_received_idx" ON "payments" USING btree ("received_date","id");--> statement-breakpoint
CREATE INDEX "payments_amount_idx" ON "payments" USING btree ("amount","id");--> statement-breakpoint
CREATE INDEX "payments_status_id_idx" ON "payments" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "payments_status_received_idx" ON "payments" USING btree ("status","received_date","id");--> statement-breakpoint
CREATE INDEX "payments_debtor_received_idx" ON "payments" USING btree ("debtor_id","received_date","id");--> statement-breakpoint
CREATE INDEX "payments_currency_received_idx" ON "payments" USING btree ("currency","received_date","id");--> statement-breakpoint
CREATE INDEX "payments_inbox_idx" ON "payments" USING btree ("received_date","id") WHERE "status" in ('unapplied', 'partially_applied') and "unapplied" > 0;--> statement-breakpoint
-- Funding batches: funding date (the default), total, status; a client's and a status's by date.
CREATE INDEX "funding_batches_date_idx" ON "funding_batches" USING btree ("funding_date","id");--> statement-breakpoint
CREATE INDEX "funding_batches_total_idx" ON "funding_batches" USING btree ("total_face","id");--> statement-breakpoint
CREATE INDEX "funding_batches_status_id_idx" ON "funding_batches" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "funding_batches_status_date_idx" ON "funding_batches" USING btree ("status","funding_date","id");--> statement-breakpoint
CREATE INDEX "funding_batches_client_date_idx" ON "funding_batches" USING btree ("client_id","funding_date","id");--> statement-breakpoint
-- Releases: as-of date (the default), amount, status; a client's and a status's (the approvals
-- queue: pending_approval) by date.
CREATE INDEX "releases_as_of_idx" ON "releases" USING btree ("as_of","id");--> statement-breakpoint
CREATE INDEX "releases_amount_idx" ON "releases" USING btree ("amount","id");--> statement-breakpoint
CREATE INDEX "releases_status_id_idx" ON "releases" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "releases_status_as_of_idx" ON "releases" USING btree ("status","as_of","id");--> statement-breakpoint
CREATE INDEX "releases_client_as_of_idx" ON "releases" USING btree ("client_id","as_of","id");--> statement-breakpoint
-- Release cycles: by as-of date (newest first by id is the primary key).
CREATE INDEX "release_cycles_as_of_idx" ON "release_cycles" USING btree ("as_of","id");--> statement-breakpoint
-- Audit events, append-only and the largest table after the journal: time then id is the hash
-- chain's order (events are numbered and stamped under the chain's lock). One action, one actor
-- (a person's email, or a job), one target each lead an index in that order; the two indexes
-- dropped here led with the same columns, so nothing that used them loses its index.
CREATE INDEX "audit_events_time_idx" ON "audit_events" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_action_time_idx" ON "audit_events" USING btree ("action","occurred_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_time_idx" ON "audit_events" USING btree ("actor","occurred_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_target_time_idx" ON "audit_events" USING btree ("target_type","target_id","occurred_at","id");--> statement-breakpoint
DROP INDEX IF EXISTS "audit_events_action_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "audit_events_target_idx";--> statement-breakpoint
-- Email outbox: newest first (the id), next attempt; by status, kind and recipient.
CREATE INDEX "email_outbox_status_id_idx" ON "email_outbox" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "email_outbox_template_id_idx" ON "email_outbox" USING btree ("template","id");--> statement-breakpoint
CREATE INDEX "email_outbox_next_attempt_idx" ON "email_outbox" USING btree ("next_attempt_at","id");--> statement-breakpoint
CREATE INDEX "email_outbox_status_next_idx" ON "email_outbox" USING btree ("status","next_attempt_at","id");--> statement-breakpoint
CREATE INDEX "email_outbox_recipient_idx" ON "email_outbox" USING btree (lower("to") text_pattern_ops,"id");--> statement-breakpoint
DROP INDEX IF EXISTS "email_outbox_due_idx";--> statement-breakpoint
-- Concentration alerts: raised (the default), share; open or resolved, a client's, a debtor's by raised.
CREATE INDEX "concentration_alerts_opened_idx" ON "concentration_alerts" USING btree ("opened_at","id");--> statement-breakpoint
CREATE INDEX "concentration_alerts_share_idx" ON "concentration_alerts" USING btree ("share","id");--> statement-breakpoint
CREATE INDEX "concentration_alerts_status_opened_idx" ON "concentration_alerts" USING btree ("status","opened_at","id");--> statement-breakpoint
CREATE INDEX "concentration_alerts_client_opened_idx" ON "concentration_alerts" USING btree ("client_id","opened_at","id");--> statement-breakpoint
CREATE INDEX "concentration_alerts_debtor_opened_idx" ON "concentration_alerts" USING btree ("debtor_id","opened_at","id");
