/**
 * The "rapport d'activité": one A4 page the chef de service sends to the Métropole and the
 * Ville for a period — key numbers, the opened/resolved/backlog chart, the calls heatmap,
 * top categories, SLA breaches by team, the organisation split and the operators. Built
 * with pdfkit in memory on the shared page kit (src/platform/pdf.ts). Charts are drawn in shades of one
 * ink plus hatching and direct labels, so the page reads the same printed in black and white.
 */
import { dashboardFormatters, relativeChange, type Dashboard } from '../../domain/dashboard';
import { STATE_LABELS } from '../../domain/loans';
import { drawFooter, drawTitle, PDF_INK, PDF_MUTED, safe, startPdf } from '../../platform/pdf';

type Locale = 'fr' | 'en';

export interface ActivityReportInput {
  data: Dashboard;
  locale: Locale;
  generatedAt: Date;
  author: string;
  scope: { organisation: string | null; team: string | null; service: string | null };
}

const L = {
  fr: {
    title: "Rapport d'activité",
    subtitle: 'Support informatique — Direction des Usages Numériques',
    period: 'Période',
    scope: 'Périmètre',
    all: 'toutes organisations',
    calls: 'Appels',
    vsPrevious: (c: string) => `${c} vs période préc.`,
    opened: 'Tickets ouverts',
    resolved: 'Résolus ou clos',
    backlog: 'En attente (fin)',
    fcr: 'Résolus au 1er appel',
    tto: 'Prise en charge',
    ttr: 'Résolution',
    meanP90: (m: string, p: string) => `moy. ${m} · 90 % < ${p}`,
    daily: 'Tickets ouverts et résolus par jour, et stock en attente',
    heatmap: 'Appels par jour de la semaine et par heure (7 h – 20 h)',
    withinTitle: 'Dans les délais (SLA)',
    weekdays: ['lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'],
    top: 'Principales catégories',
    breaches: 'Tickets en retard (SLA) par équipe',
    late: 'en retard',
    orgs: 'Répartition par organisation',
    services: 'Services vitaux (criticité 1)',
    orgMissing: "Le modèle des organisations n'est pas encore disponible : la répartition par organisation et par service apparaîtra une fois celui-ci installé.",
    operators: 'Activité par opérateur',
    opCalls: (n: number) => (n > 1 ? 'appels' : 'appel'),
    colon: ' : ',
    loansMissing: 'Prêts de matériel : la permanence n’est pas installée dans Relais.',
    seatsMissing: 'Accès distants : la fonction n’est pas installée dans Relais.',
    loans: (stock: string, active: number, overdue: number, waiting: number, tier1: number, global: boolean) =>
      `Prêts${global ? '' : ' (organisation choisie, stock commun)'} : ${stock} — ${active} en cours dont ${overdue} en retard ; ${waiting} demande(s) en attente dont ${tier1} de niveau 1.`,
    seats: (pools: string) => `Accès distants : ${pools}.`,
    pool: (name: string, used: number, capacity: number, waiting: number, full: string) => `${name} ${used}/${capacity} places, ${waiting} en attente${full ? `, quota atteint : ${full}` : ''}`,
    noPool: 'aucun pool configuré',
    noItems: 'aucun élément en stock',
    none: 'Non renseigné',
    noData: 'Aucune donnée sur la période.',
    generated: 'Document produit par Relais le',
    legendOpened: 'Ouverts',
    legendResolved: 'Résolus',
    legendBacklog: 'En attente (échelle de droite)',
  },
  en: {
    title: 'Activity report',
    subtitle: 'IT support — Digital Services Department',
    period: 'Period',
    scope: 'Scope',
    all: 'all organisations',
    calls: 'Calls',
    vsPrevious: (c: string) => `${c} vs previous period`,
    opened: 'Tickets opened',
    resolved: 'Resolved or closed',
    backlog: 'Open (end)',
    fcr: 'First-call resolution',
    tto: 'Time to own',
    ttr: 'Time to resolve',
    meanP90: (m: string, p: string) => `mean ${m} · 90% < ${p}`,
    daily: 'Tickets opened and resolved per day, and open backlog',
    heatmap: 'Calls by weekday and hour (7:00–20:00)',
    withinTitle: 'Within target (SLA)',
    weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    top: 'Top categories',
    breaches: 'Late tickets (SLA) by team',
    late: 'late',
    orgs: 'Split by organisation',
    services: 'Critical services (tier 1)',
    orgMissing: 'The organisation model is not available yet: the split by organisation and department will appear once it is installed.',
    operators: 'Activity per operator',
    opCalls: (n: number) => (n === 1 ? 'call' : 'calls'),
    colon: ': ',
    loansMissing: 'Equipment loans: the loans desk is not installed in Relais.',
    seatsMissing: 'Remote access: the feature is not installed in Relais.',
    loans: (stock: string, active: number, overdue: number, waiting: number, tier1: number, global: boolean) =>
      `Loans${global ? '' : ' (chosen organisation, shared stock)'}: ${stock} — ${active} out, ${overdue} overdue; ${waiting} request(s) waiting, ${tier1} tier 1.`,
    seats: (pools: string) => `Remote access: ${pools}.`,
    pool: (name: string, used: number, capacity: number, waiting: number, full: string) => `${name} ${used}/${capacity} seats, ${waiting} waiting${full ? `, quota reached: ${full}` : ''}`,
    noPool: 'no pool configured',
    noItems: 'no item in stock',
    none: 'Not set',
    noData: 'No data for this period.',
    generated: 'Produced by Relais on',
    legendOpened: 'Opened',
    legendResolved: 'Resolved',
    legendBacklog: 'Open (right scale)',
  },
};

