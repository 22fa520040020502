import { z } from 'zod';

/**
 * Who an agent works for and how critical their service is (pure: zod only). Two
 * organisations share the support desk (Métropole, Ville); under each, directions hold
 * services, and every service has a criticality tier: 1 vital (continuity of public
 * service: eau, assainissement, état civil, paie/finances, sécurité), 2 important, 3 standard.
 * Tables: migration 0050 (fixed schema shared with the dashboard, seats and incidents).
 */
export const tierSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Tier = z.infer<typeof tierSchema>;
export const TIERS: readonly Tier[] = [1, 2, 3];

export const organisationSchema = z.object({ id: z.string(), code: z.string(), name: z.string() });
export type Organisation = z.infer<typeof organisationSchema>;

export const orgUnitKindSchema = z.enum(['direction', 'service']);
export const orgUnitSchema = z.object({
  id: z.string(),
  organisationId: z.string(),
  parentId: z.string().nullable(),
  kind: orgUnitKindSchema,
  name: z.string(),
  /** Services only; null on directions. */
  tier: tierSchema.nullable(),
  /** A deleted service stays, archived, so old tickets still name it. */
  archived: z.boolean(),
});
export type OrgUnit = z.infer<typeof orgUnitSchema>;

export const siteSchema = z.object({ id: z.string(), name: z.string(), organisationId: z.string().nullable() });
export type Site = z.infer<typeof siteSchema>;

export const orgTreeSchema = z.object({
  organisations: z.array(organisationSchema),
  units: z.array(orgUnitSchema),
  sites: z.array(siteSchema),
});
export type OrgTree = z.infer<typeof orgTreeSchema>;

/**
 * The organisation and service a ticket carries (a snapshot taken at call time), with the
 * names to show: the dashboard splits the shared desk's work by organisation from it.
 */
export const ticketOrgSchema = z.object({
  organisationId: z.string().nullable(),
  organisationCode: z.string().nullable(),
  serviceId: z.string().nullable(),
  serviceName: z.string().nullable(),
  directionName: z.string().nullable(),
  /** The tier at call time (a later re-tiering does not reorder history). */
  tier: tierSchema.nullable(),
  serviceArchived: z.boolean(),
});
export type TicketOrg = z.infer<typeof ticketOrgSchema>;

export const NO_TICKET_ORG: TicketOrg = {
  organisationId: null,
  organisationCode: null,
  serviceId: null,
  serviceName: null,
  directionName: null,
  tier: null,
  serviceArchived: false,
};

/** "Population › État civil": a service with its direction, as the UI names it. */
export function unitPath(units: readonly OrgUnit[], id: string): string {
  const byId = new Map(units.map((u) => [u.id, u]));
  const names: string[] = [];
  for (let u = byId.get(id); u && names.length < 10; u = u.parentId ? byId.get(u.parentId) : undefined) names.unshift(u.name);
  return names.join(' › ');
}

/** The service's direction ids up the tree (a rule on a direction covers its services). */
export function unitAncestors(units: ReadonlyMap<string, OrgUnit>, id: string): string[] {
  const out: string[] = [];
  for (let u = units.get(id); u && out.length < 10; u = u.parentId ? units.get(u.parentId) : undefined) out.push(u.id);
  return out;
}
