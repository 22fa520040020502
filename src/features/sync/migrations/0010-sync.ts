import type { Migration } from '../../../platform/migration';

/**
 * Sync (issue 4):
 * - `sync_state`: key/value (server configuration without secrets — only vault ids —,
 *   pull watermark, last successful sync, last error).
 * - `sync_tickets`: per local ticket, the server's last known version (updated time, ETag).
 *   `tickets.server_id` / `followups.server_id` hold the local ↔ server id mapping.
 * - `sync_conflicts`: a field changed both here and on the server since the change's base:
 *   shown on the ticket for the technician to choose; nothing is overwritten meanwhile.
 * - `sync_skipped`: items the server sent that could not be used (bad data), with the reason.
 * Parked operations ("à traiter") stay in `outbox` with state 'parked' and `last_error`
 * holding the server's message as JSON.
 */
const migration: Migration = {
  version: 10,
  name: 'sync',
  up(db) {
    db.exec(`
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE sync_tickets (
        ticket_id TEXT PRIMARY KEY,
        server_id TEXT NOT NULL,
        server_updated_at TEXT,
        etag TEXT
      );
      CREATE INDEX sync_tickets_server ON sync_tickets(server_id);

      CREATE TABLE sync_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id TEXT NOT NULL,
        op_id TEXT,
        field TEXT NOT NULL,
        base_value TEXT,
        local_value TEXT,
        server_value TEXT,
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
      );
      CREATE INDEX sync_conflicts_open ON sync_conflicts(ticket_id, resolved_at);

      CREATE TABLE sync_skipped (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        server_id TEXT,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
      );
    `);
  },
};
export default migration;
