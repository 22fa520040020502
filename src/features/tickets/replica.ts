/**
 * The tickets feature's side of sync: keeps local tickets a replica of the ITSM server's
 * (`TicketReplicaPort`). Sync decides what to apply (three-way merge, pending changes,
 * conflicts); this module is the only place besides the workflow that writes tickets and
 * their timelines, so the tables keep one owner.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import type { SyncField, SyncFields } from '../../domain/sync-fields';
import { writeOutbox } from './outbox';
import type { TicketReplicaPort } from './port';
import type { TicketRow } from './repos/tickets';

type TicketRowLite = Pick<TicketRow, 'id' | 'server_id' | 'type' | 'status' | 'subject' | 'description' | 'urgency' | 'impact' | 'priority' | 'category_id' | 'requester_name' | 'requester_phone' | 'team_id' | 'technician' | 'solution'>;

/** Ticket columns of the sync fields stored as plain values. */
const COLUMN: Partial<Record<SyncField, string>> = {
  subject: 'subject',
  description: 'description',
  type: 'type',
  status: 'status',
  urgency: 'urgency',
  impact: 'impact',
  priority: 'priority',
  technician: 'technician',
  solution: 'solution',
  requesterName: 'requester_name',
  requesterPhone: 'requester_phone',
};

/** A sync field back to the outbox's camelCase change keys (teams and categories by name). */
function fieldToChanges(field: SyncField, value: unknown): Record<string, unknown> {
  if (field === 'team') return { teamName: value };
  if (field === 'category') return { categoryName: value };
  return { [field]: value };
}

