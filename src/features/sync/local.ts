/**
 * The sync engine's side of the local store: reads local tickets in sync vocabulary,
 * applies what the server sent (upsert into the same tables the tickets feature uses,
 * schema of migration 0001), keeps the local ↔ server id mapping, the outbox retry
 * columns, conflicts and skipped items. Writes that the tickets feature makes go through
 * its own repository; sync never writes outbox rows for what it pulls.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { OUTBOX_COLUMNS, outboxRowFromDb, outboxRowSchema, type OutboxRow } from '../tickets/outbox';
import type { RemoteFollowup, RemoteTicket, SyncField, SyncFields, SyncNotice } from './types';

export interface TicketRowLite {
  id: string;
  server_id: string | null;
  type: string;
  status: number;
  subject: string;
  description: string;
  urgency: number;
  impact: number;
  priority: number;
  category_id: string | null;
  requester_name: string;
  requester_phone: string;
  requester_id: string | null;
  team_id: string | null;
  technician: string | null;
  solution: string | null;
}

/** Maps outbox change keys (camelCase ticket fields) to sync fields; the rest are local-only. */
export function changesToSync(db: Db, changes: Record<string, unknown>): Partial<SyncFields> {
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
        if (!('teamName' in changes)) out.team = typeof v === 'string' ? teamName(db, v) : null;
        break;
      case 'categoryName':
        out.category = typeof v === 'string' && v ? v : null;
        break;
      case 'categoryId':
        if (!('categoryName' in changes)) out.category = typeof v === 'string' ? categoryName(db, v) : null;
        break;
      default:
        break;
    }
  }
  return out;
}

