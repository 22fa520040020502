import type { Dashboard, Figure } from '../../domain/dashboard';
import { STATE_LABELS } from '../../domain/loans';

/**
 * One CSV per figure of the dashboard, as a spreadsheet opens it in the user's language:
 * French files use ";" between fields and a decimal comma (what Excel expects on a French
 * Windows), English ones "," and a point; both start with a UTF-8 byte-order mark so
 * accented names survive a double-click.
 */
type Locale = 'fr' | 'en';

const WEEKDAYS: Record<Locale, string[]> = {
  fr: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
};

/** The column headings and notes, French first; English must name the same words (`typeof fr`). */
const fr = {
  weekday: 'Jour',
  day: 'Date',
  opened: 'Ouverts',
  resolved: 'Résolus ou clos',
  backlog: 'En attente (fin de journée)',
  phoneTickets: 'Tickets téléphoniques',
  solvedOnPhone: 'Résolus au téléphone',
  rate: 'Taux',
  measure: 'Mesure',
  count: 'Tickets mesurés',
  mean: 'Moyenne (min)',
  p90: '90e centile (min)',
  within: 'Dans les délais',
  tto: 'Prise en charge',
  ttr: 'Résolution',
  team: 'Équipe',
  category: 'Catégorie',
  tickets: 'Tickets',
  breached: 'En retard',
  operator: 'Opérateur',
  calls: 'Appels',
  meanCall: 'Durée moyenne d’appel (s)',
  organisation: 'Organisation',
  service: 'Service',
  tier: 'Criticité',
  none: 'Non renseigné',
  unavailable: "Le modèle des organisations n'est pas encore disponible.",
  figure: 'Indicateur',
  value: 'Valeur',
  items: 'Éléments',
  activeLoans: 'Prêts en cours',
  overdueLoans: 'Prêts en retard',
  waitingRequests: 'Demandes en attente',
  waitingTier1: 'Demandes en attente de niveau 1',
  scope: 'Périmètre des prêts et demandes',
  global: 'toutes organisations',
  chosen: 'organisation choisie',
  pool: 'Pool',
  capacity: 'Capacité',
  used: 'Places occupées',
  waiting: 'Demandes en attente',
  quotaReached: 'Quota atteint',
  loansMissing: 'La permanence (prêts de matériel) n’est pas installée.',
  seatsMissing: 'Les accès distants ne sont pas installés.',
};
const en: typeof fr = {
  weekday: 'Day',
  day: 'Date',
  opened: 'Opened',
  resolved: 'Resolved or closed',
  backlog: 'Open (end of day)',
  phoneTickets: 'Phone tickets',
  solvedOnPhone: 'Solved on the phone',
  rate: 'Rate',
  measure: 'Measure',
  count: 'Tickets measured',
  mean: 'Mean (min)',
  p90: '90th percentile (min)',
  within: 'Within target',
  tto: 'Time to own',
  ttr: 'Time to resolve',
  team: 'Team',
  category: 'Category',
  tickets: 'Tickets',
  breached: 'Late',
  operator: 'Operator',
  calls: 'Calls',
  meanCall: 'Mean call duration (s)',
  organisation: 'Organisation',
  service: 'Department',
  tier: 'Criticality tier',
  none: 'Not set',
  unavailable: 'The organisation model is not available yet.',
  figure: 'Figure',
  value: 'Value',
  items: 'Items',
  activeLoans: 'Active loans',
  overdueLoans: 'Overdue loans',
  waitingRequests: 'Requests waiting',
  waitingTier1: 'Tier 1 requests waiting',
  scope: 'Scope of loans and requests',
  global: 'all organisations',
  chosen: 'chosen organisation',
  pool: 'Pool',
  capacity: 'Capacity',
  used: 'Seats used',
  waiting: 'Requests waiting',
  quotaReached: 'Quota reached',
  loansMissing: 'The loans desk is not installed.',
  seatsMissing: 'Remote access is not installed.',
};
const H = { fr, en };

type Cell = string | number | null;

