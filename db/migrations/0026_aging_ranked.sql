-- Issue 13: Collections → Aging by client or debtor lists the refs owed something in one currency,
-- largest total first (then by id, the keyset's tiebreaker, the same way). Every ref without
-- unfolded deltas is its one roll-up row (grains 2 and 6), so this index gives a page of 50 in
-- order up to the LIMIT instead of a sum and sort of 10,000 clients' totals on every page.
CREATE INDEX "rollups_ranked_by_currency" ON "rollups" USING btree ("grain","currency","amount" DESC NULLS FIRST,"ref_id" DESC NULLS FIRST) WHERE "rollups"."grain" in (2, 6);
