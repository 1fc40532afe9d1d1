import { z } from 'zod';
import { described, requiredOr } from '../validation/fields';

/**
 * Why a bank sent a payout back (issue 14, "Returns"): the reason a return carries, and whether it
 * says the client's payout account is wrong. `flagsAccount` is the one decision made here: when it
 * is true the client's payout account is flagged, and a person must confirm or replace it before
 * the release is paid again (paying the same account again would come back the same way). Every
 * return puts the amount back in client payable and notifies the underwriters, flagged or not.
 */
export interface ReturnReason {
  /** the code as the bank sends it: "R03", "AC04" */
  code: string;
  /** the title the scheme gives it */
  title: string;
  /** account problem → the client's payout account is flagged */
  flagsAccount: boolean;
}

type Row = readonly [code: string, title: string, flagsAccount: boolean];

/*
 * The ACH return reason codes of the Nacha Operating Rules (Appendix Four, "Table of Return Reason
 * Codes"), with Nacha's current titles: R11 and R62 as repurposed in 2020–21, R04 "Invalid Account
 * Number Structure", R13 "Invalid ACH Routing Number", R17 with its questionable-circumstances use.
 * The Rules are sold, not published; the list was written from knowledge of them and checked
 * against public copies: moov-io/ach's Addenda99 return code table (an older edition, before
 * R11/R62 changed) and current processor reference pages (Q2 Helix's "Nacha Return Codes",
 * PayNearMe's "ACH Return Codes", Grailpay's "Return Codes").
 *
 * Numbers in R01–R85 that Nacha does not assign, left out on purpose: R48–R49, R54–R60, R63–R66
 * (the old dishonored-return codes "Incorrect Dollar Amount" … "Incorrect Company
 * Identification", folded into R69 "Field Error(s)"), R78–R79. Codes beyond R85, if Nacha adds
 * any, are outside this table (issue 14 asks for R01–R85).
 *
 * Our payouts are CCD credits to the client's own business account, so most debit-only reasons
 * (R05, R07, R10, R29, …) cannot arrive; they are listed so that any real return code is known.
 * flagsAccount is true where the reason is about the receiving account or its bank — closed,
 * unknown, malformed, frozen, sold to another bank, a routing number that is not an ACH bank, an
 * account that cannot take ACH credits, an account holder who died, a receiver who refused the
 * credit to that account — and false where it is about funds, authorizations of debits, our own
 * file or originator details, bank-to-bank return handling, or entry classes we do not send
 * (ENR, RCK, XCK, ARC/BOC/POP, IAT).
 */
