import type { Migration } from '../../../platform/migration';

/**
 * Credential vault (ciphertexts only), the hash-chained audit log, the SSH host-key trust
 * store and connection profiles.
 */
const migration: Migration = {
  version: 20,
  name: 'security',
  up(db) {
    db.exec(`
      CREATE TABLE vault_entries (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        kind TEXT NOT NULL,
        backend TEXT NOT NULL,
        ciphertext BLOB NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- Append-only: each row holds the hash of the previous one.
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        ticket_id TEXT,
        details TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_ticket ON audit(ticket_id);

      CREATE TABLE host_keys (
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        key_type TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        public_key TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL,
        PRIMARY KEY (host, port)
      );

      CREATE TABLE ssh_profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        port INTEGER NOT NULL DEFAULT 22,
        username TEXT NOT NULL,
        auth TEXT NOT NULL,
        key_file TEXT,
        credential_id TEXT,
        jump TEXT,
        asset_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
export default migration;
