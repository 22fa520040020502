import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrationId, type FeatureMigration } from './migration';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a SQLite store and applies the given migrations.
 * WAL + synchronous=FULL: once a write transaction returns, it survives a crash or a
 * SIGKILL of the process, which is what lets the UI acknowledge a logged call.
 */
export function openDb(file: string, migrations: readonly FeatureMigration[]): Db {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    restrictToOwner(file); // the folder first, so the new file is never reachable while 0644
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') restrictToOwner(file);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  // Keeps the planner's statistics current so the queue's filters pick the right index
  // (cheap: SQLite only analyses what changed enough).
  db.pragma('optimize = 0x10002');
  return db;
}

/**
 * Applies every migration missing from the ledger, in version order, in one transaction.
 * A ledger of ids rather than one `user_version` number: a feature's migration numbered below
 * another feature's newest one is still applied. Databases made before the ledger carry over:
 * the migrations shipped before it (`beforeLedger`) at or below their `user_version` were applied.
 * Returns the ids applied now.
 */
export function migrate(db: Db, migrations: readonly FeatureMigration[]): string[] {
  const ids = migrations.map(migrationId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`Two migrations share the id ${dup}`);
  const run = db.transaction(() => {
    const hasLedger = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    if (!hasLedger) {
      db.exec(`CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
      const legacy = db.pragma('user_version', { simple: true }) as number;
      const carry = db.prepare(`INSERT INTO schema_migrations (id, applied_at) VALUES (?, 'before-ledger')`);
      for (const m of migrations) if (m.beforeLedger && m.migration.version <= legacy) carry.run(migrationId(m));
    }
    const applied = new Set((db.prepare(`SELECT id FROM schema_migrations`).all() as { id: string }[]).map((r) => r.id));
    const pending = migrations
      .filter((m) => !applied.has(migrationId(m)))
      .sort((a, b) => a.migration.version - b.migration.version);
    const record = db.prepare(`INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)`);
    for (const m of pending) {
      m.migration.up(db);
      record.run(migrationId(m), new Date().toISOString());
    }
    return pending.map(migrationId);
  });
  return run.immediate();
}

/**
 * The store holds the call log, the directory and the vault's ciphertexts: readable by its
 * owner only (folder 0700, files 0600), also when the folder already existed with looser
 * modes (mkdir's mode applies only to a folder it creates). POSIX only; a folder owned by
 * someone else (a shared mount) is left alone.
 */
export function restrictToOwner(file: string): void {
  if (process.platform === 'win32') return;
  const uid = process.getuid?.();
  const tighten = (p: string, mode: number) => {
    try {
      const st = fs.statSync(p);
      // A shared folder (sticky bit, like /tmp) is everyone's: a store file put straight in it
      // must not close it to the other users.
      if (st.isDirectory() && st.mode & 0o1000) return;
      if (st.uid === uid && (st.mode & 0o777) !== mode) fs.chmodSync(p, mode);
    } catch {
      // Not there (yet): SQLite creates -wal/-shm with the database file's mode.
    }
  };
  tighten(path.dirname(file), 0o700);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) tighten(f, 0o600);
}
