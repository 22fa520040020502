import type { Migration } from '../../../platform/migration';

/**
 * Remote-access seats (issue 14): pools with a capacity and per-organisation quotas, seats
 * held by agents, the waiting list of requests, and the last time each login was seen
 * connected (for idle reclaim). Organisations are referred to by id (TEXT, no foreign key:
 * the organisation tables belong to the organisation feature).
 */
const migration: Migration = {
  version: 65,
  name: 'seats',
  up(db) {
    db.exec(`
      CREATE TABLE seat_pools (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        capacity INTEGER NOT NULL CHECK (capacity >= 0),
        validity_days INTEGER NOT NULL,
        idle_days INTEGER NOT NULL,
        live TEXT NOT NULL DEFAULT '{"kind":"none"}',
        revision INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE seat_pool_shares (
        pool_id TEXT NOT NULL REFERENCES seat_pools(id) ON DELETE CASCADE,
        organisation_id TEXT NOT NULL,
        quota INTEGER NOT NULL CHECK (quota >= 0),
        lendable INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (pool_id, organisation_id)
      );
      CREATE TABLE seats (
        id TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES seat_pools(id),
        holder_name TEXT NOT NULL,
        holder_login TEXT NOT NULL,
        person_id TEXT,
        organisation_id TEXT,
        tier INTEGER,
        reason TEXT NOT NULL,
        ticket_id TEXT,
        request_id TEXT,
        started_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active','revoked','expired')),
        ended_at TEXT,
        end_reason TEXT,
        borrowed_from TEXT,
        assigned_by TEXT NOT NULL
      );
      CREATE INDEX seats_pool_status ON seats(pool_id, status);
      CREATE INDEX seats_login ON seats(holder_login, status);
      CREATE TABLE seat_requests (
        id TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES seat_pools(id),
        requester_name TEXT NOT NULL,
        requester_login TEXT NOT NULL,
        person_id TEXT,
        organisation_id TEXT,
        service_id TEXT,
        tier INTEGER,
        priority INTEGER NOT NULL,
        reason TEXT NOT NULL,
        ticket_id TEXT,
        requested_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('waiting','served','cancelled')),
        override TEXT,
        seat_id TEXT,
        closed_at TEXT
      );
      CREATE INDEX seat_requests_pool ON seat_requests(pool_id, status);
      -- Changes to push to the ITSM server (RT assets), in order; written in the same
      -- transaction as the change. done_at set once pushed; error kept when it needs a person.
      CREATE TABLE seat_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op TEXT NOT NULL CHECK (op IN ('assign','release')),
        seat_id TEXT NOT NULL,
        pool_name TEXT NOT NULL,
        login TEXT NOT NULL,
        organisation_id TEXT,
        created_at TEXT NOT NULL,
        done_at TEXT,
        attention TEXT
      );
      CREATE TABLE seat_last_seen (
        pool_id TEXT NOT NULL,
        login TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        PRIMARY KEY (pool_id, login)
      );
    `);
  },
};
export default migration;
