import type { Migration } from '../../../platform/migration';

/**
 * Calls being logged (drafts). The call form writes what the operator typed here as they
 * type, so a call survives navigation, a reload or a crash, and a second line can be taken
 * while the first call waits. `started_at` is when the operator picked up (first keystroke
 * or "Décrocher"): the timer restarts from it. A draft is deleted in the transaction that
 * logs its ticket, so a call is never both a draft and a ticket.
 */
const migration: Migration = {
  version: 60,
  name: 'call-drafts',
  up(db) {
    db.exec(`
      CREATE TABLE call_drafts (
        id TEXT PRIMARY KEY,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        started_at TEXT,
        form TEXT NOT NULL
      );
      CREATE INDEX call_drafts_updated ON call_drafts(updated_at);
    `);
  },
};
export default migration;
