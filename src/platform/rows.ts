import type { Db } from './db';
import { stmt } from './statements';

/** What a prepared statement binds: the column values SQLite stores. */
export type SqlValue = string | number | bigint | Buffer | null;

/** The one row a query finds, mapped to its domain shape; undefined when there is none. */
export function oneRow<Row, T>(db: Db, sql: string, map: (r: Row) => T, ...params: SqlValue[]): T | undefined {
  const r = stmt(db, sql).get(...params) as Row | undefined;
  return r === undefined ? undefined : map(r);
}

/** Every row a query finds, mapped to its domain shape. */
export function allRows<Row, T>(db: Db, sql: string, map: (r: Row) => T, ...params: SqlValue[]): T[] {
  return (stmt(db, sql).all(...params) as Row[]).map(map);
}
