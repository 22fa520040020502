import type { Migration } from '../../../platform/migration';
import { DEFAULT_PRIORITY_RULES } from '../../../domain/priority-rules';

/**
 * Organisations, their directions and services (with criticality tiers) and sites; the
 * requester's service on people; the organisation and service a ticket was logged for.
 * The first six statements are the schema other features (dashboard, seats, incidents) rely on;
 * what follows is this feature's own: the tier snapshot, the pre-rule urgency/impact (the queue sorts tier 1 first
 * within a priority), rule tags, indexes, the two organisations and the crisis rules.
 */
const migration: Migration = {
  version: 50,
  name: 'organisations',
  up(db) {
    db.exec(`
      CREATE TABLE organisations (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
      CREATE TABLE org_units (id TEXT PRIMARY KEY,
        organisation_id TEXT NOT NULL REFERENCES organisations(id),
        parent_id TEXT REFERENCES org_units(id),
        kind TEXT NOT NULL CHECK (kind IN ('direction','service')),
        name TEXT NOT NULL,
        tier INTEGER CHECK (tier IN (1,2,3)),
        archived INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE sites (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, organisation_id TEXT REFERENCES organisations(id));
      ALTER TABLE people  ADD COLUMN service_id TEXT REFERENCES org_units(id);
      ALTER TABLE tickets ADD COLUMN organisation_id TEXT;
      ALTER TABLE tickets ADD COLUMN service_id TEXT;

      ALTER TABLE tickets ADD COLUMN service_tier INTEGER;
      -- The urgency/impact the operator entered, before the rules (re-run on a requester or
      -- category change without compounding), and whether the operator overrode the rules.
      ALTER TABLE tickets ADD COLUMN base_urgency INTEGER;
      ALTER TABLE tickets ADD COLUMN base_impact INTEGER;
      ALTER TABLE tickets ADD COLUMN priority_overridden INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE ticket_tags (
        ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (ticket_id, tag)
      );
      CREATE INDEX org_units_parent ON org_units(organisation_id, parent_id);
      CREATE INDEX people_service ON people(service_id);
      CREATE INDEX tickets_organisation ON tickets(organisation_id, status);
      CREATE INDEX tickets_service ON tickets(service_id, status);
      -- The queue's priority sort puts tier 1 first within a priority: these keep it an index
      -- walk (open queue: covering; whole table: priority then tier, only the last term sorted).
      CREATE INDEX tickets_status_priority_tier ON tickets(status, priority, service_tier);
      CREATE INDEX tickets_priority_tier ON tickets(priority DESC, COALESCE(service_tier, 4));
      CREATE INDEX ticket_tags_tag ON ticket_tags(tag);

      INSERT INTO organisations (id, code, name) VALUES
        ('metropole', 'Métropole', 'Clermont Auvergne Métropole'),
        ('ville', 'Ville', 'Ville de Clermont-Ferrand');
    `);
    db.prepare("INSERT INTO settings (key, value) VALUES ('organisation.priorityRules', ?)").run(JSON.stringify(DEFAULT_PRIORITY_RULES));
  },
};
export default migration;
