/**
 * The intervention report ("fiche d'intervention"): one A4 page summarising what was done
 * on a ticket — tool runs and checklist steps, their results and durations, the
 * technician — for the agent or the service manager. Built with pdfkit in memory; the
 * renderer receives the bytes (base64) and offers them as a download, so no file path
 * ever comes from the UI.
 */
import PDFDocument from 'pdfkit';
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
    more: (n: number) => `… et ${n} autre(s) opération(s), détaillée(s) dans l'historique du ticket.`,
    checklists: 'Listes de contrôle',
    steps: (d: number, n: number) => `${d}/${n} étapes`,
    status: { active: 'en cours', completed: 'terminée', abandoned: 'abandonnée' } as Record<string, string>,
    digest: 'Empreintes SHA-256 des sorties (8 premiers caractères) pour contrôle.',
    signAgent: "Signature de l'agent",
    signTech: 'Signature du technicien',
    signManager: 'Visa du responsable de service',
    audience: { agent: "Exemplaire de l'agent", manager: 'Exemplaire du responsable de service' },
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
    more: (n: number) => `… and ${n} more operation(s), detailed in the ticket's history.`,
    checklists: 'Checklists',
    steps: (d: number, n: number) => `${d}/${n} steps`,
    status: { active: 'in progress', completed: 'completed', abandoned: 'abandoned' } as Record<string, string>,
    digest: 'SHA-256 digests of the outputs (first 8 characters) for checking.',
    signAgent: "Agent's signature",
    signTech: "Technician's signature",
    signManager: "Department manager's approval",
    audience: { agent: "Agent's copy", manager: "Department manager's copy" },
    generated: 'Produced by Relais on',
    local: 'this PC',
  },
};

/** Helvetica (the PDF standard font) covers Latin-1 and the WinAnsi extras; anything else becomes "?". */
export function safe(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[^\u0020-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, '?');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function fmtDuration(ms: number | null, locale: 'fr' | 'en'): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  const txt = s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return locale === 'fr' ? txt.replace('.', ',') : txt;
}

export function fmtDate(iso: string | Date, locale: 'fr' | 'en', withDate = true): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris',
    ...(withDate ? { dateStyle: 'short' as const } : {}),
    timeStyle: 'short',
  });
}

