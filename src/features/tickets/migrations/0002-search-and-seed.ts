import { v7 as uuidv7 } from 'uuid';
import type { Migration } from '../../../platform/migration';
import { DEFAULT_PRIORITY_MATRIX, DEFAULT_SLA, DEFAULT_TEAMS } from '../../../domain/tickets';

/** The ITIL category tree a municipal hotline starts with (editable later). */
const SEED_CATEGORIES: [string, string[]][] = [
  ['Matériel', ['Poste de travail', 'Imprimante', 'Écran et périphériques', 'Téléphone mobile']],
  ['Logiciel', ['Bureautique', 'Messagerie', 'Application métier', 'Navigateur']],
  ['Compte et accès', ['Mot de passe', 'Droits et partages', 'Création de compte']],
  ['Réseau', ['Accès distant (VPN)', 'Wi-Fi', 'Lecteurs réseau']],
  ['Téléphonie', ['Poste fixe', 'Messagerie vocale']],
];

/**
 * Full-text search and the queue's sort indexes, plus the seed configuration.
 *
 * tickets_fts is an FTS5 table keyed by tickets.number (the rowid alias). Triggers keep it
 * in step with tickets, follow-ups and linked PCs whoever writes them (the call form,
 * sync's pull, other features' timeline entries), so search never drifts from the data.
 * unicode61 with remove_diacritics folds accents: "dupre" finds "Dupré".
 */
const migration: Migration = {
  version: 2,
  name: 'search-and-seed',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE tickets_fts USING fts5(
        subject, description, requester, assets, followups,
        tokenize = "unicode61 remove_diacritics 2",
        prefix = '2 3 4'
      );

      -- The document is built once, when the ticket row arrives: writers insert the PC links
      -- and any imported follow-ups first (foreign keys deferred), because rewriting an FTS5
      -- row right after inserting it flushes the index and makes bulk loads crawl.
      CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO tickets_fts (rowid, subject, description, requester, assets, followups)
        VALUES (
          new.number, new.subject, new.description, new.requester_name || ' ' || new.requester_phone,
          COALESCE((SELECT group_concat(a.name || ' ' || a.serial || ' ' || a.ip, ' ') FROM ticket_assets ta JOIN assets a ON a.id = ta.asset_id WHERE ta.ticket_id = new.id), ''),
          COALESCE((SELECT group_concat(body, ' ') FROM followups WHERE ticket_id = new.id AND kind <> 'call'), '')
        );
      END;
      CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, description, requester_name, requester_phone ON tickets BEGIN
        UPDATE tickets_fts SET subject = new.subject, description = new.description,
          requester = new.requester_name || ' ' || new.requester_phone
        WHERE rowid = new.number;
      END;
      CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM tickets_fts WHERE rowid = old.number;
      END;
      -- A call's body is the ticket's description, already indexed.
      CREATE TRIGGER followups_fts_insert AFTER INSERT ON followups
      WHEN new.body <> '' AND new.kind <> 'call' AND EXISTS (SELECT 1 FROM tickets WHERE id = new.ticket_id) BEGIN
        UPDATE tickets_fts SET followups = followups || ' ' || new.body
        WHERE rowid = (SELECT number FROM tickets WHERE id = new.ticket_id);
      END;
      CREATE TRIGGER ticket_assets_fts_insert AFTER INSERT ON ticket_assets
      WHEN EXISTS (SELECT 1 FROM tickets WHERE id = new.ticket_id) BEGIN
        UPDATE tickets_fts SET assets = assets || ' ' || (SELECT name || ' ' || serial || ' ' || ip FROM assets WHERE id = new.asset_id)
        WHERE rowid = (SELECT number FROM tickets WHERE id = new.ticket_id);
      END;

      CREATE INDEX tickets_priority ON tickets(priority, updated_at);
      CREATE INDEX tickets_team_updated ON tickets(team_id, updated_at);
      CREATE INDEX tickets_status_priority ON tickets(status, priority);
      CREATE INDEX tickets_created ON tickets(created_at);
      CREATE INDEX tickets_ttr_due ON tickets(ttr_due);
      CREATE INDEX tickets_requester ON tickets(requester_name COLLATE NOCASE);
      CREATE INDEX tickets_requester_id ON tickets(requester_id);
      CREATE INDEX ticket_assets_asset ON ticket_assets(asset_id);
      CREATE INDEX people_phone ON people(phone);
      CREATE INDEX assets_search ON assets(search_key);
    `);

    const team = db.prepare('INSERT INTO teams (id, name, position) VALUES (?, ?, ?)');
    DEFAULT_TEAMS.forEach((name, i) => team.run(uuidv7(), name, i));

    const cat = db.prepare('INSERT INTO categories (id, parent_id, name, full_name) VALUES (?, ?, ?, ?)');
    for (const [parent, children] of SEED_CATEGORIES) {
      const pid = uuidv7();
      cat.run(pid, null, parent, parent);
      for (const c of children) cat.run(uuidv7(), pid, c, `${parent} > ${c}`);
    }

    const setting = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    setting.run('tickets.priorityMatrix', JSON.stringify(DEFAULT_PRIORITY_MATRIX));
    setting.run('tickets.sla', JSON.stringify(DEFAULT_SLA));
  },
};
export default migration;
