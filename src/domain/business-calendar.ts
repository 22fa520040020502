import { z } from 'zod';

/**
 * The hotline's business-hours calendar: opening hours per weekday and public holidays.
 * SLA due dates count only open time on it (a call at 17:50 on a Friday with one hour to take
 * charge is due on Monday at 08:50, not on Friday at 18:50). Wall times are read in the
 * organisation's time zone (Europe/Paris), so summer-time changes move nothing.
 */

export const SLA_TIME_ZONE = 'Europe/Paris';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const hhmm = z.string().regex(HHMM, 'hhmm');
export const openingSchema = z
  .strictObject({ start: hhmm, end: hhmm })
  // Order is only checked once both times are well formed (one message per mistake).
  .refine((o) => !HHMM.test(o.start) || !HHMM.test(o.end) || minutesOf(o.start) < minutesOf(o.end), { message: 'opening_order', path: ['end'] });
export type Opening = z.infer<typeof openingSchema>;

/** One weekday's openings, in order and not overlapping; empty: closed all day. */
export const dayOpeningsSchema = z
  .array(openingSchema)
  .max(4)
  .refine((list) => list.every((o, i) => i === 0 || minutesOf(list[i - 1]!.end) <= minutesOf(o.start)), { message: 'opening_overlap' });

export const isoDateSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'iso_date');
export const holidaySchema = z.strictObject({ date: isoDateSchema, name: z.string().trim().min(1).max(80) });
export type Holiday = z.infer<typeof holidaySchema>;

export const businessCalendarSchema = z
  .strictObject({
    /** Index 0 = Monday … 6 = Sunday (ISO order, as a French week is read). */
    week: z.array(dayOpeningsSchema).length(7),
    holidays: z.array(holidaySchema).max(400),
  })
  .refine((c) => c.week.some((d) => d.length > 0), { message: 'calendar_never_open', path: ['week'] })
  .refine((c) => new Set(c.holidays.map((h) => h.date)).size === c.holidays.length, { message: 'holiday_twice', path: ['holidays'] });
export type BusinessCalendar = z.infer<typeof businessCalendarSchema>;

export function minutesOf(hhmmText: string): number {
  const [h = '0', m = '0'] = hhmmText.split(':');
  return Number(h) * 60 + Number(m);
}

/** Easter Sunday (Gregorian, anonymous algorithm of Meeus/Jones/Butcher), as YYYY-MM-DD. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/** The eleven French public holidays of a year (metropolitan France; Alsace-Moselle adds two, to add by hand). */
export function frenchPublicHolidays(year: number): Holiday[] {
  const easter = easterSunday(year);
  const list: Holiday[] = [
    { date: isoDate(year, 1, 1), name: "Jour de l'an" },
    { date: shiftDate(easter, 1), name: 'Lundi de Pâques' },
    { date: isoDate(year, 5, 1), name: 'Fête du travail' },
    { date: isoDate(year, 5, 8), name: 'Victoire 1945' },
    { date: shiftDate(easter, 39), name: 'Ascension' },
    { date: shiftDate(easter, 50), name: 'Lundi de Pentecôte' },
    { date: isoDate(year, 7, 14), name: 'Fête nationale' },
    { date: isoDate(year, 8, 15), name: 'Assomption' },
    { date: isoDate(year, 11, 1), name: 'Toussaint' },
    { date: isoDate(year, 11, 11), name: 'Armistice 1918' },
    { date: isoDate(year, 12, 25), name: 'Noël' },
  ];
  return list.sort((x, y) => x.date.localeCompare(y.date));
}

/** A city hotline's usual week (Monday to Friday, 08:00–18:00) and the holidays of `year` and the next. */
export function defaultBusinessCalendar(year: number): BusinessCalendar {
  const day = [{ start: '08:00', end: '18:00' }];
  return { week: [day, day, day, day, day, [], []], holidays: [...frenchPublicHolidays(year), ...frenchPublicHolidays(year + 1)] };
}

/** Adds the French holidays of `year` that are not there yet (an edited name or a removed date of another year is kept). */
export function withFrenchHolidays(holidays: readonly Holiday[], year: number): Holiday[] {
  const have = new Set(holidays.map((h) => h.date));
  return [...holidays, ...frenchPublicHolidays(year).filter((h) => !have.has(h.date))].sort((x, y) => x.date.localeCompare(y.date));
}

/**
 * `start` plus `minutes` of open time on the calendar. Time before an opening, after closing,
 * on a closed weekday or a holiday does not count; a due date that falls exactly at closing
 * time stays there (18:00, not the next morning). A calendar that is never open (refused by
 * the schema, but a hand-edited store could hold one) counts calendar time instead.
 */
