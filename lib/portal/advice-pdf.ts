import { Big, groupedMoney } from '../money';
import { CONTENT_WIDTH, MARGIN, MUTED, PdfWriter, createPdf, type Doc, type TableColumn } from '../pdf/layout';
import { ADVICE_WORDS as W, type AdviceDetail } from './advice';

/**
 * The rebate advice as a PDF (pdfkit, the statement's layout: lib/pdf/layout.ts): data in,
 * Buffer out. The header (factor, client, release, date, currency, amount paid), the invoices
 * behind the amount (number, debtor, face value, collected, fees, reserve released) and any
 * other reserve drawn, what was taken out before payment, the totals down to the amount paid,
 * and what was held back — the portal page's figures (loadAdvice) in its words (ADVICE_WORDS).
 * The document date is the release's, so the same advice gives the same bytes.
 */

const COLUMNS = [
  { key: 'number', header: W.invoice, width: 78, align: 'left' },
  { key: 'debtor', header: W.debtor, width: 131, align: 'left' },
  { key: 'faceValue', header: W.faceValue, width: 72, align: 'right' },
  { key: 'collected', header: W.collected, width: 72, align: 'right' },
  { key: 'fees', header: W.fees, width: 62, align: 'right' },
  { key: 'released', header: W.released, width: 84, align: 'right' },
] as const satisfies readonly TableColumn<string>[];
type ColumnKey = (typeof COLUMNS)[number]['key'];
/** a line that is not an invoice (other reserve, the total): its label runs to the "Reserve released" column */
const LABEL_WIDTH = CONTENT_WIDTH - COLUMNS[5].width - 8;
const RELEASED_X = MARGIN.left + CONTENT_WIDTH - COLUMNS[5].width;

export async function renderAdvicePdf(advice: AdviceDetail): Promise<Buffer> {
  const { doc, finished } = createPdf({
    title: `${W.title} ${advice.client.name} release ${advice.releaseId}`,
    author: advice.factorName,
    subject: `${W.title} for release ${advice.releaseId} of ${advice.date}`,
    date: advice.date,
  });
  const w = new AdviceWriter(doc, advice);
  w.pageHeader();
  w.titleBlock();
  w.sources();
  w.offsetsAndTotals();
  w.holdbacks();
  w.closingNote();
  w.footers(`${advice.factorName} · ${W.title.toLowerCase()}, release ${advice.releaseId} of ${advice.date}`);
  doc.end();
  return finished;
}

class AdviceWriter extends PdfWriter {
  private readonly c: string;

  constructor(
    doc: Doc,
    private readonly advice: AdviceDetail,
  ) {
    super(doc);
    this.c = advice.currency;
  }

  private money(value: string): string {
    return groupedMoney(value, this.c);
  }

  override pageHeader() {
    const a = this.advice;
    this.headerBand(a.factorName, W.title, `${a.client.name} (client ${a.client.id})`, `Release ${a.releaseId} · ${a.date}`);
  }

  titleBlock() {
    const a = this.advice;
    this.titleRows(`${W.title}: release ${a.releaseId}`, [
      ['Factor', a.factorName],
      ['Client', `${a.client.name} (client ${a.client.id})`],
      ['Release', a.releaseId],
      ['Date', a.date],
      ['Currency', a.currency],
      [a.amountLabel, `${this.money(a.amountPaid)} ${this.c}`],
    ]);
    this.paragraph(
      `On ${a.date} we released ${this.money(a.amountPaid)} ${this.c} of your reserve to you (release ${a.releaseId}). Below are the invoices behind the amount, what was taken out before payment and what was held back.`,
    );
  }

  private row(values: Record<ColumnKey, string>, options: { font?: string; color?: string } = {}) {
    this.tableRow(COLUMNS, values, options);
  }

  private tableHeader() {
    this.row(Object.fromEntries(COLUMNS.map((col) => [col.key, col.header])) as Record<ColumnKey, string>, { font: 'Helvetica-Bold', color: MUTED });
    this.y += 12;
    this.rule(this.y - 2);
  }

  /** A line across the invoice to fees columns with its amount under "Reserve released". */
  private spanRow(label: string, amount: string, font?: string) {
    this.text(label, MARGIN.left, this.y, { width: LABEL_WIDTH, size: 8.5, font });
    this.text(amount, RELEASED_X, this.y, { width: COLUMNS[5].width, align: 'right', size: 8.5, font });
  }

  sources() {
    const a = this.advice;
    this.heading(W.sources);
    this.text(`Amounts in ${this.c}`, MARGIN.left, this.y, { width: CONTENT_WIDTH, size: 8, color: MUTED });
    this.y += 14;
    this.ensure(40);
    this.tableHeader();
    this.repeatHeader = () => this.tableHeader();
    for (const i of a.invoices) {
      this.ensure(12);
      this.row({
        number: i.number,
        debtor: i.debtor,
        faceValue: this.money(i.faceValue),
        collected: this.money(i.collected),
        fees: this.money(i.fees),
        released: this.money(i.released),
      });
      this.y += 12;
    }
    if (a.otherSources.length > 0) {
      this.ensure(24);
      this.y += 2;
      this.text(W.otherSources, MARGIN.left, this.y, { width: CONTENT_WIDTH, size: 8.5, color: MUTED });
      this.y += 12;
      for (const s of a.otherSources) {
        this.ensure(12);
        this.spanRow(s.label, this.money(s.amount));
        this.y += 12;
      }
    }
    this.ensure(20);
    this.rule(this.y - 1);
    this.y += 2;
    this.spanRow(W.releasedTotal, this.money(a.releasedTotal), 'Helvetica-Bold');
    this.y += 16;
    this.repeatHeader = null;
  }

  offsetsAndTotals() {
    const a = this.advice;
    this.subheading(W.offsets);
    if (a.offsets.length === 0) this.paragraph(W.noOffsets);
    else
      this.figures(
        a.offsets.map((o) => ({ label: o.label, amount: new Big(o.amount) })),
        this.c,
      );
    this.subheading(a.amountLabel);
    this.figures(
      [
        { label: W.releasedTotal, amount: new Big(a.releasedTotal) },
        { label: W.offsetsTotal, amount: new Big(a.offsetsTotal).times(-1) },
        { label: a.amountLabel, amount: new Big(a.amountPaid), strong: true },
      ],
      this.c,
    );
  }

  holdbacks() {
    const a = this.advice;
    this.subheading(W.holdbacks);
    if (a.holdbacks.length === 0) this.paragraph(W.noHoldbacks);
    else
      this.figures(
        a.holdbacks.map((h) => ({ label: h.label, amount: new Big(h.amount) })),
        this.c,
      );
  }

  closingNote() {
    this.y += 6;
    this.paragraph(`${W.feesNote} ${W.collectedNote(this.advice.date)}`);
    this.paragraph('Each currency is held and paid on its own; nothing is converted. Please tell us within 30 days if anything on this advice looks wrong.');
  }
}
