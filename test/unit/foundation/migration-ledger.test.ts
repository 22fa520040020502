import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb } from '../../../src/platform/db';
import type { FeatureMigration } from '../../../src/platform/migration';
import { migrations } from '../../../src/features/schema/migrations';
import { makeTempDir } from '../../support/temp-dir';

const temps: (() => void)[] = [];
afterEach(() => temps.splice(0).forEach((c) => c()));
const tempFile = () => {
  const t = makeTempDir('relais-ledger-');
  temps.push(t.cleanup);
  return path.join(t.dir, 'relais.db');
};
const tables = (db: Database.Database) => (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);

/** A migration of a feature whose number sits below the newest one already applied. */
const lowNumbered: FeatureMigration = {
  feature: 'tickets',
  migration: { version: 3, name: 'call-drafts', up: (db) => db.exec('CREATE TABLE call_drafts_test (id TEXT PRIMARY KEY)') },
};

describe('migration ledger', () => {
  it('applies a new migration numbered below the newest applied one', () => {
    const file = tempFile();
    openDb(file, migrations).close();
    const db = openDb(file, [...migrations, lowNumbered]);
    expect(tables(db)).toContain('call_drafts_test');
    expect(db.prepare('SELECT id FROM schema_migrations WHERE id = ?').get('tickets/call-drafts')).toBeTruthy();
    db.close();
  });

  it('carries over a database made before the ledger (user_version) without re-running its migrations', () => {
    const file = tempFile();
    // The schema as the user_version runner left it: every migration of that time applied, no ledger.
    const shipped = migrations.filter((m) => m.beforeLedger).sort((a, b) => a.migration.version - b.migration.version);
    const legacy = new Database(file);
    for (const { migration } of shipped) migration.up(legacy);
    legacy.pragma(`user_version = ${Math.max(...shipped.map((m) => m.migration.version))}`);
    legacy.prepare(`INSERT INTO teams (id, name) VALUES ('t-keep', 'Équipe gardée')`).run();
    legacy.close();

    const db = openDb(file, [...migrations, lowNumbered]); // would throw "table already exists" if re-run
    const ids = (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual([...migrations.map((m) => `${m.feature}/${m.migration.name}`), 'tickets/call-drafts'].sort());
    expect(db.prepare(`SELECT name FROM teams WHERE id = 't-keep'`).get()).toEqual({ name: 'Équipe gardée' });
    expect(tables(db)).toContain('call_drafts_test');
    db.close();
  });

  it('applies nothing twice and refuses two migrations with one id', () => {
    const file = tempFile();
    const db = openDb(file, migrations);
    expect(migrate(db, migrations)).toEqual([]);
    expect(() => migrate(db, [...migrations, { ...lowNumbered }, { ...lowNumbered }])).toThrow(/tickets\/call-drafts/);
    db.close();
  });
});
