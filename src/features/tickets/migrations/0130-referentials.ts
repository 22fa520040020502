import type { Migration } from '../../../platform/migration';

/**
 * Categories can be archived like teams: a category tickets refer to is never deleted, it
 * is hidden from the call form, the rules and the templates and shown "(archivée)" on the
 * tickets that keep it.
 * The business-hours calendar needs no table: it is a row of `settings` written when first
 * edited (until then the core computes the default with this year's holidays).
 */
const migration: Migration = {
  version: 130,
  name: 'referentials',
  up(db) {
    db.exec(`
      ALTER TABLE categories ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
      CREATE INDEX IF NOT EXISTS categories_parent ON categories(parent_id);
    `);
  },
};
export default migration;
