/**
 * The handover receipt ("bon de prêt"): one A4 page the agent signs when taking the
 * equipment — agent, service, each item with its serial number and kit, the condition at
 * handover, the expected return date, and two signature boxes. Built with pdfkit in memory,
 * in the same way and with the same text helpers as the intervention report.
 */
import PDFDocument from 'pdfkit';
import { TYPE_LABELS, type Loan } from '../../domain/loans';
import { fmtDate, safe } from '../tools/report';

export interface ReceiptInput {
  loans: Loan[];
  ticketNumber: number | null;
  operator: string;
  generatedAt: Date;
  locale: 'fr' | 'en';
}

const L = {
  fr: {
    title: 'Bon de prêt de matériel',
    sub: 'Permanence de la Direction des Usages Numériques',
    agent: 'Agent',
    service: 'Service',
    ticket: 'Demande',
    start: 'Remis le',
    due: 'Retour prévu le',
    operator: 'Remis par',
    items: 'Matériel remis',
    cols: ['Type', 'Étiquette', 'N° de série', 'Modèle', 'Kit (accessoires)'],
    condition: 'État à la remise',
    commit:
      "L'agent reconnaît avoir reçu le matériel ci-dessus, en bon état sauf mention contraire, et s'engage à le restituer complet (accessoires compris) à la date prévue. Toute perte, vol ou casse doit être signalé sans délai à la hotline.",
    signAgent: "Signature de l'agent (précédée de « reçu le matériel »)",
    signDesk: 'Signature pour la permanence',
    generated: 'Document produit par Relais le',
    none: 'aucun',
  },
  en: {
    title: 'Equipment loan receipt',
    sub: 'Equipment desk of the Digital Services Department',
    agent: 'Agent',
    service: 'Service',
    ticket: 'Request',
    start: 'Handed over on',
    due: 'Expected return',
    operator: 'Handed over by',
    items: 'Equipment handed over',
    cols: ['Type', 'Tag', 'Serial number', 'Model', 'Kit (accessories)'],
    condition: 'Condition at handover',
    commit:
      'The agent acknowledges receiving the equipment above, in good condition unless stated otherwise, and undertakes to return it complete (accessories included) by the expected date. Any loss, theft or damage must be reported to the hotline at once.',
    signAgent: "Agent's signature (preceded by \"equipment received\")",
    signDesk: 'Signature for the equipment desk',
    generated: 'Produced by Relais on',
    none: 'none',
  },
};

export async function buildLoanReceipt(input: ReceiptInput): Promise<{ pdf: Buffer; pages: number }> {
  const t = L[input.locale];
  const first = input.loans[0]!;
  const doc = new PDFDocument({ size: 'A4', margin: 40, bufferPages: true, info: { Title: `${t.title} — ${first.agentName}`, Author: safe(input.operator), Creator: 'Relais' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const left = 40;
  const width = doc.page.width - 80;
  const bottom = doc.page.height - 40;
  const text = (s: string, x: number, y: number, opts: PDFKit.Mixins.TextOptions = {}) => doc.text(safe(s, 400), x, y, { lineBreak: false, ...opts });
  const colon = (k: string) => (input.locale === 'fr' ? `${k} :` : `${k}:`);

  doc.font('Helvetica-Bold').fontSize(18).fillColor('#13243a');
  text(t.title, left, 40);
  doc.font('Helvetica').fontSize(9).fillColor('#5b6470');
  text(t.sub, left, 62);
  doc.moveTo(left, 78).lineTo(left + width, 78).strokeColor('#0a58ca').lineWidth(1.5).stroke();

  const fields: [string, string][] = [
    [t.agent, first.agentName + (first.agentLogin ? ` (${first.agentLogin})` : '')],
    [t.service, first.serviceName ?? '—'],
    [t.ticket, input.ticketNumber !== null ? `n° ${input.ticketNumber}` : '—'],
    [t.start, fmtDate(first.startAt, input.locale)],
    [t.due, fmtDate(first.dueAt, input.locale)],
    [t.operator, input.operator],
  ];
  let y = 90;
  doc.fontSize(10).fillColor('#1b1f24');
  for (const [k, v] of fields) {
    doc.font('Helvetica-Bold');
    text(colon(k), left, y, { width: 120 });
    doc.font('Helvetica');
    text(v, left + 125, y, { width: width - 125, ellipsis: true, height: 12 });
    y += 15;
  }

  y += 12;
  doc.font('Helvetica-Bold').fontSize(12).fillColor('#13243a');
  text(t.items, left, y);
  y += 18;
  const widths = [80, 80, 105, 110, width - 375];
  const row = (cells: string[], bold: boolean, shade: boolean, h = 14) => {
    if (shade) doc.rect(left, y - 2, width, h).fill('#eef2f7');
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5).fillColor('#1b1f24');
    let x = left + 3;
    cells.forEach((c, i) => {
      text(c, x, y, { width: widths[i]! - 6, ellipsis: true, height: h - 3, lineBreak: i === 4 });
      x += widths[i]!;
    });
    y += h;
  };
  row(t.cols, true, true);
  input.loans.forEach((l, i) => {
    row([TYPE_LABELS[input.locale][l.type], l.tag, l.serial ?? '—', l.model ?? '—', l.kit.length ? l.kit.join(', ') : t.none], false, i % 2 === 1, l.kit.length > 3 ? 24 : 14);
  });

  y += 10;
  doc.font('Helvetica-Bold').fontSize(10).fillColor('#1b1f24');
  text(colon(t.condition), left, y);
  doc.font('Helvetica');
  text(first.conditionOut, left + 140, y, { width: width - 140, ellipsis: true, height: 12 });
  y += 24;
  doc.font('Helvetica').fontSize(9).fillColor('#1b1f24');
  doc.text(safe(t.commit, 600), left, y, { width });

  const sy = bottom - 110;
  const half = (width - 20) / 2;
  doc.font('Helvetica').fontSize(9).fillColor('#1b1f24');
  text(t.signAgent, left, sy, { width: half });
  text(t.signDesk, left + half + 20, sy, { width: half });
  doc.rect(left, sy + 14, half, 65).strokeColor('#9aa3ad').lineWidth(1).stroke();
  doc.rect(left + half + 20, sy + 14, half, 65).stroke();
  doc.font('Helvetica').fontSize(7.5).fillColor('#5b6470');
  text(`${t.generated} ${fmtDate(input.generatedAt, input.locale)} — ${input.operator}`, left, bottom - 12, { width });

  const pages = doc.bufferedPageRange().count;
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), pages };
}
