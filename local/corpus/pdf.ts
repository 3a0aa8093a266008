/**
 * Lays out a synthetic document (title, labelled fields, paragraphs, lists,
 * fixed-column tables) with pdfkit's standard fonts, then stamps the running
 * header, fax line, confidentiality banner, page numbers and the
 * "SYNTHETIC TEST DOCUMENT" footer on every page. With a fixed creation date
 * the bytes depend only on the model, so a seed reproduces the same PDF.
 */

import PDFDocument from 'pdfkit';

/** One column of a fixed-column table; widths are in points. */
export interface TableColumn {
  readonly header: string;
  readonly width: number;
}

/** A unit of content, laid out top to bottom. */
export type Block =
  | { readonly kind: 'title'; readonly text: string; readonly subtitle?: string }
  | { readonly kind: 'heading'; readonly text: string }
  | {
      readonly kind: 'fields';
      readonly rows: readonly (readonly [label: string, value: string])[];
      readonly columns: 1 | 2;
    }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[]; readonly numbered: boolean }
  | {
      readonly kind: 'table';
      readonly columns: readonly TableColumn[];
      readonly rows: readonly (readonly string[])[];
    }
  /** Where filler paragraphs may go, under `heading` when any do. */
  | { readonly kind: 'filler'; readonly heading?: string }
  | { readonly kind: 'rule' }
  | { readonly kind: 'space'; readonly lines: number }
  /** Form boxes: each label printed small above its value, `columns` boxes per row. */
  | {
      readonly kind: 'stacked';
      readonly cells: readonly (readonly [label: string, value: string])[];
      readonly columns: number;
    }
  /** Label at the left margin, value across a gutter at `gutter` points, no colon. */
  | {
      readonly kind: 'gutter';
      readonly rows: readonly (readonly [label: string, value: string])[];
      readonly gutter: number;
    }
  /** Lines printed one under the other without paragraph spacing (an address block). */
  | { readonly kind: 'lines'; readonly lines: readonly string[] }
  | { readonly kind: 'pageBreak' };

/** Where page numbers are printed and how. */
export type PageNumberStyle = 'header' | 'footer';

/** Everything needed to print one document. */
export interface DocumentModel {
  /** PDF metadata title: the document kind, never patient data. */
  readonly title: string;
  readonly font: 'Helvetica' | 'Times-Roman';
  readonly fontSize: number;
  /** Running header text on every page (facility, or patient and MRN). */
  readonly header: string;
  /** Fax transmission line stamped at the top of every page, if faxed. */
  readonly faxLine: string | null;
  /** Confidentiality banner printed above the footer of every page. */
  readonly banner: string | null;
  readonly pageNumbers: PageNumberStyle;
  readonly blocks: readonly Block[];
  /** Fixed creation date: it is hashed into the PDF file id. */
  readonly creationDate: Date;
}

/** Printed in the footer of every page of every generated document. */
export const SYNTHETIC_MARK = 'SYNTHETIC TEST DOCUMENT';

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN_X = 54;
const MARGIN_TOP = 72;
const MARGIN_BOTTOM = 72;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const MAX_Y = PAGE_HEIGHT - MARGIN_BOTTOM;

function boldOf(font: DocumentModel['font']): string {
  return font === 'Helvetica' ? 'Helvetica-Bold' : 'Times-Bold';
}

/** Spreads filler paragraphs over the filler slots, round robin. */
function fillersBySlot(blocks: readonly Block[], fillers: readonly string[]): string[][] {
  const slots = blocks.filter((block) => block.kind === 'filler').length;
  const bySlot: string[][] = Array.from({ length: slots }, () => []);
  fillers.forEach((filler, index) => {
    bySlot[index % Math.max(1, slots)]?.push(filler);
  });
  return bySlot;
}

class Layout {
  readonly #doc: PDFKit.PDFDocument;
  readonly #regular: string;
  readonly #bold: string;
  readonly #size: number;