/** The loans and seats figures as two sentences (the stock: non-zero states only). */
export function resourceLines(r: Dashboard['resources'], locale: Locale): [string, string] {
  const t = L[locale];
  const loans = r.loans.available
    ? (() => {
        const x = r.loans.figures;
        const stock = x.items.filter((i) => i.items > 0).map((i) => `${i.items} ${STATE_LABELS[locale][i.state].toLowerCase()}`).join(', ') || t.noItems;
        return t.loans(stock, x.activeLoans, x.overdueLoans, x.waitingRequests, x.waitingTier1, x.scope === 'global');
      })()
    : t.loansMissing;
  const seats = r.seats.available
    ? t.seats(r.seats.figures.pools.map((p) => t.pool(p.name, p.used, p.capacity, p.waiting, p.quotaReached.map((q) => q.label).join(', '))).join(' ; ') || t.noPool)
    : t.seatsMissing;
  return [loans, seats];
}

const INK = PDF_INK;
const MUTED = PDF_MUTED;

export async function buildActivityReport(input: ActivityReportInput): Promise<{ pdf: Buffer; pages: number }> {
  const t = L[input.locale];
  // Helvetica lacks the narrow no-break spaces Intl puts in French numbers: plain spaces read the same.
  const f = dashboardFormatters(input.locale, { plainSpaces: true });
  const d = input.data;
  const p = startPdf({ title: t.title, author: input.author, margin: 36, maxText: 300 });
  const { doc, left, width, bottom, text } = p;
  const heading = (s: string, x: number, y: number, w: number) => {
    doc.font('Helvetica-Bold').fontSize(10).fillColor(INK);
    text(s, x, y, { width: w, ellipsis: true, height: 12 });
  };

  // Header and scope
  drawTitle(p, { title: t.title, subtitle: t.subtitle, top: 36, subtitleY: 40, subtitleAlign: 'right', ruleY: 60, ruleColor: INK, ruleWidth: 1.2 });
  const first = d.period.days[0]!;
  const last = d.period.days.at(-1)!;
  const scope = [input.scope.organisation ?? t.all, input.scope.service, input.scope.team].filter(Boolean).join(' · ');
  doc.font('Helvetica').fontSize(10).fillColor('#1b1f24');
  text(`${t.period}${t.colon}${first === last ? f.day(first) : `${f.day(first)} – ${f.day(last)}`}      ${t.scope}${t.colon}${scope}`, left, 68, { width, ellipsis: true, height: 12 });

  // Key numbers: two rows of four boxes.
  const opened = d.daily.reduce((a, r) => a + r.opened, 0);
  const resolved = d.daily.reduce((a, r) => a + r.resolved, 0);
  const breached = d.breaches.byTeam.reduce((a, r) => a + r.breached, 0);
  const kpis: [string, string, string][] = [
    [t.calls, f.num(d.calls.total), t.vsPrevious(f.change(relativeChange(d.calls.total, d.calls.previousTotal)))],
    [t.opened, f.num(opened), ''],
    [t.resolved, f.num(resolved), ''],
    [t.backlog, f.num(d.daily.at(-1)?.backlog ?? 0), `${f.num(breached)} ${t.late}`],
    [t.fcr, f.pct(d.firstCall.rate), `${f.num(d.firstCall.solvedOnPhone)} / ${f.num(d.firstCall.phoneTickets)}`],
    [t.tto, f.duration(d.takeCharge.meanMinutes), t.meanP90(f.duration(d.takeCharge.meanMinutes), f.duration(d.takeCharge.p90Minutes))],
    [t.ttr, f.duration(d.resolve.meanMinutes), t.meanP90(f.duration(d.resolve.meanMinutes), f.duration(d.resolve.p90Minutes))],
    [t.withinTitle, `${f.pct(d.takeCharge.withinTargetRate)} / ${f.pct(d.resolve.withinTargetRate)}`, `${t.tto} / ${t.ttr}`],
  ];
  const boxW = (width - 3 * 8) / 4;
  kpis.forEach(([label, value, note], i) => {
    const x = left + (i % 4) * (boxW + 8);
    const y = 88 + Math.floor(i / 4) * 52;
    doc.rect(x, y, boxW, 46).strokeColor('#b8c0ca').lineWidth(0.8).stroke();
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    text(label.trim(), x + 6, y + 5, { width: boxW - 12, ellipsis: true, height: 10 });
    doc.font('Helvetica-Bold').fontSize(15).fillColor(INK);
    text(value, x + 6, y + 16, { width: boxW - 12, ellipsis: true, height: 18 });
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED);
    text(note, x + 6, y + 34, { width: boxW - 12, ellipsis: true, height: 10 });
  });

  // Opened / resolved per day (bars: solid vs hatched) and backlog (dashed line, right scale).
  let y = 200;
  heading(t.daily, left, y, width);
  y += 16;
  const chartH = 110;
  const chartX = left + 28;
  const chartW = width - 60;
  const maxBar = Math.max(1, ...d.daily.map((r) => Math.max(r.opened, r.resolved)));
  const maxBacklog = Math.max(1, ...d.daily.map((r) => r.backlog));
  doc.lineWidth(0.5).strokeColor('#b8c0ca');
  for (let g = 0; g <= 4; g++) {
    const gy = y + chartH - (g / 4) * chartH;
    doc.moveTo(chartX, gy).lineTo(chartX + chartW, gy).stroke();
    doc.font('Helvetica').fontSize(6.5).fillColor(MUTED);
    text(f.num(Math.round((maxBar * g) / 4)), left, gy - 3, { width: 24, align: 'right' });
    text(f.num(Math.round((maxBacklog * g) / 4)), chartX + chartW + 3, gy - 3, { width: 30 });
  }
  const slot = chartW / Math.max(1, d.daily.length);
  const barW = Math.max(1, Math.min(12, slot * 0.38));
  d.daily.forEach((r, i) => {
    const x = chartX + i * slot + slot / 2;
    const ho = (r.opened / maxBar) * chartH;
    const hr = (r.resolved / maxBar) * chartH;
    doc.rect(x - barW, y + chartH - ho, barW, ho).fill('#3d5a80');
    if (hr > 0) {
      doc.save();
      doc.rect(x, y + chartH - hr, barW, hr).clip();
      doc.rect(x, y + chartH - hr, barW, hr).fill('#ffffff');
      doc.lineWidth(0.6).strokeColor('#3d5a80');
      for (let k = -hr; k < barW + hr; k += 3) doc.moveTo(x + k, y + chartH).lineTo(x + k + hr, y + chartH - hr).stroke();
      doc.restore();
      doc.rect(x, y + chartH - hr, barW, hr).lineWidth(0.6).strokeColor('#3d5a80').stroke();
    }
    const step = Math.ceil(d.daily.length / 15);
    if (i % step === 0) {
      doc.font('Helvetica').fontSize(6.5).fillColor(MUTED);
      text(f.shortDay(r.day), x - 15, y + chartH + 3, { width: 30, align: 'center' });
    }
  });
  d.daily.forEach((r, i) => {
    const x = chartX + i * slot + slot / 2;
    const by = y + chartH - (r.backlog / maxBacklog) * chartH;
    if (i === 0) doc.moveTo(x, by);
    else doc.lineTo(x, by);
  });
  if (d.daily.length > 1) doc.dash(3, { space: 2 }).lineWidth(1.4).strokeColor('#111111').stroke().undash();
  // Legend with the same marks as the chart.
  const ly = y + chartH + 14;
  doc.rect(chartX, ly, 8, 7).fill('#3d5a80');
  doc.font('Helvetica').fontSize(7.5).fillColor('#1b1f24');
  text(t.legendOpened, chartX + 11, ly);
  doc.rect(chartX + 70, ly, 8, 7).lineWidth(0.6).strokeColor('#3d5a80').stroke();
  doc.moveTo(chartX + 70, ly + 7).lineTo(chartX + 78, ly).stroke();
  text(t.legendResolved, chartX + 81, ly);
  doc.moveTo(chartX + 150, ly + 4).lineTo(chartX + 165, ly + 4).dash(3, { space: 2 }).lineWidth(1.4).strokeColor('#111111').stroke().undash();
  text(t.legendBacklog, chartX + 168, ly);

  // Heatmap (left) and top categories (right).
  y = ly + 20;
  const half = (width - 16) / 2;
  heading(t.heatmap, left, y, half);
  heading(t.top, left + half + 16, y, half);
  y += 15;
  const maxCell = Math.max(1, ...d.calls.heatmap.flat());
  const hours = Array.from({ length: 14 }, (_, i) => i + 7); // 7 h – 20 h: the hotline's day
  const cellW = (half - 26) / hours.length;
  const cellH = 13;
  doc.font('Helvetica').fontSize(6.5).fillColor(MUTED);
  hours.forEach((h, j) => text(`${h}h`, left + 26 + j * cellW, y, { width: cellW, align: 'center' }));
  d.calls.heatmap.forEach((row, i) => {
    const cy = y + 9 + i * cellH;
    doc.font('Helvetica').fontSize(7).fillColor(MUTED);
    text(t.weekdays[i]!, left, cy + 3, { width: 24 });
    hours.forEach((h, j) => {
      const v = row[h]!;
      const shade = Math.round(255 - (v / maxCell) * 200);
      const colour = `#${[shade, shade, Math.min(255, shade + 20)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
      doc.rect(left + 26 + j * cellW, cy, cellW - 1, cellH - 1).fill(colour);
      if (v > 0) {
        doc.font('Helvetica').fontSize(6).fillColor(shade < 140 ? '#ffffff' : '#1b1f24');
        text(f.num(v), left + 26 + j * cellW, cy + 3.5, { width: cellW - 1, align: 'center' });
      }
    });
  });

  // Top categories as labelled bars.
  const tx = left + half + 16;
  const maxCat = Math.max(1, ...d.topCategories.map((c) => c.tickets));
  const cats = d.topCategories.slice(0, 7);
  if (cats.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(8).fillColor(MUTED);
    text(t.noData, tx, y);
  }
  cats.forEach((c, i) => {
    const cy = y + i * 14;
    doc.font('Helvetica').fontSize(7.5).fillColor('#1b1f24');
    text(c.label || t.none, tx, cy + 2, { width: 120, ellipsis: true, height: 10 });
    const w = ((half - 160) * c.tickets) / maxCat;
    doc.rect(tx + 124, cy + 1, Math.max(1, w), 10).fill('#3d5a80');
    doc.font('Helvetica-Bold').fontSize(7.5).fillColor('#1b1f24');
    text(f.num(c.tickets), tx + 128 + w, cy + 2, { width: 34 });
  });

  // SLA breaches by team (left), organisations (right).
  y += 9 + 7 * cellH + 14;
  heading(t.breaches, left, y, half);
  heading(t.orgs, tx, y, half);
  y += 15;
  const teams = d.breaches.byTeam.slice(0, 6);
  teams.forEach((r, i) => {
    const cy = y + i * 13;
    doc.font('Helvetica').fontSize(8).fillColor('#1b1f24');
    text(r.label || t.none, left, cy, { width: 150, ellipsis: true, height: 10 });
    text(`${f.num(r.breached)} / ${f.num(r.tickets)}`, left + 150, cy, { width: 60, align: 'right' });
    text(f.pct(r.tickets ? r.breached / r.tickets : null), left + 215, cy, { width: 40, align: 'right' });
  });
  if (!d.organisations.available) {
    doc.font('Helvetica-Oblique').fontSize(8).fillColor(MUTED);
    doc.text(safe(t.orgMissing, 300), tx, y, { width: half, height: 40 });
  } else {
    const total = Math.max(1, d.organisations.organisations.reduce((a, r) => a + r.tickets, 0));
    d.organisations.organisations.slice(0, 3).forEach((r, i) => {
      const cy = y + i * 13;
      doc.font('Helvetica').fontSize(8).fillColor('#1b1f24');
      text(r.label || t.none, tx, cy, { width: 170, ellipsis: true, height: 10 });
      text(`${f.num(r.tickets)} (${f.pct(r.tickets / total)})`, tx + 170, cy, { width: half - 170, align: 'right' });
    });
    const vital = d.organisations.services.filter((s) => s.tier === 1).slice(0, 3);
    const vy = y + 3 * 13 + 2;
    doc.font('Helvetica-Bold').fontSize(8).fillColor(INK);
    text(t.services, tx, vy);
    vital.forEach((s, i) => {
      doc.rect(tx, vy + 13 + i * 12, 6, 6).fill(INK);
      doc.font('Helvetica').fontSize(8).fillColor('#1b1f24');
      text(`   ${s.label}${s.organisation ? ` (${s.organisation})` : ''}`, tx, vy + 12 + i * 12, { width: half - 50, ellipsis: true, height: 10 });
      text(f.num(s.tickets), tx + half - 50, vy + 12 + i * 12, { width: 50, align: 'right' });
    });
  }

  // Operators.
  y += Math.max(6 * 13, 90) + 8;
  heading(t.operators, left, y, width);
  y += 15;
  const ops = d.operators.slice(0, 8);
  const colW = width / 2;
  ops.forEach((o, i) => {
    const x = left + (i % 2) * colW;
    const cy = y + Math.floor(i / 2) * 13;
    doc.font('Helvetica').fontSize(8).fillColor('#1b1f24');
    text(o.operator, x, cy, { width: 120, ellipsis: true, height: 10 });
    text(`${f.num(o.calls)} ${t.opCalls(o.calls)}`, x + 120, cy, { width: 65, align: 'right' });
    text(o.meanCallSeconds === null ? '—' : `${f.num(Math.round(o.meanCallSeconds / 6) / 10)} min`, x + 185, cy, { width: 50, align: 'right' });
  });
  if (ops.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(8).fillColor(MUTED);
    text(t.noData, left, y);
  }

  doc.font('Helvetica').fontSize(8).fillColor('#1b1f24');
  const [loansLine, seatsLine] = resourceLines(d.resources, input.locale);
  text(loansLine, left, bottom - 38, { width, ellipsis: true, height: 10 });
  text(seatsLine, left, bottom - 26, { width, ellipsis: true, height: 10 });
  drawFooter(p, `${t.generated} ${f.dateTime(input.generatedAt)} — ${input.author}`);
  return p.finish();
}
