import type { Migration } from '../../../platform/migration';

/**
 * Indexes the dashboard's ranges read (src/features/dashboard/aggregates.ts), each holding
 * the columns its figures need so a period is read from the index alone, never the wide
 * ticket rows: tickets created, taken in charge, resolved, or done (resolved, or closed
 * without a resolution) in a period; the calls on the timeline, by time and by ticket.
 */
const migration: Migration = {
  version: 90,
  name: 'dashboard-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX tickets_period ON tickets(created_at, channel, resolved_at, taken_at, closed_at, tto_due, ttr_due, team_id, category_id, created_by, id);
      CREATE INDEX tickets_taken ON tickets(taken_at, created_at, tto_due, team_id);
      CREATE INDEX tickets_resolved ON tickets(resolved_at, created_at, ttr_due, team_id);
      CREATE INDEX tickets_done ON tickets(COALESCE(resolved_at, closed_at), created_at, team_id);
      CREATE INDEX followups_calls ON followups(created_at) WHERE kind = 'call';
      CREATE INDEX followups_call_tickets ON followups(ticket_id) WHERE kind = 'call';
    `);
  },
};
export default migration;
