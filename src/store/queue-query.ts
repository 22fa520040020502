import type { Db } from './db';
import { stmt } from './statements';
import { MARK_END, MARK_START, queueQuerySchema, type QueueFilter, type QueuePage, type QueueQuery, type QueueRow, type SortColumn } from '../domain/queue';
import { foldText, slaBreached, type Channel, type TicketStatus, type TicketType } from '../domain/tickets';

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
};

/** SQL twin of domain/tickets.ts slaBreached(): late to take charge or late to resolve. */
const BREACH_SQL = `(
  (t.tto_due IS NOT NULL AND ((t.taken_at IS NULL AND t.tto_due < @now) OR t.taken_at > t.tto_due)) OR
  (t.ttr_due IS NOT NULL AND ((t.resolved_at IS NULL AND t.ttr_due < @now) OR t.resolved_at > t.ttr_due))
)`;

/**
 * Turns what the agent typed into an FTS5 query: every word must appear, each as a
 * prefix ("dupr" finds "Dupré"), with FTS syntax characters neutralised so any input is safe.
 */
export function toFtsQuery(text: string): string | null {
  const words = foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

interface Built {
  from: string;
  where: string;
  params: Record<string, unknown>;
  fts: boolean;
}

function build(filter: QueueFilter, ctx: { now: Date; user: string }): Built {
  const where: string[] = [];
  const params: Record<string, unknown> = { now: ctx.now.toISOString() };
  const fts = filter.text ? toFtsQuery(filter.text) : null;
  let from = 'tickets t';
  if (fts) {
    from = 'tickets_fts JOIN tickets t ON t.number = tickets_fts.rowid';
    where.push('tickets_fts MATCH @fts');
    params.fts = fts;
  }
  const inList = (name: string, col: string, values: readonly (string | number)[]) => {
    const keys = values.map((v, i) => {
      params[`${name}${i}`] = v;
      return `@${name}${i}`;
    });
    where.push(keys.length ? `${col} IN (${keys.join(', ')})` : '0');
  };
  if (filter.statuses) inList('st', 't.status', filter.statuses);
  if (filter.teamIds) inList('tm', 't.team_id', filter.teamIds);
  if (filter.priorities) inList('pr', 't.priority', filter.priorities);
  if (filter.technician) {
    where.push('t.technician = @tech');
    params.tech = filter.technician;
  }
  if (filter.mine) {
    where.push('t.technician = @me');
    params.me = ctx.user;
  }
  if (filter.unassigned) where.push('t.technician IS NULL');
  if (filter.slaBreached === true) where.push(BREACH_SQL);
  if (filter.slaBreached === false) where.push(`NOT ${BREACH_SQL}`);
  return { from, where: where.length ? `WHERE ${where.join(' AND ')}` : '', params, fts: fts !== null };
}

type Row = {
  id: string;
  number: number;
  type: string;
  status: number;
  subject: string;
  requester: string;
  priority: number;
  team_name: string | null;
  technician: string | null;
  category_name: string | null;
  channel: string;
  created_at: string;
  updated_at: string;
  tto_due: string | null;
  ttr_due: string | null;
  taken_at: string | null;
  resolved_at: string | null;
  snippet: string | null;
};

export function queryQueue(db: Db, rawQuery: QueueQuery, ctx: { now: Date; user: string; withTotal?: boolean }): QueuePage {
  const q = queueQuerySchema.parse(rawQuery);
  const b = build(q.filter, ctx);
  const dir = q.dir === 'asc' ? 'ASC' : 'DESC';
  const columns = b.fts
    ? `highlight(tickets_fts, 0, '${MARK_START}', '${MARK_END}') AS subject,
       highlight(tickets_fts, 2, '${MARK_START}', '${MARK_END}') AS requester,
       snippet(tickets_fts, -1, '${MARK_START}', '${MARK_END}', '…', 12) AS snippet`
    : 't.subject AS subject, t.requester_name AS requester, NULL AS snippet';
  const needsJoins = ['team', 'category'].includes(q.sort);
  // Team and category names come from two small tables; join them for the page only,
  // unless the sort needs them, so SQLite can walk a ticket index and stop after `limit`.
  const sql = needsJoins
    ? `SELECT t.id, t.number, t.type, t.status, t.priority, t.technician, t.channel, t.created_at, t.updated_at,
              t.tto_due, t.ttr_due, t.taken_at, t.resolved_at, tm.name AS team_name, c.full_name AS category_name, ${columns}
       FROM ${b.from} LEFT JOIN teams tm ON tm.id = t.team_id LEFT JOIN categories c ON c.id = t.category_id
       ${b.where} ORDER BY ${SORT_SQL[q.sort]} ${dir}, t.number ${dir} LIMIT @limit OFFSET @offset`
    : `SELECT t.id, t.number, t.type, t.status, t.priority, t.technician, t.channel, t.created_at, t.updated_at,
              t.tto_due, t.ttr_due, t.taken_at, t.resolved_at,
              (SELECT name FROM teams WHERE id = t.team_id) AS team_name,
              (SELECT full_name FROM categories WHERE id = t.category_id) AS category_name, ${columns}
       FROM ${b.from} ${b.where} ORDER BY ${SORT_SQL[q.sort]} ${dir}, t.number ${dir} LIMIT @limit OFFSET @offset`;
  const rows = stmt(db, sql).all({ ...b.params, limit: q.limit, offset: q.offset }) as Row[];
  const total = ctx.withTotal === false ? -1 : countQueue(db, q.filter, ctx);
  return { total, offset: q.offset, rows: rows.map((r) => toRow(r, ctx.now)) };
}

export function countQueue(db: Db, filter: QueueFilter, ctx: { now: Date; user: string }): number {
  const b = build(filter, ctx);
  return (stmt(db, `SELECT COUNT(*) AS n FROM ${b.from} ${b.where}`).get(b.params) as { n: number }).n;
}

function toRow(r: Row, now: Date): QueueRow {
  return {
    id: r.id,
    number: r.number,
    type: r.type as TicketType,
    status: r.status as TicketStatus,
    subject: r.subject,
    requester: r.requester,
    priority: r.priority,
    teamName: r.team_name,
    technician: r.technician,
    categoryName: r.category_name,
    channel: r.channel as Channel,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ttrDue: r.ttr_due,
    slaBreached: slaBreached({ ttoDue: r.tto_due, ttrDue: r.ttr_due, takenAt: r.taken_at, resolvedAt: r.resolved_at }, now),
    snippet: r.snippet,
  };
}
