import { z } from 'zod';
import { afterDebtorStatement } from '@/jobs/after-commit';
import { sendDebtorStatement } from '@/lib/debtor-statements/statement';
import { apiRoute, pathId } from '@/lib/http/api';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const sendSchema = z.object({ confirmed: optional(text('Confirmation', { max: 2000 })) });

/**
 * POST /debtors/{id}/statement/send (issue 15 item 4) → 202: the debtor's statement of open
 * invoices as of today is emailed to its AP contact through the outbox, the PDF attached when the
 * email goes; recorded on each invoice's "Reminders and statements sent". Answers
 * `{"sendId","emailId","to","asOf","invoices","totals","summary","token"}`. Optional
 * `{"confirmed": token}`: send only if the statement still says what a preview said (else 409
 * `statement_changed`). 422 `no_ap_contact`, `nothing_open`, `debtor_merged`, `remittance_not_configured`.
 */
export const POST = apiRoute('debtor.statement_send', sendSchema, async ({ tx, actor, params, input }) => ({
  status: 202,
  body: await sendDebtorStatement(tx, pathId(params.id, 'Debtor'), input, actor),
  after: afterDebtorStatement,
}));
