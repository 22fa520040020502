import { v7 as uuidv7 } from 'uuid';
import type { Migration } from '../../../platform/migration';
import { LOAN_CATEGORY_NAME } from '../../../domain/loans';

/**
 * La permanence (issue 13): lendable items with their state history, requests with their
 * lines (types × quantities, partly served), reservations of pickup slots (a trigger refuses
 * any overlap on an item), loans (one active loan per item, enforced by a partial unique
 * index, so an item is never lent twice even by two consoles on one store), reminders,
 * receipts (the PDF kept as issued) and `loan_outbox`, written in the same transaction as
 * each change for the ITSM server. The "Prêt de matériel" ticket category is added when
 * missing (the call form's way into a loan request).
 */
const migration: Migration = {
  version: 110,
  name: 'loans',
  up(db) {
    db.exec(`
      CREATE TABLE loan_items (
        id TEXT PRIMARY KEY,
        tag TEXT NOT NULL UNIQUE COLLATE NOCASE,
        type TEXT NOT NULL,
        serial TEXT,
        model TEXT,
        site TEXT,
        kit TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'disponible',
        remote_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX loan_items_type_state ON loan_items(type, state);
      CREATE TABLE loan_item_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL REFERENCES loan_items(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        loan_id TEXT,
        request_id TEXT,
        agent_name TEXT
      );
      CREATE INDEX loan_item_events_item ON loan_item_events(item_id, seq);
      CREATE INDEX loan_item_events_agent ON loan_item_events(agent_name);
      CREATE TABLE loan_requests (
        id TEXT PRIMARY KEY,
        ticket_id TEXT,
        agent_name TEXT NOT NULL,
        agent_login TEXT,
        agent_email TEXT,
        person_id TEXT,
        organisation_id TEXT,
        service_id TEXT,
        service_name TEXT,
        tier INTEGER,
        priority INTEGER NOT NULL,
        reason TEXT NOT NULL,
        wanted_at TEXT,
        requested_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting',
        override TEXT,
        created_by TEXT NOT NULL,
        closed_at TEXT
      );
      CREATE INDEX loan_requests_status ON loan_requests(status);
      CREATE INDEX loan_requests_ticket ON loan_requests(ticket_id);
      CREATE TABLE loan_request_lines (
        request_id TEXT NOT NULL REFERENCES loan_requests(id),
        type TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        served INTEGER NOT NULL DEFAULT 0 CHECK (served >= 0 AND served <= quantity),
        PRIMARY KEY (request_id, type)
      );
      CREATE TABLE loan_reservations (
        id TEXT PRIMARY KEY,
        item_id TEXT NOT NULL REFERENCES loan_items(id),
        request_id TEXT,
        agent_name TEXT NOT NULL,
        begin_at TEXT NOT NULL,
        end_at TEXT NOT NULL CHECK (end_at > begin_at),
        status TEXT NOT NULL DEFAULT 'active',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE INDEX loan_reservations_item ON loan_reservations(item_id, status);
      CREATE TRIGGER loan_reservations_no_overlap BEFORE INSERT ON loan_reservations WHEN new.status = 'active' BEGIN
        SELECT RAISE(ABORT, 'loan reservation overlaps')
        WHERE EXISTS (SELECT 1 FROM loan_reservations r WHERE r.item_id = new.item_id AND r.status = 'active' AND r.begin_at < new.end_at AND new.begin_at < r.end_at);
      END;
      CREATE TABLE loans (
        id TEXT PRIMARY KEY,
        item_id TEXT NOT NULL REFERENCES loan_items(id),
        request_id TEXT,
        ticket_id TEXT,
        agent_name TEXT NOT NULL,
        agent_login TEXT,
        agent_email TEXT,
        service_name TEXT,
        start_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        condition_out TEXT NOT NULL,
        returned_at TEXT,
        condition_in TEXT,
        missing_kit TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'active',
        conflict TEXT,
        receipt_id TEXT,
        checked_out_by TEXT NOT NULL,
        checked_in_by TEXT
      );
      CREATE UNIQUE INDEX loans_one_active_per_item ON loans(item_id) WHERE status IN ('active', 'conflict');
      CREATE INDEX loans_due ON loans(status, due_at);
      CREATE INDEX loans_ticket ON loans(ticket_id);
      CREATE TABLE loan_reminders (
        id TEXT PRIMARY KEY,
        loan_id TEXT NOT NULL REFERENCES loans(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        note TEXT NOT NULL
      );
      CREATE INDEX loan_reminders_loan ON loan_reminders(loan_id);
      CREATE TABLE loan_receipts (
        id TEXT PRIMARY KEY,
        ticket_id TEXT,
        loan_ids TEXT NOT NULL,
        locale TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        pdf BLOB NOT NULL
      );
      CREATE TABLE loan_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        loan_id TEXT,
        reservation_id TEXT,
        ticket_id TEXT,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT,
        last_error TEXT,
        parked TEXT,
        outcome TEXT,
        done_at TEXT
      );
      CREATE INDEX loan_outbox_pending ON loan_outbox(done_at, seq);
    `);
    const exists = db.prepare('SELECT 1 FROM categories WHERE full_name = ?').get(LOAN_CATEGORY_NAME);
    if (!exists) db.prepare('INSERT INTO categories (id, parent_id, name, full_name) VALUES (?, NULL, ?, ?)').run(uuidv7(), LOAN_CATEGORY_NAME, LOAN_CATEGORY_NAME);
  },
};
export default migration;
