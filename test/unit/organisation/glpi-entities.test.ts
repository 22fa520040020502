import { describe, expect, it } from 'vitest';
import { entityDifference, fromGlpiEntity, glpiEntityMappingSchema, toGlpiEntity } from '../../../src/features/sync/connectors/glpi-entities';

const mapping = glpiEntityMappingSchema.parse({ 'Métropole': 1, Ville: 2 });

describe('GLPI entities ↔ organisations', () => {
  it('sends the mapped entities_id and lets GLPI choose when the organisation is unknown or unmapped', () => {
    expect(toGlpiEntity(mapping, 'Ville')).toBe(2);
    expect(toGlpiEntity(mapping, 'Métropole')).toBe(1);
    expect(toGlpiEntity(mapping, 'Département')).toBeUndefined();
    expect(toGlpiEntity(mapping, null)).toBeUndefined();
  });

  it('reads back the organisation of the entity GLPI returned', () => {
    expect(fromGlpiEntity(mapping, 1)).toBe('Métropole');
    expect(fromGlpiEntity(mapping, 0)).toBeNull(); // root entity: not an organisation
  });

  it('reports a difference when GLPI’s own rules moved the ticket (GLPI wins), none when they agree', () => {
    expect(entityDifference(mapping, 'Ville', 2)).toBeNull();
    expect(entityDifference(mapping, 'Ville', 1)).toEqual({ local: 'Ville', server: 'Métropole', serverEntitiesId: 1 });
    expect(entityDifference(mapping, 'Ville', 0)).toEqual({ local: 'Ville', server: null, serverEntitiesId: 0 });
    expect(entityDifference(mapping, null, 0)).toBeNull();
  });

  it('refuses a mapping with a negative or non-integer id', () => {
    expect(glpiEntityMappingSchema.safeParse({ Ville: -1 }).success).toBe(false);
    expect(glpiEntityMappingSchema.safeParse({ Ville: 1.5 }).success).toBe(false);
  });
});
