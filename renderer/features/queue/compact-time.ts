import type { TFunction } from 'i18next';

const DAY = 86_400_000;
const localeTag = (locale: string) => (locale.startsWith('en') ? 'en-GB' : 'fr-FR');
const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/**
 * A date as a hotline reads it in a narrow column: "aujourd'hui 14:05", "hier 09:12",
 * "demain 08:00", "lun. 14:05" within the week, "12/03" this year, "12/03/25" before.
 */
export function formatCompactDate(iso: string, locale: string, now = new Date()): string {
  const d = new Date(iso);
  const tag = localeTag(locale);
  const time = d.toLocaleTimeString(tag, { hour: '2-digit', minute: '2-digit' });
  const days = Math.round((startOfDay(d) - startOfDay(now)) / DAY);
  if (days >= -1 && days <= 1) return `${new Intl.RelativeTimeFormat(tag, { numeric: 'auto' }).format(days, 'day')} ${time}`;
  if (days > -7 && days < 0) return `${d.toLocaleDateString(tag, { weekday: 'short' })} ${time}`;
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(tag, { day: '2-digit', month: '2-digit' });
  return d.toLocaleDateString(tag, { day: '2-digit', month: '2-digit', year: '2-digit' });
}

/** "45 min", "2 h", "3 j": the size of a delay, rounded the way one says it. */
export function formatSpan(ms: number, t: TFunction): string {
  const min = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (min < 60) return t('span.min', { count: min });
  const h = Math.round(min / 60);
  if (h < 48) return t('span.h', { count: h });
  return t('span.d', { count: Math.round(h / 24) });
}

/** The SLA cell: time left before the resolution due date, or how late it is. */
export function slaLeft(row: { ttrDue: string | null; status: number; slaBreached: boolean }, t: TFunction, now = Date.now()): { text: string; late: boolean; ttoLate?: boolean } {
  if (!row.ttrDue) return { text: '—', late: false };
  if (row.status >= 5) return { text: row.slaBreached ? t('sla.missed') : t('sla.met'), late: row.slaBreached };
  const left = Date.parse(row.ttrDue) - now;
  // Late although time is left: it was not taken in charge in time (TTO).
  if (left >= 0) return { text: `${row.slaBreached ? '⚠ ' : ''}${t('sla.left', { span: formatSpan(left, t) })}`, late: row.slaBreached, ttoLate: row.slaBreached };
  return { text: t('sla.over', { span: formatSpan(left, t) }), late: true };
}