  constructor(doc: PDFKit.PDFDocument, model: DocumentModel) {
    this.#doc = doc;
    this.#regular = model.font;
    this.#bold = boldOf(model.font);
    this.#size = model.fontSize;
  }

  /** Starts a new page when fewer than `height` points remain. */
  #ensureSpace(height: number): void {
    if (this.#doc.y + height > MAX_Y) this.#doc.addPage();
    this.#doc.x = MARGIN_X;
  }

  #lineHeight(): number {
    return this.#doc.font(this.#regular).fontSize(this.#size).currentLineHeight(true);
  }

  title(text: string, subtitle: string | undefined): void {
    const doc = this.#doc;
    doc.font(this.#bold).fontSize(this.#size + 5);
    doc.text(text, MARGIN_X, doc.y, { width: CONTENT_WIDTH, align: 'center' });
    if (subtitle !== undefined) {
      doc.font(this.#regular).fontSize(this.#size);
      doc.text(subtitle, MARGIN_X, doc.y, { width: CONTENT_WIDTH, align: 'center' });
    }
    doc.moveDown(0.6);
  }

  heading(text: string): void {
    const doc = this.#doc;
    // Keep a heading with at least three lines of what follows it.
    this.#ensureSpace(this.#lineHeight() * 4);
    doc.moveDown(0.3);
    doc.font(this.#bold).fontSize(this.#size + 1);
    doc.text(text.toUpperCase(), MARGIN_X, doc.y, { width: CONTENT_WIDTH });
    doc.moveDown(0.2);
  }

  #field(label: string, value: string, x: number, y: number, width: number): number {
    const doc = this.#doc;
    doc.fontSize(this.#size);
    doc.font(this.#bold).text(`${label} `, x, y, { width, continued: true });
    doc.font(this.#regular).text(value);
    return doc.y;
  }

  #fieldHeight(label: string, value: string, width: number): number {
    this.#doc.font(this.#bold).fontSize(this.#size);
    return this.#doc.heightOfString(`${label} ${value}`, { width });
  }

  fields(rows: readonly (readonly [string, string])[], columns: 1 | 2): void {
    const doc = this.#doc;
    const gap = 2;
    const width = columns === 1 ? CONTENT_WIDTH : CONTENT_WIDTH / 2 - 8;
    for (let index = 0; index < rows.length; index += columns) {
      const line = rows.slice(index, index + columns);
      const height = Math.max(
        ...line.map(([label, value]) => this.#fieldHeight(label, value, width)),
      );
      this.#ensureSpace(height + gap);
      const y = doc.y;
      let bottom = y;
      line.forEach(([label, value], column) => {
        const x = MARGIN_X + column * (CONTENT_WIDTH / 2 + 8);
        bottom = Math.max(bottom, this.#field(label, value, x, y, width));
      });
      doc.x = MARGIN_X;
      doc.y = bottom + gap;
    }
    doc.moveDown(0.3);
  }

  paragraph(text: string): void {
    const doc = this.#doc;
    this.#ensureSpace(this.#lineHeight() * 2);
    doc.font(this.#regular).fontSize(this.#size);
    doc.text(text, MARGIN_X, doc.y, { width: CONTENT_WIDTH, align: 'left' });
    doc.moveDown(0.5);
  }

  list(items: readonly string[], numbered: boolean): void {
    const doc = this.#doc;
    const indent = 16;
    items.forEach((item, index) => {
      const marker = numbered ? `${index + 1}.` : '-';
      doc.font(this.#regular).fontSize(this.#size);
      const height = doc.heightOfString(item, { width: CONTENT_WIDTH - indent });
      this.#ensureSpace(height);
      const y = doc.y;
      doc.text(marker, MARGIN_X, y, { width: indent, lineBreak: false });
      doc.text(item, MARGIN_X + indent, y, { width: CONTENT_WIDTH - indent });
      doc.x = MARGIN_X;
    });
    doc.moveDown(0.5);
  }

  #tableRow(cells: readonly string[], columns: readonly TableColumn[], font: string): void {
    const doc = this.#doc;
    const y = doc.y;
    let x = MARGIN_X;
    doc.font(font).fontSize(this.#size - 0.5);
    columns.forEach((column, index) => {
      doc.text(cells[index] ?? '', x, y, { width: column.width - 4, lineBreak: false });
      x += column.width;
    });
    doc.x = MARGIN_X;
    doc.y = y + doc.currentLineHeight(true) + 3;
  }

  table(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): void {
    const doc = this.#doc;
    const rowHeight = this.#lineHeight() + 3;
    const header = (): void => {
      this.#tableRow(
        columns.map((column) => column.header),
        columns,
        this.#bold,
      );
      const y = doc.y - 2;
      doc
        .moveTo(MARGIN_X, y)
        .lineTo(MARGIN_X + CONTENT_WIDTH, y)
        .lineWidth(0.5)
        .stroke();
    };
    this.#ensureSpace(rowHeight * 3);
    header();
    for (const row of rows) {
      if (doc.y + rowHeight > MAX_Y) {
        doc.addPage();
        header();
      }
      this.#tableRow(row, columns, this.#regular);
    }
    doc.moveDown(0.6);
  }

  rule(): void {
    const doc = this.#doc;
    this.#ensureSpace(8);
    const y = doc.y + 2;
    doc
      .moveTo(MARGIN_X, y)
      .lineTo(MARGIN_X + CONTENT_WIDTH, y)
      .lineWidth(0.75)
      .stroke();
    doc.y = y + 6;
  }

  space(lines: number): void {
    this.#doc.moveDown(lines);
  }

  stacked(cells: readonly (readonly [string, string])[], columns: number): void {
    const doc = this.#doc;
    const width = CONTENT_WIDTH / columns;
    for (let index = 0; index < cells.length; index += columns) {
      const row = cells.slice(index, index + columns);
      this.#ensureSpace(this.#lineHeight() * 2.6);
      const top = doc.y;
      doc.font(this.#regular).fontSize(this.#size - 2);
      row.forEach(([label], column) => {
        doc.text(label, MARGIN_X + column * width, top, { width: width - 6, lineBreak: false });
      });
      const valueTop = top + doc.currentLineHeight(true) + 1;
      doc.font(this.#regular).fontSize(this.#size);
      row.forEach(([, value], column) => {
        doc.text(value, MARGIN_X + column * width, valueTop, {
          width: width - 6,
          lineBreak: false,
        });
      });
      doc
        .moveTo(MARGIN_X, valueTop + doc.currentLineHeight(true) + 1)
        .lineTo(MARGIN_X + CONTENT_WIDTH, valueTop + doc.currentLineHeight(true) + 1)
        .lineWidth(0.3)
        .stroke();
      doc.x = MARGIN_X;
      doc.y = valueTop + doc.currentLineHeight(true) + 5;
    }
    doc.moveDown(0.4);
  }

  gutter(rows: readonly (readonly [string, string])[], gutter: number): void {
    const doc = this.#doc;
    for (const [label, value] of rows) {
      doc.font(this.#regular).fontSize(this.#size);
      const height = doc.heightOfString(value, { width: CONTENT_WIDTH - gutter });
      this.#ensureSpace(height + 2);
      const y = doc.y;
      doc.font(this.#bold).text(label, MARGIN_X, y, { width: gutter - 8, lineBreak: false });
      doc.font(this.#regular).text(value, MARGIN_X + gutter, y, { width: CONTENT_WIDTH - gutter });
      doc.x = MARGIN_X;
      doc.y = Math.max(doc.y, y + doc.currentLineHeight(true)) + 2;
    }
    doc.moveDown(0.4);
  }

  lines(lines: readonly string[]): void {
    const doc = this.#doc;
    this.#ensureSpace(this.#lineHeight() * Math.min(lines.length, 4));
    doc.font(this.#regular).fontSize(this.#size);
    for (const line of lines) doc.text(line, MARGIN_X, doc.y, { width: CONTENT_WIDTH });
    doc.moveDown(0.5);
  }

  pageBreak(): void {
    this.#doc.addPage();
    this.#doc.x = MARGIN_X;
  }
}

function stampPages(doc: PDFKit.PDFDocument, model: DocumentModel): number {
  const range = doc.bufferedPageRange();
  const total = range.count;
  for (let index = range.start; index < range.start + total; index += 1) {
    doc.switchToPage(index);
    // Stamps sit in the margins; with a zero bottom margin pdfkit does not add a page for them.
    doc.page.margins.bottom = 0;
    const pageLabel = `Page ${index + 1} of ${total}`;
    if (model.faxLine !== null) {
      doc.font('Courier').fontSize(7.5).fillColor('#333333');
      doc.text(model.faxLine, MARGIN_X, 18, { width: CONTENT_WIDTH, lineBreak: false });
    }
    doc.font(model.font).fontSize(8).fillColor('#444444');
    doc.text(model.header, MARGIN_X, 36, { width: CONTENT_WIDTH * 0.7, lineBreak: false });
    if (model.pageNumbers === 'header') {
      doc.text(pageLabel, MARGIN_X, 36, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
    }
    if (model.banner !== null) {
      doc.fontSize(7);
      doc.text(model.banner, MARGIN_X, PAGE_HEIGHT - 58, {
        width: CONTENT_WIDTH,
        lineBreak: false,
      });
    }
    doc.font(boldOf(model.font)).fontSize(7.5);
    doc.text(`${SYNTHETIC_MARK} - not a real patient record`, MARGIN_X, PAGE_HEIGHT - 44, {
      width: CONTENT_WIDTH * 0.7,
      lineBreak: false,
    });
    if (model.pageNumbers === 'footer') {
      doc.font(model.font).text(pageLabel, MARGIN_X, PAGE_HEIGHT - 44, {
        width: CONTENT_WIDTH,
        align: 'right',
        lineBreak: false,
      });
    }
    doc.fillColor('black');
    doc.page.margins.bottom = MARGIN_BOTTOM;
  }
  return total;
}

/**
 * Prints a document model, placing `fillers` at its filler slots.
 * Returns the PDF bytes and the page count.
 */
export async function renderPdf(
  model: DocumentModel,
  fillers: readonly string[],
): Promise<{ bytes: Buffer; pages: number }> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margins: { top: MARGIN_TOP, bottom: MARGIN_BOTTOM, left: MARGIN_X, right: MARGIN_X },
    bufferPages: true,
    info: {
      Title: model.title,
      Author: 'MedExtract synthetic corpus',
      Subject: SYNTHETIC_MARK,
      CreationDate: model.creationDate,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  const layout = new Layout(doc, model);
  const slots = fillersBySlot(model.blocks, fillers);
  let slot = 0;
  for (const block of model.blocks) {
    switch (block.kind) {
      case 'title':
        layout.title(block.text, block.subtitle);
        break;
      case 'heading':
        layout.heading(block.text);
        break;
      case 'fields':
        layout.fields(block.rows, block.columns);
        break;
      case 'paragraph':
        layout.paragraph(block.text);
        break;
      case 'list':
        layout.list(block.items, block.numbered);
        break;
      case 'table':
        layout.table(block.columns, block.rows);
        break;
      case 'filler': {
        const texts = slots[slot] ?? [];
        if (texts.length > 0 && block.heading !== undefined) layout.heading(block.heading);
        for (const text of texts) layout.paragraph(text);
        slot += 1;
        break;
      }
      case 'rule':
        layout.rule();
        break;
      case 'space':
        layout.space(block.lines);
        break;
      case 'stacked':
        layout.stacked(block.cells, block.columns);
        break;
      case 'gutter':
        layout.gutter(block.rows, block.gutter);
        break;
      case 'lines':
        layout.lines(block.lines);
        break;
      case 'pageBreak':
        layout.pageBreak();
        break;
    }
  }

  const pages = stampPages(doc, model);
  doc.end();
  await ended;
  return { bytes: Buffer.concat(chunks), pages };
}
