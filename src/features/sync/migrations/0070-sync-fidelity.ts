import type { Migration } from '../../../platform/migration';

/**
 * Sync fidelity (issue 17):
 * - `sync_warnings`: per ticket, something the server could not take (e.g. urgency when RT
 *   has no "Urgency" custom field): a code + params the renderer words, shown on the ticket,
 *   never a silent drop. Cleared when the field goes through.
 * - `sync_partial_history`: tickets brought by the first pull whose older follow-ups are not
 *   local yet; they are fetched when the ticket is opened ("historique partiel" until then).
 */
const migration: Migration = {
  version: 70,
  name: 'sync-fidelity',
  up(db) {
    db.exec(`
      CREATE TABLE sync_warnings (
        ticket_id TEXT NOT NULL,
        code TEXT NOT NULL,
        params TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (ticket_id, code)
      );
      CREATE TABLE sync_partial_history (
        ticket_id TEXT PRIMARY KEY,
        server_id TEXT NOT NULL
      );
    `);
  },
};
export default migration;
