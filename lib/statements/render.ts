import { CLIENT_FEE_WORDS, clientFeeLines } from '../fees/client-fees';
import { groupedMoney } from '../money';
import { CONTENT_WIDTH, MARGIN, MUTED, PdfWriter, createPdf, type Doc, type TableColumn } from '../pdf/layout';
import { CATEGORY_LABELS, CATEGORY_ORDER, type CurrencyStatement, type Statement } from './model';
import { describePeriod } from './period';

/**
 * The statement as a PDF (pdfkit, the shared layout of lib/pdf/layout.ts): A4, a header with the
 * factor and the client on every page, "page n of m" footers, one section per currency — summary,
 * every movement with its running balance, fees, releases — and the totals. Amounts are formatted
 * from Big, never from a JS number. The document date is the period's end, so the same figures
 * give the same bytes.
 */

/** Movement table columns (widths in points). */
const COLUMNS = [
  { key: 'date', header: 'Date', width: 60, align: 'left' },
  { key: 'description', header: 'Description', width: 205, align: 'left' },
  { key: 'reference', header: 'Invoice', width: 78, align: 'left' },
  { key: 'amount', header: 'Amount', width: 74, align: 'right' },
  { key: 'balance', header: 'Balance', width: 82, align: 'right' },
] as const satisfies readonly TableColumn<string>[];
type ColumnKey = (typeof COLUMNS)[number]['key'];

export async function renderStatementPdf(statement: Statement): Promise<Buffer> {
  const { period, client, factorName } = statement;
  const { doc, finished } = createPdf({
    title: `Reserve statement ${client.name} ${period.from} to ${period.to}`,
    author: factorName,
    subject: `Reserve statement for ${describePeriod(period)}`,
    date: period.to,
  });

  const w = new Writer(doc, statement);
  w.pageHeader();
  w.titleBlock();
  if (statement.currencies.length === 0) {
    w.paragraph('There was no reserve held for you and no reserve movement in this period.');
  }
  for (const section of statement.currencies) w.currencySection(section);
  w.closingNote();
  w.footers(`${factorName} · reserve statement ${period.from} to ${period.to}`);
  doc.end();
  return finished;
}

class Writer extends PdfWriter {
  constructor(
    doc: Doc,
    private readonly statement: Statement,
  ) {
    super(doc);
  }

  override pageHeader() {
    const { factorName, client, period } = this.statement;
    this.headerBand(factorName, 'Reserve statement', `${client.name} (client ${client.id})`, `${period.from} to ${period.to}`);
  }

  titleBlock() {
    const { client, period } = this.statement;
    this.titleRows(`Reserve statement for ${describePeriod(period)}`, [
      ['Client', `${client.name} (client ${client.id})`],
      ['Period', `${period.from} to ${period.to}, both days included`],
      ['Currencies', this.statement.currencies.map((c) => c.currency).join(', ') || '—'],
    ]);
    this.paragraph(
      'This statement shows the reserve we hold back for you: what was held at the start of the period, every movement in it and what is held at its end. A positive amount adds to your reserve; a negative amount takes from it.',
    );
  }

  private movementRow(values: Record<ColumnKey, string>, options: { font?: string; color?: string } = {}) {
    this.tableRow(COLUMNS, values, options);
  }

  private movementHeader(currency: string) {
    this.movementRow(
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
    this.movementRow({ date: period.from, description: 'Opening balance', reference: '', amount: '', balance: groupedMoney(s.opening, c) }, { color: MUTED });
    this.y += 12;
    for (const m of s.movements) {
      this.ensure(12);
      this.movementRow({
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
    this.movementRow(
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
      ],
      c,
    );
    // Issue 14 item 6: the two figures the portal shows, in its words and order, at the period's end.
    this.paragraph(`Fees not yet taken, at the end of ${period.to}:`);
    this.figures(
      clientFeeLines(s.fees).map((l) => ({ label: l.label, amount: l.amount, strong: true })),
      c,
    );

    // issue 14: a release is released (client payable) at approval; the payout to the bank follows in a batch
    this.subheading('Releases (reserve released to you)');
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
      this.figures([{ label: 'Released to you in the period', amount: s.releasedTotal, strong: true }], c);
    }
  }

  closingNote() {
    this.y += 6;
    this.paragraph(CLIENT_FEE_WORDS.help);
    this.paragraph(
      `Figures are taken from the ledger as of the end of ${this.statement.period.to}. Each currency is held and shown on its own; nothing is converted. Please tell us within 30 days if anything on this statement looks wrong.`,
    );
  }
}

type StatementCurrency = CurrencyStatement;
