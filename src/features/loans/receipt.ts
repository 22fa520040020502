/**
 * The handover receipt ("bon de prêt"): one A4 page the agent signs when taking the
 * equipment — agent, service, each item with its serial number and kit, the condition at
 * handover, the expected return date, and two signature boxes. Built with pdfkit in memory,
 * with the page kit shared by every printed document (src/platform/pdf.ts).
 */
import { TYPE_LABELS, type Loan } from '../../domain/loans';
import { colon, drawFields, drawFooter, drawRow, drawSection, drawSignatures, drawTitle, fmtDate, PDF_TEXT, safe, startPdf } from '../../platform/pdf';

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
  const p = startPdf({ title: `${t.title} — ${first.agentName}`, author: input.operator });
  const { doc, left, width, bottom, text } = p;

  drawTitle(p, { title: t.title, subtitle: t.sub, top: 40, subtitleY: 62, subtitleAlign: 'left', ruleY: 78 });
  let y = drawFields(
    p,
    [
      [t.agent, first.agentName + (first.agentLogin ? ` (${first.agentLogin})` : '')],
      [t.service, first.serviceName ?? '—'],
      [t.ticket, input.ticketNumber !== null ? `n° ${input.ticketNumber}` : '—'],
      [t.start, fmtDate(first.startAt, input.locale)],
      [t.due, fmtDate(first.dueAt, input.locale)],
      [t.operator, input.operator],
    ],
    90,
    { labelWidth: 120, locale: input.locale },
  );

  y = drawSection(p, t.items, y + 12);
  const widths = [80, 80, 105, 110, width - 375];
  // The kit column wraps on a taller row when the kit is long.
  y = drawRow(p, y, widths, t.cols, { bold: true, shade: true, wrap: 4 });
  input.loans.forEach((l, i) => {
    const cells = [TYPE_LABELS[input.locale][l.type], l.tag, l.serial ?? '—', l.model ?? '—', l.kit.length ? l.kit.join(', ') : t.none];
    y = drawRow(p, y, widths, cells, { shade: i % 2 === 1, height: l.kit.length > 3 ? 24 : 14, wrap: 4 });
  });

  y += 10;
  doc.font('Helvetica-Bold').fontSize(10).fillColor(PDF_TEXT);
  text(colon(t.condition, input.locale), left, y);
  doc.font('Helvetica');
  text(first.conditionOut, left + 140, y, { width: width - 140, ellipsis: true, height: 12 });
  y += 24;
  doc.font('Helvetica').fontSize(9).fillColor(PDF_TEXT);
  doc.text(safe(t.commit, 600), left, y, { width });

  drawSignatures(p, { top: bottom - 110, labels: [t.signAgent, t.signDesk], height: 65, stroke: '#9aa3ad' });
  drawFooter(p, `${t.generated} ${fmtDate(input.generatedAt, input.locale)} — ${input.operator}`);
  return p.finish();
}
