/**
 * GLPI answers dates as `YYYY-MM-DD hh:mm:ss` in the server's time zone, without an offset
 * (docs/glpi-observed.md). The connector learns that zone once per session (GLPI's `timezone`
 * setting, else the offset between the session's `glpi_currenttime` and the HTTP `Date`
 * header) and converts both ways here.
 */

export type ServerZone = { kind: 'iana'; name: string } | { kind: 'offset'; minutes: number };

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** Whether `name` is a time zone this Node knows (GLPI may hold an empty or legacy value). */
export function isKnownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Offset of `zone` from UTC at instant `utcMs`, in minutes (Paris in summer: 120). */
export function zoneOffsetMinutes(zone: ServerZone, utcMs: number): number {
  if (zone.kind === 'offset') return zone.minutes;
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone.name, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** Server-local `YYYY-MM-DD hh:mm:ss` → ISO-8601 UTC; null when it is not such a date. */
export function glpiLocalToIso(local: string, zone: ServerZone): string | null {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) {
    const t = Date.parse(local);
    return Number.isFinite(t) ? new Date(t).toISOString() : null;
  }
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!Number.isFinite(wall)) return null;
  // Two passes: the offset at the guessed instant, then at the corrected one (DST edges).
  let utc = wall - zoneOffsetMinutes(zone, wall) * 60_000;
  utc = wall - zoneOffsetMinutes(zone, utc) * 60_000;
  return new Date(utc).toISOString();
}

/** ISO-8601 instant → the server's local `YYYY-MM-DD hh:mm:ss` (search criteria on dates). */
export function isoToGlpiLocal(iso: string, zone: ServerZone): string {
  const t = Date.parse(iso);
  const shifted = new Date(t + zoneOffsetMinutes(zone, t) * 60_000);
  return shifted.toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * The zone from what the server says: its `timezone` setting when usable, else the offset
 * between its clock (`glpi_currenttime`, local) and the HTTP `Date` header (UTC), rounded to
 * a quarter of an hour; else the client's own zone (the console runs where the server is).
 */
export function detectZone(setting: string | null | undefined, serverLocalNow: string | null | undefined, httpDate: string | null | undefined): ServerZone {
  if (setting && setting !== '0' && isKnownZone(setting)) return { kind: 'iana', name: setting };
  if (serverLocalNow && httpDate) {
    const asUtc = glpiLocalToIso(serverLocalNow, { kind: 'offset', minutes: 0 });
    const real = Date.parse(httpDate);
    if (asUtc && Number.isFinite(real)) return { kind: 'offset', minutes: Math.round((Date.parse(asUtc) - real) / 900_000) * 15 };
  }
  return { kind: 'iana', name: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
}
