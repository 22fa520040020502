import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Db } from '../../platform/db';
import { readSetting, writeSetting } from '../tickets/repos/settings';
import { listTeams } from '../tickets/repos/teams';
import { commonErrors } from '../../base/errors';
import { savedDashboardSchema, type Dashboard, type DashboardSelection, type LoanFigures, type SavedDashboard, type SeatFigures } from '../../domain/dashboard';
import { computeDashboard, detectCapabilities } from './aggregates';

const SAVED_KEY = 'dashboard.saved';
const savedListSchema = z.array(savedDashboardSchema);

/** How long a computed dashboard may be served again without any ticket event (SLA clocks move). */
export const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 32;

export interface DashboardServiceDeps {
  now(): Date;
  /** Called with a listener the service uses to drop its cache when tickets change. */
  onTicketsChanged(listener: () => void): void;
  /** The loans and seats features' figures, injected at the composition root; absent: the cards say so. */
  resources?: DashboardResourcesPort;
}

/** What the resources cards need from the loans and seats features (never their tables). */
export interface DashboardResourcesPort {
  /** Loans of one organisation's requests when given (the stock stays global). */
  loans(organisationId: string | null): LoanFigures | null;
  seats(): SeatFigures | null;
}

/**
 * The dashboard's figures, cached per selection: a dashboard left open on several screens
 * asks for the same figures again and again, and the computation reads thousands of rows.
 * The cache is dropped on every ticket event (a logged call, a pull from the server), and
 * an entry lives at most a minute so open tickets' SLA states stay current.
 */
export function createDashboardService(db: Db, deps: DashboardServiceDeps) {
  const cache = new Map<string, { at: number; value: Dashboard }>();
  let generation = 0;
  deps.onTicketsChanged(() => {
    generation++;
    cache.clear();
  });

  function resources(sel: DashboardSelection): Dashboard['resources'] {
    const loans = deps.resources?.loans(sel.organisationId) ?? null;
    const seats = deps.resources?.seats() ?? null;
    return {
      loans: loans ? { available: true, figures: loans } : { available: false, reason: 'loans_missing' },
      seats: seats ? { available: true, figures: seats } : { available: false, reason: 'seats_missing' },
    };
  }

  const saved = () => readSetting(db, SAVED_KEY, savedListSchema, []);

  return {
    get generation() {
      return generation;
    },
    compute(sel: DashboardSelection): Dashboard {
      const now = deps.now();
      const key = JSON.stringify([sel, now.toDateString()]);
      const hit = cache.get(key);
      if (hit && now.getTime() - hit.at < CACHE_TTL_MS) return hit.value;
      // Capabilities are read each time (two tiny pragmas): another feature's migration may add the organisation model.
      const value = { ...computeDashboard(db, sel, now, detectCapabilities(db)), resources: resources(sel) };
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(key, { at: now.getTime(), value });
      return value;
    },
    /** The filter choices: teams always, organisations and services once the model exists. */
    meta() {
      const caps = detectCapabilities(db);
      const organisations = caps.organisations
        ? (db.prepare('SELECT id, name FROM organisations ORDER BY name').all() as { id: string; name: string }[])
        : null;
      const services = caps.organisations
        ? (db.prepare("SELECT id, organisation_id AS organisationId, name, tier FROM org_units WHERE kind = 'service' AND archived = 0 ORDER BY name").all() as {
            id: string;
            organisationId: string;
            name: string;
            tier: number | null;
          }[])
        : null;
      return { teams: listTeams(db).map((t) => ({ id: t.id, name: t.name })), organisations, services, saved: saved() };
    },
    save(name: string, selection: SavedDashboard['selection']): SavedDashboard {
      const entry: SavedDashboard = { id: uuidv7(), name, selection };
      db.transaction(() => writeSetting(db, SAVED_KEY, [...saved().filter((s) => s.name !== name), entry])).immediate();
      return entry;
    },
    deleteSaved(id: string): void {
      const list = saved();
      if (!list.some((s) => s.id === id)) throw commonErrors.notFound('NOUN_SAVED_DASHBOARD', id);
      db.transaction(() => writeSetting(db, SAVED_KEY, list.filter((s) => s.id !== id))).immediate();
    },
  };
}
export type DashboardService = ReturnType<typeof createDashboardService>;
