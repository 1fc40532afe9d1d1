import { groupedMoney } from '../money';
import { CONTENT_WIDTH, INK, MARGIN, MUTED, PdfWriter, createPdf, type Doc, type TableColumn } from '../pdf/layout';
import { STATEMENT_WORDS as W, type DebtorStatement } from './model';

/**
 * A debtor statement or reminder as a PDF (pdfkit, the layout every PDF we send shares:
 * lib/pdf/layout.ts): data in (buildDebtorStatement), Buffer out. The header (factor, debtor,
 * date), the open invoices oldest due first (number, client, invoice date, due date, days past
 * due, amount, paid, open balance), the totals per currency, how to pay (the remittance
 * instructions) and the notice of assignment. The document date is the statement's, so the same
 * statement gives the same bytes.
 */

const COLUMNS = [
  { key: 'number', header: W.invoice, width: 80, align: 'left' },
  { key: 'client', header: W.client, width: 87, align: 'left' },
  { key: 'issueDate', header: W.issueDate, width: 50, align: 'left' },
  { key: 'dueDate', header: W.dueDate, width: 46, align: 'left' },
  { key: 'days', header: W.daysPastDue, width: 55, align: 'right' },
  { key: 'currency', header: W.currency, width: 22, align: 'right' },
  { key: 'amount', header: W.amount, width: 54, align: 'right' },
  { key: 'paid', header: W.paid, width: 50, align: 'right' },
  { key: 'open', header: W.open, width: 55, align: 'right' },
] as const satisfies readonly TableColumn<string>[];
/** the invoice table's type size (nine columns on A4) and one line's height */
const SIZE = 8;
const LINE = 10;
type ColumnKey = (typeof COLUMNS)[number]['key'];

const TOTAL_COLUMNS = [
  { key: 'currency', header: 'Currency', width: 70, align: 'left' },
  { key: 'invoices', header: 'Invoices', width: 60, align: 'right' },
  { key: 'amount', header: W.amount, width: 92, align: 'right' },
  { key: 'paid', header: W.paid, width: 92, align: 'right' },
  { key: 'open', header: W.open, width: 92, align: 'right' },
  { key: 'pastDue', header: 'Of which past due', width: 93, align: 'right' },
] as const satisfies readonly TableColumn<string>[];
type TotalKey = (typeof TOTAL_COLUMNS)[number]['key'];

export async function renderDebtorStatementPdf(statement: DebtorStatement): Promise<Buffer> {
  const s = statement;
  const { doc, finished } = createPdf({
    title: `${s.title} ${s.debtor.name} ${s.asOf}`,
    author: s.factorName,
    subject: `${s.title} for ${s.debtor.name} as of ${s.asOf}`,
    date: s.asOf,
  });
  const w = new StatementWriter(doc, s);
  w.pageHeader();
  w.titleBlock();
  w.invoices();
  w.totalsTable();
  w.howToPay();
  w.footers(`${s.factorName} · ${s.title.toLowerCase()}, ${s.debtor.name}, ${s.asOf}`);
  doc.end();
  return finished;
}

class StatementWriter extends PdfWriter {
  constructor(
    doc: Doc,
    private readonly s: DebtorStatement,
  ) {
    super(doc);
  }

  override pageHeader() {
    const s = this.s;
    this.headerBand(s.factorName, s.title, `${s.debtor.name} (debtor ${s.debtor.id})`, `As of ${s.asOf}`);
  }

  titleBlock() {
    const s = this.s;
    const rows: [string, string][] = [
      ['To', s.debtor.name],
      ...(s.debtor.apName || s.debtor.apEmail ? ([['Attention', [s.debtor.apName, s.debtor.apEmail].filter(Boolean).join(', ')]] as [string, string][]) : []),
      ['From', s.factorName],
      ['Date', s.asOf],
      ...(s.stepLabel ? ([['Reminder', s.stepLabel]] as [string, string][]) : []),
      ...s.totals.map((t): [string, string] => [`Open (${t.currency})`, `${groupedMoney(t.open, t.currency)} ${t.currency}`]),
    ];
    this.titleRows(s.title, rows);
    this.paragraph(s.intro);
  }

  /** One row of the invoice table, each cell one line cut to its column (a size smaller than tableRow's: nine columns). */
  private row(values: Record<ColumnKey, string>, options: { font?: string; color?: string } = {}) {
    let x = MARGIN.left;
    for (const c of COLUMNS) {
      this.text(values[c.key], x, this.y, {
        width: c.width - (c.align === 'right' ? 0 : 4),
        align: c.align,
        font: options.font,
        size: SIZE,
        color: options.color,
      });
      x += c.width;
    }
  }

