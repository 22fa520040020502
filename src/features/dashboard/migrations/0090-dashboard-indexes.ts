import type { Migration } from '../../../platform/migration';

/**
 * Indexes the dashboard's ranges read (src/features/dashboard/aggregates.ts): tickets taken
 * in charge, resolved, or done (resolved, or closed without a resolution) in a period, and
 * the calls on the timeline. Without them each figure scans every ticket of the store.
 */
const migration: Migration = {
  version: 90,
  name: 'dashboard-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX tickets_taken ON tickets(taken_at);
      CREATE INDEX tickets_resolved ON tickets(resolved_at);
      CREATE INDEX tickets_done ON tickets(COALESCE(resolved_at, closed_at));
      CREATE INDEX followups_calls ON followups(created_at) WHERE kind = 'call';
    `);
  },
};
export default migration;
