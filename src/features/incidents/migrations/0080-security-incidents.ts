import { v7 as uuidv7 } from 'uuid';
import type { Migration } from '../../../platform/migration';
import { DEFAULT_SECURITY_CATEGORIES, DEFAULT_SECURITY_ROOT, securityCategoryFullName } from '../../../domain/incidents';

/**
 * Security incidents (issue 16): the incident beside its ticket, the evidence collected
 * (append-only: SHA-256 and the exact bytes), which timeline entries already went to the
 * audit log, and phishing reports grouped into campaigns. Seeds the "Sécurité" category
 * tree: the category is what marks a ticket as a security incident on every console.
 *
 * A security incident's ticket cannot be deleted: the triggers below make a DELETE of the
 * ticket or of its timeline a no-op (RAISE(IGNORE), so a sync that learns the server
 * deleted it keeps the local record instead of failing), and refuse outright to delete an
 * incident or to change or delete evidence.
 */
const migration: Migration = {
  version: 80,
  name: 'security-incidents',
  up(db) {
    db.exec(`
      CREATE TABLE security_incidents (
        ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
        category_key TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        contained_at TEXT,
        breach_suspected_at TEXT,
        campaign_id TEXT,
        closed_at TEXT
      );
      CREATE INDEX security_incidents_reported ON security_incidents(reported_at);

      CREATE TABLE incident_evidence (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES security_incidents(ticket_id),
        run_id TEXT UNIQUE,
        tool_id TEXT,
        label TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        content BLOB NOT NULL,
        collected_at TEXT NOT NULL,
        collected_by TEXT NOT NULL
      );
      CREATE INDEX incident_evidence_ticket ON incident_evidence(ticket_id, collected_at);

      -- Timeline entries of incident tickets already written to the audit log.
      CREATE TABLE incident_audited (
        followup_id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL
      );

      CREATE TABLE phishing_campaigns (
        id TEXT PRIMARY KEY,
        parent_ticket_id TEXT NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        subject TEXT NOT NULL,
        sender_domain TEXT NOT NULL
      );
      CREATE INDEX phishing_campaigns_last ON phishing_campaigns(last_at);

      CREATE TABLE phishing_reports (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        sender TEXT NOT NULL,
        sender_domain TEXT NOT NULL,
        subject TEXT NOT NULL,
        link_domains TEXT NOT NULL,
        links TEXT NOT NULL,
        campaign_id TEXT REFERENCES phishing_campaigns(id)
      );
      CREATE INDEX phishing_reports_at ON phishing_reports(reported_at);

      CREATE TRIGGER security_ticket_kept BEFORE DELETE ON tickets
      WHEN EXISTS (SELECT 1 FROM security_incidents WHERE ticket_id = old.id) BEGIN
        SELECT RAISE(IGNORE);
      END;
      CREATE TRIGGER security_timeline_kept BEFORE DELETE ON followups
      WHEN EXISTS (SELECT 1 FROM security_incidents WHERE ticket_id = old.ticket_id) BEGIN
        SELECT RAISE(IGNORE);
      END;
      CREATE TRIGGER security_incident_kept BEFORE DELETE ON security_incidents BEGIN
        SELECT RAISE(ABORT, 'security incidents cannot be deleted');
      END;
      CREATE TRIGGER incident_evidence_no_update BEFORE UPDATE ON incident_evidence BEGIN
        SELECT RAISE(ABORT, 'evidence is append-only');
      END;
      CREATE TRIGGER incident_evidence_no_delete BEFORE DELETE ON incident_evidence BEGIN
        SELECT RAISE(ABORT, 'evidence is append-only');
      END;
    `);

    const find = db.prepare('SELECT id FROM categories WHERE full_name = ?').pluck();
    const cat = db.prepare('INSERT INTO categories (id, parent_id, name, full_name) VALUES (?, ?, ?, ?)');
    let root = find.get(DEFAULT_SECURITY_ROOT) as string | undefined;
    if (!root) {
      root = uuidv7();
      cat.run(root, null, DEFAULT_SECURITY_ROOT, DEFAULT_SECURITY_ROOT);
    }
    for (const c of DEFAULT_SECURITY_CATEGORIES) {
      const full = securityCategoryFullName(DEFAULT_SECURITY_ROOT, c.name);
      if (!find.get(full)) cat.run(uuidv7(), root, c.name, full);
    }
  },
};
export default migration;
