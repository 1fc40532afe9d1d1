/**
 * Issue 15 item 1: the words of a verification record — how the invoice was verified and what
 * came of it. Pure (no server imports): the console's forms and the API's schema read the same
 * values and labels.
 */

export const VERIFICATION_METHODS = ['call', 'email', 'debtor_portal', 'document'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

export const METHOD_LABELS: Record<VerificationMethod, string> = {
  call: 'Phone call',
  email: 'Email',
  debtor_portal: 'Debtor portal or approval',
  document: 'Document (proof of delivery, signed PO)',
};

export const VERIFICATION_OUTCOMES = ['verified', 'disputed', 'no_answer'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<VerificationOutcome, string> = {
  verified: 'Verified: the debtor confirms the invoice',
  disputed: 'Disputed by the debtor',
  no_answer: 'No answer',
};

/** The outcome as a history line says it ("Verified", "Disputed by the debtor", "No answer"). */
export const OUTCOME_SHORT: Record<VerificationOutcome, string> = {
  verified: 'Verified',
  disputed: 'Disputed by the debtor',
  no_answer: 'No answer',
};

/** Only a positive outcome counts as verified; the others are kept as tried. */
export function isPositiveOutcome(outcome: string | null | undefined): boolean {
  return outcome === 'verified';
}

/** A contact is whom the factor spoke to or wrote to: required except for a document. */
export function contactRequired(method: VerificationMethod): boolean {
  return method !== 'document';
}

export const VERIFICATION_FIELD_LABELS = {
  invoiceIds: 'Invoices',
  method: 'Method',
  contact: 'Contact',
  outcome: 'Outcome',
  note: 'Note',
} as const;

/** "A-1", "A-1 and A-2", "A-1, A-2 and A-3", at most `shown` named then "and 4 more". */
export function listNumbers(numbers: readonly string[], shown = 10): string {
  if (numbers.length <= 1) return numbers[0] ?? '';
  if (numbers.length > shown) return `${numbers.slice(0, shown).join(', ')} and ${numbers.length - shown} more`;
  return `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

/**
 * What a person reads after recording: "Recorded for 4 invoices (A-1, A-2, A-3 and A-4): phone
 * call with Jane Roe, verified. They are verified and can be funded."
 */
export function verificationMessage(
  records: readonly { invoiceNumber: string; method: VerificationMethod; contact: string | null; outcome: VerificationOutcome; invoiceStatus: string }[],
): string {
  const first = records[0];
  if (!first) return 'Nothing was recorded.';
  const n = records.length;
  const whom = n === 1 ? `invoice ${first.invoiceNumber}` : `${n} invoices (${listNumbers(records.map((r) => r.invoiceNumber))})`;
  const how = `${METHOD_LABELS[first.method].replace(/ \(.*\)$/, '').toLowerCase()}${first.contact ? ` with ${first.contact}` : ''}`;
  const ready = records.filter((r) => r.invoiceStatus === 'verified').length;
  const tail = !isPositiveOutcome(first.outcome)
    ? 'Only a positive outcome counts as verified.'
    : ready === n
      ? `${n === 1 ? 'It is' : 'They are'} verified and can be funded.`
      : `${ready} of ${n} can be funded; the others were funded or closed already.`;
  return `Recorded for ${whom}: ${how}, ${OUTCOME_SHORT[first.outcome].toLowerCase()}. ${tail}`;
}
