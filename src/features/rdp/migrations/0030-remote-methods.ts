import type { Migration } from '../../../platform/migration';

/**
 * Remote assistance (RDP feature):
 * - `asset_remote`: per PC, the remote methods it supports in display order, the default
 *   one and its RDP settings (JSON: port, user, domain, vault credential reference, screen,
 *   redirections, RD Gateway). Never a password: only the vault reference.
 * - `rdp_cert_trust`: trust-on-first-use store of RDP server certificates (SHA-256), per
 *   host and port, with who accepted it and when.
 * - `rdp_sessions`: every launched session (method, PC, technician, start, end, exit).
 */
const migration: Migration = {
  version: 30,
  name: 'remote-methods',
  up(db) {
    db.exec(`
      CREATE TABLE asset_remote (
        asset_id TEXT PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
        methods TEXT NOT NULL,
        default_method TEXT,
        rdp_settings TEXT NOT NULL DEFAULT '{}',
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE rdp_cert_trust (
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        approved_by TEXT NOT NULL,
        approved_at TEXT NOT NULL,
        PRIMARY KEY (host, port)
      );

      CREATE TABLE rdp_sessions (
        id TEXT PRIMARY KEY,
        ticket_id TEXT,
        asset_id TEXT NOT NULL,
        asset_name TEXT NOT NULL,
        method TEXT NOT NULL,
        target TEXT NOT NULL,
        technician TEXT NOT NULL,
        client TEXT NOT NULL,
        state TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        exit_code INTEGER,
        message TEXT
      );
      CREATE INDEX rdp_sessions_ticket ON rdp_sessions(ticket_id, started_at);
      CREATE INDEX rdp_sessions_asset ON rdp_sessions(asset_id, started_at);
    `);
  },
};
export default migration;
