import type { Db } from '../../platform/db';
import { stmt } from '../../platform/statements';
import { MARK_END, MARK_START, queueQuerySchema, type QueueFilter, type QueuePage, type QueueQuery, type QueueRow, type SortColumn } from '../../domain/queue';
import { summaryFields, serviceFields, type TicketSummaryRow } from './repos/tickets';
import { closeTerms, matchRanges, parseSearch, toFts, typoBudget } from '../../domain/search-text';

/**
 * The queue's one query: filters, full-text search and sort all run in SQLite so the
 * renderer only ever holds the page it shows, whatever the size of the queue.
 */
const SORT_SQL: Record<SortColumn, string> = {
  number: 't.number',
  subject: 't.subject COLLATE NOCASE',
  status: 't.status',
  priority: 't.priority',
  requester: 't.requester_name COLLATE NOCASE',
  team: 'tm.name',
  technician: 't.technician',
  category: 'c.full_name',
  createdAt: 't.created_at',
  updatedAt: 't.updated_at',
  ttrDue: 't.ttr_due',
  organisation: 't.organisation_id',
  service: '(SELECT name FROM org_units WHERE id = t.service_id) COLLATE NOCASE',
  tier: 'COALESCE(t.service_tier, 4)',
};
/** Within one priority, calls from vital services come first (crisis rule), whatever the direction. */
const TIER_WITHIN = 'COALESCE(t.service_tier, 4) ASC';

/** SQL twin of domain/tickets.ts slaBreached(): late to take charge or late to resolve. */
const BREACH_SQL = `(
  (t.tto_due IS NOT NULL AND ((t.taken_at IS NULL AND t.tto_due < @now) OR t.taken_at > t.tto_due)) OR
  (t.ttr_due IS NOT NULL AND ((t.resolved_at IS NULL AND t.ttr_due < @now) OR t.resolved_at > t.ttr_due))
)`;

/**
 * Turns what the agent typed into an FTS5 query: every word must appear, each as a
 * prefix ("dupr" finds "Dupré"), hyphens and punctuation forgiven ("wifi" finds "Wi-Fi"),
 * with FTS syntax characters neutralised so any input is safe.
 */
export function toFtsQuery(text: string): string | null {
  return toFts(parseSearch(text));
}

interface Built {
  from: string;
  where: string;
  params: Record<string, unknown>;
  fts: boolean;
}

function build(filter: QueueFilter, ctx: { now: Date; user: string }, purpose: 'page' | 'count' = 'page'): Built {
  const where: string[] = [];
  const params: Record<string, unknown> = { now: ctx.now.toISOString() };
  const fts = filter.text ? toFtsQuery(filter.text) : null;
  const from = fts ? 'tickets_fts CROSS JOIN tickets t ON t.number = tickets_fts.rowid' : 'tickets t';
  if (fts) {
    where.push('tickets_fts MATCH @fts');
    params.fts = fts;
  }
  // A unary "+" keeps SQLite from using an index for that filter. Closed tickets and any
  // one priority are most of the table: walking the sort column's index and stopping after
  // one page beats collecting and sorting tens of thousands of matches.
  // (A count has no sort to walk: there the filter's own index is always the best path.)
  const page = purpose === 'page';
  const broadStatuses = page && (filter.statuses?.some((st) => st >= 5) ?? false);
  const inList = (name: string, col: string, values: readonly (string | number)[]) => {
    const keys = values.map((v, i) => {
      params[`${name}${i}`] = v;
      return `@${name}${i}`;
    });
    where.push(keys.length ? `${col} IN (${keys.join(', ')})` : '0');
  };
  if (filter.statuses) inList('st', broadStatuses ? '+t.status' : 't.status', filter.statuses);
  if (filter.teamIds) inList('tm', page && filter.teamIds.length > 1 ? '+t.team_id' : 't.team_id', filter.teamIds);
  if (filter.priorities) inList('pr', page ? '+t.priority' : 't.priority', filter.priorities);
  if (filter.technician) {
    where.push('t.technician = @tech');
    params.tech = filter.technician;
  }
  if (filter.mine) {
    where.push('t.technician = @me');
    params.me = ctx.user;
  }
  if (filter.unassigned) where.push('t.technician IS NULL');
  if (filter.organisationIds) inList('org', 't.organisation_id', filter.organisationIds);
  if (filter.serviceIds) inList('svc', 't.service_id', filter.serviceIds);
  if (filter.tiers) inList('tier', 't.service_tier', filter.tiers);
  if (filter.remindersDue) where.push('t.remind_at IS NOT NULL AND t.remind_at <= @now');
  if (filter.slaBreached === true) where.push(BREACH_SQL);
  if (filter.slaBreached === false) where.push(`NOT ${BREACH_SQL}`);
  return { from, where: where.length ? `WHERE ${where.join(' AND ')}` : '', params, fts: fts !== null };
}

