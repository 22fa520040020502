/**
 * What the ticket view shows of sync (`sync.ticket`): open conflicts, changes waiting or
 * parked with the server's message, the server id, warnings (code + params) and whether
 * older follow-ups are still on the server only.
 */
import type { Db } from '../../platform/db';
import type { TicketReplicaPort } from '../tickets/port';
import { safeParse } from './engine-types';

export function parseJson(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** A parked change in one line, for the banner. */
export function summarize(kind: string, payload: string): string {
  const p = parseJson(payload) as Record<string, unknown> | null;
  if (!p || typeof p !== 'object') return kind;
  if (kind === 'ticket.create') return `création « ${String(p.subject ?? '').slice(0, 120)} »`;
  if (kind === 'followup.create') return `suivi « ${String(p.body ?? '').slice(0, 120)} »`;
  const changes = (p.changes ?? {}) as Record<string, unknown>;
  return `modification : ${Object.entries(changes)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ')
    .slice(0, 200)}`;
}

type ConflictRow = { id: number; ticket_id: string; field: string; base_value: string | null; local_value: string | null; server_value: string | null; detected_at: string };
type OpRow = { op_id: string; ticket_id: string; kind: string; payload: string; created_at: string; state: string; last_error: string | null };

export function readTicketState(db: Db, tickets: TicketReplicaPort, ticketId: string, historyPartial: boolean) {
  const conflicts = (db.prepare('SELECT * FROM sync_conflicts WHERE ticket_id = ? AND resolved_at IS NULL ORDER BY id').all(ticketId) as ConflictRow[]).map((c) => ({
    id: c.id,
    ticketId: c.ticket_id,
    field: c.field,
    baseValue: parseJson(c.base_value),
    localValue: parseJson(c.local_value),
    serverValue: parseJson(c.server_value),
    detectedAt: c.detected_at,
  }));
  const ops = db
    .prepare("SELECT op_id, ticket_id, kind, payload, created_at, state, last_error FROM outbox WHERE ticket_id = ? AND state IN ('pending', 'parked') ORDER BY seq")
    .all(ticketId) as OpRow[];
  const parked = ops
    .filter((o) => o.state === 'parked')
    .map((o) => {
      const e = safeParse(o.last_error);
      return { opId: o.op_id, ticketId: o.ticket_id, kind: o.kind, createdAt: o.created_at, summary: summarize(o.kind, o.payload), serverMessage: e?.message ?? '', status: e?.status ?? null, reason: e?.kind ?? 'rejected' };
    });
  const warnings = (db.prepare('SELECT code, params FROM sync_warnings WHERE ticket_id = ? ORDER BY code').all(ticketId) as { code: string; params: string }[]).map((w) => ({
    code: w.code,
    params: (parseJson(w.params) as Record<string, unknown> | null) ?? {},
  }));
  return { ticketId, serverId: tickets.serverIdOf(ticketId), pending: ops.filter((o) => o.state === 'pending').length, conflicts, parked, historyPartial, warnings };
}
