import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Big } from '../../lib/money';
import { buildAdvice, type AdviceInput } from '../../lib/portal/advice';
import { renderAdvicePdf } from '../../lib/portal/advice-pdf';

const scratch = mkdtempSync(path.join(tmpdir(), 'holdback-advice-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const invoice = (n: number, released: string) => ({
  invoiceId: String(n),
  number: `INV-${String(n).padStart(4, '0')}`,
  debtor: `Debtor ${n % 3}`,
  faceValue: new Big('10000.00'),
  collected: new Big('10000.00'),
  fees: new Big('100.00'),
  released: new Big(released),
});

const input = (over: Partial<AdviceInput> = {}): AdviceInput => ({
  factorName: 'North Factor',
  client: { id: '7', name: 'Acme Freight LLC' },
  releaseId: '42',
  date: '2026-02-13',
  currency: 'USD',
  amountPaid: new Big('3770.00'),
  proposed: new Big('3770.00'),
  invoices: [invoice(1, '1900.00'), invoice(2, '1900.00')],
  otherSources: [],
  offsets: [{ label: 'Fees due', amount: new Big('30.00') }],
  holdbacks: [],
  ...over,
});

describe('a rebate advice', () => {
  it('reconciles: reserve released less what was taken out before payment is the amount paid', () => {
    const advice = buildAdvice(input());
    expect(advice).toMatchObject({ releasedTotal: '3800.00', offsetsTotal: '30.00', amountPaid: '3770.00', holdbacks: [] });
  });

  it('refuses figures that do not add up to the amount paid, naming them', () => {
    let refused: unknown;
    try {
      buildAdvice(input({ amountPaid: new Big('3800.00') }));
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      code: 'advice_does_not_reconcile',
      message: 'Release 42: 3800.00 released less 30.00 taken out is not the 3800.00 USD paid',
    });
  });

  it('shows holdbacks as amounts held back, and an approval in part as the rest that stays held', () => {
    const advice = buildAdvice(
      input({
        amountPaid: new Big('1770.00'),
        proposed: new Big('3770.00'),
        invoices: [invoice(1, '1800.00')],
        holdbacks: [{ label: 'Disputed invoices beyond their own reserve', amount: new Big('-250.00') }],
      }),
    );
    expect(advice.holdbacks).toEqual([
      { label: 'Disputed invoices beyond their own reserve', amount: '250.00' },
      { label: 'Proposed 3,770.00, approved 1,770.00: the rest stays held', amount: '2000.00' },
    ]);
  });

  it('renders a long advice on several pages, the table header on each, the totals at the end — the same bytes every time', async () => {
    const invoices = Array.from({ length: 70 }, (_, i) => invoice(i + 1, '100.00'));
    const advice = buildAdvice(
      input({
        invoices,
        otherSources: [{ label: 'Rolling tranche funded 2025-08-01, matures 2026-02-01', amount: new Big('500.00') }],
        amountPaid: new Big('7470.00'),
        proposed: new Big('7470.00'),
      }),
    );
    const pdf = await renderAdvicePdf(advice);
    expect((await renderAdvicePdf(advice)).equals(pdf)).toBe(true);
    const text = pdfText(pdf, 'long');
    expect(text).toContain('Page 1 of 2');
    expect(text).toContain('Page 2 of 2');
    expect(text.match(/Invoice\s+Debtor\s+Face value\s+Collected\s+Fees\s+Reserve released/g)).toHaveLength(2);
    expect(text).toMatch(/INV-0070\s+Debtor 1\s+10,000\.00\s+10,000\.00\s+100\.00\s+100\.00/);
    expect(text).toMatch(/Rolling tranche funded 2025-08-01, matures 2026-02-01\s+500\.00/);
    expect(text).toMatch(/Reserve released\s+7,500\.00 USD\n\s*Taken out before payment\s+-30\.00 USD\n\s*Paid to you\s+7,470\.00 USD/);
    expect(text).toContain('North Factor · rebate advice, release 42 of 2026-02-13');
  });
});
