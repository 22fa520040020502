/**
 * The A4 page kit every printed document of Relais is drawn with (loan receipt, intervention
 * report, activity report, incident export): pdfkit in memory, Helvetica, one ink palette,
 * and the blocks they share — title band, "label : value" list, table rows, two signature
 * boxes and the "produced by Relais" footer. The renderer only ever receives the bytes.
 */
import PDFDocument from 'pdfkit';

export type PdfLocale = 'fr' | 'en';

export const PDF_INK = '#13243a';
export const PDF_TEXT = '#1b1f24';
export const PDF_MUTED = '#5b6470';

/** Helvetica (the PDF standard font) covers Latin-1 and the WinAnsi extras; anything else becomes "?". */
export function safe(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[^\u0020-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, '?');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** A date (and time) as people read it in Paris, whatever the machine's time zone. */
export function fmtDate(iso: string | Date, locale: PdfLocale, withDate = true): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris',
    ...(withDate ? { dateStyle: 'short' as const } : {}),
    timeStyle: 'short',
  });
}

/** Fills a wording's `{name}` slots: the words of both languages stay plain data. */
export const fillIn = (wording: string, values: Record<string, string | number>): string => wording.replace(/\{(\w+)\}/g, (slot, name: string) => String(values[name] ?? slot));

/** French puts a space before the colon, English does not. */
export const colon = (label: string, locale: PdfLocale): string => (locale === 'fr' ? `${label} :` : `${label}:`);

export interface PdfPage {
  doc: PDFKit.PDFDocument;
  left: number;
  width: number;
  bottom: number;
  /** One line of text, made safe for Helvetica, never wrapping unless `opts` says so. */
  text(s: string, x: number, y: number, opts?: PDFKit.Mixins.TextOptions): PDFKit.PDFDocument;
  /** Ends the document: its bytes and page count. */
  finish(): Promise<{ pdf: Buffer; pages: number }>;
}

export function startPdf(o: { title: string; author: string; margin?: number; maxText?: number }): PdfPage {
  const margin = o.margin ?? 40;
  const doc = new PDFDocument({ size: 'A4', margin, bufferPages: true, info: { Title: o.title, Author: safe(o.author), Creator: 'Relais' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const maxText = o.maxText ?? 400;
  return {
    doc,
    left: margin,
    width: doc.page.width - 2 * margin,
    bottom: doc.page.height - margin,
    text: (s, x, y, opts = {}) => doc.text(safe(s, maxText), x, y, { lineBreak: false, ...opts }),
    async finish() {
      const pages = doc.bufferedPageRange().count;
      doc.end();
      await ended;
      return { pdf: Buffer.concat(chunks), pages };
    },
  };
}

/** The title band: big title, a muted subtitle (below it, or right-aligned beside it), a rule. */
export function drawTitle(
  p: PdfPage,
  o: { title: string; subtitle: string; top: number; subtitleY: number; subtitleAlign: 'left' | 'right'; ruleY: number; ruleColor?: string; ruleWidth?: number },
): void {
  const { doc, left, width } = p;
  doc.font('Helvetica-Bold').fontSize(18).fillColor(PDF_INK);
  p.text(o.title, left, o.top);
  doc.font('Helvetica').fontSize(9).fillColor(PDF_MUTED);
  p.text(o.subtitle, left, o.subtitleY, o.subtitleAlign === 'right' ? { width, align: 'right' } : {});
  doc.moveTo(left, o.ruleY).lineTo(left + width, o.ruleY).strokeColor(o.ruleColor ?? '#0a58ca').lineWidth(o.ruleWidth ?? 1.5).stroke();
}

/** "Label : value" lines, one every 15 pt from `y`; returns the y below the last. */
export function drawFields(p: PdfPage, fields: [string, string][], y: number, o: { labelWidth: number; locale: PdfLocale }): number {
  const { doc, left, width } = p;
  doc.fontSize(10).fillColor(PDF_TEXT);
  for (const [k, v] of fields) {
    doc.font('Helvetica-Bold');
    p.text(colon(k, o.locale), left, y, { width: o.labelWidth });
    doc.font('Helvetica');
    p.text(v, left + o.labelWidth + 5, y, { width: width - o.labelWidth - 5, ellipsis: true, height: 12 });
    y += 15;
  }
  return y;
}

/** A section heading; returns the y where its content starts. */
export function drawSection(p: PdfPage, title: string, y: number, gap = 18): number {
  p.doc.font('Helvetica-Bold').fontSize(12).fillColor(PDF_INK);
  p.text(title, p.left, y);
  return y + gap;
}

/**
 * One table row across the page width, shaded on alternate rows; the column `wrap` (if any)
 * may run on two lines when the row is tall enough. Returns the y of the next row.
 */
export function drawRow(p: PdfPage, y: number, widths: number[], cells: string[], o: { bold?: boolean; shade?: boolean; height?: number; wrap?: number } = {}): number {
  const { doc, left, width } = p;
  const h = o.height ?? 14;
  if (o.shade) doc.rect(left, y - 2, width, h).fill('#eef2f7');
  doc.font(o.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5).fillColor(PDF_TEXT);
  let x = left + 3;
  cells.forEach((c, i) => {
    p.text(c, x, y, { width: widths[i]! - 6, ellipsis: true, height: h - 3, lineBreak: i === o.wrap });
    x += widths[i]!;
  });
  return y + h;
}

/** Two signature boxes side by side, each under its label. */
export function drawSignatures(p: PdfPage, o: { top: number; labels: [string, string]; height: number; stroke: string }): void {
  const { doc, left, width } = p;
  const half = (width - 20) / 2;
  doc.font('Helvetica').fontSize(9).fillColor(PDF_TEXT);
  p.text(o.labels[0], left, o.top, { width: half });
  p.text(o.labels[1], left + half + 20, o.top, { width: half });
  doc.rect(left, o.top + 14, half, o.height).strokeColor(o.stroke).lineWidth(1).stroke();
  doc.rect(left + half + 20, o.top + 14, half, o.height).stroke();
}

/** The small line at the foot of the page: who produced the document, and when. */
export function drawFooter(p: PdfPage, line: string): void {
  p.doc.font('Helvetica').fontSize(7.5).fillColor(PDF_MUTED);
  p.text(line, p.left, p.bottom - 12, { width: p.width });
}
