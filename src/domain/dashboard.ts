import { z } from 'zod';
import { loanItemStateSchema } from './loans';

/**
 * The dashboard ("tableau de bord"): the figures of the hotline's activity over a period,
 * computed by the core from the local store (so they work offline) and drawn by the
 * renderer. Pure schemas and small rules shared by both sides.
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ');
const id = z.string().min(1).max(64);

export const periodPresetSchema = z.enum(['today', '7d', '30d', 'custom']);
export type PeriodPreset = z.infer<typeof periodPresetSchema>;

/** What the user picks: a preset, or a custom range of local calendar days (both included). */
export const dashboardSelectionSchema = z.strictObject({
  period: periodPresetSchema.default('7d'),
  from: day.optional(),
  to: day.optional(),
  organisationId: id.nullable().default(null),
  teamId: id.nullable().default(null),
  serviceId: id.nullable().default(null),
}).refine((s) => s.period !== 'custom' || (s.from !== undefined && s.to !== undefined && s.from <= s.to), {
  message: 'period_range',
  path: ['from'],
});
export type DashboardSelection = z.output<typeof dashboardSelectionSchema>;
export type DashboardSelectionInput = z.input<typeof dashboardSelectionSchema>;

/** Longest custom range: two years of days keeps every series small enough to draw. */
export const MAX_PERIOD_DAYS = 731;

/** Monday-first weekday index (0 = lundi … 6 = dimanche) of a JavaScript getDay() value. */
export const mondayFirst = (jsDay: number) => (jsDay + 6) % 7;

const durationStats = z.object({
  /** Tickets measured. */
  count: z.number().int(),
  meanMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
  /** Share (0–1) done by their own SLA due date; null when nothing was measured. */
  withinTargetRate: z.number().nullable(),
});
export type DurationStats = z.infer<typeof durationStats>;

const breachRow = z.object({ key: z.string().nullable(), label: z.string(), tickets: z.number().int(), breached: z.number().int() });
export type BreachRow = z.infer<typeof breachRow>;

/** A card whose data comes from a feature that may not be installed yet. */
const unavailable = z.object({ available: z.literal(false), reason: z.enum(['organisation_model_missing', 'loans_missing', 'seats_missing']) });

export const organisationSplitSchema = z.union([
  unavailable,
  z.object({
    available: z.literal(true),
    organisations: z.array(z.object({ key: z.string().nullable(), label: z.string(), tickets: z.number().int() })),
    services: z.array(z.object({ key: z.string().nullable(), label: z.string(), organisation: z.string().nullable(), tier: z.number().int().nullable(), tickets: z.number().int() })),
  }),
]);
export type OrganisationSplit = z.infer<typeof organisationSplitSchema>;

/**
 * Equipment loans now ("la Permanence"), as the loans service reports them. The stock is shared
 * by every organisation, so item states are always global; loans and requests follow the
 * dashboard's organisation filter (`scope`).
 */
export const loanFiguresSchema = z.object({
  scope: z.enum(['global', 'organisation']),
  items: z.array(z.object({ state: loanItemStateSchema, items: z.number().int() })),
  activeLoans: z.number().int(),
  overdueLoans: z.number().int(),
  waitingRequests: z.number().int(),
  waitingTier1: z.number().int(),
});
export type LoanFigures = z.infer<typeof loanFiguresSchema>;

/** Remote-access seats now ("Accès distants"), per pool, as the seats service reports them. */
export const seatFiguresSchema = z.object({
  pools: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      capacity: z.number().int(),
      used: z.number().int(),
      waiting: z.number().int(),
      /** Organisations whose quota is used up in this pool (label: the organisation's code or id). */
      quotaReached: z.array(z.object({ organisationId: z.string(), label: z.string() })),
    }),
  ),
});
export type SeatFigures = z.infer<typeof seatFiguresSchema>;

const loansCard = z.union([unavailable, z.object({ available: z.literal(true), figures: loanFiguresSchema })]);
const seatsCard = z.union([unavailable, z.object({ available: z.literal(true), figures: seatFiguresSchema })]);