export function teamName(db: Db, id: string): string | null {
  return (db.prepare('SELECT name FROM teams WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? null;
}
export function categoryName(db: Db, id: string): string | null {
  return (db.prepare('SELECT full_name FROM categories WHERE id = ?').get(id) as { full_name: string } | undefined)?.full_name ?? null;
}
function assetNames(db: Db, ids: string[]): string[] {
  return ids.map((id) => (db.prepare('SELECT name FROM assets WHERE id = ?').get(id) as { name: string } | undefined)?.name).filter((n): n is string => !!n);
}

/** The fields of a `ticket.create` payload in sync vocabulary. */
export function createPayloadToSync(db: Db, p: Extract<OutboxRow, { kind: 'ticket.create' }>['payload']): SyncFields {
  return {
    subject: p.subject,
    description: p.description,
    type: p.type === 'request' ? 'request' : 'incident',
    status: p.status,
    urgency: p.urgency,
    impact: p.impact,
    priority: p.priority,
    category: p.categoryName ?? (p.categoryId ? categoryName(db, p.categoryId) : null),
    team: p.teamName ?? (p.teamId ? teamName(db, p.teamId) : null),
    technician: p.technician,
    requesterName: p.requesterName,
    requesterPhone: p.requesterPhone,
    requesterEmail: p.requesterEmail ?? '',
    asset: assetNames(db, p.assetIds)[0] ?? null,
    solution: p.solution,
    organisation: p.organisationId ? organisationCode(db, p.organisationId) : null,
  };
}

function organisationCode(db: Db, id: string): string | null {
  return (db.prepare('SELECT code FROM organisations WHERE id = ?').get(id) as { code: string } | undefined)?.code ?? null;
}

/** The current local values of a ticket, in sync vocabulary. */
export function localFields(db: Db, ticketId: string): (SyncFields & { serverId: string | null }) | null {
  const r = db.prepare('SELECT * FROM tickets WHERE id = ?').get(ticketId) as TicketRowLite | undefined;
  if (!r) return null;
  const assets = (db.prepare('SELECT asset_id FROM ticket_assets WHERE ticket_id = ?').all(ticketId) as { asset_id: string }[]).map((a) => a.asset_id);
  return {
    serverId: r.server_id,
    subject: r.subject,
    description: r.description,
    type: r.type === 'request' ? 'request' : 'incident',
    status: r.status,
    urgency: r.urgency,
    impact: r.impact,
    priority: r.priority,
    category: r.category_id ? categoryName(db, r.category_id) : null,
    team: r.team_id ? teamName(db, r.team_id) : null,
    technician: r.technician,
    requesterName: r.requester_name,
    requesterPhone: r.requester_phone,
    requesterEmail: '',
    asset: assetNames(db, assets)[0] ?? null,
    solution: r.solution,
  };
}

export function serverIdOf(db: Db, ticketId: string): string | null {
  return (db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null } | undefined)?.server_id ?? null;
}
export function ticketByServerId(db: Db, serverId: string): string | null {
  return (db.prepare('SELECT id FROM tickets WHERE server_id = ?').get(serverId) as { id: string } | undefined)?.id ?? null;
}

export function setServerId(db: Db, ticketId: string, serverId: string): void {
  const other = ticketByServerId(db, serverId);
  if (other && other !== ticketId) throw new Error(`server ticket ${serverId} is already linked to another local ticket`);
  db.prepare('UPDATE tickets SET server_id = ? WHERE id = ?').run(serverId, ticketId);
  db.prepare('INSERT INTO sync_tickets (ticket_id, server_id) VALUES (?, ?) ON CONFLICT(ticket_id) DO UPDATE SET server_id = excluded.server_id').run(ticketId, serverId);
}

export function ensureTeam(db: Db, name: string): string {
  const row = db.prepare('SELECT id FROM teams WHERE name = ?').get(name) as { id: string } | undefined;
  if (row) return row.id;
  const id = uuidv7();
  const pos = (db.prepare('SELECT COALESCE(MAX(position), 0) + 1 AS p FROM teams').get() as { p: number }).p;
  db.prepare('INSERT INTO teams (id, name, position, active) VALUES (?, ?, ?, 1)').run(id, name, pos);
  return id;
}
export function ensureCategory(db: Db, fullName: string): string {
  const row = db.prepare('SELECT id FROM categories WHERE full_name = ?').get(fullName) as { id: string } | undefined;
  if (row) return row.id;
  const id = uuidv7();
  const name = fullName.split('>').pop()!.trim() || fullName;
  db.prepare('INSERT INTO categories (id, parent_id, name, full_name) VALUES (?, NULL, ?, ?)').run(id, name, fullName);
  return id;
}
function ensureAsset(db: Db, name: string): string {
  const row = db.prepare('SELECT id FROM assets WHERE name = ? COLLATE NOCASE').get(name) as { id: string } | undefined;
  if (row) return row.id;
  const id = uuidv7();
  db.prepare('INSERT INTO assets (id, name, search_key) VALUES (?, ?, ?)').run(id, name, name.toLowerCase());
  return id;
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
export function pendingFields(db: Db, ticketId: string): { all: boolean; fields: Set<SyncField> } {
  const rows = readTicketOps(db, ticketId);
  const fields = new Set<SyncField>();
  let all = false;
  for (const r of rows) {
    if (r.kind === 'ticket.create') all = true;
    if (r.kind === 'ticket.update') for (const k of Object.keys(changesToSync(db, r.payload.changes)) as SyncField[]) fields.add(k);
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
  let ticketId = ticketByServerId(db, t.serverId);
  if (!ticketId && t.opId) {
    // Created by us (the response may have been lost): link instead of duplicating.
    const local = opts.localOpTicket(t.opId);
    if (local && !serverIdOf(db, local)) {
      setServerId(db, local, t.serverId);
      ticketId = local;
    }
  }
  if (!ticketId) {
    const f = t.fields;
    const id = uuidv7();
    db.prepare(
      `INSERT INTO tickets (id, server_id, type, status, subject, description, urgency, impact, priority, category_id, channel,
         requester_name, requester_phone, team_id, technician, created_by, created_at, updated_at, solution)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'phone', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      t.serverId,
      f.type ?? 'incident',
      f.status ?? 1,
      f.subject ?? '',
      f.description ?? '',
      f.urgency ?? 3,
      f.impact ?? 3,
      f.priority ?? 3,
      f.category ? ensureCategory(db, f.category) : null,
      f.requesterName ?? '',
      f.requesterPhone ?? '',
      f.team ? ensureTeam(db, f.team) : null,
      f.technician ?? null,
      opts.createdBy,
      t.createdAt,
      t.updatedAt,
      f.solution ?? null,
    );
    if (f.asset) db.prepare('INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)').run(id, ensureAsset(db, f.asset));
    db.prepare('INSERT INTO sync_tickets (ticket_id, server_id, server_updated_at, etag) VALUES (?, ?, ?, ?) ON CONFLICT(ticket_id) DO UPDATE SET server_id = excluded.server_id, server_updated_at = excluded.server_updated_at').run(
      id,
      t.serverId,
      t.updatedAt,
      t.etag,
    );
    return { ticketId: id, created: true, changed: true };
  }

  const pending = pendingFields(db, ticketId);
  const meta = db.prepare('SELECT server_updated_at FROM sync_tickets WHERE ticket_id = ?').get(ticketId) as { server_updated_at: string | null } | undefined;
  db.prepare('INSERT INTO sync_tickets (ticket_id, server_id, server_updated_at, etag) VALUES (?, ?, ?, ?) ON CONFLICT(ticket_id) DO UPDATE SET server_id = excluded.server_id, server_updated_at = excluded.server_updated_at').run(
    ticketId,
    t.serverId,
    t.updatedAt,
    t.etag,
  );
  // Overlap of the watermark: the same version again changes nothing.
  const moved = opts.recheck === true || meta?.server_updated_at !== t.updatedAt;
  if (!moved || pending.all) return { ticketId, created: false, changed: false, moved };
  const local = localFields(db, ticketId)!;
  // A field under an open conflict keeps the technician's value: the server's side goes
  // into the conflict only (what the banner shows under "Serveur").
  const conflicted = new Map(
    (db.prepare('SELECT id, field FROM sync_conflicts WHERE ticket_id = ? AND resolved_at IS NULL').all(ticketId) as { id: number; field: string }[]).map((c) => [c.field, c.id]),
  );
  const sets: string[] = [];
  const args: unknown[] = [];
  let assetChange: string | null | undefined;
  for (const [field, value] of Object.entries(t.fields) as [SyncField, unknown][]) {
    if (pending.fields.has(field)) continue;
    const conflictId = conflicted.get(field);
    if (conflictId !== undefined) {
      db.prepare('UPDATE sync_conflicts SET server_value = ? WHERE id = ?').run(JSON.stringify(value ?? null), conflictId);
      continue;
    }
    if (sameValue(opts.normalize(field, local[field]), opts.normalize(field, value))) continue;
    switch (field) {
      case 'team':
        sets.push('team_id = ?');
        args.push(value ? ensureTeam(db, String(value)) : null);
        break;
      case 'category':
        sets.push('category_id = ?');
        args.push(value ? ensureCategory(db, String(value)) : null);
        break;
      case 'asset':
        assetChange = (value as string | null) ?? null;
        break;
      case 'requesterEmail':
        break;
      default: {
        const col = { requesterName: 'requester_name', requesterPhone: 'requester_phone' }[field as string] ?? field;
        sets.push(`${col} = ?`);
        args.push(value ?? null);
      }
    }
  }
  if (assetChange !== undefined) {
    db.prepare('DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
    if (assetChange) db.prepare('INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)').run(ticketId, ensureAsset(db, assetChange));
  }
  if (!sets.length && assetChange === undefined) return { ticketId, created: false, changed: false, moved };
  if (sets.length) {
    sets.push('updated_at = MAX(updated_at, ?)', 'version = version + 1');
    args.push(t.updatedAt);
    db.prepare(`UPDATE tickets SET ${sets.join(', ')} WHERE id = ?`).run(...args, ticketId);
  }
  return { ticketId, created: false, changed: true, moved };
}

/** What the server did on its own with a ticket becomes a warning on it (one per code, the latest wins). */
export function noteServerNotices(db: Db, ticketId: string, notices: readonly SyncNotice[], at: Date): void {
  const write = db.prepare(
    'INSERT INTO sync_warnings (ticket_id, code, params, at) VALUES (?, ?, ?, ?) ON CONFLICT(ticket_id, code) DO UPDATE SET params = excluded.params, at = excluded.at',
  );
  for (const n of notices) write.run(ticketId, n.code, JSON.stringify(n.params), at.toISOString());
}

/** Adds the server's follow-ups that the local timeline does not have yet. Returns how many. */
export function upsertRemoteFollowups(db: Db, ticketId: string, items: RemoteFollowup[], localOpFollowup: (opId: string) => string | null): number {
  let added = 0;
  for (const f of items) {
    const known = db.prepare('SELECT id FROM followups WHERE server_id = ? AND ticket_id = ?').get(f.serverId, ticketId);
    if (known) continue;
    if (f.opId) {
      const local = localOpFollowup(f.opId);
      if (local) {
        db.prepare('UPDATE followups SET server_id = ? WHERE id = ?').run(f.serverId, local);
        continue;
      }
    }
    db.prepare('INSERT INTO followups (id, ticket_id, kind, author, created_at, body, data, private, server_id) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)').run(
      uuidv7(),
      ticketId,
      'note',
      f.author || 'serveur',
      f.createdAt,
      f.body,
      f.private ? 1 : 0,
      f.serverId,
    );
    added++;
  }
  return added;
}
