import { MAX_PERIOD_DAYS, type DashboardSelection } from '../../domain/dashboard';
import { RelaisError } from '../../base/errors';

/**
 * Turns the user's period into instants. Days are the console's LOCAL calendar days (the
 * hotline's working day, not UTC's): a call at 00:30 in Paris belongs to that day.
 */
export interface ResolvedPeriod {
  /** Inclusive start and exclusive end, ISO-8601 UTC (the store's timestamp format). */
  from: string;
  to: string;
  /** Start of the period of the same length just before, for comparisons. */
  previousFrom: string;
  /** Local days of the period, YYYY-MM-DD. */
  days: string[];
  /** Where each local day starts, ISO-8601 UTC, plus the period's end (days.length + 1 instants). */
  dayStarts: string[];
}

export const localDay = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

const parseDay = (s: string): Date => {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
};
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

export function resolvePeriod(sel: Pick<DashboardSelection, 'period' | 'from' | 'to'>, now: Date): ResolvedPeriod {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  let start: Date;
  let endExclusive: Date;
  if (sel.period === 'custom') {
    start = parseDay(sel.from!);
    endExclusive = addDays(parseDay(sel.to!), 1);
  } else {
    const span = sel.period === 'today' ? 1 : sel.period === '7d' ? 7 : 30;
    start = addDays(today, 1 - span);
    endExclusive = addDays(today, 1);
  }
  const days: string[] = [];
  const dayStarts: string[] = [];
  for (let d = start; d < endExclusive; d = addDays(d, 1)) {
    days.push(localDay(d));
    dayStarts.push(d.toISOString());
    if (days.length > MAX_PERIOD_DAYS) {
      throw RelaisError.of('INVALID_INPUT_period', { days: MAX_PERIOD_DAYS });
    }
  }
  const length = endExclusive.getTime() - start.getTime();
  return {
    from: start.toISOString(),
    to: endExclusive.toISOString(),
    previousFrom: new Date(start.getTime() - length).toISOString(),
    days,
    dayStarts: [...dayStarts, endExclusive.toISOString()],
  };
}
