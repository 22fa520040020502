import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addBusinessTime,
  addSlaTime,
  addWorkingDays,
  businessCalendarSchema,
  defaultBusinessCalendar,
  easterSunday,
  frenchPublicHolidays,
  withFrenchHolidays,
  type BusinessCalendar,
} from '../../../src/domain/business-calendar';

// Monday to Friday 08:00–18:00 with the French holidays of 2026 and 2027.
const office = defaultBusinessCalendar(2026);
const at = (iso: string) => new Date(iso);
const plus = (iso: string, minutes: number, cal: BusinessCalendar = office) => addBusinessTime(at(iso), minutes, cal).toISOString();

describe('French public holidays', () => {
  it('puts Easter on the dates of the published tables', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25');
  });

  it('lists the eleven holidays of 2026, Easter-based ones included', () => {
    expect(frenchPublicHolidays(2026).map((h) => `${h.date} ${h.name}`)).toEqual([
      "2026-01-01 Jour de l'an",
      '2026-04-06 Lundi de Pâques',
      '2026-05-01 Fête du travail',
      '2026-05-08 Victoire 1945',
      '2026-05-14 Ascension',
      '2026-05-25 Lundi de Pentecôte',
      '2026-07-14 Fête nationale',
      '2026-08-15 Assomption',
      '2026-11-01 Toussaint',
      '2026-11-11 Armistice 1918',
      '2026-12-25 Noël',
    ]);
    const y2025 = new Map(frenchPublicHolidays(2025).map((h) => [h.name, h.date]));
    expect([y2025.get('Lundi de Pâques'), y2025.get('Ascension'), y2025.get('Lundi de Pentecôte')]).toEqual(['2025-04-21', '2025-05-29', '2025-06-09']);
  });

  it('pre-fills the current and the next year, and adding a year keeps what was edited', () => {
    expect(office.holidays).toHaveLength(22);
    expect(office.holidays.filter((h) => h.date.startsWith('2027'))).toHaveLength(11);
    const edited = [{ date: '2028-01-01', name: 'Nouvel an (édité)' }];
    const merged = withFrenchHolidays(edited, 2028);
    expect(merged).toHaveLength(11);
    expect(merged[0]).toEqual({ date: '2028-01-01', name: 'Nouvel an (édité)' });
  });
});

describe('SLA time on the business-hours calendar (Europe/Paris)', () => {
  it('counts plain open time inside a working day', () => {
    // Monday 4 May 2026, 09:30 in Paris (UTC+2) + 1 h → 10:30.
    expect(plus('2026-05-04T07:30:00Z', 60)).toBe('2026-05-04T08:30:00.000Z');
  });

  it('stops at closing time exactly rather than jumping to the next morning', () => {
    expect(plus('2026-05-04T15:00:00Z', 60)).toBe('2026-05-04T16:00:00.000Z');
  });

  it('skips the weekend', () => {
    // Friday 12 June 17:30 + 1 h → 30 min on Friday, 30 min on Monday 15 June from 08:00.
    expect(plus('2026-06-12T15:30:00Z', 60)).toBe('2026-06-15T06:30:00.000Z');
    // A call logged on Saturday starts counting on Monday morning.
    expect(plus('2026-06-13T10:00:00Z', 15)).toBe('2026-06-15T06:15:00.000Z');
  });

  it('skips a public holiday (Ascension, Thursday 14 May 2026)', () => {
    // Wednesday 17:00 + 2 h → 1 h on Wednesday, Thursday off, Friday 09:00.
    expect(plus('2026-05-13T15:00:00Z', 120)).toBe('2026-05-15T07:00:00.000Z');
  });

  it('skips New Year across the year boundary', () => {
    // Thursday 31 Dec 2026 17:00 (UTC+1) + 2 h → 1 h on Thursday, Friday 1 Jan off, weekend, Monday 4 Jan 09:00.
    expect(plus('2026-12-31T16:00:00Z', 120)).toBe('2027-01-04T08:00:00.000Z');
  });

  it('waits for the opening when the call comes before it, and for the next day after closing', () => {
    expect(plus('2026-06-16T04:00:00Z', 30)).toBe('2026-06-16T06:30:00.000Z');
    expect(plus('2026-06-16T17:00:00Z', 30)).toBe('2026-06-17T06:30:00.000Z');
  });

  it('keeps wall-clock opening hours across both summer-time changes', () => {
    // Friday 27 March 17:00 CET (UTC+1) + 2 h → Monday 30 March 09:00 CEST (UTC+2).
    expect(plus('2026-03-27T16:00:00Z', 120)).toBe('2026-03-30T07:00:00.000Z');
    // Friday 23 October 17:00 CEST + 2 h → Monday 26 October 09:00 CET.
    expect(plus('2026-10-23T15:00:00Z', 120)).toBe('2026-10-26T08:00:00.000Z');
  });

  it('with a round-the-clock calendar, counts real elapsed time through the short and the long night', () => {
    const always: BusinessCalendar = { week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]), holidays: [] };
    expect(plus('2026-03-28T22:00:00Z', 600, always)).toBe('2026-03-29T08:00:00.000Z');
    expect(plus('2026-10-24T22:00:00Z', 600, always)).toBe('2026-10-25T08:00:00.000Z');
  });

  it('spans several days: 48 h of open time is four full days and eight hours', () => {
    expect(plus('2026-06-15T06:00:00Z', 48 * 60)).toBe('2026-06-19T14:00:00.000Z');
  });

  it('does not count the lunch break', () => {
    const day = [{ start: '08:00', end: '12:00' }, { start: '13:30', end: '17:30' }];
    const lunch: BusinessCalendar = { week: [day, day, day, day, day, [], []], holidays: [] };
    // Monday 11:30 + 1 h → 30 min before lunch, 30 min after 13:30 → 14:00.
    expect(plus('2026-06-15T09:30:00Z', 60, lunch)).toBe('2026-06-15T12:00:00.000Z');
  });

  it('agrees with a minute-by-minute count read from the wall clock', () => {
    const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const holidayDates = new Set(office.holidays.map((h) => h.date));
    const openMinute = (t: number) => {
      const p = Object.fromEntries(wall.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      if (p.weekday === 'Sat' || p.weekday === 'Sun' || holidayDates.has(`${p.year}-${p.month}-${p.day}`)) return false;
      const h = Number(p.hour);
      return h >= 8 && h < 18;
    };
    const start2026 = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 364 * 24 * 4 }), fc.integer({ min: 1, max: 1500 }), (quarter, minutes) => {
        const start = start2026 + quarter * 15 * 60_000;
        let t = start;
        let left = minutes;
        // Each open minute [t, t+1) counts; the due date is the end of the last one.
        for (; left > 0; t += 60_000) if (openMinute(t)) left--;
        expect(addBusinessTime(new Date(start), minutes, office).getTime()).toBe(t);
      }),
      { numRuns: 40 },
    );
  });
});

