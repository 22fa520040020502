/**
 * The intervention report ("fiche d'intervention"): one A4 page summarising what was done
 * on a ticket — tool runs and checklist steps, their results and durations, the
 * technician — for the agent or the service manager. Built with the shared page kit
 * (src/platform/pdf.ts); the
 * renderer receives the bytes (base64) and offers them as a download, so no file path
 * ever comes from the UI.
 */
import { drawFields, drawFooter, drawRow, drawSection, drawSignatures, drawTitle, fillIn, fmtDate, PDF_MUTED, PDF_TEXT, startPdf, type PdfLocale } from '../../platform/pdf';
import type { ChecklistRun, ToolRun } from '../../domain/tools';
import { statusText, targetText } from './runs';
import type { TicketHeader } from './ticket-bridge';


export interface ReportInput {
  ticket: TicketHeader;
  runs: ToolRun[];
  checklists: ChecklistRun[];
  technician: string;
  generatedAt: Date;
  audience: 'agent' | 'manager';
  locale: 'fr' | 'en';
  /** Names an SSH target (profile name and host) instead of its id. */
  describeTarget?: (t: ToolRun['target']) => string;
  /** Time spent on the phone for this ticket (the calls' measured durations), in seconds. */
  callSeconds?: number;
}

const L = {
  fr: {
    title: "Fiche d'intervention",
    ticket: 'Ticket',
    subject: 'Objet',
    requester: 'Demandeur',
    technician: 'Technicien',
    date: 'Date',
    total: 'Durée totale des opérations',
    calls: 'Durée des appels',
    actions: 'Opérations réalisées',
    when: 'Heure',
    what: 'Opération',
    where: 'Poste',
    result: 'Résultat',
    duration: 'Durée',
    none: 'Aucune opération enregistrée sur ce ticket.',
    more: "… et {n} autre(s) opération(s), détaillée(s) dans l'historique du ticket.",
    checklists: 'Listes de contrôle',
    steps: '{done}/{total} étapes',
    digest: 'Empreintes SHA-256 des sorties (8 premiers caractères) pour contrôle.',
    signAgent: "Signature de l'agent",
    signTech: 'Signature du technicien',
    signManager: 'Visa du responsable de service',
    generated: 'Document produit par Relais le',
    local: 'ce poste',
  },
  en: {
    title: 'Intervention report',
    ticket: 'Ticket',
    subject: 'Subject',
    requester: 'Requester',
    technician: 'Technician',
    date: 'Date',
    total: 'Total time of operations',
    calls: 'Time on the phone',
    actions: 'Operations carried out',
    when: 'Time',
    what: 'Operation',
    where: 'PC',
    result: 'Result',
    duration: 'Duration',
    none: 'No operation recorded on this ticket.',
    more: "… and {n} more operation(s), detailed in the ticket's history.",
    checklists: 'Checklists',
    steps: '{done}/{total} steps',
    digest: 'SHA-256 digests of the outputs (first 8 characters) for checking.',
    signAgent: "Agent's signature",
    signTech: "Technician's signature",
    signManager: "Department manager's approval",
    generated: 'Produced by Relais on',
    local: 'this PC',
  },
} satisfies Record<PdfLocale, Record<string, string>>;

/** Which copy this is, printed under the title. */
const COPY: Record<PdfLocale, Record<ReportInput['audience'], string>> = {
  fr: { agent: "Exemplaire de l'agent", manager: 'Exemplaire du responsable de service' },
  en: { agent: "Agent's copy", manager: "Department manager's copy" },
};

const CHECKLIST_STATUS: Record<PdfLocale, Record<ChecklistRun['status'], string>> = {
  fr: { active: 'en cours', completed: 'terminée', abandoned: 'abandonnée' },
  en: { active: 'in progress', completed: 'completed', abandoned: 'abandoned' },
};

function fmtDuration(ms: number | null, locale: 'fr' | 'en'): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  const txt = s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return locale === 'fr' ? txt.replace('.', ',') : txt;
}

