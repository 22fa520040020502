import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../../platform/db';
import type { Followup } from '../../../domain/tickets';
import { stmt } from '../../../platform/statements';
import { writeOutbox } from '../outbox';

export interface TimelineEntry {
  kind: string;
  author?: string;
  body: string;
  data?: unknown;
  private?: boolean;
}

type FollowupRow = { id: string; ticket_id: string; kind: string; author: string; created_at: string; body: string; data: string | null; private: number };
const toFollowup = (r: FollowupRow): Followup => ({
  id: r.id,
  ticketId: r.ticket_id,
  kind: r.kind,
  author: r.author,
  createdAt: r.created_at,
  body: r.body,
  data: r.data === null ? null : safeJson(r.data),
  private: r.private === 1,
});
function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** Inserts one timeline entry and its `followup.create` outbox row. Runs inside the caller's transaction. */
export function insertFollowup(db: Db, ticketId: string, entry: TimelineEntry, defaults: { author: string; createdAt: string }): Followup {
  const f: Followup = {
    id: uuidv7(),
    ticketId,
    kind: entry.kind,
    author: entry.author ?? defaults.author,
    createdAt: defaults.createdAt,
    body: entry.body,
    data: entry.data === undefined ? null : entry.data,
    private: entry.private ?? false,
  };
  stmt(db, 'INSERT INTO followups (id, ticket_id, kind, author, created_at, body, data, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    f.id, f.ticketId, f.kind, f.author, f.createdAt, f.body, f.data === null ? null : JSON.stringify(f.data), f.private ? 1 : 0,
  );
  writeOutbox(db, { kind: 'followup.create', ticketId, payload: f }, f.createdAt);
  return f;
}

/** Seconds spent on the phone for a ticket, as the call form's timer measured them (calls and follow-up calls). */
export function callSeconds(db: Db, ticketId: string): number {
  const sql = "SELECT COALESCE(SUM(json_extract(data, '$.durationSec')), 0) AS s FROM followups WHERE ticket_id = ? AND (kind = 'call' OR (kind = 'note' AND json_extract(data, '$.fromCall') = 1))";
  return (stmt(db, sql).get(ticketId) as { s: number }).s;
}

export function listFollowups(db: Db, ticketId: string): Followup[] {
  return (stmt(db, 'SELECT * FROM followups WHERE ticket_id = ? ORDER BY created_at, rowid').all(ticketId) as FollowupRow[]).map(toFollowup);
}
