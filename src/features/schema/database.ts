import { migrate as migrateWith, openDb, type Db } from '../../platform/db';
import { migrations } from './migrations';

export type { Db };

/** Opens the local store with every feature's tables up to date. */
export function openDatabase(file: string): Db {
  return openDb(file, migrations);
}

/** Applies the features' missing migrations; returns the ids applied. */
export function migrate(db: Db): string[] {
  return migrateWith(db, migrations);
}