export async function buildInterventionReport(input: ReportInput): Promise<{ pdf: Buffer; pages: number }> {
  const t = L[input.locale];
  const p = startPdf({ title: `${t.title} — ${t.ticket} ${input.ticket.number ?? input.ticket.id}`, author: input.technician });
  const { doc, left, width, bottom, text } = p;

  drawTitle(p, { title: t.title, subtitle: COPY[input.locale][input.audience], top: 40, subtitleY: 44, subtitleAlign: 'right', ruleY: 66 });
  const totalMs = input.runs.reduce((a, r) => a + (r.durationMs ?? 0), 0);
  const fields: [string, string][] = [
    [t.ticket, input.ticket.number !== null ? `n° ${input.ticket.number}` : input.ticket.id],
    [t.subject, input.ticket.subject || '—'],
    [t.requester, input.ticket.requester || '—'],
    [t.technician, input.technician],
    [t.date, fmtDate(input.generatedAt, input.locale)],
    [t.total, fmtDuration(totalMs, input.locale)],
    ...(input.callSeconds ? ([[t.calls, fmtDuration(input.callSeconds * 1000, input.locale)]] as [string, string][]) : []),
  ];
  let y = drawFields(p, fields, 76, { labelWidth: 150, locale: input.locale });

  // Operations table
  y = drawSection(p, t.actions, y + 10);
  const widths = [70, 205, 90, 85, width - 450];
  y = drawRow(p, y, widths, [t.when, t.what, t.where, t.result, t.duration], { bold: true, shade: true });
  const checklistBlock = input.checklists.length ? 24 + input.checklists.length * 13 : 0;
  const reserved = 150 + checklistBlock; // digests note, signatures, footer
  const maxRows = Math.max(0, Math.floor((bottom - reserved - y) / 14));
  const runs = [...input.runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (runs.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(9).fillColor(PDF_MUTED);
    text(t.none, left + 3, y);
    y += 14;
  }
  const shown = runs.length > maxRows ? runs.slice(runs.length - Math.max(0, maxRows - 1)) : runs;
  if (runs.length > maxRows) {
    doc.font('Helvetica-Oblique').fontSize(8.5).fillColor(PDF_MUTED);
    text(fillIn(t.more, { n: runs.length - shown.length }), left + 3, y, { width: width - 6, ellipsis: true, height: 11 });
    y += 14;
  }
  shown.forEach((r, i) => {
    const result = statusText(r.status)[input.locale] + (r.exitCode !== null ? ` (${r.exitCode})` : '');
    const where = r.target.kind === 'local' ? t.local : (input.describeTarget ?? targetText)(r.target);
    const label = r.toolLabel[input.locale] + (input.audience === 'manager' && r.outputDigest ? ` [${r.outputDigest.slice(0, 8)}]` : '');
    y = drawRow(p, y, widths, [fmtDate(r.startedAt, input.locale, false), label, where, result, fmtDuration(r.durationMs, input.locale)], { shade: i % 2 === 1 });
  });

  // Checklists
  if (input.checklists.length) {
    y = drawSection(p, t.checklists, y + 8, 16);
    doc.font('Helvetica').fontSize(9).fillColor(PDF_TEXT);
    for (const c of input.checklists.slice(0, 4)) {
      const done = c.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
      const manualNotes = c.steps.filter((s) => s.kind === 'manual' && s.status === 'done').map((s) => s.label[input.locale]);
      text(`• ${c.label[input.locale]} — ${fillIn(t.steps, { done, total: c.steps.length })}, ${CHECKLIST_STATUS[input.locale][c.status]}${manualNotes.length ? ` — ${manualNotes.join(' ; ')}` : ''}`, left, y, { width, ellipsis: true, height: 11 });
      y += 13;
    }
  }

  if (input.audience === 'manager') {
    y += 6;
    doc.font('Helvetica-Oblique').fontSize(8).fillColor(PDF_MUTED);
    text(t.digest, left, y, { width });
  }

  const signer = input.audience === 'manager' ? t.signManager : t.signAgent;
  drawSignatures(p, { top: bottom - 100, labels: [signer, t.signTech], height: 55, stroke: '#d5d9df' });
  drawFooter(p, `${t.generated} ${fmtDate(input.generatedAt, input.locale)} — ${input.technician}`);
  return p.finish();
}
