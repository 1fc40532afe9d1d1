-- Issue 16 item 3: closing a client requests its whole escrow for release (lib/clients/onboarding.ts).
-- If a person's escrow release of part of it already waits, the closing requests only the rest:
-- two escrow releases of one client and currency may wait at once (their sum never exceeds the
-- escrow held; each approval re-checks it under the client's lock). A person still asks for one
-- at a time (lib/releases/escrow.ts refuses `already_pending`); reserve proposals stay one per
-- client and currency.
DROP INDEX "releases_one_open_per_client_currency";--> statement-breakpoint
CREATE UNIQUE INDEX "releases_one_open_per_client_currency" ON "releases" USING btree ("client_id","currency","kind") WHERE "releases"."status" = 'pending_approval' and "releases"."kind" = 'reserve';
