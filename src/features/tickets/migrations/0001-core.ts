import type { Migration } from '../../../platform/migration';

/**
 * The core tables. Ids are UUIDv7 strings made locally; `server_id` is filled in by sync
 * once the ITSM server has the object. Timestamps are ISO-8601 UTC strings (sortable).
 */
const migration: Migration = {
  version: 1,
  name: 'core',
  up(db) {
    db.exec(`
      CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1,
        server_id TEXT
      );

      CREATE TABLE categories (
        id TEXT PRIMARY KEY,
        parent_id TEXT REFERENCES categories(id),
        name TEXT NOT NULL,
        full_name TEXT NOT NULL,
        server_id TEXT
      );

      CREATE TABLE people (
        id TEXT PRIMARY KEY,
        last_name TEXT NOT NULL,
        first_name TEXT NOT NULL DEFAULT '',
        department TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        site TEXT NOT NULL DEFAULT '',
        search_key TEXT NOT NULL,
        server_id TEXT
      );
      CREATE INDEX people_search ON people(search_key);

      CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        serial TEXT NOT NULL DEFAULT '',
        person_id TEXT REFERENCES people(id),
        ip TEXT NOT NULL DEFAULT '',
        os TEXT NOT NULL DEFAULT '',
        search_key TEXT NOT NULL,
        server_id TEXT
      );
      CREATE INDEX assets_person ON assets(person_id);

      -- number is the local ticket number shown to people and the rowid alias, so the
      -- full-text index (keyed by rowid) stays aligned even after a VACUUM.
      CREATE TABLE tickets (
        number INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        server_id TEXT UNIQUE,
        type TEXT NOT NULL,
        status INTEGER NOT NULL,
        subject TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        urgency INTEGER NOT NULL,
        impact INTEGER NOT NULL,
        priority INTEGER NOT NULL,
        category_id TEXT REFERENCES categories(id),
        channel TEXT NOT NULL,
        requester_id TEXT REFERENCES people(id),
        requester_name TEXT NOT NULL DEFAULT '',
        requester_phone TEXT NOT NULL DEFAULT '',
        team_id TEXT REFERENCES teams(id),
        technician TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        taken_at TEXT,
        resolved_at TEXT,
        closed_at TEXT,
        solution TEXT,
        tto_due TEXT,
        ttr_due TEXT,
        version INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX tickets_status ON tickets(status, updated_at);
      CREATE INDEX tickets_team ON tickets(team_id, status);
      CREATE INDEX tickets_technician ON tickets(technician, status);
      CREATE INDEX tickets_updated ON tickets(updated_at);

      CREATE TABLE ticket_assets (
        ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        asset_id TEXT NOT NULL REFERENCES assets(id),
        PRIMARY KEY (ticket_id, asset_id)
      );

      -- The timeline: calls, notes, status and assignment changes, remote sessions,
      -- tool runs. kind-specific structured data is JSON in data.
      CREATE TABLE followups (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        data TEXT,
        private INTEGER NOT NULL DEFAULT 0,
        server_id TEXT
      );
      CREATE INDEX followups_ticket ON followups(ticket_id, created_at);

      -- Every local change writes one row here in the same transaction; sync drains it
      -- FIFO per ticket. op_id (UUID) is sent to the server so a retry after a lost
      -- response can be recognised and never duplicated.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op_id TEXT NOT NULL UNIQUE,
        ticket_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        base TEXT,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT
      );
      CREATE INDEX outbox_ticket ON outbox(ticket_id, seq);
      CREATE INDEX outbox_state ON outbox(state, seq);

      -- Settings that belong to the data (not user preferences): priority matrix,
      -- SLA targets, saved views, sync watermarks.
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
export default migration;