export const dashboardSchema = z.object({
  /** The resolved period: ISO instants [from, to) and its local days. */
  period: z.object({ from: z.string(), to: z.string(), days: z.array(day), previousFrom: z.string() }),
  computedAt: z.string(),
  calls: z.object({
    total: z.number().int(),
    /** Same length of time just before the period, for "+18 % par rapport à …". */
    previousTotal: z.number().int(),
    /** heatmap[weekday Monday-first][hour 0–23], local time. */
    heatmap: z.array(z.array(z.number().int()).length(24)).length(7),
  }),
  daily: z.array(z.object({ day, opened: z.number().int(), resolved: z.number().int(), backlog: z.number().int() })),
  firstCall: z.object({ phoneTickets: z.number().int(), solvedOnPhone: z.number().int(), rate: z.number().nullable() }),
  takeCharge: durationStats,
  resolve: durationStats,
  breaches: z.object({ byTeam: z.array(breachRow), byCategory: z.array(breachRow) }),
  topCategories: z.array(z.object({ key: z.string().nullable(), label: z.string(), tickets: z.number().int() })),
  operators: z.array(z.object({ operator: z.string(), calls: z.number().int(), meanCallSeconds: z.number().nullable() })),
  organisations: organisationSplitSchema,
  resources: z.object({ loans: loansCard, seats: seatsCard }),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/** Nearest-rank percentile of ascending values (p in 0–100). */
export function nearestRank(sortedAsc: readonly number[], p: number): number | null {
  if (sortedAsc.length === 0) return null;
  const i = Math.min(sortedAsc.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAsc.length) - 1));
  return sortedAsc[i]!;
}

/** Relative change between two counts, or null when there is no base to compare with. */
export function relativeChange(current: number, previous: number): number | null {
  return previous === 0 ? null : (current - previous) / previous;
}

/** French (or English) numbers, percentages, durations and dates of the dashboard, for the UI and the PDF. */
export function dashboardFormatters(locale: 'fr' | 'en', options: { plainSpaces?: boolean } = {}) {
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB';
  const n = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const pct = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const signed = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const signedNum = new Intl.NumberFormat(tag, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const plain = (s: string) => (options.plainSpaces ? s.replace(/[\u202f\u00a0]/g, ' ') : s);
  const duration = (minutes: number | null) => {
    if (minutes === null) return '—';
    if (minutes < 60) return `${n.format(Math.round(minutes))} min`;
    if (minutes < 48 * 60) return `${n.format(Math.round(minutes / 6) / 10)} h`;
    return `${n.format(Math.round(minutes / 144) / 10)} ${locale === 'fr' ? 'j' : 'd'}`;
  };
  const day = (iso: string, opts: Intl.DateTimeFormatOptions) => new Date(`${iso}T12:00:00`).toLocaleDateString(tag, opts);
  return {
    num: (v: number) => plain(n.format(v)),
    pct: (v: number | null) => (v === null ? '—' : plain(pct.format(v))),
    change: (v: number | null) => (v === null ? '—' : plain(signed.format(v))),
    /** A signed count: "+17", "−3", "0". */
    delta: (v: number) => plain(signedNum.format(v)),
    duration: (m: number | null) => plain(duration(m)),
    day: (iso: string) => day(iso, { day: 'numeric', month: 'short', year: 'numeric' }),
    shortDay: (iso: string) => day(iso, { day: 'numeric', month: 'numeric' }),
    dateTime: (d: Date) => d.toLocaleString(tag, { dateStyle: 'long', timeStyle: 'short' }),
    weekday: (mondayFirstIndex: number) => new Date(2024, 0, 1 + mondayFirstIndex).toLocaleDateString(tag, { weekday: 'long' }),
    weekdayShort: (mondayFirstIndex: number) => new Date(2024, 0, 1 + mondayFirstIndex).toLocaleDateString(tag, { weekday: 'short' }),
    time: (d: Date) => d.toLocaleTimeString(tag, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  };
}

/** A saved dashboard: a name and the selection it reopens. */
export const savedDashboardSchema = z.object({
  id: z.string(),
  name: z.string().trim().min(1).max(80),
  selection: z.object({
    period: periodPresetSchema,
    from: day.optional(),
    to: day.optional(),
    organisationId: id.nullable(),
    teamId: id.nullable(),
    serviceId: id.nullable(),
  }),
});
export type SavedDashboard = z.infer<typeof savedDashboardSchema>;

/** The figures a CSV export can hold, one file each. */
export const figureSchema = z.enum(['heatmap', 'daily', 'firstCall', 'durations', 'breachesByTeam', 'breachesByCategory', 'topCategories', 'operators', 'organisations', 'services', 'loans', 'seats']);
export type Figure = z.infer<typeof figureSchema>;
