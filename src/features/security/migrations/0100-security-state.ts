import type { Migration } from '../../../platform/migration';

/**
 * Security state that must survive restarts but is not a secret: whether the vault's
 * entries are bound to their ids (issue 18) — after that, an unbound ciphertext is a copy
 * and is refused — and whether the audit chain is keyed (HMAC) rather than plain SHA-256.
 */
const migration: Migration = {
  version: 100,
  name: 'security-state',
  up(db) {
    db.exec(`
      CREATE TABLE security_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
export default migration;