const ROWS: readonly Row[] = [
  ['R01', 'Insufficient Funds', false],
  ['R02', 'Account Closed', true],
  ['R03', 'No Account/Unable to Locate Account', true],
  ['R04', 'Invalid Account Number Structure', true],
  ['R05', 'Unauthorized Debit to Consumer Account Using Corporate SEC Code', false],
  // our bank (the ODFI) asked for it back — our decision, not the account's fault
  ['R06', "Returned per ODFI's Request", false],
  ['R07', 'Authorization Revoked by Customer', false],
  ['R08', 'Payment Stopped', false],
  ['R09', 'Uncollected Funds', false],
  ['R10', "Customer Advises Originator is Not Known to Receiver and/or Originator is Not Authorized by Receiver to Debit Receiver's Account", false],
  ['R11', 'Customer Advises Entry Not in Accordance with the Terms of the Authorization', false],
  // the branch holding the account now belongs to another bank: the routing number has changed
  ['R12', 'Account Sold to Another DFI', true],
  // the routing number the client gave does not reach an ACH participant
  ['R13', 'Invalid ACH Routing Number', true],
  ['R14', 'Representative Payee Deceased or Unable to Continue in That Capacity', true],
  ['R15', 'Beneficiary or Account Holder (Other Than a Representative Payee) Deceased', true],
  // frozen, or returned on OFAC's instruction: paying the same account again would fail, and an OFAC return needs a person
  ['R16', 'Account Frozen/Entry Returned per OFAC Instruction', true],
  // since 2021 chiefly "an invalid account number initiated under questionable circumstances": look at the account
  [
    'R17',
    'File Record Edit Criteria/Entry with Invalid Account Number Initiated Under Questionable Circumstances/Return of Improperly-Initiated Reversal',
    true,
  ],
  ['R18', 'Improper Effective Entry Date', false],
  ['R19', 'Amount Field Error', false],
  // a savings or other account the bank does not let ACH credits post to
  ['R20', 'Non-Transaction Account', true],
  ['R21', 'Invalid Company Identification', false],
  ['R22', 'Invalid Individual ID Number', false],
  // the receiver refused the credit (e.g. "not authorized to this account"): the client must confirm where to be paid
  ['R23', 'Credit Entry Refused by Receiver', true],
  ['R24', 'Duplicate Entry', false],
  ['R25', 'Addenda Error', false],
  ['R26', 'Mandatory Field Error', false],
  ['R27', 'Trace Number Error', false],
  ['R28', 'Routing Number Check Digit Error', true],
  ['R29', 'Corporate Customer Advises Not Authorized', false],
  ['R30', 'RDFI Not Participant in Check Truncation Program', false],
  ['R31', 'Permissible Return Entry (CCD and CTX only)', false],
  // the client's bank could not settle that day: try again later, the account itself is fine
  ['R32', 'RDFI Non-Settlement', false],
  ['R33', 'Return of XCK Entry', false],
  // a supervisor has limited the client's bank: it cannot take our payouts until that is lifted
  ['R34', 'Limited Participation DFI', true],
  ['R35', 'Return of Improper Debit Entry', false],
  ['R36', 'Return of Improper Credit Entry', false],
  ['R37', 'Source Document Presented for Payment', false],
  ['R38', 'Stop Payment on Source Document', false],
  ['R39', 'Improper Source Document/Source Document Presented for Payment', false],
  // R40–R47: automated enrollment (ENR) entries of federal agencies only
  ['R40', 'Return of ENR Entry by Federal Government Agency (ENR Only)', false],
  ['R41', 'Invalid Transaction Code (ENR Only)', false],
  ['R42', 'Routing Number/Check Digit Error (ENR Only)', false],
  ['R43', 'Invalid DFI Account Number (ENR Only)', false],
  ['R44', 'Invalid Individual ID Number/Identification Number (ENR Only)', false],
  ['R45', 'Invalid Individual Name/Company Name (ENR Only)', false],
  ['R46', 'Invalid Representative Payee Indicator (ENR Only)', false],
  ['R47', 'Duplicate Enrollment (ENR Only)', false],
  // R50–R53: re-presented check (RCK) entries only
  ['R50', 'State Law Affecting RCK Acceptance', false],
  ['R51', 'Item Related to RCK Entry is Ineligible or RCK Entry is Improper', false],
  ['R52', 'Stop Payment on Item Related to RCK Entry', false],
  ['R53', 'Item and RCK Entry Presented for Payment', false],
  // R61–R77: dishonored and contested dishonored returns between the banks
  ['R61', 'Misrouted Return', false],
  ['R62', 'Return of Erroneous or Reversing Debit', false],
  ['R67', 'Duplicate Return', false],
  ['R68', 'Untimely Return', false],
  ['R69', 'Field Error(s)', false],
  ['R70', 'Permissible Return Entry Not Accepted/Return Not Requested by ODFI', false],
  ['R71', 'Misrouted Dishonored Return', false],
  ['R72', 'Untimely Dishonored Return', false],
  ['R73', 'Timely Original Return', false],
  ['R74', 'Corrected Return', false],
  ['R75', 'Return Not a Duplicate', false],
  ['R76', 'No Errors Found', false],
  ['R77', 'Non-Acceptance of R62 Dishonored Return', false],
  // R80–R85: international (IAT) entries through a gateway, which our CCD files never are
  ['R80', 'IAT Entry Coding Error', false],
  ['R81', 'Non-Participant in IAT Program', false],
  ['R82', 'Invalid Foreign Receiving DFI Identification', false],
  ['R83', 'Foreign Receiving DFI Unable to Settle', false],
  ['R84', 'Entry Not Processed by Gateway', false],
  ['R85', 'Incorrectly Coded Outbound International Payment', false],
];

/** The ACH return reason codes R01–R85 that Nacha assigns, in code order. */
export const ACH_RETURN_CODES: readonly ReturnReason[] = Object.freeze(ROWS.map(([code, title, flagsAccount]) => Object.freeze({ code, title, flagsAccount })));

const BY_CODE = new Map(ACH_RETURN_CODES.map((r) => [r.code, r]));

/** The codes alone, for a choice field. */
export const ACH_RETURN_CODE_VALUES = ACH_RETURN_CODES.map((r) => r.code) as [string, ...string[]];

/** Trimmed and upper-cased: "r01 " is R01 as a person typed it. */
function asCode(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

/** The return reason of an ACH return code ("R03", also "r03"), or null when Nacha assigns no such code. */
export function achReturn(code: string): ReturnReason | null {
  const c = asCode(code);
  return (typeof c === 'string' && BY_CODE.get(c)) || null;
}

const ACH_HINT = 'must be an ACH return code R01–R85, e.g. R01';

/**
 * The return code of an ACH return (POST /api/v1/releases/{id}/return, the console's form): one of
 * Nacha's codes, typed in any case. A number Nacha leaves unassigned (R48) is refused saying so.
 */
export function achReturnCode(label = 'Return code') {
  return described(
    z.preprocess(
      asCode,
      z.enum(ACH_RETURN_CODE_VALUES, {
        error: (issue) => {
          const input = issue.input;
          if (input === undefined || input === null || input === '') return requiredOr(label, ACH_HINT)(issue);
          if (typeof input === 'string' && /^R\d\d$/.test(input) && input >= 'R01' && input <= 'R85')
            return `${label} ${input} is not one Nacha assigns; it must be an ACH return code R01–R85 as Nacha lists them, e.g. R01`;
          return `${label} ${ACH_HINT}`;
        },
      }),
    ),
    { kind: 'choice', label, values: ACH_RETURN_CODE_VALUES },
  );
}
