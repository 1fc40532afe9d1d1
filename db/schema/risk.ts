import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, jsonb, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { agreements, clients } from './clients';

/**
 * Issue 16 item 1: each client's measured risk score, one row per client and business date
 * (the nightly `risk-scores` job; lib/risk). Append-only history (migration 0038's triggers;
 * db/roles.ts APPEND_ONLY_TABLES): the client page's chart and GET /clients/{id}/risk read it.
 * `band` is the reserve schedule's tier that held the score ("60–69"); `parts` each part 0–100
 * (lib/risk/score.ts); `inputs` what was measured over the window, and the measured values.
 * `change` says what the score did to the agreement: `proposed` (a new version waits for an
 * approver, `agreement_id`), `applied` (automatically, `agreement_id`), or null.
 */
export const clientRiskScores = pgTable(
  'client_risk_scores',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    score: smallint('score').notNull(),
    band: text('band'),
    parts: jsonb('parts').notNull(),
    inputs: jsonb('inputs').notNull(),
    change: text('change', { enum: ['proposed', 'applied'] }),
    agreementId: bigint('agreement_id', { mode: 'number' }).references(() => agreements.id),
    createdAt: createdAt(),
  },
  (t) => [
    // once per client and date (a rerun the same day adds nothing); a client's history by date
    uniqueIndex('client_risk_scores_client_date_key').on(t.clientId, t.asOf),
    check('client_risk_scores_score_range', sql`${t.score} between 0 and 100`),
    check('client_risk_scores_change_check', sql`${t.change} is null or ${t.change} in ('proposed','applied')`),
  ],
);
