import type { Db } from '../../../platform/db';
import { slaBreached, type Ticket, type TicketStatus, type TicketType, type Channel } from '../../../domain/tickets';
import type { Tier } from '../../../domain/organisation';
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
  organisation_id: string | null;
  organisation_code: string | null;
  service_id: string | null;
  service_name: string | null;
  direction_name: string | null;
  service_tier: number | null;
  service_archived: number | null;
  tags: string | null;
  waiting_reason?: string | null;
  remind_at?: string | null;
}

const SELECT_TICKET = `
  SELECT t.*, c.full_name AS category_name, tm.name AS team_name,
    o.code AS organisation_code, su.name AS service_name, su.archived AS service_archived, du.name AS direction_name,
    (SELECT group_concat(tag, ' ') FROM ticket_tags WHERE ticket_id = t.id) AS tags
  FROM tickets t
  LEFT JOIN categories c ON c.id = t.category_id
  LEFT JOIN teams tm ON tm.id = t.team_id
  LEFT JOIN organisations o ON o.id = t.organisation_id
  LEFT JOIN org_units su ON su.id = t.service_id
  LEFT JOIN org_units du ON du.id = su.parent_id`;

/** The columns a queue row and a full ticket both read, named as the SELECTs name them. */
export type TicketSummaryRow = Pick<
  TicketRow,
  'id' | 'number' | 'type' | 'status' | 'subject' | 'priority' | 'team_name' | 'technician' | 'category_name' | 'channel' | 'created_at' | 'updated_at' | 'tto_due' | 'ttr_due' | 'taken_at' | 'resolved_at' | 'organisation_code' | 'service_name' | 'service_tier' | 'service_archived'
>;

/** The one mapping of those columns, shared by the queue (`queue-query.ts`) and `toTicket`. */
export function summaryFields(r: TicketSummaryRow, now: Date) {
  return {
    id: r.id,
    number: r.number,
    type: r.type as TicketType,
    status: r.status as TicketStatus,
    subject: r.subject,
    priority: r.priority,
    teamName: r.team_name,
    technician: r.technician,
    categoryName: r.category_name,
    channel: r.channel as Channel,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ttrDue: r.ttr_due,
    slaBreached: slaBreached({ ttoDue: r.tto_due, ttrDue: r.ttr_due, takenAt: r.taken_at, resolvedAt: r.resolved_at }, now),
  };
}

/** The ticket's service as the queue and the ticket both show it. */
export function serviceFields(r: TicketSummaryRow) {
  return {
    organisationCode: r.organisation_code,
    serviceName: r.service_name,
    tier: (r.service_tier as Tier | null) ?? null,
    serviceArchived: r.service_archived === 1,
  };
}

export function toTicket(r: TicketRow, assetIds: string[], now: Date): Ticket {
  return {
    ...summaryFields(r, now),
    serverId: r.server_id,
    description: r.description,
    urgency: r.urgency,
    impact: r.impact,
    categoryId: r.category_id,
    requesterId: r.requester_id,
    requesterName: r.requester_name,
    requesterPhone: r.requester_phone,
    teamId: r.team_id,
    createdBy: r.created_by,
    closedAt: r.closed_at,
    takenAt: r.taken_at,
    resolvedAt: r.resolved_at,
    solution: r.solution,
    ttoDue: r.tto_due,
    version: r.version,
    assetIds,
    org: { ...serviceFields(r), organisationId: r.organisation_id, serviceId: r.service_id, directionName: r.direction_name },
    tags: r.tags ? r.tags.split(' ').sort() : [],
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

export type NewTicket = Omit<Ticket, 'number' | 'serverId' | 'slaBreached' | 'version' | 'categoryName' | 'teamName' | 'closedAt' | 'updatedAt' | 'org' | 'tags' | 'waitingReason' | 'remindAt'> & {
  /** The requester's organisation and service at call time (absent: none known). */
  organisationId?: string | null;
  serviceId?: string | null;
  serviceTier?: number | null;
  tags?: readonly string[];
  /** What the operator entered before the priority rules, and whether they overrode them. */
  baseUrgency?: number;
  baseImpact?: number;
  priorityOverridden?: boolean;
};

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
  const tag = stmt(db, 'INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)');
  for (const x of t.tags ?? []) tag.run(t.id, x);
  stmt(
    db,
    `INSERT INTO tickets (number, id, type, status, subject, description, urgency, impact, priority, category_id, channel,
       requester_id, requester_name, requester_phone, team_id, technician, created_by, created_at, updated_at,
       taken_at, resolved_at, solution, tto_due, ttr_due, organisation_id, service_id, service_tier, base_urgency, base_impact, priority_overridden)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    number, t.id, t.type, t.status, t.subject, t.description, t.urgency, t.impact, t.priority, t.categoryId, t.channel,
    t.requesterId, t.requesterName, t.requesterPhone, t.teamId, t.technician, t.createdBy, t.createdAt, t.createdAt,
    t.takenAt, t.resolvedAt, t.solution, t.ttoDue, t.ttrDue, t.organisationId ?? null, t.serviceId ?? null, t.serviceTier ?? null,
    t.baseUrgency ?? t.urgency, t.baseImpact ?? t.impact, t.priorityOverridden ? 1 : 0,
  );
  return number;
}

/** The organisation snapshot and rule tags, rewritten when the requester or category changes. */
export function updateTicketOrg(db: Db, id: string, org: { organisationId: string | null; serviceId: string | null; serviceTier: number | null }, tags: readonly string[]): void {
  stmt(db, 'UPDATE tickets SET organisation_id = ?, service_id = ?, service_tier = ? WHERE id = ?').run(org.organisationId, org.serviceId, org.serviceTier, id);
  stmt(db, 'DELETE FROM ticket_tags WHERE ticket_id = ?').run(id);
  const tag = stmt(db, 'INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)');
  for (const x of tags) tag.run(id, x);
}

/** The operator chose urgency/impact themselves: later rule runs keep them (an override). */
export function markPriorityOverridden(db: Db, id: string): void {
  stmt(db, 'UPDATE tickets SET priority_overridden = 1 WHERE id = ?').run(id);
}

export function ticketBase(db: Db, id: string): { urgency: number | null; impact: number | null; overridden: boolean } {
  const r = stmt(db, 'SELECT base_urgency, base_impact, priority_overridden FROM tickets WHERE id = ?').get(id) as { base_urgency: number | null; base_impact: number | null; priority_overridden: number } | undefined;
  return { urgency: r?.base_urgency ?? null, impact: r?.base_impact ?? null, overridden: r?.priority_overridden === 1 };
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