/** A queue row: the summary columns every ticket read shares, the requester's name and the search snippet. */
type Row = TicketSummaryRow & { requester: string; snippet: string | null };

/**
 * Two steps, so the cost does not grow with the size of the queue: (1) the page's ticket
 * numbers, found through the narrowest index (FTS5 first when searching, with CROSS JOIN
 * fixing that order) and sorted on the sort key alone; (2) the 50 rows' columns, names
 * and search highlights for those numbers only.
 */
export function queryQueue(db: Db, rawQuery: QueueQuery, ctx: { now: Date; user: string; withTotal?: boolean }): QueuePage {
  const q = queueQuerySchema.parse(rawQuery);
  const page = queryPage(db, q, ctx);
  if (!q.filter.text || page.total !== 0 || q.offset !== 0) return page;
  // Nothing found: a misspelling ("bourage")? Search the corrected words instead, and say so.
  // Or matches in other views ("Aucun ticket" in "Ouverts" while resolved ones match)?
  const corrected = correctSearch(db, q.filter.text);
  if (corrected) {
    const again = queryPage(db, { ...q, filter: { ...q.filter, text: corrected } }, ctx);
    if (again.total !== 0) return { ...again, correctedText: corrected };
  }
  const text = corrected && countQueue(db, { text: corrected }, ctx) > 0 ? corrected : q.filter.text;
  const elsewhere = Object.keys(q.filter).length > 1 ? countQueue(db, { text }, ctx) : 0;
  return { ...page, elsewhere, correctedText: text === q.filter.text ? null : text };
}

