import type Database from 'better-sqlite3';

export interface Migration {
  /** Matches the NNNN prefix of the file name: the order in which missing migrations apply. */
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

/** A migration as its owning feature registers it; the ledger keys it by `feature/name`. */
export interface FeatureMigration {
  readonly feature: string;
  readonly migration: Migration;
  /** Shipped while `user_version` alone tracked the schema: a database at or past its number has it. */
  readonly beforeLedger?: true;
}

export const migrationId = (m: FeatureMigration) => `${m.feature}/${m.migration.name}`;