export function createTicketReplica(db: Db, ctx: { now(): Date; currentUser(): string; changed(ids: string[]): void }): TicketReplicaPort {
  const teamName = (id: string) => (db.prepare('SELECT name FROM teams WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? null;
  const categoryName = (id: string) => (db.prepare('SELECT full_name FROM categories WHERE id = ?').get(id) as { full_name: string } | undefined)?.full_name ?? null;
  const assetNames = (ids: readonly string[]) =>
    ids.map((id) => (db.prepare('SELECT name FROM assets WHERE id = ?').get(id) as { name: string } | undefined)?.name).filter((n): n is string => !!n);
  const byServerId = (serverId: string) => (db.prepare('SELECT id FROM tickets WHERE server_id = ?').get(serverId) as { id: string } | undefined)?.id ?? null;

  function ensureTeam(name: string): string {
    const row = db.prepare('SELECT id FROM teams WHERE name = ?').get(name) as { id: string } | undefined;
    if (row) return row.id;
    const id = uuidv7();
    const pos = (db.prepare('SELECT COALESCE(MAX(position), 0) + 1 AS p FROM teams').get() as { p: number }).p;
    db.prepare('INSERT INTO teams (id, name, position, active) VALUES (?, ?, ?, 1)').run(id, name, pos);
    return id;
  }
  function ensureCategory(fullName: string): string {
    const row = db.prepare('SELECT id FROM categories WHERE full_name = ?').get(fullName) as { id: string } | undefined;
    if (row) return row.id;
    const id = uuidv7();
    const name = fullName.split('>').pop()!.trim() || fullName;
    db.prepare('INSERT INTO categories (id, parent_id, name, full_name) VALUES (?, NULL, ?, ?)').run(id, name, fullName);
    return id;
  }
  function ensureAsset(name: string): string {
    const row = db.prepare('SELECT id FROM assets WHERE name = ? COLLATE NOCASE').get(name) as { id: string } | undefined;
    if (row) return row.id;
    const id = uuidv7();
    db.prepare('INSERT INTO assets (id, name, search_key) VALUES (?, ?, ?)').run(id, name, name.toLowerCase());
    return id;
  }

  /** Columns and values for the fields stored on the ticket row; the PC link is returned apart. */
  function columnsOf(fields: Partial<SyncFields>): { sets: string[]; args: unknown[]; asset: string | null | undefined } {
    const sets: string[] = [];
    const args: unknown[] = [];
    let asset: string | null | undefined;
    for (const [field, value] of Object.entries(fields) as [SyncField, unknown][]) {
      if (field === 'team') {
        sets.push('team_id = ?');
        args.push(value ? ensureTeam(String(value)) : null);
      } else if (field === 'category') {
        sets.push('category_id = ?');
        args.push(value ? ensureCategory(String(value)) : null);
      } else if (field === 'asset') asset = (value as string | null) ?? null;
      else {
        const col = COLUMN[field];
        if (!col) continue; // requesterEmail, organisation: not kept on the local ticket
        sets.push(`${col} = ?`);
        args.push(value ?? null);
      }
    }
    return { sets, args, asset };
  }

  function applyServerFields(ticketId: string, fields: Partial<SyncFields>, updatedAt: string): boolean {
    const { sets, args, asset } = columnsOf(fields);
    if (asset !== undefined) {
      db.prepare('DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
      if (asset) db.prepare('INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)').run(ticketId, ensureAsset(asset));
    }
    if (!sets.length) return asset !== undefined;
    sets.push('updated_at = MAX(updated_at, ?)', 'version = version + 1');
    db.prepare(`UPDATE tickets SET ${sets.join(', ')} WHERE id = ?`).run(...args, updatedAt, ticketId);
    return true;
  }

  return {
    exists: (ticketId) => !!db.prepare('SELECT 1 FROM tickets WHERE id = ?').get(ticketId),
    serverIdOf: (ticketId) => (db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(ticketId) as { server_id: string | null } | undefined)?.server_id ?? null,
    byServerId,
    linked: () => (db.prepare('SELECT id, server_id AS serverId FROM tickets WHERE server_id IS NOT NULL').all() as { id: string; serverId: string }[]),
    fields(ticketId) {
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
        category: r.category_id ? categoryName(r.category_id) : null,
        team: r.team_id ? teamName(r.team_id) : null,
        technician: r.technician,
        requesterName: r.requester_name,
        requesterPhone: r.requester_phone,
        requesterEmail: '',
        asset: assetNames(assets)[0] ?? null,
        solution: r.solution,
      };
    },
    statusOf: (ticketId) => (db.prepare('SELECT status FROM tickets WHERE id = ?').get(ticketId) as { status: number } | undefined)?.status,
    teamName,
    categoryName,
    assetNames,
    organisationCode: (id) => (db.prepare('SELECT code FROM organisations WHERE id = ?').get(id) as { code: string } | undefined)?.code ?? null,
    followupServerId(followupId) {
      const row = db.prepare('SELECT server_id FROM followups WHERE id = ?').get(followupId) as { server_id: string | null } | undefined;
      return row ? row.server_id : undefined;
    },
    hasServerFollowup: (ticketId, serverId) => !!db.prepare('SELECT id FROM followups WHERE server_id = ? AND ticket_id = ?').get(serverId, ticketId),

    insertFromServer(t, createdBy) {
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
        f.category ? ensureCategory(f.category) : null,
        f.requesterName ?? '',
        f.requesterPhone ?? '',
        f.team ? ensureTeam(f.team) : null,
        f.technician ?? null,
        createdBy,
        t.createdAt,
        t.updatedAt,
        f.solution ?? null,
      );
      if (f.asset) db.prepare('INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) VALUES (?, ?)').run(id, ensureAsset(f.asset));
      return id;
    },
    applyServerFields,
    setServerId: (ticketId, serverId) => void db.prepare('UPDATE tickets SET server_id = ? WHERE id = ?').run(serverId, ticketId),
    linkFollowup: (followupId, serverId) => void db.prepare('UPDATE followups SET server_id = ? WHERE id = ?').run(serverId, followupId),
    insertServerFollowup(ticketId, f) {
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
    },
    remove(ticketId) {
      db.prepare('DELETE FROM followups WHERE ticket_id = ?').run(ticketId);
      db.prepare('DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
      db.prepare('DELETE FROM tickets WHERE id = ?').run(ticketId);
    },
    mergeInto(ticketId, targetId) {
      db.prepare('UPDATE followups SET ticket_id = ? WHERE ticket_id = ?').run(targetId, ticketId);
      db.prepare('INSERT OR IGNORE INTO ticket_assets (ticket_id, asset_id) SELECT ?, asset_id FROM ticket_assets WHERE ticket_id = ?').run(targetId, ticketId);
      db.prepare('DELETE FROM ticket_assets WHERE ticket_id = ?').run(ticketId);
      db.prepare('DELETE FROM tickets WHERE id = ?').run(ticketId);
    },
    keepLocalValue(ticketId, field, local, server) {
      const at = ctx.now().toISOString();
      db.transaction(() => {
        // Exactly the technician's value, locally and (based on the server's) on the server.
        const { sets, args } = columnsOf({ [field]: local });
        if (sets.length) db.prepare(`UPDATE tickets SET ${sets.join(', ')}, updated_at = ?, version = version + 1 WHERE id = ?`).run(...args, at, ticketId);
        writeOutbox(db, { kind: 'ticket.update', ticketId, payload: { changes: fieldToChanges(field, local) }, base: fieldToChanges(field, server) }, at);
      })();
    },
    appendLocalNotice(ticketId, entry) {
      const id = uuidv7();
      db.prepare('INSERT INTO followups (id, ticket_id, kind, author, created_at, body, data, private) VALUES (?, ?, ?, ?, ?, ?, ?, 1)').run(
        id,
        ticketId,
        entry.kind,
        ctx.currentUser(),
        ctx.now().toISOString(),
        entry.body,
        JSON.stringify(entry.data),
      );
      return { id };
    },
    changed: (ids) => {
      if (ids.length) ctx.changed(ids);
    },
  };
}
