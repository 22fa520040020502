import type Database from 'better-sqlite3';

export interface Migration {
  /** Matches the NNNN prefix of the file name; applied in increasing order. */
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}
