import PDFDocument from 'pdfkit';
import { type Big, groupedMoney } from '../money';
import { CATEGORY_LABELS, CATEGORY_ORDER, type CurrencyStatement, type Statement } from './model';
import { describePeriod } from './period';

/**
 * The statement as a PDF (pdfkit): A4, a header with the factor and the client on every page,
 * "page n of m" footers, one section per currency — summary, every movement with its running
 * balance, fees, releases — and the totals. Amounts are formatted from Big, never from a JS
 * number. The document date is the period's end, so the same figures give the same bytes.
 */

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 78, bottom: 56, left: 48, right: 48 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BOTTOM = PAGE.height - MARGIN.bottom;
const INK = '#0f172a';
const MUTED = '#64748b';
const RULE = '#cbd5e1';
const BRAND = '#0f766e';

/** Movement table columns (x offsets from the left margin and widths, in points). */
const COLUMNS = [
  { key: 'date', header: 'Date', width: 60, align: 'left' },
  { key: 'description', header: 'Description', width: 205, align: 'left' },
  { key: 'reference', header: 'Invoice', width: 78, align: 'left' },
  { key: 'amount', header: 'Amount', width: 74, align: 'right' },
  { key: 'balance', header: 'Balance', width: 82, align: 'right' },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

type Doc = PDFKit.PDFDocument;

export async function renderStatementPdf(statement: Statement): Promise<Buffer> {
  const { period, client, factorName } = statement;
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    compress: true,
    info: {
      Title: `Reserve statement ${client.name} ${period.from} to ${period.to}`,
      Author: factorName,
      Subject: `Reserve statement for ${describePeriod(period)}`,
      Creator: 'Holdback',
      Producer: 'Holdback',
      CreationDate: new Date(`${period.to}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const w = new Writer(doc, statement);
  w.pageHeader();
  w.titleBlock();
  if (statement.currencies.length === 0) {
    w.paragraph('There was no reserve held for you and no reserve movement in this period.');
  }
  for (const section of statement.currencies) w.currencySection(section);
  w.closingNote();
  w.footers();
  doc.end();
  return finished;
}

class Writer {
  y = MARGIN.top;
  /** the table whose header is repeated on a new page, if one is being drawn */
  private repeatHeader: (() => void) | null = null;

  constructor(
    private readonly doc: Doc,
    private readonly statement: Statement,
  ) {}

  private text(
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

  private rule(y: number, color = RULE, width = 0.5) {
    this.doc
      .moveTo(MARGIN.left, y)
      .lineTo(PAGE.width - MARGIN.right, y)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
  }

  /** Starts a new page when `height` does not fit; repeats the current table's header there. */
  private ensure(height: number) {
    if (this.y + height <= BOTTOM) return;
    this.doc.addPage();
    this.pageHeader();
    this.y = MARGIN.top;
    this.repeatHeader?.();
  }

  pageHeader() {
    const { factorName, client, period } = this.statement;
    this.text(factorName, MARGIN.left, 30, { width: CONTENT_WIDTH / 2, font: 'Helvetica-Bold', size: 12, color: BRAND });
    this.text('Reserve statement', MARGIN.left + CONTENT_WIDTH / 2, 30, { width: CONTENT_WIDTH / 2, align: 'right', font: 'Helvetica-Bold', size: 12 });
    this.text(`${client.name} (client ${client.id})`, MARGIN.left, 47, { width: CONTENT_WIDTH * 0.6, size: 9, color: MUTED });
    this.text(`${period.from} to ${period.to}`, MARGIN.left + CONTENT_WIDTH * 0.6, 47, { width: CONTENT_WIDTH * 0.4, align: 'right', size: 9, color: MUTED });
    this.rule(62, BRAND, 1);
  }

  titleBlock() {
    const { client, period } = this.statement;
    this.text(`Reserve statement for ${describePeriod(period)}`, MARGIN.left, this.y, { width: CONTENT_WIDTH, font: 'Helvetica-Bold', size: 16 });
    this.y += 24;
    const rows: [string, string][] = [
      ['Client', `${client.name} (client ${client.id})`],
      ['Period', `${period.from} to ${period.to}, both days included`],
      ['Currencies', this.statement.currencies.map((c) => c.currency).join(', ') || '—'],
    ];
    for (const [label, value] of rows) {
      this.text(label, MARGIN.left, this.y, { width: 90, color: MUTED });
      this.text(value, MARGIN.left + 90, this.y, { width: CONTENT_WIDTH - 90 });
      this.y += 13;
    }
    this.y += 6;
    this.paragraph(
      'This statement shows the reserve we hold back for you: what was held at the start of the period, every movement in it and what is held at its end. A positive amount adds to your reserve; a negative amount takes from it.',
    );
  }

  paragraph(value: string) {
    this.doc.font('Helvetica').fontSize(9);
    const height = this.doc.heightOfString(value, { width: CONTENT_WIDTH });
    this.ensure(height + 6);
    this.doc.fillColor(INK).text(value, MARGIN.left, this.y, { width: CONTENT_WIDTH });
    this.y += height + 8;
  }

  private heading(value: string) {
    this.ensure(60);
    this.y += 6;
    this.text(value, MARGIN.left, this.y, { width: CONTENT_WIDTH, font: 'Helvetica-Bold', size: 12, color: BRAND });
    this.y += 18;
  }

  private subheading(value: string) {
    this.ensure(40);
    this.y += 4;
    this.text(value, MARGIN.left, this.y, { width: CONTENT_WIDTH, font: 'Helvetica-Bold', size: 10 });
    this.y += 15;
  }

  /** Two columns, label and amount; `strong` rows are bold with a rule above. */
  private figures(rows: { label: string; amount: Big; strong?: boolean }[], currency: string) {
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

  private tableRow(values: Record<ColumnKey, string>, options: { font?: string; color?: string } = {}) {
    let x = MARGIN.left;
    for (const c of COLUMNS) {
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

  private movementHeader(currency: string) {
    this.tableRow(
      { date: 'Date', description: 'Description', reference: 'Invoice', amount: `Amount ${currency}`, balance: `Balance ${currency}` },
      { font: 'Helvetica-Bold', color: MUTED },
    );
    this.y += 12;
    this.rule(this.y - 2);
  }

  currencySection(s: StatementCurrency) {
    const c = s.currency;
    const { period } = this.statement;
    this.heading(`${c} reserve`);
    this.figures(
      [
        { label: `Opening balance (held at the start of ${period.from})`, amount: s.opening, strong: true },
        ...CATEGORY_ORDER.filter((k) => k === 'withheld' || !s.totals[k].eq(0)).map((k) => ({ label: CATEGORY_LABELS[k], amount: s.totals[k] })),
        { label: `Closing balance (held at the end of ${period.to})`, amount: s.closing, strong: true },
      ],
      c,
    );

    this.subheading(`Movements (${s.movements.length})`);
    this.ensure(40);
    this.movementHeader(c);
    this.repeatHeader = () => this.movementHeader(c);
    this.tableRow({ date: period.from, description: 'Opening balance', reference: '', amount: '', balance: groupedMoney(s.opening, c) }, { color: MUTED });
    this.y += 12;
    for (const m of s.movements) {
      this.ensure(12);
      this.tableRow({
        date: m.date,
        description: m.description,
        reference: m.reference ?? '',
        amount: groupedMoney(m.amount, c),
        balance: groupedMoney(m.balance, c),
      });
      this.y += 12;
    }
    this.ensure(30);
    this.rule(this.y - 1);
    this.y += 2;
    this.tableRow(
      { date: period.to, description: 'Closing balance', reference: '', amount: groupedMoney(s.totals.net, c), balance: groupedMoney(s.closing, c) },
      { font: 'Helvetica-Bold' },
    );
    this.y += 12;
    this.repeatHeader = null;
    this.text(
      `Added to the reserve ${groupedMoney(s.totals.added, c)} · taken from it ${groupedMoney(s.totals.taken, c)} · net ${groupedMoney(s.totals.net, c)} ${c}`,
      MARGIN.left,
      this.y,
      {
        width: CONTENT_WIDTH,
        size: 8,
        color: MUTED,
      },
    );
    this.y += 16;

    this.subheading('Fees');
    this.figures(
      [
        { label: 'Fees taken when invoices were bought', amount: s.fees.atFunding },
        { label: 'Fees accrued in the period', amount: s.fees.accrued },
        ...(s.fees.otherCharged.eq(0) ? [] : [{ label: 'Other fees charged (fees frozen at settlement, minimum fees)', amount: s.fees.otherCharged }]),
        { label: 'Fees charged in the period', amount: s.fees.charged, strong: true },
        { label: 'Fees settled in the period', amount: s.fees.settled },
        { label: `Fees outstanding at the end of ${period.to}`, amount: s.fees.outstanding, strong: true },
      ],
      c,
    );

    this.subheading('Releases (rebates paid)');
    if (s.releases.length === 0) {
      this.paragraph('No reserve was released to you in this period.');
    } else {
      for (const r of s.releases) {
        this.ensure(14);
        this.text(r.date, MARGIN.left, this.y, { width: 70 });
        this.text(`Release ${r.id}`, MARGIN.left + 70, this.y, { width: 230 });
        this.text(`${groupedMoney(r.paid, c)} ${c}`, MARGIN.left + 300, this.y, { width: CONTENT_WIDTH - 300, align: 'right' });
        this.y += 14;
      }
      this.figures([{ label: 'Paid to you in the period', amount: s.releasedTotal, strong: true }], c);
    }
  }

  closingNote() {
    this.y += 6;
    this.paragraph(
      `Figures are taken from the ledger as of the end of ${this.statement.period.to}. Each currency is held and shown on its own; nothing is converted. Please tell us within 30 days if anything on this statement looks wrong.`,
    );
  }

  footers() {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      this.doc.switchToPage(i);
      // Writing inside the bottom margin must not start another page.
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.text(
        `${this.statement.factorName} · reserve statement ${this.statement.period.from} to ${this.statement.period.to}`,
        MARGIN.left,
        PAGE.height - 38,
        {
          width: CONTENT_WIDTH * 0.7,
          size: 7.5,
          color: MUTED,
        },
      );
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

type StatementCurrency = CurrencyStatement;

/** Shortens text to fit a width (with an ellipsis) so every table row stays one line. */
function fit(doc: Doc, value: string, width: number): string {
  let end = value.length;
  while (end > 0 && doc.widthOfString(`${value.slice(0, end)}…`) > width) end -= 1;
  return `${value.slice(0, end)}…`;
}
