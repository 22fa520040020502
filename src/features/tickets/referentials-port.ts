import type { Category, Team } from '../../domain/tickets';

/**
 * What other features (organisation rules, sync, incidents, templates) may read of the
 * desk's referentials, owned by the tickets feature: teams and the category tree (archived
 * ones included, flagged `active: false`), and SLA due dates on the business-hours calendar.
 */
export interface ReferentialsPort {
  teams(): Team[];
  categories(): Category[];
  /** Due dates for a ticket created at `createdAt`; `override`: a priority rule's own targets. */
  slaDueDates(createdAt: Date, priority: number, override?: { ttoMinutes: number; ttrMinutes: number } | null): { ttoDue: string; ttrDue: string };
}
