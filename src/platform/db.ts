import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations } from '../features/schema/migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the local store and brings its schema up to date.
 * WAL + synchronous=FULL: once a write transaction returns, it survives a crash or a
 * SIGKILL of the process, which is what lets the UI acknowledge a logged call.
 */
export function openDatabase(file: string): Db {
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
  migrate(db);
  // Keeps the planner's statistics current so the queue's filters pick the right index
  // (cheap: SQLite only analyses what changed enough).
  db.pragma('optimize = 0x10002');
  return db;
}

/** Applies every migration newer than the database, all in one transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return current;
  const apply = db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
  return pending[pending.length - 1]!.version;
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
      if (st.uid === uid && (st.mode & 0o777) !== mode) fs.chmodSync(p, mode);
    } catch {
      // Not there (yet): SQLite creates -wal/-shm with the database file's mode.
    }
  };
  tighten(path.dirname(file), 0o700);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) tighten(f, 0o600);
}
