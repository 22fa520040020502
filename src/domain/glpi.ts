/**
 * GLPI rules the UI needs before anything is sent: the team/technician mappings' schema and
 * what GLPI 10 will do to a ticket's status on its own (docs/glpi-observed.md).
 */
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);
/** Local team → GLPI group, local operator login → GLPI login. Unlisted names map to themselves. */
export const glpiMappingsSchema = z.strictObject({
  teams: z.record(name, name).default({}),
  technicians: z.record(name, name).default({}),
});
export type GlpiMappingsInput = z.input<typeof glpiMappingsSchema>;

/**
 * The status GLPI will keep after Relais sends a ticket: GLPI turns "new" (1) into "in progress
 * (assigned)" (2) as soon as a group or a technician is assigned. The call form shows `notice`
 * (a message code with params) before sending, so the change is expected, not a surprise.
 */
export function glpiStatusAfterSend(status: number, actors: { group: boolean; technician: boolean }): { status: number; notice: { code: string; params: { from: number; to: number } } | null } {
  if (status === 1 && (actors.group || actors.technician)) return { status: 2, notice: { code: 'glpi.statusBecomesAssigned', params: { from: 1, to: 2 } } };
  return { status, notice: null };
}
