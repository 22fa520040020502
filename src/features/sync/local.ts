/**
 * The sync engine's side of the local store: its own tables (the local ↔ server id mapping
 * in `sync_tickets`, conflicts), the outbox read in sync vocabulary, and what the server
 * sent applied to the local tickets. Tickets and their timelines are written only by the
 * tickets feature, through its replica port: this module decides what to apply (pending
 * local changes and open conflicts keep the local value), the port writes it.
 */
import type { Db } from '../../platform/db';
import { OUTBOX_COLUMNS, outboxRowFromDb, outboxRowSchema, type OutboxRow } from '../tickets/outbox';
import type { TicketReplicaPort } from '../tickets/port';
import type { RemoteFollowup, RemoteTicket, SyncField, SyncFields, SyncNotice } from './types';
import { unionTimeline } from './merge';

/** Maps outbox change keys (camelCase ticket fields) to sync fields; the rest are local-only. */
export function changesToSync(tickets: TicketReplicaPort, changes: Record<string, unknown>): Partial<SyncFields> {
  const out: Partial<SyncFields> = {};
  for (const [k, v] of Object.entries(changes)) {
    switch (k) {
      case 'status':
      case 'priority':
      case 'urgency':
      case 'impact':
        if (typeof v === 'number') out[k] = v;
        break;
      case 'subject':
      case 'description':
      case 'requesterName':
      case 'requesterPhone':
        if (typeof v === 'string') out[k] = v;
        break;
      case 'type':
        if (v === 'incident' || v === 'request') out.type = v;
        break;
      case 'technician':
        out.technician = typeof v === 'string' && v ? v : null;
        break;
      case 'solution':
        out.solution = typeof v === 'string' ? v : null;
        break;
      case 'teamName':
        out.team = typeof v === 'string' && v ? v : null;
        break;
      case 'teamId':
        if (!('teamName' in changes)) out.team = typeof v === 'string' ? tickets.teamName(v) : null;
        break;
      case 'categoryName':
        out.category = typeof v === 'string' && v ? v : null;
        break;
      case 'categoryId':
        if (!('categoryName' in changes)) out.category = typeof v === 'string' ? tickets.categoryName(v) : null;
        break;
      default:
        break;
    }
  }
  return out;
}

/** The fields of a `ticket.create` payload in sync vocabulary. */
export function createPayloadToSync(tickets: TicketReplicaPort, p: Extract<OutboxRow, { kind: 'ticket.create' }>['payload']): SyncFields {
  return {
    subject: p.subject,
    description: p.description,
    type: p.type === 'request' ? 'request' : 'incident',
    status: p.status,
    urgency: p.urgency,
    impact: p.impact,
    priority: p.priority,
    category: p.categoryName ?? (p.categoryId ? tickets.categoryName(p.categoryId) : null),
    team: p.teamName ?? (p.teamId ? tickets.teamName(p.teamId) : null),
    technician: p.technician,
    requesterName: p.requesterName,
    requesterPhone: p.requesterPhone,
    requesterEmail: p.requesterEmail ?? '',
    asset: tickets.assetNames(p.assetIds)[0] ?? null,
    solution: p.solution,
    organisation: p.organisationId ? tickets.organisationCode(p.organisationId) : null,
  };
}

/** Links a local ticket to its server ticket (the ticket's column and the sync mapping). */
export function setServerId(db: Db, tickets: TicketReplicaPort, ticketId: string, serverId: string): void {
  const other = tickets.byServerId(serverId);
  if (other && other !== ticketId) throw new Error(`server ticket ${serverId} is already linked to another local ticket`);
  tickets.setServerId(ticketId, serverId);
  db.prepare('INSERT INTO sync_tickets (ticket_id, server_id) VALUES (?, ?) ON CONFLICT(ticket_id) DO UPDATE SET server_id = excluded.server_id').run(ticketId, serverId);
}

/**
 * The outbox rows of one ticket not done yet, oldest first. A row that does not match the
 * outbox format (a kind this version does not know, a damaged payload) is parked with the
 * reason instead of stopping the whole drain.
 */
