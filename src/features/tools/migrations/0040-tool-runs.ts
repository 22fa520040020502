import type { Migration } from '../../../platform/migration';

/**
 * Configuration-tool runs and installer checklists. A checklist run keeps a snapshot of its
 * steps and the state of each, written as it changes, so closing the app or a crash loses
 * nothing and the installer resumes at the step where it stopped. A run still 'running'
 * when the app starts was interrupted by the stop and is marked so.
 */
const migration: Migration = {
  version: 40,
  name: 'tool-runs',
  up(db) {
    db.exec(`
      CREATE TABLE tool_runs (
        id TEXT PRIMARY KEY,
        tool_id TEXT NOT NULL,
        tool_label TEXT NOT NULL,
        ticket_id TEXT,
        checklist_run_id TEXT,
        target TEXT NOT NULL,
        params TEXT NOT NULL,
        status TEXT NOT NULL,
        exit_code INTEGER,
        signal TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        duration_ms INTEGER,
        output_digest TEXT,
        output_bytes INTEGER NOT NULL DEFAULT 0,
        output TEXT NOT NULL DEFAULT '',
        output_truncated INTEGER NOT NULL DEFAULT 0,
        technician TEXT NOT NULL,
        elevated INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        artifact_name TEXT,
        artifact_file TEXT,
        artifact_bytes INTEGER
      );
      CREATE INDEX tool_runs_ticket ON tool_runs(ticket_id, started_at);
      CREATE INDEX tool_runs_status ON tool_runs(status);

      CREATE TABLE checklist_runs (
        id TEXT PRIMARY KEY,
        checklist_id TEXT NOT NULL,
        label TEXT NOT NULL,
        ticket_id TEXT,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        current_step INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        technician TEXT NOT NULL
      );
      CREATE INDEX checklist_runs_ticket ON checklist_runs(ticket_id, started_at);

      CREATE TABLE checklist_steps (
        run_id TEXT NOT NULL REFERENCES checklist_runs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        tool_id TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'pending',
        tool_run_id TEXT,
        note TEXT NOT NULL DEFAULT '',
        finished_at TEXT,
        done_by TEXT,
        PRIMARY KEY (run_id, idx)
      );
    `);
  },
};
export default migration;
