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

export interface BankFileError {
  line: number;
  message: string;
}

/** What a format parser returns; the stable keys are added afterwards for the whole file. */
export type PaymentWithoutKey = Omit<ParsedPayment, 'externalRef'>;

export interface FormatResult {
  payments: PaymentWithoutKey[];
  errors: BankFileError[];
}
