export type BankFileFormat = 'csv' | 'camt053' | 'bai2';

/** One incoming payment (a credit) read from a bank file. */
export interface ParsedPayment {
  /** 1-based physical line in the file where this payment's record starts */
  line: number;
  /** positive decimal string in the currency's minor units, e.g. "50000.00" */
  amount: string;
  /** ISO 4217 */
  currency: string;
  /** YYYY-MM-DD: the booking date */
  receivedDate: string;
  /** '' when the file has none */
  payerName: string;
  /** remittance information / free text, whitespace collapsed ('' when none) */
  reference: string;
  /** the bank's own id for the transaction ('' when the file has none) */
  bankReference: string;
  /** a stable key for de-duplication across re-imports of the same file (see externalRefs) */
  externalRef: string;
}

/**
 * One outgoing line (a debit) read from a bank file: money that left the account — a payout
 * batch the bank executed, a fee, a rent. Never a payment; the importer matches these against
 * sent payout batches (lib/payouts/statement-match.ts).
 */
export interface ParsedDebit {
  /** 1-based physical line in the file where the debit's record starts */
  line: number;
  /** positive decimal string in the currency's minor units, e.g. "12500.00" */
  amount: string;
  /** ISO 4217 */
  currency: string;
  /** YYYY-MM-DD: the booking date */
  bookingDate: string;
  /** the bank's own id for the debit ('' when the file has none) */
  bankReference: string;
  /**
   * Every reference the bank gives for it, in file order, without empty ones or repeats: the ids
   * (camt.053 MsgId, PmtInfId, InstrId, EndToEndId, AcctSvcrRef, TxId, NtryRef; BAI2 bank and
   * customer references; CSV bank reference) and then the texts (remittance, AddtlTxInf,
   * AddtlNtryInf; the BAI2 16's text; the CSV reference).
   */
  references: string[];
  /** the free text, whitespace collapsed ('' when none): what a person reads to know it */
  description: string;
}

export interface BankFileError {
  line: number;
  message: string;
}

/** What a format parser returns; the stable keys are added afterwards for the whole file. */
export type PaymentWithoutKey = Omit<ParsedPayment, 'externalRef'>;

export interface FormatResult {
  payments: PaymentWithoutKey[];
  errors: BankFileError[];
  /** outgoing lines; absent when the parser stopped before reading entries */
  debits?: ParsedDebit[];
  /**
   * outgoing lines that cannot be read (no amount, no date …): never an error of the file — a
   * debit is not a payment — but said, so that a payout it was is not silently left unsettled
   */
  debitProblems?: BankFileError[];
}
