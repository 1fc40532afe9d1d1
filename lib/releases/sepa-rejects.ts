import { z } from 'zod';
import { described, requiredOr } from '../validation/fields';
import type { ReturnReason } from './ach-returns';

export type { ReturnReason } from './ach-returns';

type Row = readonly [code: string, title: string, flagsAccount: boolean];

/*
 * The ISO 20022 reason codes a rejected or returned SEPA credit transfer (SCT) carries — in a
 * pain.002 / pacs.002 reject before settlement, or a pacs.004 return after it — with the ISO
 * 20022 name of each (ExternalStatusReason1Code / ExternalReturnReason1Code) written in words.
 * The set follows the EPC's "Guidance on Reason Codes for SCT R-transactions" (EPC135-18) for
 * rejects and returns, plus the recall reasons a return after a recall can report (FOCR is the
 * return itself; AC03, DUPL, TECH, FRAD, CUST say why it was recalled). Written from knowledge of
 * that guidance and checked against processors' published copies of it (Numeral's "SEPA reason
 * codes", Worldline's and Lemonway's reason code lists), not against the EPC document itself.
 * Codes used only by direct debits (MD01, MD06, SL01, …) or only by SCT Inst (the AB05/AB06
 * timeouts, TM01) are not payouts' concern and are left out.
 *
 * flagsAccount (see ReturnReason): true where the reason is about the client's account or the
 * payee details we hold for it — an unknown, closed, blocked or wrong-type account, a BIC or a
 * bank that cannot be reached, a missing payee name or address, a payee who died or refused the
 * credit, a regulatory hold on it; false where it is about our own account and file, settlement
 * between the banks, or a recall we asked for.
 */
const ROWS: readonly Row[] = [
  ['AC01', 'Incorrect Account Number', true],
  // a recall because the IBAN we sent was not the client's: the account we hold is wrong
  ['AC03', 'Invalid Creditor Account Number', true],
  ['AC04', 'Closed Account Number', true],
  ['AC06', 'Blocked Account', true],
  // the account cannot take credit transfers (e.g. a savings account)
  ['AG01', 'Transaction Forbidden', true],
  ['AG02', 'Invalid Bank Operation Code', false],
  // our (the factor's) account could not cover the payment: not the client's account
  ['AM04', 'Insufficient Funds', false],
  ['AM05', 'Duplication', false],
  // the client's address is needed (a bank outside the EEA) and we do not have it
  ['BE04', 'Missing Creditor Address', true],
  ['CERI', 'Check ERI', false],
  // the client's bank is not reachable under that BIC
  ['CNOR', 'Creditor Bank Is Not Registered', true],
  ['CUST', 'Requested By Customer', false],
  ['DNOR', 'Debtor Bank Is Not Registered', false],
  ['DUPL', 'Duplicate Payment', false],
  ['ED05', 'Settlement Failed', false],
  ['ERIN', 'ERI Option Not Supported', false],
  ['FF01', 'Invalid File Format', false],
  // we recalled the payment and the client's bank sent it back
  ['FOCR', 'Following Cancellation Request', false],
  ['FRAD', 'Fraudulent Origin', false],
  ['MD07', 'End Customer Deceased', true],
  // the payee (our client) refused the credit: the client must confirm where to be paid
  ['MS02', 'Not Specified Reason Customer Generated', true],
  // the bank gave no reason: the underwriters see the return, but nothing says the account is wrong
  ['MS03', 'Not Specified Reason Agent Generated', false],
  // the BIC we sent is wrong
  ['RC01', 'Bank Identifier Incorrect', true],
  ['RR01', 'Missing Debtor Account Or Identification', false],
  ['RR02', 'Missing Debtor Name Or Address', false],
  ['RR03', 'Missing Creditor Name Or Address', true],
  // a regulatory (often sanctions) reason: nobody pays that account again until a person has looked
  ['RR04', 'Regulatory Reason', true],
  ['TECH', 'Technical Problem', false],
];

/** The reason codes of a rejected or returned SEPA credit transfer, in code order. */
export const SEPA_REJECT_CODES: readonly ReturnReason[] = Object.freeze(
  ROWS.map(([code, title, flagsAccount]) => Object.freeze({ code, title, flagsAccount })),
);

const BY_CODE = new Map(SEPA_REJECT_CODES.map((r) => [r.code, r]));

/** The codes alone, for a choice field. */
export const SEPA_REJECT_CODE_VALUES = SEPA_REJECT_CODES.map((r) => r.code) as [string, ...string[]];

function asCode(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

/** The reason of a SEPA reject or return code ("AC04", also "ac04"), or null when it is not one a rejected SCT carries. */
export function sepaReject(code: string): ReturnReason | null {
  const c = asCode(code);
  return (typeof c === 'string' && BY_CODE.get(c)) || null;
}

const SEPA_HINT = 'must be the reason code of a rejected SEPA credit transfer, e.g. AC04';

/** The reason code of a rejected or returned SEPA credit transfer, typed in any case. */
export function sepaRejectCode(label = 'Reason code') {
  return described(z.preprocess(asCode, z.enum(SEPA_REJECT_CODE_VALUES, { error: requiredOr(label, SEPA_HINT) })), {
    kind: 'choice',
    label,
    values: SEPA_REJECT_CODE_VALUES,
  });
}
