/**
 * The real service (contract validation, SQLite file, vault, audit log) on a temp data folder,
 * with the organisation tables (migration 0050) created only when missing, and a settable clock.
 */
import { createService, type Service } from '../../../src/api/service';
import type { Db } from '../../../src/features/schema/database';
import { makeTempDir } from '../../support/temp-dir';

export function ensureOrgSchema(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS organisations (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS org_units (id TEXT PRIMARY KEY,
      organisation_id TEXT NOT NULL REFERENCES organisations(id),
      parent_id TEXT REFERENCES org_units(id),
      kind TEXT NOT NULL CHECK (kind IN ('direction','service')),
      name TEXT NOT NULL,
      tier INTEGER CHECK (tier IN (1,2,3)),
      archived INTEGER NOT NULL DEFAULT 0);
    INSERT OR IGNORE INTO organisations VALUES ('metropole','Métropole','Clermont Auvergne Métropole'), ('ville','Ville','Ville de Clermont-Ferrand');
    INSERT OR IGNORE INTO org_units VALUES ('dir-eau','metropole',NULL,'direction','Direction du cycle de l''eau',NULL,0);
    INSERT OR IGNORE INTO org_units VALUES ('svc-eau','metropole','dir-eau','service','Eau potable',1,0);
    INSERT OR IGNORE INTO org_units VALUES ('dir-pop','ville',NULL,'direction','Direction de la population',NULL,0);
    INSERT OR IGNORE INTO org_units VALUES ('svc-etat-civil','ville','dir-pop','service','État civil',1,0);
    INSERT OR IGNORE INTO org_units VALUES ('svc-culture','ville','dir-pop','service','Culture',3,0);
  `);
}

export interface SeatsHarness {
  service: Service;
  dir: string;
  clock: { now: Date };
  call<T = any>(name: string, input?: unknown): Promise<T>;
  fail(name: string, input?: unknown): Promise<{ code: string; message: { fr: string; en: string }; details?: any }>;
  close(): Promise<void>;
}

export function makeSeatsHarness(dir = makeTempDir('relais-seats-').dir): SeatsHarness {
  const clock = { now: new Date('2026-03-12T08:00:00Z') };
  const service = createService({ dataDir: dir, host: 'web', policyFile: null, clock: () => clock.now });
  ensureOrgSchema(service.core.db);
  const raw = (name: string, input?: unknown) => service.dispatch(name, input, { clientId: 'test' });
  return {
    service,
    dir,
    clock,
    async call(name, input) {
      const r = await raw(name, input);
      if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
      return r.value as any;
    },
    async fail(name, input) {
      const r = await raw(name, input);
      if (r.ok) throw new Error(`${name} should have failed`);
      return r.error as any;
    },
    close: () => service.close(),
  };
}

export const VPN_POOL = {
  name: 'VPN agents',
  kind: 'vpn',
  capacity: 50,
  validityDays: 90,
  idleDays: 30,
  shares: [
    { organisationId: 'ville', quota: 20, lendable: true },
    { organisationId: 'metropole', quota: 30, lendable: true },
  ],
} as const;

/** What the hotline does while the server is away: Jeanne Dupré (Ville) and Paul Martin (Métropole) get a seat, Jeanne's is revoked. */
export async function assignTwoRevokeOne(h: SeatsHarness, poolId: string): Promise<void> {
  const dupre = await h.call('seats.assign', { poolId, holder: { name: 'Jeanne Dupré', login: 'agent-dupre', organisationId: 'ville', reason: 'télétravail' } });
  await h.call('seats.assign', { poolId, holder: { name: 'Paul Martin', login: 'agent-martin', organisationId: 'metropole', reason: 'astreinte' } });
  await h.call('seats.revoke', { seatId: dupre.id, reason: 'fin de mission' });
}
