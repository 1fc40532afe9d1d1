import { createHash } from 'node:crypto';
import type { BankFileFormat, ParsedPayment, PaymentWithoutKey } from './types';

export * from './values';

/** Maps character offsets to 1-based physical lines (CRLF, LF or a lone CR each end a line). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i += 1) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The de-duplication keys of a file's payments, in file order. With a bank reference the key is
 * `${format}:${bankReference}`; without one it is a hash of what the payment says plus how many
 * times the same payment has appeared before it in the file, so two identical wires on one day stay
 * two payments and re-importing the same file gives the same keys (never the line number: a
 * re-exported file may move lines). A bank reference seen again in the same file gets `#2`, `#3` …
 */
export function withExternalRefs(format: BankFileFormat, payments: PaymentWithoutKey[]): ParsedPayment[] {
  const seen = new Map<string, number>();
  const occurrence = (key: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
  return payments.map((p) => {
    if (p.bankReference !== '') {
      const n = occurrence(`ref\u0000${p.bankReference}`);
      return { ...p, externalRef: n === 1 ? `${format}:${p.bankReference}` : `${format}:${p.bankReference}#${n}` };
    }
    const tuple = [p.receivedDate, p.amount, p.currency, p.payerName, p.reference];
    const n = occurrence(`tuple\u0000${JSON.stringify(tuple)}`);
    const digest = createHash('sha256')
      .update(JSON.stringify([...tuple, n]))
      .digest('hex');
    return { ...p, externalRef: `${format}:${digest}` };
  });
}