function queryPage(db: Db, q: ReturnType<typeof queueQuerySchema.parse>, ctx: { now: Date; user: string; withTotal?: boolean }): QueuePage {
  const b = build(q.filter, ctx);
  const dir = q.dir === 'asc' ? 'ASC' : 'DESC';
  const joins = q.sort === 'team' ? 'LEFT JOIN teams tm ON tm.id = t.team_id' : q.sort === 'category' ? 'LEFT JOIN categories c ON c.id = t.category_id' : '';
  // FTS5 hands rows out in rowid (= number) order itself: no sort needed for "newest first".
  const order = b.fts && q.sort === 'number' ? `tickets_fts.rowid ${dir}` : `${SORT_SQL[q.sort]} ${dir}, ${q.sort === 'priority' ? `${TIER_WITHIN}, ` : ''}t.number ${dir}`;
  const from = b.fts ? 'tickets_fts CROSS JOIN tickets t ON t.number = tickets_fts.rowid' : 'tickets t';
  const numbers = (stmt(db, `SELECT t.number AS n FROM ${from} ${joins} ${b.where} ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({
    ...b.params,
    limit: q.limit,
    offset: q.offset,
  }) as { n: number }[]).map((r) => r.n);
  const rows = fetchRows(db, numbers, b.fts ? searchTerms(q.filter.text ?? '') : null, ctx.now);
  const total = ctx.withTotal === false ? -1 : countQueue(db, q.filter, ctx);
  return { total, capped: b.fts && total >= SEARCH_COUNT_CAP, offset: q.offset, rows, elsewhere: 0, correctedText: null };
}

function fetchRows(db: Db, numbers: number[], terms: string[] | null, now: Date): QueueRow[] {
  if (numbers.length === 0) return [];
  const list = numbers.join(',');
  const data = db
    .prepare(
      `SELECT t.id, t.number, t.type, t.status, t.priority, t.technician, t.channel, t.created_at, t.updated_at,
              t.tto_due, t.ttr_due, t.taken_at, t.resolved_at, t.subject, t.requester_name AS requester, NULL AS snippet,
              (SELECT name FROM teams WHERE id = t.team_id) AS team_name,
              (SELECT full_name FROM categories WHERE id = t.category_id) AS category_name,
              (SELECT code FROM organisations WHERE id = t.organisation_id) AS organisation_code,
              su.name AS service_name, su.archived AS service_archived, t.service_tier
       FROM tickets t LEFT JOIN org_units su ON su.id = t.service_id WHERE t.number IN (${list})`,
    )
    .all() as Row[];
  const byNumber = new Map(data.map((r) => [r.number, r]));
  let docs = new Map<number, { description: string; assets: string; followups: string }>();
  if (terms) {
    const fts = db.prepare(`SELECT rowid AS n, description, assets, followups FROM tickets_fts WHERE rowid IN (${list})`).all() as { n: number; description: string; assets: string; followups: string }[];
    docs = new Map(fts.map((d) => [d.n, d]));
  }
  return numbers.flatMap((n) => {
    const r = byNumber.get(n);
    if (!r) return [];
    if (terms) {
      const doc = docs.get(n);
      r.subject = highlightTerms(r.subject, terms);
      r.requester = highlightTerms(r.requester, terms);
      r.snippet = doc ? bestSnippet([doc.description, doc.assets, doc.followups], terms) : null;
    }
    return [toRow(r, now)];
  });
}

/** The folded words of a search, as they are highlighted. */
export function searchTerms(text: string): string[] {
  return parseSearch(text).map((w) => w.joined);
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Marks every word a search term starts (accents, case and inner separators ignored, like the search). */
export function highlightTerms(text: string, terms: string[]): string {
  let out = '';
  let at = 0;
  for (const [start, rawEnd] of matchRanges(text, terms)) {
    if (start < at) continue;
    let end = rawEnd;
    while (end < text.length && WORD_CHAR.test(text[end]!)) end++;
    out += `${text.slice(at, start)}${MARK_START}${text.slice(start, end)}${MARK_END}`;
    at = end;
  }
  return out + text.slice(at);
}

/** An excerpt around the first match in description, PCs or follow-ups. */
export function bestSnippet(fields: string[], terms: string[], radius = 50): string | null {
  for (const field of fields) {
    const first = matchRanges(field, terms)[0];
    if (!first) continue;
    const start = Math.max(0, first[0] - radius);
    const end = Math.min(field.length, first[1] + radius * 2);
    return `${start > 0 ? '…' : ''}${highlightTerms(field.slice(start, end), terms)}${end < field.length ? '…' : ''}`;
  }
  return null;
}

/**
 * The spelling fallback, when a search finds nothing: each word no indexed term starts
 * with is replaced by the closest indexed terms (same first letter, a typo or two away),
 * read from the FTS5 index's own vocabulary. Returns the corrected text, or null.
 */
export function correctSearch(db: Db, text: string): string | null {
  const words = parseSearch(text);
  let changed = false;
  const out = words.map((w) => {
    const exists = stmt(db, 'SELECT 1 FROM tickets_fts_vocab WHERE term >= ? AND term < ? LIMIT 1').get(w.joined, `${w.joined}\u{10ffff}`);
    if (exists || typoBudget(w.joined.length) === 0) return w.joined;
    const first = w.joined[0]!;
    const vocabulary = (stmt(db, 'SELECT term, doc AS docs FROM tickets_fts_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?').all(
      first,
      `${first}\u{10ffff}`,
      w.joined.length - 2,
      w.joined.length + 12,
    ) as { term: string; docs: number }[]);
    const best = closeTerms(w.joined, vocabulary, 1)[0];
    if (!best) return w.joined;
    changed = true;
    return best;
  });
  return changed ? out.join(' ') : null;
}

/**
 * Past this many matches a search's count stops ("5 000+"): a word found in most tickets
 * ("de") would otherwise cost a walk of the whole index for a number nobody reads.
 */
export const SEARCH_COUNT_CAP = 5000;

export function countQueue(db: Db, filter: QueueFilter, ctx: { now: Date; user: string }): number {
  const b = build(filter, ctx, 'count');
  const sql = b.fts
    ? `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${b.from} ${b.where} LIMIT ${SEARCH_COUNT_CAP})`
    : `SELECT COUNT(*) AS n FROM ${b.from} ${b.where}`;
  return (stmt(db, sql).get(b.params) as { n: number }).n;
}

function toRow(r: Row, now: Date): QueueRow {
  return { ...summaryFields(r, now), requester: r.requester, snippet: r.snippet, ...serviceFields(r) };
}
