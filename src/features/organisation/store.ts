import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { stmt } from '../../platform/statements';
import { readSetting, writeSetting } from '../tickets/repos/settings';
import type { OrgTree, OrgUnit, Organisation, Site, Tier } from '../../domain/organisation';
import { DEFAULT_PRIORITY_RULES, priorityRulesSchema, type CallFacts, type PriorityRule } from '../../domain/priority-rules';
import { foldText, type Channel, type TicketType } from '../../domain/tickets';

/**
 * The organisation feature's tables: organisations, org_units (directions and services
 * with tiers), sites, and the priority rules (a data setting). Runs inside the caller's
 * transaction where it writes.
 */
type UnitRow = { id: string; organisation_id: string; parent_id: string | null; kind: 'direction' | 'service'; name: string; tier: number | null; archived: number };
const toUnit = (r: UnitRow): OrgUnit => ({
  id: r.id,
  organisationId: r.organisation_id,
  parentId: r.parent_id,
  kind: r.kind,
  name: r.name,
  tier: (r.tier as Tier | null) ?? null,
  archived: r.archived === 1,
});

export function listOrganisations(db: Db): Organisation[] {
  return stmt(db, 'SELECT id, code, name FROM organisations ORDER BY name').all() as Organisation[];
}
export function listUnits(db: Db): OrgUnit[] {
  return (stmt(db, 'SELECT * FROM org_units ORDER BY organisation_id, kind, name').all() as UnitRow[]).map(toUnit);
}
export function listSites(db: Db): Site[] {
  return (stmt(db, 'SELECT id, name, organisation_id FROM sites ORDER BY name').all() as { id: string; name: string; organisation_id: string | null }[]).map((r) => ({
    id: r.id,
    name: r.name,
    organisationId: r.organisation_id,
  }));
}
export function orgTree(db: Db): OrgTree {
  return { organisations: listOrganisations(db), units: listUnits(db), sites: listSites(db) };
}
export function getUnit(db: Db, id: string): OrgUnit | undefined {
  const r = stmt(db, 'SELECT * FROM org_units WHERE id = ?').get(id) as UnitRow | undefined;
  return r && toUnit(r);
}

const fold = (v: string) => foldText(v).replace(/\s+/g, ' ').trim();

/** An organisation by id, code or name, accents and case as typed in a spreadsheet ("metropole"). */
export function findOrganisation(db: Db, value: string): Organisation | undefined {
  const v = fold(value);
  return v ? listOrganisations(db).find((o) => fold(o.id) === v || fold(o.code) === v || fold(o.name) === v) : undefined;
}
/** A direction or service by name ("Etat civil" finds "État civil"); active ones first. */
export function findUnitByName(db: Db, organisationId: string, kind: 'direction' | 'service', name: string, parentId?: string | null): OrgUnit | undefined {
  const v = fold(name);
  const rows = (stmt(db, 'SELECT * FROM org_units WHERE organisation_id = ? AND kind = ? ORDER BY archived').all(organisationId, kind) as UnitRow[])
    .map(toUnit)
    .filter((u) => fold(u.name) === v);
  return parentId === undefined ? rows[0] : rows.find((u) => u.parentId === parentId);
}

export function insertUnit(db: Db, u: Omit<OrgUnit, 'id' | 'archived'> & { id?: string; archived?: boolean }): OrgUnit {
  const id = u.id ?? uuidv7();
  stmt(db, 'INSERT INTO org_units (id, organisation_id, parent_id, kind, name, tier, archived) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id, u.organisationId, u.parentId, u.kind, u.name, u.kind === 'service' ? u.tier : null, u.archived ? 1 : 0,
  );
  return { ...u, id, archived: u.archived ?? false, tier: u.kind === 'service' ? u.tier : null };
}
export function setUnitTier(db: Db, id: string, tier: Tier): void {
  stmt(db, 'UPDATE org_units SET tier = ?, archived = 0 WHERE id = ?').run(tier, id);
}
/** "Deleting" a service archives it: old tickets keep naming it, marked archived. */
export function archiveUnit(db: Db, id: string): void {
  stmt(db, 'UPDATE org_units SET archived = 1 WHERE id = ?').run(id);
}
export function ensureSite(db: Db, name: string, organisationId: string | null): string {
  const row = stmt(db, 'SELECT id FROM sites WHERE name = ?').get(name) as { id: string } | undefined;
  if (row) return row.id;
  const id = uuidv7();
  stmt(db, 'INSERT INTO sites (id, name, organisation_id) VALUES (?, ?, ?)').run(id, name, organisationId);
  return id;
}
export function setPersonService(db: Db, personId: string, serviceId: string | null): void {
  stmt(db, 'UPDATE people SET service_id = ? WHERE id = ?').run(serviceId, personId);
}

// ---------------------------------------------------------------------------------------
// Rules

export const RULES_KEY = 'organisation.priorityRules';
export function readRules(db: Db): PriorityRule[] {
  return readSetting(db, RULES_KEY, priorityRulesSchema, DEFAULT_PRIORITY_RULES);
}
export function writeRules(db: Db, rules: PriorityRule[]): void {
  writeSetting(db, RULES_KEY, rules);
}

// ---------------------------------------------------------------------------------------
// Facts for one call

export interface RequesterSnapshot {
  organisationId: string | null;
  serviceId: string | null;
  tier: Tier | null;
  unitIds: string[];
  siteId: string | null;
}
const NONE: RequesterSnapshot = { organisationId: null, serviceId: null, tier: null, unitIds: [], siteId: null };

/** The requester's service (and its directions), organisation and site, in one query. */
export function requesterSnapshot(db: Db, personId: string | null): RequesterSnapshot {
  if (!personId) return NONE;
  const r = stmt(
    db,
    `SELECT s.id AS service_id, s.organisation_id, s.tier, d.id AS d1, dd.id AS d2, st.id AS site_id
     FROM people p
     LEFT JOIN org_units s ON s.id = p.service_id
     LEFT JOIN org_units d ON d.id = s.parent_id
     LEFT JOIN org_units dd ON dd.id = d.parent_id
     LEFT JOIN sites st ON st.name = p.site
     WHERE p.id = ?`,
  ).get(personId) as { service_id: string | null; organisation_id: string | null; tier: number | null; d1: string | null; d2: string | null; site_id: string | null } | undefined;
  if (!r) return NONE;
  return {
    organisationId: r.organisation_id,
    serviceId: r.service_id,
    tier: (r.tier as Tier | null) ?? null,
    unitIds: [r.service_id, r.d1, r.d2].filter((x): x is string => x !== null),
    siteId: r.site_id,
  };
}

/** Minutes since local midnight: rules speak the desk's wall-clock time ("18:00 → 08:00"). */
export const minuteOfDay = (at: Date) => at.getHours() * 60 + at.getMinutes();

export function callFacts(snapshot: RequesterSnapshot, categoryIds: string[], call: { type: TicketType; channel: Channel; at: Date }): CallFacts {
  return {
    organisationId: snapshot.organisationId,
    unitIds: snapshot.unitIds,
    tier: snapshot.tier,
    categoryIds,
    type: call.type,
    channel: call.channel,
    siteId: snapshot.siteId,
    minuteOfDay: minuteOfDay(call.at),
  };
}
