import type { Db } from './db';

/**
 * Moves WAL checkpoints off the commit path. By default SQLite checkpoints inside the
 * commit that crosses 1000 WAL pages, so every fiftieth logged call or so would also pay
 * for writing and syncing the main database file. Here commits only append (and fsync)
 * the WAL, and a timer folds it back into the database between calls, when the console
 * is idle. Durability is unchanged: a committed transaction is in the synced WAL either way.
 */
export function startIdleCheckpoints(db: Db, intervalMs = 3000): () => void {
  db.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => {
    try {
      if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A busy or full disk: the next tick tries again; commits are unaffected.
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
}
