import type { Db } from '../../platform/db';
import type { ImportOrgPort } from '../tickets/directory-import';
import { getUnit, findOrganisation, findUnitByName, insertUnit, setUnitTier, archiveUnit, listOrganisations } from './store';
import type { Tier } from '../../domain/organisation';

const why = (fr: string, en: string) => ({ fr, en });
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
    why(`Organisation inconnue : « ${short(v)} » (connues : ${knownOrgs()}).`, `Unknown organisation: "${short(v)}" (known: ${knownOrgs()}).`);
  return {
    resolveService(v) {
      const org = findOrganisation(db, v.organisation ?? '');
      if (!org) return { error: unknownOrg(v.organisation ?? '') };
      if (!v.service) return { serviceId: null };
      const direction = v.direction ? findUnitByName(db, org.id, 'direction', v.direction) : undefined;
      if (v.direction && !direction) return { error: why(`Direction inconnue dans ${org.code} : « ${short(v.direction)} ». Importez d'abord l'organigramme.`, `Unknown direction in ${org.code}: "${short(v.direction)}". Import the organisation tree first.`) };
      const service = findUnitByName(db, org.id, 'service', v.service, direction ? direction.id : undefined);
      if (!service) return { error: why(`Service inconnu dans ${org.code} : « ${short(v.service)} ». Importez d'abord l'organigramme (organisation, direction, service, criticité).`, `Unknown service in ${org.code}: "${short(v.service)}". Import the organisation tree first (organisation, direction, service, tier).`) };
      if (service.archived) return { error: why(`Le service « ${short(v.service)} » est archivé : choisissez un service actif.`, `Service "${short(v.service)}" is archived: pick an active service.`) };
      return { serviceId: service.id };
    },
    checkServiceLine(v) {
      if (!findOrganisation(db, v.organisation ?? '')) return unknownOrg(v.organisation ?? '');
      if (!v.service) return why('Service manquant.', 'Missing service.');
      if (v.service.length > 120 || (v.direction ?? '').length > 120) return why('Nom trop long (120 caractères au plus).', 'Name too long (at most 120 characters).');
      const tier = parseTier(v.tier);
      if (tier === 'bad') return why(`Criticité invalide : « ${short(v.tier ?? '')} » (1 vital, 2 important, 3 standard).`, `Invalid tier: "${short(v.tier ?? '')}" (1 vital, 2 important, 3 standard).`);
      if (tier === null) return why('Criticité manquante (1 vital, 2 important, 3 standard).', 'Missing tier (1 vital, 2 important, 3 standard).');
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