export function figureRows(d: Dashboard, figure: Figure, locale: Locale): Cell[][] {
  const h = H[locale];
  const label = (s: string) => (s === '' ? h.none : s);
  switch (figure) {
    case 'heatmap':
      return [[h.weekday, ...Array.from({ length: 24 }, (_, i) => `${i}h`)], ...d.calls.heatmap.map((row, i) => [WEEKDAYS[locale][i]!, ...row])];
    case 'daily':
      return [[h.day, h.opened, h.resolved, h.backlog], ...d.daily.map((r) => [r.day, r.opened, r.resolved, r.backlog])];
    case 'firstCall':
      return [[h.phoneTickets, h.solvedOnPhone, h.rate], [d.firstCall.phoneTickets, d.firstCall.solvedOnPhone, d.firstCall.rate]];
    case 'durations':
      return [
        [h.measure, h.count, h.mean, h.p90, h.within],
        [h.tto, d.takeCharge.count, d.takeCharge.meanMinutes, d.takeCharge.p90Minutes, d.takeCharge.withinTargetRate],
        [h.ttr, d.resolve.count, d.resolve.meanMinutes, d.resolve.p90Minutes, d.resolve.withinTargetRate],
      ];
    case 'breachesByTeam':
      return [[h.team, h.tickets, h.breached], ...d.breaches.byTeam.map((r) => [label(r.label), r.tickets, r.breached])];
    case 'breachesByCategory':
      return [[h.category, h.tickets, h.breached], ...d.breaches.byCategory.map((r) => [label(r.label), r.tickets, r.breached])];
    case 'topCategories':
      return [[h.category, h.tickets], ...d.topCategories.map((r) => [label(r.label), r.tickets])];
    case 'operators':
      return [[h.operator, h.calls, h.meanCall], ...d.operators.map((r) => [r.operator, r.calls, r.meanCallSeconds])];
    case 'organisations':
      if (!d.organisations.available) return [[h.unavailable]];
      return [[h.organisation, h.tickets], ...d.organisations.organisations.map((r) => [label(r.label), r.tickets])];
    case 'services':
      if (!d.organisations.available) return [[h.unavailable]];
      return [[h.service, h.organisation, h.tier, h.tickets], ...d.organisations.services.map((r) => [label(r.label), r.organisation ?? h.none, r.tier, r.tickets])];
    case 'loans': {
      if (!d.resources.loans.available) return [[h.loansMissing]];
      const x = d.resources.loans.figures;
      return [
        [h.figure, h.value],
        ...x.items.map((i): Cell[] => [`${h.items} — ${STATE_LABELS[locale][i.state]}`, i.items]),
        [h.activeLoans, x.activeLoans],
        [h.overdueLoans, x.overdueLoans],
        [h.waitingRequests, x.waitingRequests],
        [h.waitingTier1, x.waitingTier1],
        [h.scope, x.scope === 'global' ? h.global : h.chosen],
      ];
    }
    case 'seats':
      if (!d.resources.seats.available) return [[h.seatsMissing]];
      return [[h.pool, h.capacity, h.used, h.waiting, h.quotaReached], ...d.resources.seats.figures.pools.map((p) => [p.name, p.capacity, p.used, p.waiting, p.quotaReached.map((q) => q.label).join(', ')])];
  }
}

export function toCsv(rows: Cell[][], locale: Locale): string {
  const sep = locale === 'fr' ? ';' : ',';
  const cell = (v: Cell): string => {
    if (v === null) return '';
    if (typeof v === 'number') {
      const s = String(Math.round(v * 10_000) / 10_000);
      return locale === 'fr' ? s.replace('.', ',') : s;
    }
    // Quote what would break the row, and neutralise spreadsheet formulas (=, +, -, @).
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /["\n\r;,]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return '\ufeff' + rows.map((r) => r.map(cell).join(sep)).join('\r\n') + '\r\n';
}

export function figureCsv(d: Dashboard, figure: Figure, locale: Locale): { name: string; text: string } {
  const from = d.period.days[0] ?? '';
  const to = d.period.days.at(-1) ?? '';
  return { name: `relais-${figure}-${from}_${to}.csv`, text: toCsv(figureRows(d, figure, locale), locale) };
}
