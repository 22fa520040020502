import type { Db } from '../../../platform/db';
import { slaBreached, type Ticket, type TicketStatus, type TicketType, type Channel } from '../../../domain/tickets';
import { stmt } from '../../../platform/statements';

/** Ticket fields a workflow may change, mapped to their columns. */
export const UPDATABLE_COLUMNS = {
  status: 'status',
  subject: 'subject',
  description: 'description',
  urgency: 'urgency',
  impact: 'impact',
  priority: 'priority',
  categoryId: 'category_id',
  teamId: 'team_id',
  technician: 'technician',
  takenAt: 'taken_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
  solution: 'solution',
  ttoDue: 'tto_due',
  ttrDue: 'ttr_due',
  type: 'type',
  channel: 'channel',
  requesterId: 'requester_id',
  requesterName: 'requester_name',
  requesterPhone: 'requester_phone',
  waitingReason: 'waiting_reason',
  remindAt: 'remind_at',
} as const;
export type UpdatableField = keyof typeof UPDATABLE_COLUMNS;
export type TicketChanges = Partial<Pick<Ticket, UpdatableField>>;

export interface TicketRow {
  id: string;
  number: number;
  server_id: string | null;
  type: string;
  status: number;
  subject: string;
  description: string;
  urgency: number;
  impact: number;
  priority: number;
  category_id: string | null;
  category_name: string | null;
  channel: string;
  requester_id: string | null;
  requester_name: string;
  requester_phone: string;
  team_id: string | null;
  team_name: string | null;
  technician: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  taken_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  solution: string | null;
  tto_due: string | null;
  ttr_due: string | null;
  version: number;
  waiting_reason?: string | null;
  remind_at?: string | null;
}

const SELECT_TICKET = `
  SELECT t.*, c.full_name AS category_name, tm.name AS team_name
  FROM tickets t
  LEFT JOIN categories c ON c.id = t.category_id
  LEFT JOIN teams tm ON tm.id = t.team_id`;

export function toTicket(r: TicketRow, assetIds: string[], now: Date): Ticket {
  return {
    id: r.id,
    number: r.number,
    serverId: r.server_id,
    type: r.type as TicketType,
    status: r.status as TicketStatus,
    subject: r.subject,
    description: r.description,
    urgency: r.urgency,
    impact: r.impact,
    priority: r.priority,
    categoryId: r.category_id,
    categoryName: r.category_name,
    channel: r.channel as Channel,
    requesterId: r.requester_id,
    requesterName: r.requester_name,
    requesterPhone: r.requester_phone,
    teamId: r.team_id,
    teamName: r.team_name,
    technician: r.technician,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    takenAt: r.taken_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    solution: r.solution,
    ttoDue: r.tto_due,
    ttrDue: r.ttr_due,
    slaBreached: slaBreached({ ttoDue: r.tto_due, ttrDue: r.ttr_due, takenAt: r.taken_at, resolvedAt: r.resolved_at }, now),
    version: r.version,
    assetIds,
    waitingReason: r.waiting_reason ?? null,
    remindAt: r.remind_at ?? null,
  };
}

export function findTicket(db: Db, id: string, now: Date): Ticket | undefined {
  const r = stmt(db, `${SELECT_TICKET} WHERE t.id = ?`).get(id) as TicketRow | undefined;
  if (!r) return undefined;
  return toTicket(r, linkedAssetIds(db, id), now);
}

export function linkedAssetIds(db: Db, ticketId: string): string[] {
  return (stmt(db, 'SELECT asset_id FROM ticket_assets WHERE ticket_id = ? ORDER BY rowid').all(ticketId) as { asset_id: string }[]).map((r) => r.asset_id);
}

export function nextTicketNumber(db: Db): number {
  return (stmt(db, 'SELECT COALESCE(MAX(number), 0) + 1 AS n FROM tickets').get() as { n: number }).n;
}

export type NewTicket = Omit<Ticket, 'number' | 'serverId' | 'slaBreached' | 'version' | 'categoryName' | 'teamName' | 'closedAt' | 'updatedAt' | 'waitingReason' | 'remindAt'>;

/**
 * Inserts the ticket row and its PC links; returns its number. Runs inside the caller's
 * transaction. Links go in first (foreign keys deferred to the commit) so the search
 * document is written once, complete, by the insert trigger.
 */
export function insertTicket(db: Db, t: NewTicket): number {
  const number = nextTicketNumber(db);
  db.pragma('defer_foreign_keys = ON');
  const link = stmt(db, 'INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)');
  for (const a of t.assetIds) link.run(t.id, a);
  stmt(
    db,
    `INSERT INTO tickets (number, id, type, status, subject, description, urgency, impact, priority, category_id, channel,
       requester_id, requester_name, requester_phone, team_id, technician, created_by, created_at, updated_at,
       taken_at, resolved_at, solution, tto_due, ttr_due)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    number, t.id, t.type, t.status, t.subject, t.description, t.urgency, t.impact, t.priority, t.categoryId, t.channel,
    t.requesterId, t.requesterName, t.requesterPhone, t.teamId, t.technician, t.createdBy, t.createdAt, t.createdAt,
    t.takenAt, t.resolvedAt, t.solution, t.ttoDue, t.ttrDue,
  );
  return number;
}

/** Writes changed columns and bumps updated_at and version. Runs inside the caller's transaction. */
export function updateTicketColumns(db: Db, id: string, changes: TicketChanges, updatedAt: string): void {
  const fields = Object.keys(changes) as UpdatableField[];
  const sets = fields.map((f) => `${UPDATABLE_COLUMNS[f]} = ?`);
  sets.push('updated_at = ?', 'version = version + 1');
  stmt(db, `UPDATE tickets SET ${sets.join(', ')} WHERE id = ?`).run(...fields.map((f) => changes[f] ?? null), updatedAt, id);
}

export function touchTicket(db: Db, id: string, updatedAt: string): void {
  stmt(db, 'UPDATE tickets SET updated_at = ? WHERE id = ?').run(updatedAt, id);
}

export function countTickets(db: Db): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
}

/** Replaces a ticket's linked PCs and refreshes their text in the search index. In the caller's transaction. */
export function relinkAssets(db: Db, ticketId: string, assetIds: string[]): void {
  stmt(db, 'DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
  const link = stmt(db, 'INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)');
  for (const a of assetIds) link.run(ticketId, a);
  stmt(
    db,
    `UPDATE tickets_fts SET assets = COALESCE((SELECT group_concat(a.name || ' ' || a.serial || ' ' || a.ip, ' ')
       FROM ticket_assets ta JOIN assets a ON a.id = ta.asset_id WHERE ta.ticket_id = @id), '')
     WHERE rowid = (SELECT number FROM tickets WHERE id = @id)`,
  ).run({ id: ticketId });
}