describe('SLA targets in whole days are working days, as GLPI counts them', () => {
  it('keeps the time of day, skipping weekends and holidays', () => {
    // Friday 12 June 17:30 + 1 day → Monday 15 June 17:30.
    expect(addWorkingDays(at('2026-06-12T15:30:00Z'), 1, office).toISOString()).toBe('2026-06-15T15:30:00.000Z');
    // Wednesday 13 May 10:00 + 2 days → Thursday 14 is Ascension → Friday 15, Monday 18 May 10:00.
    expect(addWorkingDays(at('2026-05-13T08:00:00Z'), 2, office).toISOString()).toBe('2026-05-18T08:00:00.000Z');
  });

  it('holds the due time within the opening hours of the day it falls on', () => {
    // Monday 19:00 + 1 day → Tuesday at closing time; Monday 07:00 + 1 day → Tuesday at opening.
    expect(addWorkingDays(at('2026-06-15T17:00:00Z'), 1, office).toISOString()).toBe('2026-06-16T16:00:00.000Z');
    expect(addWorkingDays(at('2026-06-15T05:00:00Z'), 1, office).toISOString()).toBe('2026-06-16T06:00:00.000Z');
  });

  it('keeps the wall time across the autumn change', () => {
    // Friday 23 October 10:00 CEST + 1 day → Monday 26 October 10:00 CET.
    expect(addWorkingDays(at('2026-10-23T08:00:00Z'), 1, office).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('uses working days for multiples of 24 h and open time otherwise', () => {
    expect(addSlaTime(at('2026-06-12T15:30:00Z'), 1440, office).toISOString()).toBe('2026-06-15T15:30:00.000Z');
    expect(addSlaTime(at('2026-06-12T15:30:00Z'), 60, office).toISOString()).toBe('2026-06-15T06:30:00.000Z');
  });
});

describe('calendar validation', () => {
  it('refuses a week that is never open, an opening that ends before it starts, and a holiday given twice', () => {
    const closed = { week: Array.from({ length: 7 }, () => []), holidays: [] };
    expect(businessCalendarSchema.safeParse(closed).success).toBe(false);
    const backwards = { ...office, week: [[{ start: '18:00', end: '08:00' }], [], [], [], [], [], []] };
    expect(businessCalendarSchema.safeParse(backwards).success).toBe(false);
    const twice = { ...office, holidays: [{ date: '2026-01-01', name: 'a' }, { date: '2026-01-01', name: 'b' }] };
    expect(businessCalendarSchema.safeParse(twice).success).toBe(false);
    expect(businessCalendarSchema.safeParse(office).success).toBe(true);
  });
});