export function readTicketOps(db: Db, ticketId: string): OutboxRow[] {
  const rows = db
    .prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE ticket_id = ? AND state IN ('pending', 'parked') ORDER BY seq`)
    .all(ticketId) as Record<string, unknown>[];
  const out: OutboxRow[] = [];
  for (const r of rows) {
    let parsed: ReturnType<typeof outboxRowSchema.safeParse> | null = null;
    try {
      parsed = outboxRowSchema.safeParse(outboxRowFromDb(r));
    } catch {
      parsed = null;
    }
    if (parsed?.success) {
      out.push(parsed.data);
      continue;
    }
    if (r.state === 'pending') {
      const message = `outbox row not understood by this version of Relais (kind "${String(r.kind).slice(0, 40)}"): update Relais or discard this change`;
      db.prepare("UPDATE outbox SET state = 'parked', last_error = ? WHERE seq = ?").run(JSON.stringify({ kind: 'rejected', status: null, message }), r.seq);
    }
    // A parked unreadable row still blocks the ticket's queue (FIFO): return it as a placeholder.
    out.push({ seq: Number(r.seq), opId: String(r.op_id), ticketId, kind: 'followup.create', payload: { id: '', ticketId, kind: 'invalid', author: '', createdAt: '', body: '', data: null, private: true }, base: null, createdAt: String(r.created_at), state: 'parked', attempts: Number(r.attempts) });
  }
  return out;
}

/** Sync fields a local ticket has changes for that the server has not acknowledged yet. */
export function pendingFields(db: Db, tickets: TicketReplicaPort, ticketId: string): { all: boolean; fields: Set<SyncField> } {
  const rows = readTicketOps(db, ticketId);
  const fields = new Set<SyncField>();
  let all = false;
  for (const r of rows) {
    if (r.kind === 'ticket.create') all = true;
    if (r.kind === 'ticket.update') for (const k of Object.keys(changesToSync(tickets, r.payload.changes)) as SyncField[]) fields.add(k);
  }
  return { all, fields };
}

const sameValue = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

/** `moved`: the server's version of an existing ticket is new (its follow-ups may have changed). */
export type UpsertResult = { ticketId: string; created: boolean; changed: boolean; moved?: boolean };

/**
 * Applies one server ticket to the local store (in the caller's transaction). Fields with
 * local changes not yet pushed are left alone (push merges them three-way); the rest take
 * the server's value. `normalize` lets a connector say two values mean the same thing on
 * its server (RT "open" is both 2 and 3).
 */
export function upsertRemoteTicket(
  db: Db,
  tickets: TicketReplicaPort,
  t: RemoteTicket,
  opts: {
    createdBy: string;
    normalize: (f: SyncField, v: unknown) => unknown;
    localOpTicket: (opId: string) => string | null;
    /**
     * Servers date changes to the second: a version read in the very second it was made may
     * hide a later change of that second under the same date. Such a version is compared
     * field by field again (and its follow-ups fetched) instead of being skipped as known;
     * applying it twice changes nothing.
     */
    recheck?: boolean;
  },
): UpsertResult {
  let ticketId = tickets.byServerId(t.serverId);
  if (!ticketId && t.opId) {
    // Created by us (the response may have been lost): link instead of duplicating.
    const local = opts.localOpTicket(t.opId);
    if (local && !tickets.serverIdOf(local)) {
      setServerId(db, tickets, local, t.serverId);
      ticketId = local;
    }
  }
  const writeMeta = (id: string) =>
    db.prepare('INSERT INTO sync_tickets (ticket_id, server_id, server_updated_at, etag) VALUES (?, ?, ?, ?) ON CONFLICT(ticket_id) DO UPDATE SET server_id = excluded.server_id, server_updated_at = excluded.server_updated_at').run(
      id,
      t.serverId,
      t.updatedAt,
      t.etag,
    );
  if (!ticketId) {
    const id = tickets.insertFromServer(t, opts.createdBy);
    writeMeta(id);
    return { ticketId: id, created: true, changed: true };
  }

  const pending = pendingFields(db, tickets, ticketId);
  const meta = db.prepare('SELECT server_updated_at FROM sync_tickets WHERE ticket_id = ?').get(ticketId) as { server_updated_at: string | null } | undefined;
  writeMeta(ticketId);
  // Overlap of the watermark: the same version again changes nothing.
  const moved = opts.recheck === true || meta?.server_updated_at !== t.updatedAt;
  if (!moved || pending.all) return { ticketId, created: false, changed: false, moved };
  const local = tickets.fields(ticketId)!;
  // A field under an open conflict keeps the technician's value: the server's side goes
  // into the conflict only (what the banner shows under "Serveur").
  const conflicted = new Map(
    (db.prepare('SELECT id, field FROM sync_conflicts WHERE ticket_id = ? AND resolved_at IS NULL').all(ticketId) as { id: number; field: string }[]).map((c) => [c.field, c.id]),
  );
  const take: Partial<SyncFields> = {};
  for (const [field, value] of Object.entries(t.fields) as [SyncField, unknown][]) {
    if (pending.fields.has(field) || field === 'requesterEmail') continue;
    const conflictId = conflicted.get(field);
    if (conflictId !== undefined) {
      db.prepare('UPDATE sync_conflicts SET server_value = ? WHERE id = ?').run(JSON.stringify(value ?? null), conflictId);
      continue;
    }
    if (sameValue(opts.normalize(field, local[field]), opts.normalize(field, value))) continue;
    (take as Record<string, unknown>)[field] = value;
  }
  if (!Object.keys(take).length) return { ticketId, created: false, changed: false, moved };
  tickets.applyServerFields(ticketId, take, t.updatedAt);
  return { ticketId, created: false, changed: true, moved };
}

/** Adds the server's follow-ups that the local timeline does not have yet (`unionTimeline`). Returns how many. */
export function upsertRemoteFollowups(tickets: TicketReplicaPort, ticketId: string, items: RemoteFollowup[], localOpFollowup: (opId: string) => string | null): number {
  const { link, add } = unionTimeline(items, { hasServerId: (serverId) => tickets.hasServerFollowup(ticketId, serverId), entryOfOp: localOpFollowup });
  for (const l of link) tickets.linkFollowup(l.localId, l.serverId);
  for (const f of add) tickets.insertServerFollowup(ticketId, f);
  return add.length;
}

/** What the server did on its own with a ticket becomes a warning on it (one per code, the latest wins). */
export function noteServerNotices(db: Db, ticketId: string, notices: readonly SyncNotice[], at: Date): void {
  const write = db.prepare(
    'INSERT INTO sync_warnings (ticket_id, code, params, at) VALUES (?, ?, ?, ?) ON CONFLICT(ticket_id, code) DO UPDATE SET params = excluded.params, at = excluded.at',
  );
  for (const n of notices) write.run(ticketId, n.code, JSON.stringify(n.params), at.toISOString());
}
