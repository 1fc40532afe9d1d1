import { CONTENT_WIDTH, MARGIN, MUTED, PdfWriter, createPdf, type Doc, type TableColumn } from '../../pdf/layout';

/**
 * The month-end reports as PDFs in the house style of statements and advices (lib/pdf/layout.ts:
 * A4, the header band, the title and its label/value rows, tables whose header repeats on each
 * page, "page n of m" footers): data in, Buffer out. Each report gives its tables as text already
 * formatted (amounts grouped, in the currency the table says).
 */
export interface PdfTable {
  heading: string;
  note?: string;
  columns: { header: string; width: number; align: 'left' | 'right' }[];
  rows: string[][];
  /** a bold last row under a rule */
  total?: string[][];
}

export interface ReportPdf {
  factorName: string;
  title: string;
  /** e.g. "As of 2026-03-31" or "2025-04 to 2026-03" */
  period: string;
  /** the document date (the as-of date or the period's end): the same report gives the same bytes */
  date: string;
  rows: [string, string][];
  tables: PdfTable[];
  notes?: string[];
}

export async function renderReportPdf(report: ReportPdf): Promise<Buffer> {
  const { doc, finished } = createPdf({ title: `${report.title} ${report.period}`, author: report.factorName, subject: report.title, date: report.date });
  const w = new ReportWriter(doc, report);
  w.pageHeader();
  w.body();
  w.footers(`${report.factorName} · ${report.title.toLowerCase()}, ${report.period}`);
  doc.end();
  return finished;
}

class ReportWriter extends PdfWriter {
  constructor(
    doc: Doc,
    private readonly report: ReportPdf,
  ) {
    super(doc);
  }

  pageHeader() {
    this.headerBand(this.report.factorName, this.report.title, 'Month-end report', this.report.period);
  }

  body() {
    this.titleRows(this.report.title, this.report.rows);
    for (const t of this.report.tables) this.table(t);
    for (const n of this.report.notes ?? []) this.paragraph(n);
  }

  private table(t: PdfTable) {
    const scale = Math.min(1, CONTENT_WIDTH / t.columns.reduce((s, c) => s + c.width, 0));
    const columns: TableColumn<string>[] = t.columns.map((c, i) => ({ key: String(i), header: c.header, width: c.width * scale, align: c.align }));
    const values = (row: string[]) => Object.fromEntries(row.map((v, i) => [String(i), v]));
    this.heading(t.heading);
    if (t.note) {
      this.text(t.note, MARGIN.left, this.y, { width: CONTENT_WIDTH, size: 8, color: MUTED });
      this.y += 14;
    }
    const header = () => {
      this.tableRow(columns, values(columns.map((c) => c.header)), { font: 'Helvetica-Bold', color: MUTED });
      this.y += 12;
      this.rule(this.y - 2);
    };
    this.ensure(40);
    header();
    this.repeatHeader = header;
    if (t.rows.length === 0) {
      this.text('Nothing to report.', MARGIN.left, this.y, { width: CONTENT_WIDTH, size: 8.5, color: MUTED });
      this.y += 12;
    }
    for (const r of t.rows) {
      this.ensure(12);
      this.tableRow(columns, values(r));
      this.y += 12;
    }
    for (const r of t.total ?? []) {
      this.ensure(16);
      this.rule(this.y - 1);
      this.y += 2;
      this.tableRow(columns, values(r), { font: 'Helvetica-Bold' });
      this.y += 14;
    }
    this.repeatHeader = null;
    this.y += 6;
  }
}
