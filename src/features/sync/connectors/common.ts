import { BadDataError } from '../types';

/** Longest subject / follow-up body accepted from a server (bigger items are skipped, not truncated silently). */
export const MAX_SUBJECT = 1_000;
export const MAX_BODY = 1_000_000;

export function clampText(v: string, max: number, field: string, id: string | null): string {
  if (v.length > max) throw new BadDataError(`${field} too large (${v.length} characters, limit ${max})`, id);
  return v;
}

/** Server timestamps → ISO-8601 UTC; a date that does not parse is bad data. */
export function isoOrThrow(v: string, field: string, id: string | null): string {
  const s = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new BadDataError(`invalid date in ${field} ("${v.slice(0, 40)}")`, id);
  return new Date(t).toISOString();
}
