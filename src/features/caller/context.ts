import type { Db } from '../../platform/db';
import { stmt } from '../../platform/statements';
import { DUPLICATE_DAYS, OUTAGE_THRESHOLD, keywords, similarText, type CallerTicket, type Duplicates } from '../../domain/caller';
import { toFts } from '../../domain/search-text';

type Row = Omit<CallerTicket, 'via'> & { description: string; viaAsset: number };
const COLUMNS = `t.id, t.number, t.subject, t.status, t.created_at AS createdAt, t.updated_at AS updatedAt, t.requester_name AS requesterName,
  t.description, (SELECT name FROM teams WHERE id = t.team_id) AS teamName`;

/** Tickets of this requester or linked to these PCs, newest first (both ways are indexed). */
function ticketsOf(db: Db, personId: string | null, assetIds: string[], since: string | null, limit: number): Row[] {
  const byPerson = personId
    ? (stmt(db, `SELECT ${COLUMNS}, 0 AS viaAsset FROM tickets t WHERE t.requester_id = @p AND (@since IS NULL OR t.created_at >= @since OR t.status < 5) ORDER BY t.updated_at DESC LIMIT @limit`).all({ p: personId, since, limit }) as Row[])
    : [];
  const seen = new Set(byPerson.map((r) => r.id));
  const byAsset: Row[] = [];
  for (const a of assetIds.slice(0, 5)) {
    const rows = stmt(db, `SELECT ${COLUMNS}, 1 AS viaAsset FROM ticket_assets ta JOIN tickets t ON t.id = ta.ticket_id WHERE ta.asset_id = @a AND (@since IS NULL OR t.created_at >= @since OR t.status < 5) ORDER BY t.updated_at DESC LIMIT @limit`).all({ a, since, limit }) as Row[];
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      byAsset.push(r);
    }
  }
  return [...byPerson, ...byAsset].sort((x, y) => (x.updatedAt < y.updatedAt ? 1 : -1)).slice(0, limit);
}
const toCaller = (r: Row): CallerTicket => ({
  id: r.id, number: r.number, subject: r.subject, status: r.status as CallerTicket['status'], createdAt: r.createdAt, updatedAt: r.updatedAt,
  teamName: r.teamName, requesterName: r.requesterName, via: r.viaAsset ? 'asset' : 'requester',
});

/** The caller panel: open tickets of the requester and their PCs, and the recent closed ones (90 days). */
export function callerContext(db: Db, q: { personId: string | null; assetIds: string[] }, now: Date) {
  const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
  const rows = ticketsOf(db, q.personId, q.assetIds, since, 30).map(toCaller);
  return { open: rows.filter((r) => r.status < 5), recent: rows.filter((r) => r.status >= 5).slice(0, 8) };
}

/**
 * Likely duplicates of the call being typed: the same requester or PC with a similar
 * subject in the last days, and similar calls from anyone in the last hour (an outage
 * when there are many).
 */
export function findDuplicates(db: Db, q: { personId: string | null; assetIds: string[]; text: string }, now: Date): Duplicates {
  const words = keywords(q.text);
  if (words.length === 0) return { similar: [], lastHour: [], outage: false };
  const since = new Date(now.getTime() - DUPLICATE_DAYS * 86_400_000).toISOString();
  const similar = ticketsOf(db, q.personId, q.assetIds, since, 50)
    .filter((r) => r.createdAt >= since && similarText(q.text, `${r.subject} ${r.description}`))
    .slice(0, 5)
    .map(toCaller);
  // Any keyword of the call, as a prefix, among the last hour's tickets.
  const fts = toFts(words.slice(0, 8).map((w) => ({ joined: w, variants: [[w.slice(0, Math.max(4, Math.min(w.length, 6)))]] })))?.replaceAll(') AND (', ') OR (');
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const lastHour = fts
    ? (stmt(db, `SELECT ${COLUMNS}, 0 AS viaAsset FROM tickets_fts CROSS JOIN tickets t ON t.number = tickets_fts.rowid WHERE tickets_fts MATCH @fts AND t.created_at >= @since ORDER BY t.number DESC LIMIT 20`).all({ fts, since: hourAgo }) as Row[])
        .filter((r) => similarText(q.text, `${r.subject} ${r.description}`))
        .map(toCaller)
    : [];
  const people = new Set(lastHour.map((r) => r.requesterName));
  return { similar, lastHour, outage: people.size >= OUTAGE_THRESHOLD };
}
