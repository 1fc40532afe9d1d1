-- Issue 13: a list page reads some rows' roll-ups after its ORDER BY … LIMIT (the aging report's
-- buckets and 90+, fee income's months), folded rows by rollups_key and the deltas not yet folded
-- beside them. Unindexed, each page row read every delta: a day's accrual appends 20,000 (a row
-- per client) until the next fold, and 50 rows × 2 reads of 20,000 cost more than the page. The
-- deltas of a statement are few rows; one more small index on an append-and-delete table.
CREATE INDEX "rollup_deltas_ref" ON "rollup_deltas" USING btree ("grain","ref_id");
