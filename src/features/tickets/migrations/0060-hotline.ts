import type { Migration } from '../../../platform/migration';

/**
 * The hotline's own tables.
 *
 * Calls being logged (drafts). The call form writes what the operator typed here as they
 * type, so a call survives navigation, a reload or a crash, and a second line can be taken
 * while the first call waits. `started_at` is when the operator picked up (first keystroke
 * or "Décrocher"): the timer restarts from it. A draft is deleted in the transaction that
 * logs its ticket, so a call is never both a draft and a ticket.
 *
 * A ticket put on hold ("En attente") says why and when to call back: waiting_reason and
 * remind_at, indexed so the view of reminders due stays instant.
 *
 * tickets_fts_vocab reads the search index's own vocabulary (no copy to keep in step): a
 * search that finds nothing looks there for the closest spelling ("bourage" → "bourrage").
 */
const migration: Migration = {
  version: 60,
  name: 'hotline',
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
      ALTER TABLE tickets ADD COLUMN waiting_reason TEXT;
      ALTER TABLE tickets ADD COLUMN remind_at TEXT;
      CREATE INDEX tickets_remind ON tickets(remind_at) WHERE remind_at IS NOT NULL;
      CREATE VIRTUAL TABLE tickets_fts_vocab USING fts5vocab(tickets_fts, 'row');
    `);
  },
};
export default migration;
