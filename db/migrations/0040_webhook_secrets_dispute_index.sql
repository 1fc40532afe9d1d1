-- Issue 16 item 8: webhook signing secrets are kept encrypted (AES-256-GCM, lib/webhooks/secret-box.ts).
-- SQL cannot encrypt without the key: the column is renamed, the values stored plain until now are
-- marked `plain:` (still read; the webhooks job seals them), and only `v1:` (sealed) values are written.
ALTER TABLE "webhook_subscriptions" RENAME COLUMN "secret" TO "secret_sealed";--> statement-breakpoint
UPDATE "webhook_subscriptions" SET "secret_sealed" = 'plain:' || "secret_sealed" WHERE "secret_sealed" NOT LIKE 'v1:%';--> statement-breakpoint
ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_secret_sealed_check" CHECK ("secret_sealed" ~ '^(v1|plain):');--> statement-breakpoint
-- An invoice's disputes (the risk-scores job, the invoice and client pages): only the open one was indexed.
CREATE INDEX "disputes_invoice_id_idx" ON "disputes" USING btree ("invoice_id");