export async function buildInterventionReport(input: ReportInput): Promise<{ pdf: Buffer; pages: number }> {
  const t = L[input.locale];
  const doc = new PDFDocument({ size: 'A4', margin: 40, bufferPages: true, info: { Title: `${t.title} — ${t.ticket} ${input.ticket.number ?? input.ticket.id}`, Author: safe(input.technician), Creator: 'Relais' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));

  const left = 40;
  const width = doc.page.width - 80;
  const bottom = doc.page.height - 40;
  const text = (s: string, x: number, y: number, opts: PDFKit.Mixins.TextOptions = {}) => doc.text(safe(s, 400), x, y, { lineBreak: false, ...opts });

  // Header
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#13243a');
  text(t.title, left, 40);
  doc.font('Helvetica').fontSize(9).fillColor('#5b6470');
  text(t.audience[input.audience], left, 44, { width, align: 'right' });
  doc.moveTo(left, 66).lineTo(left + width, 66).strokeColor('#0a58ca').lineWidth(1.5).stroke();

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
  let y = 76;
  doc.fontSize(10).fillColor('#1b1f24');
  for (const [k, v] of fields) {
    doc.font('Helvetica-Bold');
    // French puts a space before the colon, English does not.
    text(input.locale === 'fr' ? `${k} :` : `${k}:`, left, y, { width: 150 });
    doc.font('Helvetica');
    text(v, left + 155, y, { width: width - 155, ellipsis: true, height: 12 });
    y += 15;
  }

  // Operations table
  y += 10;
  doc.font('Helvetica-Bold').fontSize(12).fillColor('#13243a');
  text(t.actions, left, y);
  y += 18;
  const cols = [
    { key: t.when, w: 70 },
    { key: t.what, w: 205 },
    { key: t.where, w: 90 },
    { key: t.result, w: 85 },
    { key: t.duration, w: width - 450 },
  ];
  const row = (cells: string[], bold: boolean, shade: boolean) => {
    if (shade) doc.rect(left, y - 2, width, 14).fill('#eef2f7');
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5).fillColor('#1b1f24');
    let x = left + 3;
    cells.forEach((c, i) => {
      text(c, x, y, { width: cols[i]!.w - 6, ellipsis: true, height: 11 });
      x += cols[i]!.w;
    });
    y += 14;
  };
  row(
    cols.map((c) => c.key),
    true,
    true,
  );
  const checklistBlock = input.checklists.length ? 24 + input.checklists.length * 13 : 0;
  const reserved = 150 + checklistBlock; // digests note, signatures, footer
  const maxRows = Math.max(0, Math.floor((bottom - reserved - y) / 14));
  const runs = [...input.runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (runs.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(9).fillColor('#5b6470');
    text(t.none, left + 3, y);
    y += 14;
  }
  const shown = runs.length > maxRows ? runs.slice(runs.length - Math.max(0, maxRows - 1)) : runs;
  if (runs.length > maxRows) {
    doc.font('Helvetica-Oblique').fontSize(8.5).fillColor('#5b6470');
    text(t.more(runs.length - shown.length), left + 3, y, { width: width - 6, ellipsis: true, height: 11 });
    y += 14;
  }
  shown.forEach((r, i) => {
    const result = statusText(r.status)[input.locale] + (r.exitCode !== null ? ` (${r.exitCode})` : '');
    const where = r.target.kind === 'local' ? t.local : (input.describeTarget ?? targetText)(r.target);
    const label = r.toolLabel[input.locale] + (input.audience === 'manager' && r.outputDigest ? ` [${r.outputDigest.slice(0, 8)}]` : '');
    row([fmtDate(r.startedAt, input.locale, false), label, where, result, fmtDuration(r.durationMs, input.locale)], false, i % 2 === 1);
  });

  // Checklists
  if (input.checklists.length) {
    y += 8;
    doc.font('Helvetica-Bold').fontSize(12).fillColor('#13243a');
    text(t.checklists, left, y);
    y += 16;
    doc.font('Helvetica').fontSize(9).fillColor('#1b1f24');
    for (const c of input.checklists.slice(0, 4)) {
      const done = c.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
      const manualNotes = c.steps.filter((s) => s.kind === 'manual' && s.status === 'done').map((s) => s.label[input.locale]);
      text(`• ${c.label[input.locale]} — ${t.steps(done, c.steps.length)}, ${t.status[c.status] ?? c.status}${manualNotes.length ? ` — ${manualNotes.join(' ; ')}` : ''}`, left, y, { width, ellipsis: true, height: 11 });
      y += 13;
    }
  }

  if (input.audience === 'manager') {
    y += 6;
    doc.font('Helvetica-Oblique').fontSize(8).fillColor('#5b6470');
    text(t.digest, left, y, { width });
  }

  // Signatures
  const sy = bottom - 100;
  doc.font('Helvetica').fontSize(9).fillColor('#1b1f24');
  const half = (width - 20) / 2;
  text(input.audience === 'manager' ? t.signManager : t.signAgent, left, sy);
  text(t.signTech, left + half + 20, sy);
  doc.rect(left, sy + 14, half, 55).strokeColor('#d5d9df').lineWidth(1).stroke();
  doc.rect(left + half + 20, sy + 14, half, 55).stroke();
  doc.font('Helvetica').fontSize(7.5).fillColor('#5b6470');
  text(`${t.generated} ${fmtDate(input.generatedAt, input.locale)} — ${input.technician}`, left, bottom - 12, { width });

  const pages = doc.bufferedPageRange().count;
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), pages };
}
