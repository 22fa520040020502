import type { Db } from '../../platform/db';
import data from '../../../assets/demo/organisation.json' with { type: 'json' };
import type { Tier } from '../../domain/organisation';
import { archiveUnit, ensureSite, findUnitByName, insertUnit, setPersonService } from './store';

type Target = [string, string];

/**
 * The demo's two organisations: the Métropole (water, sanitation, invoice payment, roads…)
 * and the Ville (état civil, payroll, municipal police…), their directions and services with
 * tiers, their sites, and every demo agent placed in a service (people of a department split
 * between two services alternate, a few are placed by name). Runs inside the demo loader's transaction.
 */
export function seedOrganisationDemo(db: Db): void {
  for (const d of data.directions) {
    const dir = insertUnit(db, { organisationId: d.organisation, parentId: null, kind: 'direction', name: d.name, tier: null });
    for (const s of d.services) insertUnit(db, { organisationId: d.organisation, parentId: dir.id, kind: 'service', name: s.name, tier: s.tier as Tier });
  }
  for (const s of data.sites) ensureSite(db, s.name, s.organisation);
  const departments = data.departments as unknown as Record<string, Target | Target[]>;
  const people = db.prepare('SELECT id, department, email FROM people ORDER BY last_name, first_name').all() as { id: string; department: string; email: string }[];
  const named = data.people as unknown as Record<string, Target>;
  const seen = new Map<string, number>();
  for (const p of people) {
    const entry = named[p.email] ?? departments[p.department];
    if (!entry) continue;
    const targets = (Array.isArray(entry[0]) ? entry : [entry]) as Target[];
    const n = seen.get(p.department) ?? 0;
    seen.set(p.department, n + 1);
    const [org, name] = targets[n % targets.length]!;
    const unit = findUnitByName(db, org, 'service', name);
    if (unit) setPersonService(db, p.id, unit.id);
  }
}

/** After the demo tickets exist: services closed since ("Recensement") stay, archived, on old tickets. */
export function archiveDemoServices(db: Db): void {
  for (const d of data.directions) {
    for (const s of d.services as { name: string; archivedAfterDemo?: boolean }[]) {
      if (!s.archivedAfterDemo) continue;
      const unit = findUnitByName(db, d.organisation, 'service', s.name);
      if (unit) archiveUnit(db, unit.id);
    }
  }
}