  /**
   * An invoice's row: its number and client wrap onto more lines rather than being cut (the debtor
   * matches payments by the number), the other cells one line each. Answers the row's height.
   */
  private invoiceRow(values: Record<ColumnKey, string>): number {
    this.doc.font('Helvetica').fontSize(SIZE);
    const wrapped = new Set<ColumnKey>(['number', 'client']);
    const width = (c: (typeof COLUMNS)[number]) => c.width - 4;
    const height = Math.max(
      LINE,
      ...COLUMNS.filter((c) => wrapped.has(c.key)).map((c) => this.doc.heightOfString(values[c.key], { width: width(c), lineGap: 0 })),
    );
    this.ensure(height + 2);
    let x = MARGIN.left;
    for (const c of COLUMNS) {
      if (wrapped.has(c.key) && this.doc.font('Helvetica').fontSize(SIZE).widthOfString(values[c.key]) > width(c)) {
        this.doc.fillColor(INK).text(values[c.key], x, this.y, { width: width(c), lineGap: 0 });
      } else {
        this.text(values[c.key], x, this.y, { width: c.align === 'right' ? c.width : width(c), align: c.align, size: SIZE });
      }
      x += c.width;
    }
    return Math.max(height + 2, 12);
  }
  private tableHeader() {
    this.row(Object.fromEntries(COLUMNS.map((c) => [c.key, c.header])) as Record<ColumnKey, string>, { font: 'Helvetica-Bold', color: MUTED });
    this.y += 12;
    this.rule(this.y - 2);
  }

  invoices() {
    const s = this.s;
    this.heading(s.kind === 'reminder' ? 'Invoices this reminder is about' : 'Open invoices');
    if (s.lines.length === 0) {
      this.paragraph('None.');
      return;
    }
    this.ensure(40);
    this.tableHeader();
    this.repeatHeader = () => this.tableHeader();
    for (const l of s.lines) {
      this.y += this.invoiceRow({
        number: l.number,
        client: l.clientName,
        issueDate: l.issueDate,
        dueDate: l.dueDate,
        days: l.daysLabel,
        currency: l.currency,
        amount: groupedMoney(l.amount, l.currency),
        paid: groupedMoney(l.paid, l.currency),
        open: groupedMoney(l.open, l.currency),
      });
    }
    this.repeatHeader = null;
    this.y += 4;
    if (s.lines.some((l) => l.disputed)) this.paragraph(W.disputedNote);
    for (const n of s.notListed) {
      this.paragraph(
        `And ${n.invoices.toLocaleString('en-US')} more open ${n.currency} invoice${n.invoices === 1 ? '' : 's'} due later, ${groupedMoney(n.open, n.currency)} ${n.currency}, not listed here (counted in the totals).`,
      );
    }
  }

  totalsTable() {
    const s = this.s;
    if (s.totals.length === 0) return;
    this.subheading(W.totals);
    const head = Object.fromEntries(TOTAL_COLUMNS.map((c) => [c.key, c.header])) as Record<TotalKey, string>;
    this.ensure(30);
    this.tableRow(TOTAL_COLUMNS, head, { font: 'Helvetica-Bold', color: MUTED });
    this.y += 12;
    this.rule(this.y - 2);
    for (const t of s.totals) {
      this.ensure(14);
      this.tableRow(
        TOTAL_COLUMNS,
        {
          currency: t.currency,
          invoices: t.invoices.toLocaleString('en-US'),
          amount: groupedMoney(t.amount, t.currency),
          paid: groupedMoney(t.paid, t.currency),
          open: groupedMoney(t.open, t.currency),
          pastDue: groupedMoney(t.pastDue, t.currency),
        },
        { font: 'Helvetica-Bold' },
      );
      this.y += 14;
    }
    this.y += 4;
  }

  howToPay() {
    const s = this.s;
    this.heading(W.howToPay);
    this.paragraph(s.noticeText);
    this.ensure(14 * s.remittance.length + 6);
    for (const [label, value] of s.remittance) {
      this.text(label, MARGIN.left, this.y, { width: 110, color: MUTED });
      this.text(value, MARGIN.left + 110, this.y, { width: CONTENT_WIDTH - 110, font: label === 'Pay to' ? 'Helvetica-Bold' : undefined });
      this.y += 13;
    }
    this.y += 6;
    if (s.notices.length > 0) {
      this.subheading(W.notices);
      for (const n of s.notices) {
        this.ensure(13);
        this.text(n.clientName, MARGIN.left, this.y, { width: 220 });
        this.text(n.sentDate ? `notice sent ${n.sentDate}` : 'notice date not recorded', MARGIN.left + 220, this.y, {
          width: CONTENT_WIDTH - 220,
          color: MUTED,
        });
        this.y += 13;
      }
    }
  }
}
