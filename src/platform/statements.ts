import type Database from 'better-sqlite3';
import type { Db } from './db';

/** Prepared statements cached per database: preparing costs more than running a small query. */
const caches = new WeakMap<Db, Map<string, Database.Statement>>();

export function stmt(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}
