import { glpiEntityMappingSchema, type GlpiEntityMapping } from '../../../domain/glpi';

/**
 * GLPI side of the organisation (issue 12), used by the GLPI connector:
 * - on create, `input.entities_id = toGlpiEntity(mapping, fields.organisation)` when defined;
 * - read back right after, GLPI's own business rules may have filed the ticket in another
 *   entity: the value GLPI returns wins, and `entityDifference` says what to show on the ticket.
 * The mapping is configuration (`entities` of the GLPI mappings, `glpi.mappings.set`):
 * organisation code → entities_id, e.g. `{ "Métropole": 1, "Ville": 2 }` (0 is GLPI's root entity).
 */
export { glpiEntityMappingSchema, type GlpiEntityMapping };

/** The entities_id to send for an organisation code, or undefined to let GLPI choose (the user's default entity). */
export function toGlpiEntity(mapping: GlpiEntityMapping, organisation: string | null | undefined): number | undefined {
  return organisation ? mapping[organisation] : undefined;
}

/** The organisation code of an entity GLPI returned, or null when the entity is not mapped. */
export function fromGlpiEntity(mapping: GlpiEntityMapping, entitiesId: number | null | undefined): string | null {
  if (entitiesId === null || entitiesId === undefined) return null;
  return Object.entries(mapping).find(([, id]) => id === entitiesId)?.[0] ?? null;
}

/**
 * What to show on the ticket when GLPI filed it elsewhere than Relais asked: the local
 * organisation and the one GLPI kept (server wins). Null when they agree or cannot be compared.
 */
export function entityDifference(
  mapping: GlpiEntityMapping,
  localOrganisation: string | null,
  returnedEntitiesId: number | null | undefined,
): { local: string | null; server: string | null; serverEntitiesId: number } | null {
  if (returnedEntitiesId === null || returnedEntitiesId === undefined) return null;
  const asked = toGlpiEntity(mapping, localOrganisation);
  if (asked === returnedEntitiesId) return null;
  if (asked === undefined && fromGlpiEntity(mapping, returnedEntitiesId) === null) return null;
  return { local: localOrganisation, server: fromGlpiEntity(mapping, returnedEntitiesId), serverEntitiesId: returnedEntitiesId };
}
