import { groupedMoney } from '../money';
import { CONTENT_WIDTH, MARGIN, MUTED, PdfWriter, createPdf, type Doc, type TableColumn } from '../pdf/layout';
import { openingDate, type RollForward, type RollForwardFigures } from './roll-forward';

/**
 * The reserve roll-forward as a PDF (pdfkit, the shared layout of lib/pdf/layout.ts): per
 * currency, a row per client (opening, withheld, fees, released, adjustments, closing) and the
 * portfolio total under it. The document date is the period's end, so the same figures give the
 * same bytes.
 */
const COLUMNS = [
  { key: 'client', header: 'Client', width: 121, align: 'left' },
  { key: 'opening', header: 'Opening', width: 63, align: 'right' },
  { key: 'withheld', header: 'Withheld', width: 63, align: 'right' },
  { key: 'fees', header: 'Fees', width: 63, align: 'right' },
  { key: 'released', header: 'Released', width: 63, align: 'right' },
  { key: 'adjustments', header: 'Adjustments', width: 63, align: 'right' },
  { key: 'closing', header: 'Closing', width: CONTENT_WIDTH - 121 - 5 * 63, align: 'right' },
] as const satisfies readonly TableColumn<string>[];
type ColumnKey = (typeof COLUMNS)[number]['key'];

export async function renderRollForwardPdf(report: RollForward, factorName: string): Promise<Buffer> {
  const { doc, finished } = createPdf({
    title: `Reserve roll-forward ${report.from} to ${report.to}`,
    author: factorName,
    subject: `Reserve roll-forward per client, ${report.from} to ${report.to}`,
    date: report.to,
  });
  const w = new RollForwardWriter(doc, report, factorName);
  w.pageHeader();
  w.body();
  w.footers(`${factorName} · reserve roll-forward ${report.from} to ${report.to}`);
  doc.end();
  return finished;
}

class RollForwardWriter extends PdfWriter {
  constructor(
    doc: Doc,
    private readonly report: RollForward,
    private readonly factorName: string,
  ) {
    super(doc);
  }

  override pageHeader() {
    this.headerBand(this.factorName, 'Reserve roll-forward', 'Per client and currency, tied to the ledger', `${this.report.from} to ${this.report.to}`);
  }

  private tableHeader() {
    this.tableRow(COLUMNS, Object.fromEntries(COLUMNS.map((c) => [c.key, c.header])) as Record<ColumnKey, string>, { font: 'Helvetica-Bold', color: MUTED });
    this.y += 12;
    this.rule(this.y - 2);
  }

  private figureRow(label: string, f: RollForwardFigures, currency: string, font?: string) {
    const m = (b: RollForwardFigures[keyof RollForwardFigures]) => groupedMoney(b, currency);
    this.tableRow(
      COLUMNS,
      {
        client: label,
        opening: m(f.opening),
        withheld: m(f.withheld),
        fees: m(f.fees),
        released: m(f.released),
        adjustments: m(f.adjustments),
        closing: m(f.closing),
      },
      { font },
    );
    this.y += 12;
  }

  body() {
    const r = this.report;
    this.titleRows('Reserve roll-forward', [
      ['Period', `${r.from} to ${r.to}`],
      ['Opening', `held at the end of ${openingDate(r.from)}`],
      ['Closing', `held at the end of ${r.to}`],
      ['Clients', String(new Set(r.rows.map((x) => x.clientId)).size)],
    ]);
    this.paragraph(
      'Opening + withheld − fees − released + adjustments = closing, for each row. Withheld: reserve withheld at purchase (funding); fees: fees settled from the reserve; released: reserve paid over to the client; adjustments: chargebacks, short pays, credit notes and any other movement. A reversal counts in the column of the entry it reverses.',
    );
    if (r.totals.length === 0) this.paragraph('No client holds a reserve account yet.');
    for (const total of r.totals) {
      this.heading(`${total.currency}`);
      this.text(`Amounts in ${total.currency}`, MARGIN.left, this.y, { width: CONTENT_WIDTH, size: 8, color: MUTED });
      this.y += 14;
      this.ensure(40);
      this.tableHeader();
      this.repeatHeader = () => this.tableHeader();
      for (const row of r.rows) {
        if (row.currency !== total.currency) continue;
        this.ensure(12);
        this.figureRow(`${row.clientName} (${row.clientId})`, row, row.currency);
      }
      this.ensure(16);
      this.rule(this.y - 1);
      this.y += 2;
      this.figureRow(`Portfolio total (${total.clients})`, total, total.currency, 'Helvetica-Bold');
      this.y += 6;
      this.repeatHeader = null;
    }
  }
}
