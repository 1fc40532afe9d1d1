import { accountCreated, type AccountCreatedData } from './account-created';
import { auditAnchor, type AuditAnchorData } from './audit-anchor';
import { clientInvite, type ClientInviteData } from './client-invite';
import { concentrationAlert, type ConcentrationAlertData } from './concentration-alert';
import { debtorStatement, type DebtorStatementData } from './debtor-statement';
import type { RenderedEmail } from './layout';
import { payoutReturned, type PayoutReturnedData } from './payout-returned';
import { payoutAccountChanged, type PayoutAccountChangedData } from './payout-account-changed';
import { rebateAdvice, type RebateAdviceData } from './rebate-advice';
import { riskBandChange, type RiskBandChangeData } from './risk-band-change';
import { statementReady, type StatementReadyData } from './statement-ready';
import { testMessage, type TestMessageData } from './test-message';

/** Every template by name, with the data it needs. */
export interface TemplateData {
  rebate_advice: RebateAdviceData;
  statement_ready: StatementReadyData;
  account_created: AccountCreatedData;
  client_invite: ClientInviteData;
  concentration_alert: ConcentrationAlertData;
  test_message: TestMessageData;
  audit_anchor: AuditAnchorData;
  payout_returned: PayoutReturnedData;
  payout_account_changed: PayoutAccountChangedData;
  debtor_statement: DebtorStatementData;
  risk_band_change: RiskBandChangeData;
}
export type TemplateName = keyof TemplateData;

const TEMPLATES: { [K in TemplateName]: (data: TemplateData[K]) => RenderedEmail } = {
  rebate_advice: rebateAdvice,
  statement_ready: statementReady,
  account_created: accountCreated,
  client_invite: clientInvite,
  concentration_alert: concentrationAlert,
  test_message: testMessage,
  audit_anchor: auditAnchor,
  payout_returned: payoutReturned,
  payout_account_changed: payoutAccountChanged,
  debtor_statement: debtorStatement,
  risk_band_change: riskBandChange,
};

export function renderEmail<K extends TemplateName>(template: K, data: TemplateData[K]): RenderedEmail {
  return TEMPLATES[template](data);
}

export type { RenderedEmail } from './layout';
