import type { Db } from './db';

/**
 * Moves the store's housekeeping off the commit path, so logging a call pays only for its
 * own rows and one WAL fsync:
 * - WAL checkpoints: by default SQLite checkpoints inside the commit that crosses 1000 WAL
 *   pages, so every fiftieth call or so would also write and sync the main database file;
 * - FTS5 segment merges: by default the search index merges its segments inside whichever
 *   write fills a level, which multiplied a call's p99 by three on 100,000 tickets.
 * A timer does both between calls, when something was written. Durability is unchanged (a
 * committed transaction is in the synced WAL either way) and search stays as fast (merges
 * run every few seconds, in bounded steps).
 */
export function startIdleCheckpoints(db: Db, intervalMs = 3000): () => void {
  db.pragma('wal_autocheckpoint = 0');
  try {
    db.exec("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 0)");
  } catch {
    // A read-only or full store: the console still starts, and writes report the error.
  }
  let seen = -1;
  const timer = setInterval(() => {
    try {
      if (!db.open) return;
      const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      if (changes === seen) return;
      db.exec("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('merge', 500)");
      db.pragma('wal_checkpoint(PASSIVE)');
      seen = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    } catch {
      // A busy or full disk: the next tick tries again; commits are unaffected.
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (!db.open) return;
    try {
      // Leave the file as any other SQLite client expects it.
      db.exec("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 4)");
      db.pragma('wal_autocheckpoint = 1000');
    } catch {}
  };
}
