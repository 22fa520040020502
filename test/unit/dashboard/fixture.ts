/**
 * A generated hotline history with everything the dashboard reads, written straight into a
 * real SQLite store, and kept as plain records so each test computes its expected answers
 * on its own from those records (never from the code under test).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../../src/features/schema/database';
import { slaDueDates } from '../../../src/domain/tickets';
import { listCategories, listTeams } from '../../../src/features/tickets/repos/teams';
import { rng } from '../../../src/features/tickets/generate';

export const OPERATORS = ['Karim Benali', 'Sandrine Leroy', 'Nadia Cherif', 'Julien Masson'];

export interface GenTicket {
  id: string;
  channel: 'phone' | 'email';
  createdAt: string;
  createdBy: string;
  takenAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  ttoDue: string;
  ttrDue: string;
  teamId: string;
  teamName: string;
  categoryId: string | null;
  categoryName: string | null;
  organisationId: string | null;
  serviceId: string | null;
  calls: { at: string; author: string; seconds: number }[];
}

export interface OrgFixture {
  organisations: { id: string; name: string }[];
  services: { id: string; organisationId: string; name: string; tier: number }[];
}

/**
 * The organisation schema of issue 12 (migration 0050), created here only when this
 * store does not have it yet, so the test runs the same before and after that merge.
 */
export function ensureOrganisationSchema(db: Db): OrgFixture {
  const cols = (db.prepare("SELECT name FROM pragma_table_info('tickets')").all() as { name: string }[]).map((c) => c.name);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  if (!tables.includes('organisations')) db.exec('CREATE TABLE organisations (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL)');
  if (!tables.includes('org_units')) {
    db.exec(`CREATE TABLE org_units (id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES organisations(id), parent_id TEXT REFERENCES org_units(id),
      kind TEXT NOT NULL CHECK (kind IN ('direction','service')), name TEXT NOT NULL, tier INTEGER CHECK (tier IN (1,2,3)), archived INTEGER NOT NULL DEFAULT 0)`);
  }
  if (!cols.includes('organisation_id')) db.exec('ALTER TABLE tickets ADD COLUMN organisation_id TEXT');
  if (!cols.includes('service_id')) db.exec('ALTER TABLE tickets ADD COLUMN service_id TEXT');
  const orgs = [
    { id: 'test-metropole', code: 'TEST-MET', name: 'Clermont Auvergne Métropole (test)' },
    { id: 'test-ville', code: 'TEST-VIL', name: 'Ville de Clermont-Ferrand (test)' },
  ];
  for (const o of orgs) db.prepare('INSERT OR IGNORE INTO organisations (id, code, name) VALUES (?, ?, ?)').run(o.id, o.code, o.name);
  const services = [
    { id: 'test-eau', organisationId: 'test-metropole', name: 'Eau potable (test)', tier: 1 },
    { id: 'test-voirie', organisationId: 'test-metropole', name: 'Voirie (test)', tier: 3 },
    { id: 'test-etatcivil', organisationId: 'test-ville', name: 'État civil (test)', tier: 1 },
    { id: 'test-culture', organisationId: 'test-ville', name: 'Médiathèques (test)', tier: 2 },
  ];
  for (const s of services) {
    db.prepare("INSERT OR IGNORE INTO org_units (id, organisation_id, kind, name, tier) VALUES (?, ?, 'service', ?, ?)").run(s.id, s.organisationId, s.name, s.tier);
  }
  return { organisations: orgs.map(({ id, name }) => ({ id, name })), services };
}

/** `n` tickets created over the `spanDays` before `now`, every field drawn at random. */
export function generateHistory(db: Db, org: OrgFixture, n: number, now: Date, spanDays = 45, seed = 7): GenTicket[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const teams = listTeams(db);
  const categories = listCategories(db).filter((c) => c.parentId !== null).slice(0, 6);
  const end = now.getTime();
  const iso = (ms: number) => new Date(Math.min(ms, end - 1000)).toISOString();
  const out: GenTicket[] = [];
  const ins = db.prepare(`INSERT INTO tickets (id, type, status, subject, urgency, impact, priority, category_id, channel, requester_name, team_id, technician,
    created_by, created_at, updated_at, taken_at, resolved_at, closed_at, tto_due, ttr_due, organisation_id, service_id)
    VALUES (?, 'incident', ?, 'Généré', 3, 3, ?, ?, ?, 'Agent', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const call = db.prepare("INSERT INTO followups (id, ticket_id, kind, author, created_at, body, data) VALUES (?, ?, 'call', ?, ?, '', ?)");
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const created = end - Math.floor(rand() * spanDays * 86_400_000);
      const channel = rand() < 0.7 ? 'phone' : 'email';
      const priority = 1 + Math.floor(rand() * 6);
      const due = slaDueDates(new Date(created), priority);
      const onPhone = channel === 'phone' && rand() < 0.3;
      const taken = onPhone ? created : rand() < 0.85 ? created + Math.floor(rand() * 10 * 3600_000) : null;
      const resolved = onPhone ? created : taken !== null && rand() < 0.6 ? taken + Math.floor(rand() * 4 * 86_400_000) : null;
      const closedOnly = resolved === null && rand() < 0.05 ? created + Math.floor(rand() * 86_400_000) : null;
      const team = pick(teams);
      const cat = rand() < 0.1 ? null : pick(categories);
      const service = rand() < 0.1 ? null : pick(org.services);
      const createdBy = pick(OPERATORS);
      const t: GenTicket = {
        id: uuidv7(),
        channel,
        createdAt: iso(created),
        createdBy,
        takenAt: taken === null ? null : iso(taken),
        resolvedAt: resolved === null ? null : iso(resolved),
        closedAt: closedOnly === null ? null : iso(closedOnly),
        ttoDue: due.ttoDue,
        ttrDue: due.ttrDue,
        teamId: team.id,
        teamName: team.name,
        categoryId: cat?.id ?? null,
        categoryName: cat?.fullName ?? null,
        organisationId: service?.organisationId ?? (rand() < 0.5 ? null : pick(org.organisations).id),
        serviceId: service?.id ?? null,
        calls: [],
      };
      // Most phone tickets carry their call; some (pulled from the server) do not; some get a call-back later.
      if (channel === 'phone' && rand() < 0.8) t.calls.push({ at: t.createdAt, author: createdBy, seconds: 30 + Math.floor(rand() * 600) });
      if (rand() < 0.15) t.calls.push({ at: iso(created + Math.floor(rand() * 2 * 86_400_000)), author: pick(OPERATORS), seconds: 20 + Math.floor(rand() * 300) });
      const status = t.resolvedAt ? 5 : t.closedAt ? 6 : t.takenAt ? 2 : 1;
      ins.run(t.id, status, priority, t.categoryId, channel, t.teamId, t.takenAt ? createdBy : null, createdBy, t.createdAt, t.createdAt, t.takenAt, t.resolvedAt, t.closedAt, t.ttoDue, t.ttrDue, t.organisationId, t.serviceId);
      for (const c of t.calls) call.run(uuidv7(), t.id, c.author, c.at, JSON.stringify({ durationSec: c.seconds, channel: 'phone' }));
      out.push(t);
    }
  })();
  return out;
}
