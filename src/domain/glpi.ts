/**
 * GLPI rules the UI needs before anything is sent: the team/technician mappings' schema and
 * what GLPI 10 will do to a ticket's status on its own (docs/glpi-observed.md).
 */
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);
/**
 * Organisation code → GLPI `entities_id` (issue 12), e.g. `{ "Métropole": 1, "Ville": 2 }`;
 * 0 is GLPI's root entity. An unmapped organisation lets GLPI choose (the account's entity).
 */
export const glpiEntityMappingSchema = z.record(z.string().trim().min(1).max(64), z.number().int().min(0).max(1_000_000_000));
export type GlpiEntityMapping = z.infer<typeof glpiEntityMappingSchema>;
/**
 * Local team → GLPI group, local operator login → GLPI login (unlisted names map to
 * themselves), organisation → entity.
 */
export const glpiMappingsSchema = z.strictObject({
  teams: z.record(name, name).default({}),
  technicians: z.record(name, name).default({}),
  entities: glpiEntityMappingSchema.optional(),
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
