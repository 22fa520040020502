import type { Db } from '../../platform/db';
import { localize } from '../../base/messages';
import type { ImportOrgPort } from '../tickets/directory-import';
import { getUnit, findOrganisation, findUnitByName, insertUnit, setUnitTier, archiveUnit, listOrganisations } from './store';
import type { Tier } from '../../domain/organisation';

const short = (s: string) => s.slice(0, 80);
const YES = new Set(['oui', 'yes', 'o', 'y', '1', 'x', 'vrai', 'true', 'archive', 'archivé']);

function parseTier(v: string | undefined): Tier | null | 'bad' {
  if (!v) return null;
  const m = /^\s*([123])\b/.exec(v);
  return m ? (Number(m[1]) as Tier) : 'bad';
}

/**
 * CSV lines of the organisation tree ("organisation;direction;service;criticité") and the
 * organisation/service columns of a people file. An unknown organisation or service is
 * refused on its line with the reason; the directory import then refuses the whole file.
 */
export function createImportOrgPort(db: Db): ImportOrgPort {
  const knownOrgs = () => listOrganisations(db).map((o) => o.code).join(', ');
  const unknownOrg = (v: string) =>
    localize('ORG_IMPORT_UNKNOWN_ORG', { value: short(v), known: knownOrgs() });
  return {
    resolveService(v) {
      const org = findOrganisation(db, v.organisation ?? '');
      if (!org) return { error: unknownOrg(v.organisation ?? '') };
      if (!v.service) return { serviceId: null };
      const direction = v.direction ? findUnitByName(db, org.id, 'direction', v.direction) : undefined;
      if (v.direction && !direction) return { error: localize('ORG_IMPORT_UNKNOWN_DIRECTION', { org: org.code, value: short(v.direction) }) };
      const service = findUnitByName(db, org.id, 'service', v.service, direction ? direction.id : undefined);
      if (!service) return { error: localize('ORG_IMPORT_UNKNOWN_SERVICE', { org: org.code, value: short(v.service) }) };
      if (service.archived) return { error: localize('ORG_IMPORT_ARCHIVED_SERVICE', { value: short(v.service) }) };
      return { serviceId: service.id };
    },
    checkServiceLine(v) {
      if (!findOrganisation(db, v.organisation ?? '')) return unknownOrg(v.organisation ?? '');
      if (!v.service) return localize('ORG_IMPORT_MISSING_SERVICE');
      if (v.service.length > 120 || (v.direction ?? '').length > 120) return localize('ORG_IMPORT_NAME_TOO_LONG');
      const tier = parseTier(v.tier);
      if (tier === 'bad') return localize('ORG_IMPORT_BAD_TIER', { value: short(v.tier ?? '') });
      if (tier === null) return localize('ORG_IMPORT_MISSING_TIER');
      return null;
    },
    writeServiceLine(v) {
      const org = findOrganisation(db, v.organisation!)!;
      const tier = parseTier(v.tier) as Tier;
      let parentId: string | null = null;
      if (v.direction) {
        parentId = (findUnitByName(db, org.id, 'direction', v.direction) ?? insertUnit(db, { organisationId: org.id, parentId: null, kind: 'direction', name: v.direction, tier: null })).id;
      }
      const existing = findUnitByName(db, org.id, 'service', v.service!, parentId);
      const unit = existing ?? insertUnit(db, { organisationId: org.id, parentId, kind: 'service', name: v.service!, tier });
      if (existing) setUnitTier(db, existing.id, tier);
      if (YES.has((v.archived ?? '').trim().toLowerCase()) && getUnit(db, unit.id)) archiveUnit(db, unit.id);
    },
  };
}
