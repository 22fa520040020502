import type { Migration } from '../../../platform/migration';

/**
 * Parent/child links between tickets: a call about an outage ("incident majeur") is linked to
 * the parent ticket that tracks it, so the parent lists every caller and each child says what
 * it belongs to. One parent per ticket; a parent is not itself a child (one level, as GLPI's
 * "fils de" and RT's MemberOf are used by a hotline). Removing a ticket removes its links.
 */
const migration: Migration = {
  version: 140,
  name: 'ticket-links',
  up(db) {
    db.exec(`
      CREATE TABLE ticket_links (
        child_id TEXT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
        parent_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        CHECK (child_id <> parent_id)
      );
      CREATE INDEX ticket_links_parent ON ticket_links(parent_id);
    `);
  },
};
export default migration;
