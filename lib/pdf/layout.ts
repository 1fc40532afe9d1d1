import PDFDocument from 'pdfkit';
import { type Big, groupedMoney } from '../money';

/**
 * The pdfkit layout every PDF we send a client shares — the reserve statement (lib/statements)
 * and the rebate advice (lib/portal/advice-pdf.ts): A4, the same margins, fonts, colours and
 * money format, a header band on every page, "page n of m" footers, one-line cells cut to their
 * width. Amounts are formatted from Big (groupedMoney), never from a JS number. The document
 * date is given by the caller (a business date), so the same figures give the same bytes.
 */

export const PAGE = { width: 595.28, height: 841.89 };
export const MARGIN = { top: 78, bottom: 56, left: 48, right: 48 };
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
export const BOTTOM = PAGE.height - MARGIN.bottom;
export const INK = '#0f172a';
export const MUTED = '#64748b';
export const RULE = '#cbd5e1';
export const BRAND = '#0f766e';

export type Doc = PDFKit.PDFDocument;

/** A table column: its header, width in points and alignment. */
export interface TableColumn<K extends string> {
  key: K;
  header: string;
  width: number;
  align: 'left' | 'right';
}

/** A new A4 document and the Buffer it becomes once `doc.end()` is called. */
export function createPdf(info: { title: string; author: string; subject: string; date: string }): { doc: Doc; finished: Promise<Buffer> } {
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    compress: true,
    info: {
      Title: info.title,
      Author: info.author,
      Subject: info.subject,
      Creator: 'Holdback',
      Producer: 'Holdback',
      CreationDate: new Date(`${info.date}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, finished };
}

/**
 * Writes top to bottom, starting a new page (with the page header, and the current table's
 * header again) when something does not fit. Subclasses draw their own page header.
 */
export abstract class PdfWriter {
  y = MARGIN.top;
  /** the table whose header is repeated on a new page, if one is being drawn */
  protected repeatHeader: (() => void) | null = null;

  constructor(protected readonly doc: Doc) {}

  abstract pageHeader(): void;

  protected text(
    value: string,
    x: number,
    y: number,
    options: { width: number; align?: 'left' | 'right' | 'center'; font?: string; size?: number; color?: string },
  ) {
    // One line placed by hand (no width: pdfkit's line wrapper is most of a row's cost).
    this.doc
      .font(options.font ?? 'Helvetica')
      .fontSize(options.size ?? 9)
      .fillColor(options.color ?? INK);
    // Measured once: cut to the width if too long, and placed by the width for right alignment.
    let shown = value;
    let width = this.doc.widthOfString(shown);
    if (width > options.width) {
      shown = fit(this.doc, value, options.width);
      width = this.doc.widthOfString(shown);
    }
    const free = options.width - width;
    const left = options.align === 'right' ? x + free : options.align === 'center' ? x + free / 2 : x;
    this.doc.text(shown, left, y, { lineBreak: false });
  }

  protected rule(y: number, color = RULE, width = 0.5) {
    this.doc
      .moveTo(MARGIN.left, y)
      .lineTo(PAGE.width - MARGIN.right, y)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
  }

  /** Starts a new page when `height` does not fit; repeats the current table's header there. */
  protected ensure(height: number) {
    if (this.y + height <= BOTTOM) return;
    this.doc.addPage();
    this.pageHeader();
    this.y = MARGIN.top;
    this.repeatHeader?.();
  }

  /** The band at the top of every page: a title each side, a line under each, a rule. */
  protected headerBand(left: string, right: string, subLeft: string, subRight: string) {
    this.text(left, MARGIN.left, 30, { width: CONTENT_WIDTH / 2, font: 'Helvetica-Bold', size: 12, color: BRAND });
    this.text(right, MARGIN.left + CONTENT_WIDTH / 2, 30, { width: CONTENT_WIDTH / 2, align: 'right', font: 'Helvetica-Bold', size: 12 });
    this.text(subLeft, MARGIN.left, 47, { width: CONTENT_WIDTH * 0.6, size: 9, color: MUTED });
    this.text(subRight, MARGIN.left + CONTENT_WIDTH * 0.6, 47, { width: CONTENT_WIDTH * 0.4, align: 'right', size: 9, color: MUTED });
    this.rule(62, BRAND, 1);
  }

  /** The document's title and its label / value rows under it. */
  protected titleRows(title: string, rows: [string, string][]) {
    this.text(title, MARGIN.left, this.y, { width: CONTENT_WIDTH, font: 'Helvetica-Bold', size: 16 });
    this.y += 24;
    for (const [label, value] of rows) {
      this.text(label, MARGIN.left, this.y, { width: 90, color: MUTED });
      this.text(value, MARGIN.left + 90, this.y, { width: CONTENT_WIDTH - 90 });
      this.y += 13;
    }
    this.y += 6;
  }

  paragraph(value: string) {
    this.doc.font('Helvetica').fontSize(9);
    const height = this.doc.heightOfString(value, { width: CONTENT_WIDTH });
    this.ensure(height + 6);
    this.doc.fillColor(INK).text(value, MARGIN.left, this.y, { width: CONTENT_WIDTH });
    this.y += height + 8;
  }

  protected heading(value: string) {
    this.ensure(60);
    this.y += 6;
    this.text(value, MARGIN.left, this.y, { width: CONTENT_WIDTH, font: 'Helvetica-Bold', size: 12, color: BRAND });
    this.y += 18;
  }

  protected subheading(value: string) {
    this.ensure(40);
    this.y += 4;
    this.text(value, MARGIN.left, this.y, { width: CONTENT_WIDTH, font: 'Helvetica-Bold', size: 10 });
    this.y += 15;
  }

  /** Two columns, label and amount; `strong` rows are bold with a rule above. */
  protected figures(rows: { label: string; amount: Big; strong?: boolean }[], currency: string) {
    const labelWidth = 300;
    for (const row of rows) {
      this.ensure(15);
      if (row.strong) this.rule(this.y - 2);
      const font = row.strong ? 'Helvetica-Bold' : 'Helvetica';
      this.text(row.label, MARGIN.left, this.y, { width: labelWidth, font });
      this.text(`${groupedMoney(row.amount, currency)} ${currency}`, MARGIN.left + labelWidth, this.y, {
        width: CONTENT_WIDTH - labelWidth,
        align: 'right',
        font,
      });
      this.y += 14;
    }
    this.y += 4;
  }

  /** One table row at this.y, each cell one line cut to its column. */
  protected tableRow<K extends string>(columns: readonly TableColumn<K>[], values: Record<K, string>, options: { font?: string; color?: string } = {}) {
    let x = MARGIN.left;
    for (const c of columns) {
      this.text(values[c.key], x, this.y, {
        width: c.width - (c.align === 'right' ? 0 : 4),
        align: c.align,
        font: options.font,
        size: 8.5,
        color: options.color,
      });
      x += c.width;
    }
  }

  /** "what · page n of m" at the foot of every page (after everything is written). */
  footers(what: string) {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      this.doc.switchToPage(i);
      // Writing inside the bottom margin must not start another page.
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.text(what, MARGIN.left, PAGE.height - 38, {
        width: CONTENT_WIDTH * 0.7,
        size: 7.5,
        color: MUTED,
      });
      this.text(`Page ${i - range.start + 1} of ${range.count}`, MARGIN.left + CONTENT_WIDTH * 0.7, PAGE.height - 38, {
        width: CONTENT_WIDTH * 0.3,
        align: 'right',
        size: 7.5,
        color: MUTED,
      });
      this.doc.page.margins.bottom = bottom;
    }
  }
}

/** Shortens text to fit a width (with an ellipsis) so every table row stays one line. */
function fit(doc: Doc, value: string, width: number): string {
  let end = value.length;
  while (end > 0 && doc.widthOfString(`${value.slice(0, end)}…`) > width) end -= 1;
  return `${value.slice(0, end)}…`;
}
