import { z } from 'zod';
import { isSafeText } from '../base/text';
import { businessCalendarSchema } from './business-calendar';
import { priorityMatrixSchema, slaTargetSchema, type PriorityMatrix, type SlaTargets } from './tickets';

/**
 * What Settings edits for the whole desk (not personal preferences): teams, the category
 * tree, the priority matrix, SLA targets and the business-hours calendar. Teams and
 * categories are never deleted, only archived: tickets, rules and templates keep pointing
 * at them. Messages are keys the contract boundary words for a person (src/api/readable-issues).
 */

const id = z.string().min(1).max(64);
const teamName = z.string().trim().min(1).max(80).refine(isSafeText, { message: 'single_line' });
/** " > " joins the levels of a category's full name, as GLPI's completename does. */
const categoryName = teamName.refine((s) => !s.includes('>'), { message: 'category_separator' });

export const teamCreateInput = z.strictObject({ name: teamName });
export const teamRenameInput = z.strictObject({ id, name: teamName });
export const archiveInput = z.strictObject({ id, archived: z.boolean() });
export const categoryCreateInput = z.strictObject({ parentId: id.nullable().default(null), name: categoryName });
export const categoryRenameInput = z.strictObject({ id, name: categoryName });

export const slaSettingsSchema = z
  .record(z.string().regex(/^[1-6]$/), slaTargetSchema.extend({ ttoMinutes: z.number().int().min(1).max(525_600), ttrMinutes: z.number().int().min(1).max(525_600) }))
  .superRefine((sla, ctx) => {
    for (const [p, t] of Object.entries(sla)) if (t.ttoMinutes > t.ttrMinutes) ctx.addIssue({ code: 'custom', message: 'tto_after_ttr', path: [p, 'ttoMinutes'] });
  });

export const matrixInput = z.strictObject({ matrix: priorityMatrixSchema });
export const slaInput = z.strictObject({ sla: slaSettingsSchema });
export const calendarInput = z.strictObject({ calendar: businessCalendarSchema });

export const deskSettingsSchema = z.object({
  priorityMatrix: priorityMatrixSchema,
  sla: slaSettingsSchema,
  calendar: businessCalendarSchema,
  /** The calendar is the default one (never saved): its holidays are this year's and the next. */
  calendarIsDefault: z.boolean(),
});
export type DeskSettings = z.infer<typeof deskSettingsSchema>;

/** Where the matrix lets priority fall as urgency or impact rises (a slip of the keyboard, usually). */
export interface MatrixSlip {
  urgency: number;
  impact: number;
  /** The neighbour with one level less that has a higher priority. */
  than: { urgency: number; impact: number };
}

/** Priority must not go down when urgency or impact goes up: the first cell where it does, or null. */
export function matrixSlip(matrix: PriorityMatrix): MatrixSlip | null {
  for (let u = 1; u <= 5; u++) {
    for (let i = 1; i <= 5; i++) {
      const here = matrix[u - 1]![i - 1]!;
      if (u > 1 && matrix[u - 2]![i - 1]! > here) return { urgency: u, impact: i, than: { urgency: u - 1, impact: i } };
      if (i > 1 && matrix[u - 1]![i - 2]! > here) return { urgency: u, impact: i, than: { urgency: u, impact: i - 1 } };
    }
  }
  return null;
}

/** Every priority 1..6 needs a target; the matrix may only use six. */
export function missingSlaPriorities(sla: SlaTargets): number[] {
  return [1, 2, 3, 4, 5, 6].filter((p) => !sla[String(p)]);
}

export const referentialsEventPayloads = {
  /** Teams, categories, the matrix, SLA targets or the calendar changed: screens reload them. */
  'referentials.changed': z.object({ what: z.enum(['teams', 'categories', 'matrix', 'sla', 'calendar']) }),
} as const;
export type ReferentialsEvents = { [K in keyof typeof referentialsEventPayloads]: z.output<(typeof referentialsEventPayloads)[K]> };