export function addBusinessTime(start: Date, minutes: number, calendar: BusinessCalendar, timeZone: string = SLA_TIME_ZONE): Date {
  let remaining = Math.max(0, Math.round(minutes * 60_000));
  if (remaining === 0) return new Date(start.getTime());
  if (!calendar.week.some((d) => d.length > 0)) return new Date(start.getTime() + remaining);
  const holidays = new Set(calendar.holidays.map((h) => h.date));
  const cursor = start.getTime();
  let day = localDate(start, timeZone);
  // Bounded: at most one open minute a week still finishes long before this.
  for (let guard = 0; guard < 366 * 50; guard++, day = shiftDate(day, 1)) {
    if (holidays.has(day)) continue;
    for (const o of calendar.week[isoWeekday(day)] ?? []) {
      const open = zonedInstant(day, o.start, timeZone);
      const close = zonedInstant(day, o.end, timeZone);
      if (close <= cursor) continue;
      const from = Math.max(open, cursor);
      if (remaining <= close - from) return new Date(from + remaining);
      remaining -= close - from;
    }
  }
  return new Date(cursor + remaining);
}

/**
 * `start` plus `days` working days, as GLPI counts an SLA given in days on a calendar: the same
 * wall time `days` open days later (closed weekdays and holidays skipped), held within that
 * day's opening hours (a call at 19:00 is due at the day's closing time, one at 07:00 at its opening).
 */
export function addWorkingDays(start: Date, days: number, calendar: BusinessCalendar, timeZone: string = SLA_TIME_ZONE): Date {
  if (!calendar.week.some((d) => d.length > 0)) return new Date(start.getTime() + days * 86_400_000);
  const holidays = new Set(calendar.holidays.map((h) => h.date));
  const p = partsIn(start.getTime(), timeZone);
  const wall = `${pad(p.h)}:${pad(p.min)}`;
  let day = localDate(start, timeZone);
  for (let left = days, guard = 0; left > 0 && guard < 366 * 50; guard++) {
    day = shiftDate(day, 1);
    if (!holidays.has(day) && (calendar.week[isoWeekday(day)] ?? []).length > 0) left--;
  }
  const openings = calendar.week[isoWeekday(day)] ?? [];
  if (openings.length === 0) return new Date(zonedInstant(day, wall, timeZone));
  const first = openings[0]!.start;
  const last = openings[openings.length - 1]!.end;
  const held = minutesOf(wall) < minutesOf(first) ? first : minutesOf(wall) > minutesOf(last) ? last : wall;
  return new Date(zonedInstant(day, held, timeZone) + (held === wall ? p.s * 1000 : 0));
}

/** An SLA target on the calendar: whole days (multiples of 24 h) are working days, anything else open time. */
export function addSlaTime(start: Date, minutes: number, calendar: BusinessCalendar, timeZone: string = SLA_TIME_ZONE): Date {
  return minutes > 0 && minutes % 1440 === 0 ? addWorkingDays(start, minutes / 1440, calendar, timeZone) : addBusinessTime(start, minutes, calendar, timeZone);
}

/** Is `at` inside an opening (not a holiday)? Used to say "hors heures ouvrées" beside a due date. */
export function isOpenAt(at: Date, calendar: BusinessCalendar, timeZone: string = SLA_TIME_ZONE): boolean {
  const day = localDate(at, timeZone);
  if (calendar.holidays.some((h) => h.date === day)) return false;
  const t = at.getTime();
  return (calendar.week[isoWeekday(day)] ?? []).some((o) => zonedInstant(day, o.start, timeZone) <= t && t < zonedInstant(day, o.end, timeZone));
}

const pad = (n: number) => String(n).padStart(2, '0');
function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(d)}`;
}
function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}
/** 0 = Monday … 6 = Sunday. */
function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(at: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), min: Number(p.minute), s: Number(p.second) };
}
function localDate(at: Date, timeZone: string): string {
  const p = partsIn(at.getTime(), timeZone);
  return isoDate(p.y, p.m, p.d);
}
/** Offset of the zone from UTC at an instant, in ms (Paris: +1 h in winter, +2 h in summer). */
function offsetAt(at: number, timeZone: string): number {
  const p = partsIn(at, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - (at - (at % 1000));
}
/**
 * The instant a wall clock in the zone shows `date` `hhmmText` ("24:00" is the next midnight).
 * A wall time skipped by the spring change (02:30 on that Sunday) is read with the winter
 * offset, i.e. one hour later: no opening starts in that hour in practice.
 */
function zonedInstant(date: string, hhmmText: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutesOf(hhmmText) * 60_000;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}
